"""Browser tests: Debian's Chromium, driven by Playwright, against a real `soulspot serve`.

Without /usr/bin/chromium the whole directory skips; under CI=true it fails instead (.ci/run
installs chromium through .ci/system-packages). Playwright's own browser download is never used.

Fixtures:

- `live_server`: a `soulspot serve` process on 127.0.0.1:<free port> (tests/support/live.py),
  started per test on a fresh SQLite file under tmp_path, its providers the session's fake
  provider server (reset per test), its scheduler running (triggered jobs run; cron schedules
  off), artwork and music folders under tmp_path. Before it starts, `live_seed` fills the
  library and the fake catalog (default: tests/support/demo_library.py). Yields a
  `LiveServer`: `base_url`, `url(path)`, `fake`, `catalog`, `db_path`, `artwork_dir`,
  `music_dir`, `seeded` (the ids the seed returned, e.g. `seeded["xss_artist"]`), `log()`.
  A failing test's report shows the end of the server's log.
- `live_seed` / `live_config`: override them in a test module (a fixture of the same name) to
  seed another library (`(session, fake) -> ids`) or pass config (SOULSPOT_* variables).
- `browser`: one headless Chromium per session.
- `page`: a fresh browser context (1280x800, `base_url` = the live server, so
  `page.goto("/review")` works) and page. It records console errors, page errors, failed
  requests and responses >= 400, and any alert/prompt dialog (dismissed); the test fails at
  teardown listing them. Confirm dialogs (hx-confirm) are accepted and kept in
  `page_problems.confirms`. Requests aborted by a navigation (net::ERR_ABORTED) are not errors.
- `new_page(**context_options)`: another watched page in a context of its own, e.g.
  `new_page(viewport={"width": 375, "height": 812})` or `new_page(color_scheme="dark")`.
- `page_problems`: the record behind `page` and `new_page` (tests/support/browser.py);
  `page_problems.expect_status(404, "/artists/x")` allows that response (with its "Failed to
  load resource" console line and htmx's "htmx:responseError" log) in a test provoking it.

Playwright's `expect()` waits up to 10 s, as does every page action.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.fakes.server import FakeProviders
from tests.support.browser import CHROMIUM, PageProblems, launch_chromium, watch
from tests.support.demo_library import seed_demo_library
from tests.support.live import LiveServer, Seed
from tests.support.live import live_server as start_live_server

TIMEOUT_MS = 10_000
VIEWPORT = {"width": 1280, "height": 800}


@pytest.fixture(scope="session", autouse=True)
def _chromium_present() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{CHROMIUM} is missing: .ci/system-packages installs the chromium package")
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium): browser tests skipped")


@pytest.fixture
def live_seed() -> Seed:
    return seed_demo_library


@pytest.fixture
def live_config() -> Mapping[str, Any]:
    return {}


@pytest.fixture
def live_server(
    tmp_path: Path,
    fake_providers: FakeProviders,
    live_seed: Seed,
    live_config: Mapping[str, Any],
) -> Iterator[LiveServer]:
    with start_live_server(tmp_path / "live", fake_providers, seed=live_seed, **live_config) as s:
        yield s
    # captured: pytest shows it with a failing test only
    print(f"--- soulspot serve log (last 6000 characters) ---\n{s.log()[-6000:]}")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def page_problems() -> PageProblems:
    return PageProblems()


@pytest.fixture
def new_page(
    browser: Browser, live_server: LiveServer, page_problems: PageProblems
) -> Iterator[Callable[..., Page]]:
    """Open another watched page, in a context of its own (`viewport`, `color_scheme`, ...)."""
    contexts = []

    def factory(**options: Any) -> Page:
        context = browser.new_context(
            base_url=live_server.base_url, **{"viewport": VIEWPORT, **options}
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        watch(page, page_problems)
        return page

    yield factory
    for context in contexts:
        context.close()
    if page_problems.problems:
        pytest.fail("the browser saw problems:\n" + "\n".join(page_problems.problems))


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    return new_page()
