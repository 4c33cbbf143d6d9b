"""Benchmark the discography fetch (the DISCOGRAPHY_FETCH job's service) against the fake.

N artists (default 40), each linked to Deezer with a discography of A albums (default 12) of
which L (default 4) are local, fetched with their tracks at Deezer's default rate limit
(10/s) and 30 ms of latency per request. Prints the requests per album fetched (every
request counted, pagination included), the wall time against the rate-limit floor (Deezer's
requests divided by its rate) and what was stored.

Run: .venv/bin/python bench/discography.py [--artists 40] [--albums 12] [--local 4]
     [--tracks 12] [--long-every 0]  (every K-th album has 130 tracks: two pages)
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
from soulspot.models import Album, Track  # noqa: E402
from soulspot.services.discography import fetch_discographies  # noqa: E402
from soulspot.services.enrichment import EnrichmentSettings  # noqa: E402
from soulspot.wiring import providers  # noqa: E402
from tests.factories import add_album, add_artist  # noqa: E402
from tests.fakes.server import FakeProviders  # noqa: E402

WORDS = ["Night", "Glass", "River", "Echo", "Paper", "Stone", "Velvet", "Signal", "Harbour"]
LONG_ALBUM = 130  # tracks: more than one page of Deezer's track list (100 a page)


def build(fake: FakeProviders, app, args: argparse.Namespace, rng: random.Random) -> int:
    """The library and the catalog; returns how many albums the fetch should store."""
    expected = 0
    number = 0
    with app.app_context():
        for index in range(args.artists):
            name = f"{rng.choice(WORDS)} {rng.choice(WORDS)} {index}"
            remote = fake.catalog.add_artist(name, genres=("indie",))
            local = add_artist(db.session, name, deezer_id=str(remote.deezer_id))
            for album_index in range(args.albums):
                number += 1
                long = args.long_every and number % args.long_every == 0
                tracks = LONG_ALBUM if long else args.tracks
                title = f"{rng.choice(WORDS)} {album_index} {index}"
                year = 1980 + rng.randint(0, 40)
                fake.catalog.add_album(remote, title, year=year, tracks=tracks)
                if album_index < args.local:
                    add_album(db.session, local, title, tracks=tracks, release_year=year)
                else:
                    expected += 1
        db.session.commit()
    return expected


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--artists", type=int, default=40)
    parser.add_argument("--albums", type=int, default=12)
    parser.add_argument("--local", type=int, default=4)
    parser.add_argument("--tracks", type=int, default=12)
    parser.add_argument("--long-every", type=int, default=0)
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
        expected = build(fake, app, args, rng)
        fake.requests.clear()
        with app.app_context():
            clients = providers(app)
            started = time.perf_counter()
            result = fetch_discographies(
                db.session,
                None,
                deezer=clients.deezer,
                spotify=clients.spotify,
                settings=EnrichmentSettings.from_config(app.config),
            )
            wall = time.perf_counter() - started
            provider_only = db.session.scalar(
                select(func.count()).select_from(Album).where(Album.has_local_files.is_(False))
            )
            tracks = db.session.scalar(
                select(func.count()).select_from(Track).where(Track.file_path.is_(None))
            )
        deezer = len(fake.records("deezer"))
        spotify = len(fake.records("spotify"))
        rate = float(app.config["DEEZER_RATE_LIMIT"])
        floor = deezer / rate
        listed = args.artists * args.albums
        stored = result["albums_added"]
        print(
            f"library: {args.artists} artists x {args.albums} albums on Deezer "
            f"({args.local} local each), {args.tracks} tracks an album"
            + (f", every {args.long_every}th album {LONG_ALBUM}" if args.long_every else "")
            + f", {args.latency * 1000:.0f} ms latency"
        )
        print(
            f"stored: {stored} albums (expected {expected}, provider-only in the database "
            f"{provider_only}), {result['tracks_added']} tracks ({tracks} in the database), "
            f"{result['albums_joined']} local albums joined; errors: {len(result['errors'])}"
        )
        print(
            f"deezer requests: {deezer} (spotify: {spotify}); per album fetched with its "
            f"tracks: {deezer / max(stored, 1):.3f}; per album of the discographies: "
            f"{deezer / max(listed, 1):.3f}"
        )
        print(
            f"wall time: {wall:.1f} s, rate-limit floor: {floor:.1f} s "
            f"(deezer {rate:g}/s), ratio {wall / floor:.2f}x"
        )


if __name__ == "__main__":
    main()
