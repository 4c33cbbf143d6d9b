"""Benchmark the enrichment job on a generated library against the fake providers.

A library of N artists x 8 local albums (default 200 x 8) is matched against a fake catalog
that holds every artist (plus, for one artist in ten, a more popular namesake with other
albums) at the default rate limits (Spotify 5/s, Deezer 10/s) and 30 ms of latency per
request. Prints requests per artist per provider, the wall time against the rate-limit floor
(the slowest provider's requests divided by its rate) and the share of items linked.

Run: .venv/bin/python bench/enrichment.py [--artists 200] [--albums 8]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # import from the repository root; bench/ratelimit.py must not shadow

from sqlalchemy import func, select  # noqa: E402

from soulspot import create_app, database  # noqa: E402
from soulspot.extensions import db  # noqa: E402
from soulspot.models import Album, Artist  # noqa: E402
from soulspot.services.enrichment import EnrichmentSettings, run_enrichment  # noqa: E402
from soulspot.wiring import providers  # noqa: E402
from tests.factories import add_album, add_artist  # noqa: E402
from tests.fakes.server import FakeProviders  # noqa: E402

SYLLABLES = ["zar", "vel", "mon", "tri", "qua", "lox", "ber", "dun", "kai", "rho", "sil", "fen"]
WORDS = ["Night", "Glass", "River", "Echo", "Paper", "Stone", "Velvet", "Signal", "Harbour"]


def band_name(rng: random.Random, index: int) -> str:
    word = "".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize()
    return f"{word} {rng.choice(WORDS)} {index}"


def album_title(rng: random.Random, index: int) -> str:
    return f"{rng.choice(WORDS)} {rng.choice(WORDS).lower()} {rng.choice(SYLLABLES)}{index}"


def build(
    fake: FakeProviders, app, artists: int, albums: int, rng: random.Random
) -> dict[str, str]:
    """The library and the catalog; returns each local artist's right Spotify URI."""
    expected: dict[str, str] = {}
    with app.app_context():
        for index in range(artists):
            name = band_name(rng, index)
            remote = fake.catalog.add_artist(name, genres=("indie",), popularity=rng.randint(5, 60))
            local = add_artist(db.session, name)
            expected[local.id] = f"spotify:artist:{remote.spotify_id}"
            for number in range(albums):
                title = album_title(rng, number)
                year = 1990 + rng.randint(0, 30)
                fake.catalog.add_album(remote, title, year=year, tracks=10)
                add_album(db.session, local, title, tracks=10, release_year=year)
            if index % 10 == 0:  # a famous namesake with a discography of its own
                namesake = fake.catalog.add_artist(name, genres=("pop",), popularity=90)
                for number in range(albums):
                    fake.catalog.add_album(namesake, album_title(rng, 100 + number), year=2015)
        db.session.commit()
    return expected


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--artists", type=int, default=200)
    parser.add_argument("--albums", type=int, default=8)
    parser.add_argument("--latency", type=float, default=0.03)
    args = parser.parse_args()
    rng = random.Random(7)
    with FakeProviders() as fake, tempfile.TemporaryDirectory() as folder:
        fake.faults.add("*", "slow", delay=args.latency)
        app = create_app(
            {
                **fake.config(real_limits=True),
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db",
                "ARTWORK_DIR": f"{folder}/artwork",
                "LOG_LEVEL": "WARNING",
            }
        )
        database.prepare(app)
        expected = build(fake, app, args.artists, args.albums, rng)
        fake.requests.clear()
        with app.app_context():
            clients = providers(app)
            started = time.perf_counter()
            result = run_enrichment(
                db.session,
                spotify=clients.spotify,
                deezer=clients.deezer,
                settings=EnrichmentSettings.from_config(app.config),
            )
            wall = time.perf_counter() - started
            artists_linked = db.session.scalar(
                select(func.count()).select_from(Artist).where(Artist.spotify_uri.is_not(None))
            )
            albums_linked = db.session.scalar(
                select(func.count()).select_from(Album).where(Album.spotify_uri.is_not(None))
            )
            linked = dict(
                db.session.execute(
                    select(Artist.id, Artist.spotify_uri).where(Artist.spotify_uri.is_not(None))
                ).all()
            )
            wrong = sum(1 for artist_id, uri in linked.items() if expected[artist_id] != uri)
            deezer_albums = db.session.scalar(
                select(func.count()).select_from(Album).where(Album.deezer_id.is_not(None))
            )
        spotify_api = [r for r in fake.records("spotify") if "/accounts/" not in r.path]
        deezer_api = fake.records("deezer")
        spotify_rate = float(app.config["SPOTIFY_RATE_LIMIT"])
        deezer_rate = float(app.config["DEEZER_RATE_LIMIT"])
        floor = max(len(spotify_api) / spotify_rate, len(deezer_api) / deezer_rate)
        n, items = args.artists, args.artists * args.albums
        print(f"library: {n} artists x {args.albums} albums, {args.latency * 1000:.0f} ms latency")
        print(
            f"spotify requests per artist: {len(spotify_api) / n:.2f} "
            f"(naive per-album search: {1 + args.albums}), token requests: "
            f"{fake.count('spotify') - len(spotify_api)}"
        )
        print(f"deezer requests per artist:  {len(deezer_api) / n:.2f}")
        print(
            f"wall time: {wall:.1f} s, rate-limit floor: {floor:.1f} s "
            f"(spotify {spotify_rate:g}/s, deezer {deezer_rate:g}/s), ratio {wall / floor:.2f}x"
        )
        print(
            f"linked on spotify: artists {artists_linked}/{n} ({artists_linked / n:.0%}), "
            f"albums {albums_linked}/{items} ({albums_linked / items:.0%}); "
            f"deezer albums {deezer_albums}/{items} ({deezer_albums / items:.0%})"
        )
        print(f"wrong artist links: {wrong} of {len(linked)}")
        print(
            f"job result errors: {len(result['errors'])}, candidates queued: "
            f"{result.get('candidates_created', 0)}"
        )


if __name__ == "__main__":
    main()
