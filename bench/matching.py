"""Benchmark the matcher: artists/s scored (10 candidates, 3 discographies of 40) and titles/s.

Run: .venv/bin/python bench/matching.py [--artists 500]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script: import `soulspot` from the root, and not bench/ratelimit.py as `ratelimit`.
sys.path[0] = str(ROOT)

from soulspot.matching import LocalAlbum, LocalArtist, decide, score_artist  # noqa: E402
from soulspot.matching.normalize import name_key, title_key  # noqa: E402
from soulspot.providers.types import AlbumInfo, ArtistInfo  # noqa: E402

WORDS = ("love", "night", "dream", "fire", "blue", "city", "heart", "road", "rain", "gold", "sun")
SUFFIXES = ["", " (Remastered 2011)", " (Deluxe Edition)", " - Live", " Vol. 2", " [Bonus Track]"]


def title(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS).title() for _ in range(rng.randint(1, 4)))


def build(rng: random.Random, number: int) -> tuple[LocalArtist, list[ArtistInfo], dict]:
    name = f"{title(rng)} {number}"
    albums = tuple(LocalAlbum(title(rng), rng.randint(1970, 2020)) for _ in range(8))
    candidates, discographies = [], {}
    for c in range(10):
        ident = f"{number}-{c}"
        candidates.append(ArtistInfo(provider="spotify", id=ident, name=name, popularity=c * 9))
        if c < 3:
            pool = [a.title for a in albums[: c * 3]] + [title(rng) for _ in range(40 - c * 3)]
            discographies[ident] = [
                AlbumInfo("spotify", f"{ident}-{i}", t + rng.choice(SUFFIXES), year=2000)
                for i, t in enumerate(pool)
            ]
    return LocalArtist(name, albums), candidates, discographies


def run(items: list) -> float:
    start = time.perf_counter()
    for local, candidates, discographies in items:
        decide([score_artist(local, c, discographies.get(c.id)) for c in candidates])
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--artists", type=int, default=500)
    args = parser.parse_args()
    rng = random.Random(42)
    items = [build(rng, n) for n in range(args.artists)]
    cold = run(items)
    warm = run(items)
    print(f"artists scored: {args.artists} (10 candidates, 3 discographies of 40, 8 local albums)")
    for label, seconds in (("cold cache", cold), ("warm cache", warm)):
        rate, per = args.artists / seconds, seconds / args.artists * 1e3
        print(f"{label}: {seconds:.2f} s  {rate:.0f} artists/s  {per:.2f} ms/artist")
    titles = [title(rng) + rng.choice(SUFFIXES) + f" {i}" for i in range(20_000)]
    start = time.perf_counter()
    for text in titles:
        title_key(text)
        name_key(text)
    elapsed = time.perf_counter() - start
    print(f"normalisation (uncached): {len(titles) / elapsed:.0f} title+name keys/s")


if __name__ == "__main__":
    main()
