"""The dashboard in a real browser: Enrich library, the card polls, the bar moves, it ends;
then the review of what it was not sure of, and the applied artist's page."""

from __future__ import annotations

import re
import time

from playwright.sync_api import Page, expect

from tests.support.live import LiveServer

#: Seconds every fake provider answer waits, so a run of the demo library lasts several polls.
SLOW = 0.4
RUN_TIMEOUT = 90.0


#: The card's state and its bar's value, read in one go (a poll may swap the card meanwhile).
READ_CARD = """() => {
  const card = document.querySelector("#enrichment-card");
  const bar = card.querySelector("#enrichment-progress[value]");
  return [card.dataset.state, bar ? Number(bar.getAttribute("value")) : null];
}"""


def test_enrich_library_shows_progress_until_done(live_server: LiveServer, page: Page) -> None:
    live_server.fake.faults.add("*", "slow", delay=SLOW)
    page.goto("/")
    card = page.locator("#enrichment-card")
    expect(card).to_have_attribute("data-state", "idle")

    page.get_by_role("button", name="Enrich library").click()
    expect(card).to_have_attribute("data-state", "running")
    expect(page.get_by_role("button", name="Enriching…")).to_be_disabled()

    seen: set[int] = set()
    ends = time.monotonic() + RUN_TIMEOUT
    while True:
        state, value = page.evaluate(READ_CARD)
        if state != "running":
            break
        assert time.monotonic() < ends, f"enrichment still running after {RUN_TIMEOUT} s"
        if value is not None:
            seen.add(value)
        page.wait_for_timeout(250)

    # The card answered 286 with the outcome: no bar, no polling, the button back.
    assert len(seen) >= 2, f"the bar never moved: values seen {sorted(seen)}"
    expect(card.locator("[data-status='COMPLETED']")).to_be_visible()
    expect(card).not_to_have_attribute("hx-trigger", "every 2s")
    expect(page.locator("#enrichment-progress")).to_have_count(0)
    assert int(card.locator("[data-count='linked']").inner_text()) >= 3  # Blur, Pulp, Massive
    assert int(card.locator("[data-count='review']").inner_text()) >= 1  # the Nirvanas
    expect(page.get_by_role("button", name="Enrich library")).to_be_enabled()

    # A reload shows the run in the recent jobs and the links in the coverage.
    page.reload()
    expect(page.locator("tr[data-type='LIBRARY_SPOTIFY_ENRICHMENT'] [data-status]")).to_have_text(
        "completed"
    )
    expect(page.locator("tr[data-provider='spotify'] .coverage-figure").first).not_to_have_text(
        "0 / 5"
    )

    # The namesakes it was not sure of wait in the review: apply the grunge band.
    live_server.fake.faults.clear()  # the providers answer at full speed again
    nirvana_id = live_server.seeded["nirvana_artist"]
    page.get_by_role("link", name=re.compile("to review")).click()
    card = page.locator(f"#review-artist-{nirvana_id}")
    grunge = card.locator("[data-candidate]").filter(has_text="grunge")
    grunge.get_by_role("button", name=re.compile("^Apply")).click()
    expect(card).to_have_attribute("data-state", "applied")

    # Its page links to the band it was applied to, and fetches its picture and discography
    # without a reload.
    page.goto(f"/artists/{nirvana_id}")
    expect(page.get_by_role("button", name="Unlink Spotify")).to_be_visible()
    hero = page.locator("img.hero-image")
    expect(hero).to_have_count(1)
    expect(hero).to_have_js_property("complete", True)
    assert hero.evaluate("image => image.naturalWidth") > 0
    expect(page.locator(".album-card--provider")).to_have_count(3)  # Bleach, Nevermind, In Utero
