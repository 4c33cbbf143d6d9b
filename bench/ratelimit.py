"""Benchmark the shared provider rate limits against the fake server at the real limits.

MusicBrainz: 20 calls from 4 threads at 1 request/s (the fake answers 503 to anything faster).
Deezer: 200 calls from 4 threads at 10 requests/s (the fake answers a quota error past 50 per 5 s).

Run: .venv/bin/python bench/ratelimit.py [--mb-calls 20] [--deezer-calls 200] [--threads 4]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, sys.path[0] is bench/, where this very file would shadow the `ratelimit`
# package; the repository root instead makes `soulspot` and `tests.fakes` importable.
sys.path[0] = str(ROOT)

from soulspot.providers.factory import build_clients  # noqa: E402
from tests.fakes.server import FakeProviders  # noqa: E402


def run_calls(call: Callable[[int], object], calls: int, threads: int) -> tuple[float, int]:
    """Make `calls` calls from `threads` threads; the elapsed seconds and the failures."""
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        futures = [pool.submit(call, n) for n in range(calls)]
    failures = sum(1 for future in futures if future.exception() is not None)
    return time.monotonic() - started, failures


def report(fake: FakeProviders, provider: str, elapsed: float, failures: int) -> dict[str, float]:
    seen = fake.count(provider)
    interval = fake.min_interval(provider) or 0.0
    figures = {
        "requests": seen,
        "elapsed_s": elapsed,
        "min_interval_s": interval,
        "rate_per_s": (seen - 1) / elapsed if elapsed else 0.0,
        "max_in_5s": fake.max_in_window(provider, 5.0),
        "failures": failures,
    }
    print(
        f"{provider:12s} requests={seen:4d}  elapsed={elapsed:6.2f} s  "
        f"min interval={interval:.4f} s  achieved rate={figures['rate_per_s']:.3f}/s  "
        f"max in any 5 s={figures['max_in_5s']}  failed calls={failures}"
    )
    return figures


def bench_musicbrainz(fake: FakeProviders, calls: int, threads: int) -> bool:
    fake.reset()
    fake.musicbrainz_strict = True
    artists = [fake.catalog.add_artist(f"Artist {n}") for n in range(calls)]
    clients = build_clients(fake.config(real_limits=True))
    elapsed, failures = run_calls(
        lambda n: clients.musicbrainz.get_artist(artists[n].mbid), calls, threads
    )
    figures = report(fake, "musicbrainz", elapsed, failures)
    refused = fake.count("musicbrainz", status=503)
    print(f"{'':12s} 503 answers={refused}  client stats={clients.musicbrainz.stats}")
    clients.close()
    return (
        elapsed >= calls - 1 and figures["min_interval_s"] >= 1.0 and refused == 0 and failures == 0
    )


def bench_deezer(fake: FakeProviders, calls: int, threads: int) -> bool:
    fake.reset()
    fake.deezer_strict = True
    artists = [fake.catalog.add_artist(f"Artist {n}") for n in range(calls)]
    clients = build_clients(fake.config(real_limits=True))
    elapsed, failures = run_calls(
        lambda n: clients.deezer.get_artist(artists[n].deezer_id), calls, threads
    )
    figures = report(fake, "deezer", elapsed, failures)
    print(f"{'':12s} client stats={clients.deezer.stats}")
    clients.close()
    return figures["max_in_5s"] <= 50 and failures == 0 and figures["requests"] == calls


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb-calls", type=int, default=20)
    parser.add_argument("--deezer-calls", type=int, default=200)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    with FakeProviders() as fake:
        mb_ok = bench_musicbrainz(fake, args.mb_calls, args.threads)
        deezer_ok = bench_deezer(fake, args.deezer_calls, args.threads)
    print(f"musicbrainz: {'OK' if mb_ok else 'FAILED'}   deezer: {'OK' if deezer_ok else 'FAILED'}")
    return 0 if mb_ok and deezer_ok else 1


if __name__ == "__main__":
    sys.exit(main())
