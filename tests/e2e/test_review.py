"""The review page in a real browser: apply, reject, "None of these", and the keys."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pytest
import requests
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from soulspot.models import Album, Artist
from tests.factories import add_candidate
from tests.fakes.server import FakeProviders
from tests.support.demo_library import seed_demo_library
from tests.support.live import LiveServer


def _twin(fake: FakeProviders, name: str, disambiguation: str) -> Any:
    return next(
        a for a in fake.catalog.artists if a.name == name and a.disambiguation == disambiguation
    )


def _image(fake: FakeProviders, artist: Any) -> str:
    return f"{fake.url}{artist.image_paths('spotify')[0]}"


def _breakdown(name: float, found: int, local: int) -> dict[str, Any]:
    return {
        "breakdown": {
            "name": name,
            "discography_overlap": found / local,
            "albums_matched": found,
            "albums_local": local,
            "year": None,
            "genres": None,
            "reasons": [f"name similarity {name:.2f}", f"{found} of {local} local albums found"],
        }
    }


def _seed(session: Session, fake: FakeProviders) -> Mapping[str, Any]:
    """The demo library with review work waiting: cards for Blur, Pulp's album and Nirvana,
    in that order (best candidate first), candidates of the fake catalog's real entities."""
    ids = dict(seed_demo_library(session, fake))
    blur = _twin(fake, "Blur", "UK rock band")
    grunge = _twin(fake, "Nirvana", "US grunge band")
    uk = _twin(fake, "Nirvana", "UK psychedelic band")
    pulp = _twin(fake, "Pulp", "Sheffield band")
    blur_artist = session.get(Artist, ids["blur_artist"])
    nirvana = session.get(Artist, ids["nirvana_artist"])
    album = session.get(Album, ids["pulp_album"])
    pulp_twin = next(a for a in pulp.albums if a.title == album.title)
    made = {
        "blur": add_candidate(
            session,
            blur_artist,
            f"spotify:artist:{blur.spotify_id}",
            score=0.85,
            spotify_image_url=_image(fake, blur),
            extra_info={"genres": list(blur.genres), "popularity": 62, **_breakdown(1.0, 2, 3)},
        ),
        "pulp_album": add_candidate(
            session, album, f"spotify:album:{pulp_twin.spotify_id}", score=0.7, name=album.title
        ),
        "grunge": add_candidate(
            session,
            nirvana,
            f"spotify:artist:{grunge.spotify_id}",
            score=0.6,
            spotify_image_url=_image(fake, grunge),
            extra_info=_breakdown(1.0, 0, 1),
        ),
        "uk": add_candidate(
            session,
            nirvana,
            f"spotify:artist:{uk.spotify_id}",
            score=0.55,
            spotify_image_url=_image(fake, uk),
            extra_info=_breakdown(1.0, 0, 1),
        ),
    }
    return {**ids, **{f"candidate_{key}": c.id for key, c in made.items()}}


@pytest.fixture
def live_seed() -> Any:
    return _seed


def _card(page: Page, kind: str, entity_id: str) -> Any:
    return page.locator(f"#review-{kind}-{entity_id}")


def _status(live_server: LiveServer, status: str) -> list[str]:
    body = requests.get(
        live_server.url(f"/api/enrichment/candidates?status={status}&limit=200"), timeout=10
    ).json()
    return [c["id"] for c in body["candidates"]]


def test_apply_links_the_artist_and_its_albums_get_counted(
    live_server: LiveServer, page: Page
) -> None:
    seeded = live_server.seeded
    page.goto("/review")
    card = _card(page, "artist", seeded["blur_artist"])
    expect(card.locator("[data-candidate]")).to_have_count(1)
    expect(card.locator("img.review-image")).to_have_js_property("complete", True)
    card.get_by_role("button", name=re.compile("^Apply")).click()
    expect(card).to_have_attribute("data-state", "applied")
    expect(card).to_contain_text("Applied: linked to Blur")
    # The queued ALBUM_MATCH runs in the server; the card asks again until it is done.
    expect(card.locator(".review-album-links")).to_have_text(
        "3 of 3 local albums linked.", timeout=15_000
    )
    assert seeded["candidate_blur"] in _status(live_server, "applied")


def test_reject_removes_the_candidate_and_none_of_these_empties_the_card(
    live_server: LiveServer, page: Page
) -> None:
    seeded = live_server.seeded
    page.goto("/review")
    card = _card(page, "artist", seeded["nirvana_artist"])
    expect(card.locator("[data-candidate]")).to_have_count(2)
    rejected = card.locator(f'[data-candidate="{seeded["candidate_grunge"]}"]')
    rejected.get_by_role("button", name=re.compile("^Reject")).click()
    expect(rejected).to_have_count(0)
    expect(card.locator("[data-candidate]")).to_have_count(1)

    card.get_by_role("button", name="None of these").click()
    expect(card).to_have_attribute("data-state", "closed")
    expect(card.locator("[data-candidate]")).to_have_count(0)
    expect(card).to_contain_text("No candidates left")
    closed = _status(live_server, "rejected")
    assert {seeded["candidate_grunge"], seeded["candidate_uk"]} <= set(closed)
    assert seeded["candidate_blur"] not in closed  # another entity's stay pending


def test_a_bad_pasted_link_shows_the_error_in_the_card(
    live_server: LiveServer, page: Page, page_problems: Any
) -> None:
    seeded = live_server.seeded
    page_problems.expect_status(400, "/link")
    page.goto("/review")
    card = _card(page, "artist", seeded["nirvana_artist"])
    field = card.get_by_label("Link to the right Spotify artist")
    field.fill("https://open.spotify.com/album/" + "a" * 22)
    field.press("Enter")
    expect(card.locator(".error-fragment")).to_have_text("that is a Spotify album, not an artist")
    expect(card).to_have_attribute("data-state", "open")


def test_keys_move_between_cards_and_apply_the_top_candidate(
    live_server: LiveServer, page: Page
) -> None:
    seeded = live_server.seeded
    page.goto("/review")
    blur = _card(page, "artist", seeded["blur_artist"])
    album = _card(page, "album", seeded["pulp_album"])
    nirvana = _card(page, "artist", seeded["nirvana_artist"])
    expect(page.locator(".review-card")).to_have_count(3)
    expect(page.locator("#review-keys")).to_contain_text("apply")
    expect(blur).to_be_focused()
    page.keyboard.press("j")
    expect(album).to_be_focused()
    page.keyboard.press("j")
    expect(nirvana).to_be_focused()
    page.keyboard.press("j")  # the last card stays
    expect(nirvana).to_be_focused()
    page.keyboard.press("r")  # rejects Nirvana's top candidate
    expect(nirvana.locator(f'[data-candidate="{seeded["candidate_grunge"]}"]')).to_have_count(0)
    expect(nirvana.locator("[data-candidate]")).to_have_count(1)
    expect(nirvana).to_be_focused()  # the swapped card keeps the keys
    page.keyboard.press("k")
    expect(album).to_be_focused()
    page.keyboard.press("a")
    expect(album).to_have_attribute("data-state", "applied")
    expect(album).to_be_focused()
    assert seeded["candidate_pulp_album"] in _status(live_server, "applied")
    assert seeded["candidate_grunge"] in _status(live_server, "rejected")
