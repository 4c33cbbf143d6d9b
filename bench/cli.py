"""Benchmark the start-up of the command line: `soulspot --help` and `soulspot status`.

Each command runs as a fresh process (the installed `soulspot` script of this interpreter's
environment) on a temporary instance folder whose database is migrated first, --runs times;
prints the median and the fastest run. Target: both medians under 0.5 s.

Run: .venv/bin/python bench/cli.py [--runs 10]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SCRIPT = Path(sys.executable).with_name("soulspot")
COMMANDS = (["--help"], ["status"])
TARGET = 0.5


def timed(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run([str(SCRIPT), *args], env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"soulspot {' '.join(args)} failed ({done.returncode}): {done.stderr}")
    if done.stderr:
        raise SystemExit(f"soulspot {' '.join(args)} wrote to stderr: {done.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as instance:
        env = {**os.environ, "SOULSPOT_INSTANCE_PATH": instance}
        env.pop("FLASK_APP", None)
        # The migration's log lines go to stderr; only this run may have any.
        subprocess.run([str(SCRIPT), "db", "upgrade"], env=env, check=True, capture_output=True)
        failed = False
        for args in COMMANDS:
            times = [timed(args, env) for _ in range(runs)]
            median = statistics.median(times)
            failed |= median >= TARGET
            verdict = "ok" if median < TARGET else f"over {TARGET} s"
            print(
                f"soulspot {' '.join(args):<8} median {median:.3f} s  fastest {min(times):.3f} s"
                f"  ({runs} runs, {verdict})"
            )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
