"""Benchmark artwork repair against the fake CDN: parallel vs sequential, and peak memory.

Timing: 500 images, each served after 50 ms, repaired with ARTWORK_WORKERS (default 8) and
with one worker. Memory: 40 images of about 20 KB, then 40 of about 5 MB; the peak of Python
allocations (tracemalloc) and the growth of the resident set (ru_maxrss) during the repair
must not grow with the image size, since downloads stream to disk in 64 KB chunks.

Each measurement runs in its own process, so the fake server (in this process) and earlier
runs never count in a figure.

Run: .venv/bin/python bench/artwork.py [--images 500] [--latency 0.05] [--workers 8]
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # `soulspot` and `tests.fakes` import from the repository root

from PIL import Image  # noqa: E402

from tests.fakes.server import FakeProviders  # noqa: E402

MEMORY_IMAGES = 40
SMALL_SIDE = 300  # ~20 KB of noise as JPEG
LARGE_SIDE = 2600  # ~5 MB of noise as JPEG


def noise_jpeg(side: int) -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise((side, side), 60).convert("RGB").save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def measure(base_url: str, count: int, workers: int) -> dict[str, Any]:
    """In a child process: a fresh app and library of `count` artists, one repair, figures."""
    from soulspot import create_app, database
    from soulspot.extensions import db
    from soulspot.lifecycle import shutdown_app
    from soulspot.models import Artist
    from soulspot.services.artwork import repair_artwork
    from soulspot.wiring import artwork

    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db",
                "ARTWORK_DIR": f"{folder}/artwork",
                "IMAGE_HOSTS": "127.0.0.1",
                "ARTWORK_WORKERS": workers,
                "LOG_LEVEL": "WARNING",
            }
        )
        database.prepare(app)
        with app.app_context():
            db.session.add_all(
                Artist(name=f"artist {n}", image_url=f"{base_url}/cdn/bench/{n}.jpg")
                for n in range(count)
            )
            db.session.commit()
            context = artwork(app)
            rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            tracemalloc.start()
            started = time.perf_counter()
            report = repair_artwork(db.session, context, limit=None)
            elapsed = time.perf_counter() - started
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            stored = sum(p.stat().st_size for p in Path(folder, "artwork").rglob("*.jpg"))
        shutdown_app(app)
    return {
        "elapsed_s": elapsed,
        "repaired": report.artists.repaired,
        "failed": report.artists.failed,
        "stored_mb": stored / 1e6,
        "tracemalloc_peak_mb": peak / 1e6,
        "rss_growth_mb": (rss_after - rss_before) / 1024,  # ru_maxrss is in KiB on Linux
    }


def run_child(base_url: str, count: int, workers: int) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", base_url, str(count), str(workers)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def serve(fake: FakeProviders, count: int, body: bytes, latency: float) -> None:
    fake.reset()
    for n in range(count):
        fake.cdn.put(f"/cdn/bench/{n}.jpg", body, delay=latency)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=500)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--workers", type=int, default=8)
    args = parser.parse_args()
    with FakeProviders() as fake:
        serve(fake, args.images, noise_jpeg(SMALL_SIDE), args.latency)
        parallel = run_child(fake.url, args.images, args.workers)
        sequential = run_child(fake.url, args.images, 1)
        ratio = parallel["elapsed_s"] / sequential["elapsed_s"]
        print(
            f"{args.images} images, {args.latency * 1000:.0f} ms CDN latency each, "
            f"CDN requests served: {fake.count('cdn')}"
        )
        print(
            f"parallel   ({args.workers} workers): {parallel['elapsed_s']:6.2f} s  "
            f"repaired={parallel['repaired']} failed={parallel['failed']}"
        )
        print(
            f"sequential (1 worker):  {sequential['elapsed_s']:6.2f} s  "
            f"repaired={sequential['repaired']} failed={sequential['failed']}"
        )
        print(f"parallel / sequential = {ratio:.3f} (target <= 0.200)")

        memory = {}
        for label, side in (("small", SMALL_SIDE), ("5 MB", LARGE_SIDE)):
            body = noise_jpeg(side)
            serve(fake, MEMORY_IMAGES, body, 0.0)
            figures = run_child(fake.url, MEMORY_IMAGES, args.workers)
            memory[label] = figures
            print(
                f"memory, {MEMORY_IMAGES} images of {len(body) / 1e6:5.2f} MB ({label:5s}): "
                f"tracemalloc peak={figures['tracemalloc_peak_mb']:6.2f} MB  "
                f"ru_maxrss growth={figures['rss_growth_mb']:6.2f} MB  "
                f"stored={figures['stored_mb']:7.1f} MB  repaired={figures['repaired']}"
            )
    ok = ratio <= 0.2 and parallel["failed"] == sequential["failed"] == 0
    print("OK" if ok else "NOT MET")
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        result = measure(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
        print(json.dumps(result))
        sys.exit(0)
    sys.exit(main())
