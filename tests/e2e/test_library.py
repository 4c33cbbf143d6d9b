"""The library pages in a real browser: the on-load fetches, link and unlink by hand, escaping."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from tests.factories import add_album, add_artist
from tests.fakes.server import FakeProviders
from tests.support.browser import PageProblems
from tests.support.demo_library import XSS_ALBUM, XSS_ARTIST, seed_demo_library
from tests.support.live import LiveServer, Seed

SUEDE_ALBUMS = [("Suede", 1993, 4), ("Dog Man Star", 1994, 4), ("Coming Up", 1996, 4)]


@pytest.fixture
def live_seed() -> Seed:
    """The demo library plus Suede: one album of the three its Deezer discography has."""

    def seed(session: Session, fake: FakeProviders) -> dict[str, Any]:
        ids = seed_demo_library(session, fake)
        remote = fake.catalog.add_artist("Suede", genres=("britpop",), fans=400_000)
        for title, year, tracks in SUEDE_ALBUMS:
            fake.catalog.add_album(remote, title, year=year, tracks=tracks)
        suede = add_artist(session, "Suede")
        add_album(session, suede, "Dog Man Star", tracks=4, release_year=1994)
        session.flush()
        return {**ids, "suede_artist": suede.id}

    return seed


def test_the_artist_page_shows_its_image_and_albums_after_the_on_load_fetch(
    live_server: LiveServer, page: Page
) -> None:
    page.goto(f"/artists/{live_server.seeded['suede_artist']}")
    expect(page.locator("h1")).to_have_text("Suede")
    expect(page.locator("#local-albums")).to_contain_text("(1)")

    # No reload: the discography arrives, then the pictures it brought.
    provider = page.locator("section[aria-labelledby='provider-albums']")
    expect(provider.locator(".album-card-title")).to_have_text(["Suede", "Coming Up"])
    picture = page.locator("img.hero-image")
    expect(picture).to_be_visible()
    expect(picture).to_have_attribute(
        "src", f"/artwork/artists/{live_server.seeded['suede_artist']}"
    )
    # The file itself was served. (wait_for_function with a string would need eval, which
    # the CSP refuses whenever the first check is not already true.)
    expect(picture).to_have_js_property("complete", True)
    assert picture.evaluate("img => img.naturalWidth") > 0
    expect(page.locator(".album-card img.cover")).to_have_count(3)
    expect(page.locator("#link-panel a[data-provider='deezer']")).to_be_visible()


def test_link_by_hand_with_a_pasted_url_then_unlink(live_server: LiveServer, page: Page) -> None:
    pulp = next(a for a in live_server.catalog.artists if a.name == "Pulp")
    page.goto(f"/artists/{live_server.seeded['pulp_artist']}")
    page.wait_for_load_state("networkidle")
    panel = page.locator("#link-panel")

    page.get_by_label("Link to Spotify by hand").fill(
        f"https://open.spotify.com/intl-de/artist/{pulp.spotify_id}?si=abc"
    )
    page.get_by_role("button", name="Link", exact=True).click()

    expect(panel.get_by_role("status")).to_have_text("Linked to Spotify.")
    spotify = panel.locator("a[data-provider='spotify']")
    expect(spotify).to_have_attribute("href", f"https://open.spotify.com/artist/{pulp.spotify_id}")

    panel.get_by_role("button", name="Unlink Spotify").click()

    expect(panel.get_by_role("status")).to_contain_text("Unlinked from Spotify")
    expect(spotify).to_have_count(0)


def test_a_bad_pasted_url_shows_the_error_in_place(
    live_server: LiveServer, page: Page, page_problems: PageProblems
) -> None:
    artist_id = live_server.seeded["pulp_artist"]
    page_problems.expect_status(400, f"/artists/{artist_id}/link")
    page.goto(f"/artists/{artist_id}")
    page.wait_for_load_state("networkidle")
    page.get_by_label("Link to Spotify by hand").fill("https://example.com/artist/x")
    page.get_by_role("button", name="Link", exact=True).click()
    expect(page.locator("#link-error [role='alert']")).to_contain_text("not a Spotify artist")


def test_the_xss_artist_renders_as_text_before_and_after_its_fetches(
    live_server: LiveServer, page: Page
) -> None:
    page.goto(f"/artists/{live_server.seeded['xss_artist']}")
    page.wait_for_load_state("networkidle")  # the discography fetch swapped the block in
    expect(page.locator("h1")).to_have_text(XSS_ARTIST)
    expect(page.locator(".album-card-title")).to_have_text(XSS_ALBUM)
    assert page.locator("script:not([src])").count() == 0
    assert page.locator("img[src='x']").count() == 0

    page.goto("/artists?q=" + re.sub(r"[<>/()]", lambda m: f"%{ord(m[0]):02X}", XSS_ARTIST))
    expect(page.locator(".artist-row-name")).to_have_text([XSS_ARTIST])
    expect(page.get_by_label("Search")).to_have_value(XSS_ARTIST)
