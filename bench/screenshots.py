"""Take the README's screenshots of every page, in a real browser against a live server.

Starts the fake provider server and a real `soulspot serve` on a seeded library (the browser
tests' start-up, tests/support/live.py, and demo library, plus a few more artists), slows the
fake providers so an enrichment run is caught mid-way, lets it finish, fetches the MusicBrainz
data, then saves PNGs to docs/screenshots/:
dashboard-running, dashboard, review, artists, artist, album, settings, and a 375 px wide
(artist-mobile) and a dark (dashboard-dark, artist-dark) shot.

Run: .venv/bin/python bench/screenshots.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # import from the repository root; bench/ratelimit.py must not shadow

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from tests.factories import add_album, add_artist  # noqa: E402
from tests.fakes.server import FakeProviders  # noqa: E402
from tests.support.browser import PageProblems, launch_chromium, watch  # noqa: E402
from tests.support.demo_library import seed_demo_library  # noqa: E402
from tests.support.live import LiveServer, live_server  # noqa: E402

#: More artists, so the list and the progress bar look like a library: (name, genre, albums).
MORE = [
    ("Radiohead", "art rock", [("OK Computer", 1997), ("Kid A", 2000), ("In Rainbows", 2007)]),
    ("Portishead", "trip hop", [("Dummy", 1994), ("Portishead", 1997), ("Third", 2008)]),
    ("Elastica", "britpop", [("Elastica", 1995), ("The Menace", 2000)]),
    ("Suede", "britpop", [("Suede", 1993), ("Dog Man Star", 1994), ("Coming Up", 1996)]),
    ("The Verve", "britpop", [("A Storm in Heaven", 1993), ("Urban Hymns", 1997)]),
    ("Boards of Canada", "electronic", [("Music Has the Right to Children", 1998)]),
    ("Björk", "art pop", [("Debut", 1993), ("Post", 1995), ("Homogenic", 1997)]),
    ("Slowdive", "shoegaze", [("Souvlaki", 1993), ("Pygmalion", 1995)]),
]
#: Seconds every fake provider request takes while the run is photographed.
LATENCY = 0.6
WIDE = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}


def seed(session: Session, fake: FakeProviders) -> Mapping[str, str]:
    ids = seed_demo_library(session, fake)
    for number, (name, genre, albums) in enumerate(MORE):
        remote = fake.catalog.add_artist(name, genres=(genre,), popularity=40 + number * 5)
        local = add_artist(session, name)
        for title, year in albums:
            fake.catalog.add_album(remote, title, year=year, tracks=10)
            add_album(session, local, title, tracks=10, release_year=year)
    return ids


def shoot(page: Page, path: str, out: Path, name: str) -> None:
    page.goto(path)
    page.wait_for_load_state("networkidle")  # the artist page's on-load fetches have answered
    page.screenshot(path=out / f"{name}.png", full_page=True)
    print(f"saved {out / name}.png")


def run(server: LiveServer, out: Path) -> list[str]:
    problems = PageProblems()
    ids = server.seeded
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        expect.set_options(timeout=60_000)

        def new_page(**options) -> Page:
            context = browser.new_context(base_url=server.base_url, **{"viewport": WIDE, **options})
            page = context.new_page()
            page.set_default_timeout(60_000)
            watch(page, problems)
            return page

        page = new_page()
        server.fake.faults.add("*", "slow", delay=LATENCY)
        page.goto("/")
        page.get_by_role("button", name="Enrich library").click()
        progress = page.locator("#enrichment-progress[value]")
        page.wait_for_function(
            "() => { const p = document.querySelector('#enrichment-progress');"
            " return p && p.max > 0 && p.value >= p.max / 3; }",
            polling=200,
        )
        expect(progress).to_be_visible()
        expect(page.locator('#library-summary [data-count="artists"]')).to_be_visible()
        page.screenshot(path=out / "dashboard-running.png", full_page=True)
        print(f"saved {out / 'dashboard-running'}.png")
        server.fake.faults.clear()
        expect(page.locator("#enrichment-card[data-state=idle]")).to_be_visible(timeout=120_000)
        # enrichment asks MusicBrainz only for tagged artists; this job resolves the rest
        with page.expect_response(lambda response: "/dashboard/musicbrainz" in response.url):
            page.get_by_role("button", name="Fetch MusicBrainz data").click()
        expect(page.locator("#actions-card[data-state=idle]")).to_be_visible(timeout=120_000)

        shoot(page, "/", out, "dashboard")
        shoot(page, "/review", out, "review")
        shoot(page, "/artists", out, "artists")
        shoot(page, f"/artists/{ids['blur_artist']}", out, "artist")
        shoot(page, f"/albums/{ids['blur_album']}", out, "album")
        shoot(page, "/settings", out, "settings")
        shoot(
            new_page(viewport=PHONE, is_mobile=True, has_touch=True),
            f"/artists/{ids['blur_artist']}",
            out,
            "artist-mobile",
        )
        dark = new_page(color_scheme="dark")
        shoot(dark, "/", out, "dashboard-dark")
        shoot(dark, f"/artists/{ids['blur_artist']}", out, "artist-dark")
        browser.close()
    return problems.problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with FakeProviders() as fake, tempfile.TemporaryDirectory(prefix="soulspot-shots-") as tmp:
        schedules = {"ENRICHMENT_SCHEDULE": "0 3 * * *", "ARTWORK_REPAIR_SCHEDULE": "0 4 * * *"}
        with live_server(Path(tmp), fake, seed=seed, **schedules) as server:
            problems = run(server, args.out)
    for problem in problems:
        print("browser problem:", problem)


if __name__ == "__main__":
    main()
