"""Benchmark the status and candidates endpoints on a library of 20,000 artists.

Builds (or reuses, with --db) a SQLite library of 20,000 artists / 150,000 albums / 1,500,000
tracks, about a third of them unenriched, with 5,000 pending candidates, then times
GET /api/enrichment/status and GET /api/enrichment/candidates through the WSGI app and prints
p50 and p95. Target: status p95 < 50 ms.

Run: .venv/bin/python bench/status.py [--db bench/out/status.db] [--requests 200]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
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

ARTISTS, TRACKS_PER_ALBUM, CANDIDATES = 20_000, 10, 5_000
CHUNK = 50_000


def _flush(table, rows: list[dict]) -> None:
    if rows:
        db.session.execute(insert(table), rows)
        rows.clear()


def build(rng: random.Random) -> None:
    now = utcnow()
    stamps = {"created_at": now, "updated_at": now}
    artists, albums, tracks = [], [], []
    album_ids: list[str] = []
    for a in range(ARTISTS):
        artist_id = str(uuid.uuid4())
        linked = rng.random() < 0.66
        artists.append(
            {
                "id": artist_id,
                "name": f"Artist {a}",
                "has_local_files": True,
                "genres": [],
                "spotify_uri": f"spotify:artist:{a:022d}" if linked else None,
                **stamps,
            }
        )
        for b in range(7 + a % 2):  # 7.5 albums per artist: 150,000 in all
            album_id = str(uuid.uuid4())
            album_ids.append(album_id)
            albums.append(
                {
                    "id": album_id,
                    "artist_id": artist_id,
                    "title": f"Album {a}-{b}",
                    "has_local_files": True,
                    "spotify_uri": f"spotify:album:{a * 100 + b:022d}"
                    if linked and rng.random() < 0.9
                    else None,
                    **stamps,
                }
            )
            tracks += local_tracks(album_id, artist_id, f"{a}/{b}", TRACKS_PER_ALBUM, stamps)
            if len(tracks) >= CHUNK:
                _flush(Artist.__table__, artists)
                _flush(Album.__table__, albums)
                _flush(Track.__table__, tracks)
    _flush(Artist.__table__, artists)
    _flush(Album.__table__, albums)
    _flush(Track.__table__, tracks)
    candidates = [
        {
            "id": str(uuid.uuid4()),
            "album_id": album_id,
            "provider": "spotify",
            "spotify_uri": f"spotify:album:{n:022d}",
            "spotify_name": f"Candidate {n}",
            "confidence_score": rng.random(),
            "extra_info": {},
            "status": "pending",
            **stamps,
        }
        for n, album_id in enumerate(rng.sample(album_ids, CANDIDATES))
    ]
    _flush(Candidate.__table__, candidates)
    db.session.commit()


def timed(client, url: str, count: int) -> list[float]:
    times = []
    for _ in range(count):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.data
    return times


def report(name: str, times: list[float]) -> None:
    p50 = statistics.median(times)
    p95 = statistics.quantiles(times, n=20)[18]
    print(f"{name:<44} p50 {p50:7.2f} ms   p95 {p95:7.2f} ms   ({len(times)} requests)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=ROOT / "bench" / "out" / "status.db")
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    args.db.parent.mkdir(parents=True, exist_ok=True)
    fresh = not args.db.exists()
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{args.db}", "LOG_LEVEL": "WARNING"})
    database.prepare(app)
    with app.app_context():
        if fresh:
            started = time.perf_counter()
            build(random.Random(3))
            print(f"built the library in {time.perf_counter() - started:.0f} s")
        counts = [
            db.session.scalar(select(func.count()).select_from(m))
            for m in (Artist, Album, Track, Candidate)
        ]
    print("library: {:,} artists, {:,} albums, {:,} tracks, {:,} candidates".format(*counts))
    client = app.test_client()
    timed(client, "/api/enrichment/status", 5)  # warm the page cache
    report("GET /api/enrichment/status", timed(client, "/api/enrichment/status", args.requests))
    report(
        "GET /api/enrichment/candidates", timed(client, "/api/enrichment/candidates", args.requests)
    )
    report(
        "GET /api/enrichment/candidates?offset=4000",
        timed(client, "/api/enrichment/candidates?limit=50&offset=4000", args.requests),
    )
    print("status:", client.get("/api/enrichment/status").json)


if __name__ == "__main__":
    main()
