"""Benchmark a big library: endpoint latency, and the peak memory of enrichment and a scan.

Builds 20,000 artists / 150,000 albums / 1,500,000 tracks (about a third unenriched, 5,000
pending candidates) by bulk inserts through the models' tables, then times the status,
candidates, library and UI endpoints through the WSGI app (p50/p95; first and deep pages).
The SQLite file is cached under /tmp by size, so reruns skip the build; a PostgreSQL
database is rebuilt only when its counts differ. Then, each in a child process of its own,
the peak RSS of an enrichment run over 2,000 and 20,000 artists against the fake providers
(rate limits lifted) and of a scan of 20,000 small audio files. Prints figures; no asserts.
Targets: status p95 <= 10 ms, every list endpoint and page p95 <= 50 ms; RSS flat, < 150 MB.

Run: .venv/bin/python bench/scale.py [--database-url postgresql+psycopg://...]
     [--artists 20000 --albums-per-artist 7.5 --tracks-per-album 10] [--requests 100]
     [--rss-artists 2000,20000] [--scan-files 20000] [--skip-latency] [--skip-rss]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # import from the repository root; bench/ratelimit.py must not shadow

from sqlalchemy import func, insert, select, text  # noqa: E402

from bench.library_rows import local_tracks  # noqa: E402
from soulspot import create_app, database  # noqa: E402
from soulspot.extensions import db  # noqa: E402
from soulspot.models import Album, Artist, Candidate, Job, JobStatus, JobType, Track  # noqa: E402
from soulspot.models.base import utcnow  # noqa: E402

BATCH = 20_000
CANDIDATES = 5_000


# building the library


def _rows_flush(connection, table, rows: list[dict[str, Any]]) -> None:
    if rows:
        connection.execute(insert(table), rows)  # executemany: one statement, many rows
        rows.clear()


def build_library(
    artists: int, albums_per_artist: float, tracks_per_album: int, *, linked_share: float = 0.66
) -> None:
    """Bulk-insert the library into the app's database (inside an app context)."""
    rng = random.Random(3)
    now = utcnow()
    stamps = {"created_at": now, "updated_at": now}
    artist_rows: list[dict[str, Any]] = []
    album_rows: list[dict[str, Any]] = []
    track_rows: list[dict[str, Any]] = []
    album_ids: list[str] = []
    album_count = 0
    with db.engine.begin() as connection:
        for a in range(artists):
            artist_id = str(uuid.uuid4())
            linked = rng.random() < linked_share
            artist_rows.append(
                {
                    "id": artist_id,
                    "name": f"Artist {rng.randrange(10**6):06d} {a}",
                    "sort_name": None,
                    "has_local_files": True,
                    "genres": [],
                    "enrichment_failures": 0,
                    "spotify_uri": f"spotify:artist:{a:022d}" if linked else None,
                    "deezer_id": str(a) if linked and rng.random() < 0.8 else None,
                    **stamps,
                }
            )
            # A fractional count (7.5) alternates, so the totals come out as asked.
            wanted = int(albums_per_artist * (a + 1)) - int(albums_per_artist * a)
            for b in range(wanted):
                album_id = str(uuid.uuid4())
                album_ids.append(album_id)
                album_rows.append(
                    {
                        "id": album_id,
                        "artist_id": artist_id,
                        "title": f"Album {rng.randrange(10**6):06d} {a}-{b}",
                        "release_year": 1960 + rng.randrange(60),
                        "has_local_files": True,
                        "spotify_uri": f"spotify:album:{album_count:022d}"
                        if linked and rng.random() < 0.9
                        else None,
                        **stamps,
                    }
                )
                album_count += 1
                track_rows += local_tracks(
                    album_id, artist_id, f"{a}/{b}", tracks_per_album, stamps
                )
            if len(track_rows) >= BATCH or len(album_rows) >= BATCH:
                _rows_flush(connection, Artist.__table__, artist_rows)
                _rows_flush(connection, Album.__table__, album_rows)
                _rows_flush(connection, Track.__table__, track_rows)
        _rows_flush(connection, Artist.__table__, artist_rows)
        _rows_flush(connection, Album.__table__, album_rows)
        _rows_flush(connection, Track.__table__, track_rows)
        candidates = [
            {
                "id": str(uuid.uuid4()),
                "album_id": album_id,
                "provider": "spotify",
                "spotify_uri": f"spotify:album:c{n:021d}",
                "spotify_name": f"Candidate {n}",
                "confidence_score": round(rng.random(), 2),  # ties, as real scores have
                "extra_info": {},
                "status": "pending",
                **stamps,
            }
            for n, album_id in enumerate(rng.sample(album_ids, min(CANDIDATES, len(album_ids))))
        ]
        for start in range(0, len(candidates), BATCH):
            connection.execute(insert(Candidate.__table__), candidates[start : start + BATCH])
        connection.execute(
            insert(Job.__table__),
            [
                {
                    "id": str(uuid.uuid4()),
                    "type": job_type.value,
                    "status": JobStatus.COMPLETED.value,
                    "payload": {},
                    "result": {},
                    "processed": 0,
                    "total": 0,
                    "created_at": now,
                    "finished_at": now,
                }
                for job_type in (JobType.LIBRARY_SPOTIFY_ENRICHMENT, JobType.NIGHTLY_CHAIN)
                for _ in range(20)
            ],
        )
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    else:
        with db.engine.begin() as connection:
            connection.execute(text("ANALYZE"))


def counts() -> tuple[int, int, int, int]:
    return tuple(  # type: ignore[return-value]
        db.session.scalar(select(func.count()).select_from(model)) or 0
        for model in (Artist, Album, Track, Candidate)
    )


def expected_counts(artists: int, albums_per_artist: float, tracks_per_album: int) -> tuple:
    albums = int(albums_per_artist * artists)
    return artists, albums, albums * tracks_per_album, min(CANDIDATES, albums)


def prepared_app(args: argparse.Namespace):
    sizes = (args.artists, args.albums_per_artist, args.tracks_per_album)
    url = args.database_url
    if url is None:
        cached = Path(tempfile.gettempdir()) / "soulspot-scale-{}-{}-{}.db".format(*sizes)
        url = f"sqlite:///{cached}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "LOG_LEVEL": "WARNING"})
    database.prepare(app)
    with app.app_context():
        found = counts()
        if found != expected_counts(*sizes):
            if any(found):
                db.session.close()
                db.drop_all()
                with db.engine.begin() as connection:
                    connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
                database.prepare(app)
            started = time.perf_counter()
            build_library(*sizes)
            print(f"built the library in {time.perf_counter() - started:.0f} s")
        else:
            print(f"reusing the library at {url.split('@')[-1]}")
        print("library: {:,} artists, {:,} albums, {:,} tracks, {:,} candidates".format(*counts()))
    return app


# latency


def timed(client, url: str, count: int) -> tuple[list[float], list[float]] | None:
    """Wall and CPU milliseconds per request (CPU time is what a busy machine cannot inflate;
    on SQLite it includes the queries, on PostgreSQL only our side)."""
    first = client.get(url)
    if first.status_code != 200:
        return None
    walls, cpus = [], []
    for _ in range(count):
        started, cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        walls.append((time.perf_counter() - started) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}: {response.data[:300]!r}")
    return walls, cpus


def report(name: str, times: tuple[list[float], list[float]] | None, target: float) -> None:
    if times is None:
        print(f"{name:<46} skipped (no such route yet, or it does not render)")
        return
    walls, cpus = times
    p50 = statistics.median(walls)
    p95 = statistics.quantiles(walls, n=20)[18]
    cpu95 = statistics.quantiles(cpus, n=20)[18]
    verdict = "ok" if p95 <= target else f"OVER {target:g} ms"
    print(
        f"{name:<46} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  (cpu p50 {statistics.median(cpus):5.1f}"
        f" p95 {cpu95:5.1f})  {verdict}"
    )


def latency(app, requests: int) -> None:
    client = app.test_client()
    with app.app_context():
        artist_total, album_total, _, _ = counts()
        pending = db.session.scalar(
            select(func.count()).select_from(Candidate).where(Candidate.status == "pending")
        )
        some_artist = db.session.scalar(select(Artist.id).order_by(Artist.id).limit(1))
    deep_artists = max(artist_total - 50, 0)
    deep_albums = max(album_total - 50, 0)
    deep_candidates = max((pending or 0) - 50, 0)
    timed(client, "/api/enrichment/status", 20)  # warm the caches
    plan = [
        ("GET /api/enrichment/status", "/api/enrichment/status", 10),
        ("GET /api/enrichment/candidates", "/api/enrichment/candidates", 50),
        (
            f"GET /api/enrichment/candidates?offset={deep_candidates}",
            f"/api/enrichment/candidates?limit=50&offset={deep_candidates}",
            50,
        ),
        ("GET /api/library/artists", "/api/library/artists", 50),
        (
            f"GET /api/library/artists?offset={deep_artists}",
            f"/api/library/artists?limit=50&offset={deep_artists}",
            50,
        ),
        ("GET /api/library/albums", "/api/library/albums", 50),
        (
            f"GET /api/library/albums?offset={deep_albums}",
            f"/api/library/albums?limit=50&offset={deep_albums}",
            50,
        ),
        ("GET /api/library/artists/<id>", f"/api/library/artists/{some_artist}", 50),
        ("GET / (dashboard page)", "/", 50),
        ("GET /dashboard/library (its counts)", "/dashboard/library", 50),
        ("GET /review (page)", "/review", 50),
        ("GET /artists (page)", "/artists", 50),
        (
            f"GET /artists?offset={deep_artists} (page)",
            f"/artists?offset={deep_artists}",
            50,
        ),
        ("GET /artists/<id> (page)", f"/artists/{some_artist}", 50),
    ]
    for name, url, target in plan:
        report(name, timed(client, url, requests), target)


# peak memory, each in a child process so one measurement never inherits another's heap


def _max_rss_mb() -> float:
    """This process's peak RSS. Linux's ru_maxrss survives exec, so a child would report its
    parent's peak when that is higher; VmHWM belongs to this process image alone."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024  # kB
    return 0.0


def child_enrich(config: dict[str, Any]) -> None:
    import threading

    from soulspot.services.enrichment import EnrichmentSettings, run_enrichment
    from soulspot.wiring import providers

    app = create_app(config)
    samples: list[float] = []
    done = threading.Event()

    def sample() -> None:  # "flat" is read off the curve, not the peak alone
        while not done.wait(0.5):
            samples.append(_rss_mb())

    with app.app_context():
        clients = providers(app)
        before = _max_rss_mb()
        started = time.perf_counter()
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        result = run_enrichment(
            db.session,
            spotify=clients.spotify,
            deezer=clients.deezer,
            settings=EnrichmentSettings.from_config(app.config),
        )
        wall = time.perf_counter() - started
        done.set()
        sampler.join()
    summary = {k: v for k, v in result.items() if isinstance(v, int)}
    summary["errors"] = result.get("errors", [])[:3]
    # RSS at each tenth of the run's time
    tenths = [samples[min(len(samples) - 1, len(samples) * n // 10)] for n in range(1, 11)]
    figures = {"rss_before": before, "rss_peak": _max_rss_mb(), "wall": wall}
    print(json.dumps({**figures, "rss_tenths": tenths if samples else [], **summary}))


def child_scan(config: dict[str, Any], root: str) -> None:
    from soulspot.services.scanning import scan_library

    app = create_app(config)
    database.prepare(app)
    with app.app_context():
        before = _max_rss_mb()
        started = time.perf_counter()
        summary = scan_library(db.session, root)
        wall = time.perf_counter() - started
    print(
        json.dumps(
            {
                "rss_before": before,
                "rss_peak": _max_rss_mb(),
                "wall": wall,
                "added": getattr(summary, "added", None),
            }
        )
    )


def _run_child(*args: str) -> dict[str, Any]:
    output = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=False
    )
    if output.returncode != 0:
        raise SystemExit(f"child {args[0]} failed:\n{output.stderr[-3000:]}")
    return json.loads(output.stdout.strip().splitlines()[-1])


def rss_enrichment(artist_count: int, folder: Path) -> None:
    from tests.fakes.server import FakeProviders

    rng = random.Random(11)
    with FakeProviders() as fake:
        url = f"sqlite:///{folder}/enrich-{artist_count}.db"
        config = {
            **fake.config(),
            "SQLALCHEMY_DATABASE_URI": url,
            "ARTWORK_DIR": str(folder / "artwork"),
            "LOG_LEVEL": "WARNING",
            "MUSICBRAINZ_ENABLED": False,
        }
        app = create_app(config)
        database.prepare(app)
        with app.app_context():
            now = utcnow()
            stamps = {"created_at": now, "updated_at": now}
            artists, albums = [], []
            for index in range(artist_count):
                name = f"Zar{rng.randrange(10**6):06d} Signal {index}"
                remote = fake.catalog.add_artist(name, genres=("indie",), popularity=30)
                artist_id = str(uuid.uuid4())
                artists.append(
                    {
                        "id": artist_id,
                        "name": name,
                        "has_local_files": True,
                        "genres": [],
                        "enrichment_failures": 0,
                        **stamps,
                    }
                )
                for number in range(2):
                    title = f"Echo river {index}-{number}"
                    fake.catalog.add_album(remote, title, year=2000 + number, tracks=3)
                    albums.append(
                        {
                            "id": str(uuid.uuid4()),
                            "artist_id": artist_id,
                            "title": title,
                            "release_year": 2000 + number,
                            "has_local_files": True,
                            **stamps,
                        }
                    )
            with db.engine.begin() as connection:
                for start in range(0, len(artists), BATCH):
                    connection.execute(insert(Artist.__table__), artists[start : start + BATCH])
                for start in range(0, len(albums), BATCH):
                    connection.execute(insert(Album.__table__), albums[start : start + BATCH])
            db.engine.dispose()
        figures = _run_child("--child-enrich", json.dumps(config))
    outcomes = {k[len("outcome_") :]: v for k, v in figures.items() if k.startswith("outcome_")}
    print(
        f"enrichment over {artist_count:>6,} artists: peak RSS {figures['rss_peak']:6.1f} MB "
        f"(at start {figures['rss_before']:.1f} MB), {figures['wall']:.0f} s, "
        f"{figures['artists_processed']} processed, outcomes {outcomes}, errors {figures['errors']}"
    )
    tenths = " ".join(f"{value:.0f}" for value in figures["rss_tenths"])
    print(f"  RSS (MB) at each tenth of the run: {tenths}")


def make_scan_tree(count: int) -> Path:
    from tests.audio import SUFFIXES, make_audio

    root = Path(tempfile.gettempdir()) / f"soulspot-scale-files-{count}"
    done = root / ".complete"
    if done.exists():
        return root
    started = time.perf_counter()
    for number in range(count):
        album_number = number // 10
        artist_number = album_number // 2
        make_audio(
            root / f"Artist {artist_number:05d}" / f"Album {album_number:05d}" / f"{number}"
            f"{SUFFIXES[number % len(SUFFIXES)]}",
            artist=f"Artist {artist_number:05d}",
            album=f"Album {album_number:05d}",
            title=f"Track {number}",
            track=f"{number % 10 + 1}/10",
        )
    done.touch()
    print(f"made {count:,} audio files in {time.perf_counter() - started:.0f} s")
    return root


def rss_scan(count: int, folder: Path) -> None:
    root = make_scan_tree(count)
    config = {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/scan-{count}.db",
        "LOG_LEVEL": "WARNING",
    }
    figures = _run_child("--child-scan", json.dumps(config), str(root))
    print(
        f"scan of {count:,} files: peak RSS {figures['rss_peak']:.1f} MB "
        f"(at start {figures['rss_before']:.1f} MB), {figures['wall']:.0f} s, "
        f"added {figures['added']}"
    )


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child-enrich":
        return child_enrich(json.loads(sys.argv[2]))
    if len(sys.argv) > 1 and sys.argv[1] == "--child-scan":
        return child_scan(json.loads(sys.argv[2]), sys.argv[3])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a cached SQLite file under /tmp")
    parser.add_argument("--artists", type=int, default=20_000)
    parser.add_argument("--albums-per-artist", type=float, default=7.5)
    parser.add_argument("--tracks-per-album", type=int, default=10)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--rss-artists", default="2000,20000")
    parser.add_argument("--scan-files", type=int, default=20_000)
    parser.add_argument("--skip-latency", action="store_true")
    parser.add_argument("--skip-rss", action="store_true")
    args = parser.parse_args()
    print(
        "load average (1, 5, 15 min): {:.1f} {:.1f} {:.1f} on {} cores".format(
            *os.getloadavg(), os.cpu_count()
        )
    )
    if not args.skip_latency:
        app = prepared_app(args)
        latency(app, args.requests)
        with app.app_context():
            db.engine.dispose()
    if not args.skip_rss:
        os.environ.pop("SOULSPOT_SQLALCHEMY_DATABASE_URI", None)
        with tempfile.TemporaryDirectory() as folder:
            for size in (int(n) for n in args.rss_artists.split(",") if n):
                rss_enrichment(size, Path(folder))
            if args.scan_files:
                rss_scan(args.scan_files, Path(folder))


if __name__ == "__main__":
    main()
