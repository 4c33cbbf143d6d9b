"""Every page loads cleanly in a real browser, fits a 375 px screen, and escapes library text.

"Cleanly": no console error, page error, failed request, error response or dialog (the `page`
fixture fails the test at teardown otherwise).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import PageProblems
from tests.support.demo_library import XSS_ALBUM, XSS_ARTIST
from tests.support.live import LiveServer

#: name -> path; {braces} are ids the demo library seeded.
PAGES = {
    "dashboard": "/",
    "review": "/review",
    "artists": "/artists",
    "settings": "/settings",
    "api-docs": "/api/docs",
    "artist": "/artists/{blur_artist}",
    "album": "/albums/{blur_album}",
}
MOBILE = {"width": 375, "height": 812}


def _open(page: Page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200, (path, response and response.status)
    page.wait_for_load_state("networkidle")  # what the page fetches on load has answered


@pytest.mark.parametrize("name", PAGES)
def test_page_loads_cleanly_and_fits_a_phone(
    name: str, live_server: LiveServer, page: Page, new_page: Callable[..., Page]
) -> None:
    path = PAGES[name].format(**live_server.seeded)
    _open(page, path)
    expect(page.locator("h1").first).to_be_visible()

    phone = new_page(viewport=MOBILE, is_mobile=True, has_touch=True)
    _open(phone, path)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= MOBILE["width"], f"{path} scrolls sideways at 375 px: {width} px wide"


#: Where library text shows: path -> the text that must be visible (None: only escaped).
MARKUP_PAGES = {
    "/": None,
    "/artists": XSS_ARTIST,
    "/artists?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E": XSS_ARTIST,  # reflected in the field too
    "/artists/{xss_artist}": XSS_ARTIST,
    "/albums/{xss_album}": XSS_ALBUM,
    "/review": None,
}


def test_markup_in_library_names_renders_as_text(
    live_server: LiveServer, page: Page, page_problems: PageProblems
) -> None:
    """One server for every page: starting one per page would triple the time."""
    for path, shown in MARKUP_PAGES.items():
        _open(page, path.format(**live_server.seeded))
        if shown is not None:
            expect(page.get_by_text(shown, exact=False).first).to_be_visible()
        assert page.locator("script:not([src])").count() == 0, path  # the CSP forbids them too
        assert page.locator("img[src='x']").count() == 0, path
        dialogs = [problem for problem in page_problems.problems if "dialog" in problem]
        assert not dialogs, (path, dialogs)
