"""Benchmark MusicBrainz as the identity hub on a generated library against the fake providers.

A library of N artists x 8 local albums (default 50 x 8), MusicBrainz at its real 1 request
per second with the fake enforcing it (503 for a client that goes faster), run twice:
- untagged: `resolve_library` searches each artist and decides with the namesake evidence;
- Picard-tagged (artist and release-group ids in the tags, MusicBrainz relations to Spotify
  and Deezer for two artists in three): an enrichment pass with MusicBrainz first.
Prints MusicBrainz requests per artist, Spotify and Deezer searches per artist, the achieved
MusicBrainz rate, its 503s and the wall time.

Run: .venv/bin/python bench/disambiguation.py [--artists 50] [--albums 8]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # import from the repository root; bench/ratelimit.py must not shadow

from soulspot import create_app, database  # noqa: E402
from soulspot.extensions import db  # noqa: E402
from soulspot.lifecycle import shutdown_app  # noqa: E402
from soulspot.services.identity import resolve_library  # noqa: E402
from soulspot.wiring import identity_services  # noqa: E402
from tests.factories import add_album, add_artist  # noqa: E402
from tests.fakes.server import FakeProviders  # noqa: E402
from tests.support.enrichment import enrich_once  # noqa: E402

SYLLABLES = ["zar", "vel", "mon", "tri", "qua", "lox", "ber", "dun", "kai", "rho", "sil", "fen"]
WORDS = ["Night", "Glass", "River", "Echo", "Paper", "Stone", "Velvet", "Signal", "Harbour"]


def build(fake: FakeProviders, app, artists: int, albums: int, *, tagged: bool) -> None:
    rng = random.Random(11)
    with app.app_context():
        for index in range(artists):
            name = "".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize()
            name = f"{name} {rng.choice(WORDS)} {index}"
            remote = fake.catalog.add_artist(name, musicbrainz_links=index % 3 != 2)
            local = add_artist(db.session, name, musicbrainz_id=remote.mbid if tagged else None)
            for number in range(albums):
                title = f"{rng.choice(WORDS)} {rng.choice(WORDS).lower()} {number}"
                year = 1990 + rng.randint(0, 30)
                group = fake.catalog.add_album(remote, title, year=year, tracks=10)
                add_album(
                    db.session,
                    local,
                    title,
                    tracks=10,
                    release_year=year,
                    musicbrainz_id=group.mbid if tagged else None,
                )
            if index % 10 == 0:  # a namesake with a discography of its own
                namesake = fake.catalog.add_artist(name)
                for number in range(albums):
                    fake.catalog.add_album(namesake, f"Other {index} {number}", year=2015)
        db.session.commit()


def run(fake: FakeProviders, args: argparse.Namespace, *, tagged: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        fake.reset()
        fake.musicbrainz_strict = True
        app = create_app(
            {
                **fake.config(real_limits=True),
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db",
                "ARTWORK_DIR": f"{folder}/artwork",
                "LOG_LEVEL": "WARNING",
            }
        )
        database.prepare(app)
        build(fake, app, args.artists, args.albums, tagged=tagged)
        fake.requests.clear()
        started = time.perf_counter()
        if tagged:
            enrich_once(app, resolve_identity=True)
        else:
            with app.app_context():
                resolve_library(
                    db.session, identity_services(app), limit=None, recheck_after=timedelta(days=30)
                )
        wall = time.perf_counter() - started
        shutdown_app(app)
    mb = fake.records("musicbrainz")
    refused = sum(1 for r in mb if r.status == 503)
    span = (mb[-1].time - mb[0].time) if len(mb) > 1 else 0.0
    rate = (len(mb) - 1) / span if span else 0.0
    n = args.artists

    def searches(provider: str) -> int:
        return sum(1 for r in fake.records(provider) if "search" in r.path)

    label = "Picard-tagged" if tagged else "untagged"
    print(f"{label}: {n} artists x {args.albums} albums, MusicBrainz at 1/s (enforced)")
    lookups = sum(1 for r in mb if r.path.count("/") == 4 and "/artist/" in r.path)
    extra = max(0, lookups - n)  # a second close namesake's look-up (its discography)
    print(f"  musicbrainz requests per artist: {len(mb) / n:.2f} (503 answers: {refused})")
    print(
        f"  of which look-ups of a second namesake: {extra}; "
        f"without them {(len(mb) - extra) / n:.2f} per artist"
    )
    print(f"  musicbrainz rate achieved: {rate:.3f}/s")
    print(
        f"  searches per artist: spotify {searches('spotify') / n:.2f}, "
        f"deezer {searches('deezer') / n:.2f}"
    )
    print(f"  wall time: {wall:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--artists", type=int, default=50)
    parser.add_argument("--albums", type=int, default=8)
    args = parser.parse_args()
    with FakeProviders() as fake:
        run(fake, args, tagged=False)
        run(fake, args, tagged=True)


if __name__ == "__main__":
    main()
