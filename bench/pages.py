"""Benchmark the HTML pages on a library of 20,000 artists.

Builds a SQLite library in a temporary folder (or reuses one, with --db) of --artists artists
with 7 or 8 albums each and --tracks tracks per album, two thirds linked, a fifth with an
image, and pending candidates (3 each for 1 unlinked artist in 20, 1 each for 1 album of an
unlinked artist in 40), then renders each page with the Flask test client and prints p50 and
p95 (of --requests requests, fewer when a page takes more than --budget seconds in all).
Target (issue 13): every page p95 < 150 ms.

Run: .venv/bin/python bench/pages.py [--artists 20000] [--requests 30] [--budget 20] [--db FILE]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # import from the repository root; bench/ratelimit.py must not shadow

from sqlalchemy import func, insert, select  # noqa: E402

from bench.library_rows import local_tracks  # noqa: E402
from soulspot import create_app, database  # noqa: E402
from soulspot.extensions import db  # noqa: E402
from soulspot.models import Album, Artist, Candidate, Track  # noqa: E402
from soulspot.models.base import utcnow  # noqa: E402

CHUNK = 50_000
GENRES = ("rock", "britpop", "jazz", "trip hop", "grunge", "folk", "electronic", "hip hop")


def _flush(table, rows: list[dict]) -> None:
    if rows:
        db.session.execute(insert(table), rows)
        rows.clear()


def _breakdown(rng: random.Random, local_albums: list[str]) -> dict:
    """The shape `matching.score` stores in a candidate's extra_info["breakdown"]."""
    matched = rng.sample(local_albums, rng.randint(0, min(3, len(local_albums))))
    return {
        "name": round(rng.uniform(0.8, 1.0), 3),
        "evidence": round(rng.random(), 3),
        "discography_overlap": round(len(matched) / len(local_albums), 3),
        "albums_matched": len(matched),
        "albums_local": len(local_albums),
        "year": round(rng.random(), 3) if matched else None,
        "matched": [{"local": t, "title": t, "id": uuid.uuid4().hex[:22]} for t in matched],
        "name_confirmed": False,
        "genres": round(rng.random(), 3),
        "popularity": round(rng.random(), 3),
        "auto_eligible": False,
        "reasons": ["name similarity 0.93", f"{len(matched)} local albums in its discography"],
    }


def build(rng: random.Random, artist_count: int, tracks_per_album: int) -> None:
    now = utcnow()
    stamps = {"created_at": now, "updated_at": now}
    artists, albums, tracks, candidates = [], [], [], []
    for a in range(artist_count):
        artist_id = str(uuid.uuid4())
        linked = rng.random() < 0.66
        imaged = linked and rng.random() < 0.3
        name = f"Artist {a:05d} {rng.choice(GENRES).title()}"
        artists.append(
            {
                "id": artist_id,
                "name": name,
                "sort_name": name,
                "has_local_files": True,
                "genres": [rng.choice(GENRES)] if linked else [],
                "popularity": rng.randint(0, 100) if linked else None,
                "spotify_uri": f"spotify:artist:{a:022d}" if linked else None,
                "deezer_id": str(10_000_000 + a) if linked and rng.random() < 0.8 else None,
                "image_url": f"https://i.scdn.co/image/{a:040x}" if imaged else None,
                "image_path": f"artists/{artist_id}.jpg" if imaged else None,
                **stamps,
            }
        )
        titles = [f"Album {a}-{b}" for b in range(7 + a % 2)]
        for b, title in enumerate(titles):
            album_id = str(uuid.uuid4())
            album_linked = linked and rng.random() < 0.9
            albums.append(
                {
                    "id": album_id,
                    "artist_id": artist_id,
                    "title": title,
                    "release_year": 1960 + (a + b) % 60,
                    "album_type": "album",
                    "has_local_files": True,
                    "spotify_uri": f"spotify:album:{a * 100 + b:022d}" if album_linked else None,
                    "cover_path": f"albums/{album_id}.jpg" if album_linked and imaged else None,
                    **stamps,
                }
            )
            tracks += local_tracks(album_id, artist_id, f"{a}/{b}", tracks_per_album, stamps)
            if not linked and rng.random() < 1 / 40:
                candidates.append(_candidate(rng, stamps, "album_id", album_id, title, [title]))
        if not linked and a % 20 == 0:
            for n in range(3):
                candidates.append(
                    _candidate(rng, stamps, "artist_id", artist_id, f"{name} ({n})", titles)
                )
        if len(tracks) >= CHUNK or len(albums) >= CHUNK:
            _flush(Artist.__table__, artists)
            _flush(Album.__table__, albums)
            _flush(Track.__table__, tracks)
    _flush(Artist.__table__, artists)
    _flush(Album.__table__, albums)
    _flush(Track.__table__, tracks)
    _flush(Candidate.__table__, candidates)
    db.session.commit()


def _candidate(rng, stamps, key: str, entity_id: str, name: str, titles: list[str]) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "artist_id": None,
        "album_id": None,
        key: entity_id,  # every row names both keys: one executemany
        "provider": "spotify",
        "spotify_uri": f"spotify:{key[:-3]}:{uuid.uuid4().hex[:22]}",
        "spotify_name": name,
        "spotify_image_url": "https://i.scdn.co/image/ab67616d0000b273" + "0" * 24,
        "confidence_score": round(rng.uniform(0.5, 0.89), 4),
        "extra_info": {
            "breakdown": _breakdown(rng, titles),
            "genres": [rng.choice(GENRES)],
            "popularity": rng.randint(0, 100),
            "artists": [],
            "year": None,
            "disambiguation": None,
        },
        "status": "pending",
        **stamps,
    }


def timed(client, url: str, count: int, budget: float = float("inf")) -> list[float]:
    """Up to `count` timings, fewer once `budget` seconds are spent (a page that slow is
    already far over the target)."""
    times: list[float] = []
    deadline = time.perf_counter() + budget
    for _ in range(count):
        if times and time.perf_counter() > deadline:
            break
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            print(f"  {url}: HTTP {response.status_code}")
            break
    return times


def report(name: str, times: list[float]) -> None:
    if not times:
        print(f"{name:<40} (not measured)")
        return
    p50 = statistics.median(times)
    p95 = statistics.quantiles(times, n=20)[18] if len(times) > 1 else times[0]
    print(f"{name:<40} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   ({len(times)} requests)")


def pages(artist_count: int) -> dict[str, str]:
    """Name -> URL of each page, on ids and names picked from the middle of the library."""
    middle = f"Artist {artist_count // 2:05d}"
    artist_id = db.session.scalar(select(Artist.id).where(Artist.name.startswith(middle)))
    album_id = db.session.scalar(select(Album.id).where(Album.artist_id == artist_id))
    deep = max(0, artist_count - 100)
    return {
        "GET /": "/",
        "GET /dashboard/library (counts)": "/dashboard/library",
        "GET /review": "/review",
        "GET /artists": "/artists",
        f"GET /artists?offset={deep}": f"/artists?offset={deep}",
        "GET /artists?q=...": f"/artists?q={middle[:-1]}",
        "GET /artists?filter=review": "/artists?filter=review",
        "GET /artists?filter=failed_image": "/artists?filter=failed_image",
        "GET /artists?sort=enriched": "/artists?sort=enriched",
        "GET /artists/<id>": f"/artists/{artist_id}",
        "GET /albums/<id>": f"/albums/{album_id}",
        "GET /settings": "/settings",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--artists", type=int, default=20_000)
    parser.add_argument("--tracks", type=int, default=10, help="tracks per album")
    parser.add_argument("--requests", type=int, default=30, help="requests per page")
    parser.add_argument("--budget", type=float, default=20.0, help="seconds per page at most")
    parser.add_argument("--db", type=Path, help="keep (or reuse) the library in this file")
    args = parser.parse_args()
    folder = tempfile.TemporaryDirectory(prefix="soulspot-pages-")
    path = args.db or Path(folder.name) / "pages.db"
    fresh = not path.exists()
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "ARTWORK_DIR": str(Path(folder.name) / "artwork"),
            "LOG_LEVEL": "WARNING",
        }
    )
    database.prepare(app)
    with app.app_context():
        if fresh:
            started = time.perf_counter()
            build(random.Random(13), args.artists, args.tracks)
            print(f"built the library in {time.perf_counter() - started:.0f} s")
        counts = [
            db.session.scalar(select(func.count()).select_from(m))
            for m in (Artist, Album, Track, Candidate)
        ]
        urls = pages(args.artists)
    print("library: {:,} artists, {:,} albums, {:,} tracks, {:,} candidates".format(*counts))
    client = app.test_client()
    for name, url in urls.items():
        warm = timed(client, url, 2, args.budget)  # the page cache and the template cache
        if sum(warm) > args.budget * 1000:
            report(name, warm)  # too slow to measure again
            continue
        report(name, timed(client, url, args.requests, args.budget))
    folder.cleanup()


if __name__ == "__main__":
    main()
