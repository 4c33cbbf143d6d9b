"""Benchmark the scanner: files/s for a first scan, an unchanged rescan and a 10%-touched rescan.

Run: .venv/bin/python bench/scan.py [--files 1000]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, Python puts bench/ first on sys.path, where sibling scripts would shadow
# installed packages (bench/ratelimit.py vs `ratelimit`): put the project root there instead.
sys.path[0] = str(ROOT)

from soulspot import create_app, database  # noqa: E402
from soulspot.extensions import db  # noqa: E402
from soulspot.services.scanning import scan_library  # noqa: E402
from tests.audio import SUFFIXES, make_audio  # noqa: E402

TRACKS_PER_ALBUM = 10
ALBUMS_PER_ARTIST = 2


def build_library(root: Path, count: int) -> None:
    """`count` tagged files in all formats: 10 tracks per album, 2 albums per artist."""
    for number in range(count):
        album_number = number // TRACKS_PER_ALBUM
        artist_number = album_number // ALBUMS_PER_ARTIST
        suffix = SUFFIXES[number % len(SUFFIXES)]
        make_audio(
            root
            / f"Artist {artist_number:03d}"
            / f"Album {album_number:04d}"
            / f"{number}{suffix}",
            artist=f"Artist {artist_number:03d}",
            album=f"Album {album_number:04d}",
            title=f"Track {number}",
            track=f"{number % TRACKS_PER_ALBUM + 1}/{TRACKS_PER_ALBUM}",
            date=str(1970 + album_number % 50),
        )


def timed_scan(root: Path) -> tuple[float, object]:
    started = time.perf_counter()
    summary = scan_library(db.session, root)
    return time.perf_counter() - started, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="soulspot-bench-") as work:
        library = Path(work) / "music"
        started = time.perf_counter()
        build_library(library, args.files)
        print(f"built {args.files} files in {time.perf_counter() - started:.2f} s")
        app = create_app(
            {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{work}/bench.db", "LOG_LEVEL": "WARNING"}
        )
        database.prepare(app)
        with app.app_context():
            first, summary = timed_scan(library)
            assert summary.added == args.files and not summary.errors, summary
            second, summary = timed_scan(library)
            assert summary.unchanged == args.files, summary
            touched = sorted(library.rglob("*.*"))[::10]
            for path in touched:
                info = path.stat()
                os.utime(path, (info.st_atime, info.st_mtime + 5))
            third, summary = timed_scan(library)
            assert summary.updated == len(touched), summary
            db.engine.dispose()
    print(f"first scan:      {args.files / first:9.0f} files/s ({first:.3f} s)")
    print(f"unchanged scan:  {args.files / second:9.0f} files/s ({second:.3f} s)")
    print(f"10% touched:     {args.files / third:9.0f} files/s ({third:.3f} s)")
    print(f"unchanged rescan is {first / second:.1f}x faster than the first scan")


if __name__ == "__main__":
    main()
