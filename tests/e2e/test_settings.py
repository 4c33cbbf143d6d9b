"""The settings page in a real browser: credentials saved, the secret never shown back, a
provider switched off shows as disabled on the dashboard, a connection check."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.support.browser import PageProblems
from tests.support.live import LiveServer

SECRET = "a-secret-nobody-should-see-again"


def test_spotify_credentials_are_saved_and_the_secret_not_shown(
    live_server: LiveServer, page: Page
) -> None:
    page.goto("/settings")
    page.get_by_label("Client id").fill("my-own-client-id")
    page.get_by_label("Client secret").fill(SECRET)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").filter(has_text="Settings saved")).to_be_visible()
    expect(page.locator("#secret-help")).to_have_attribute("data-secret", "set")
    expect(page.get_by_label("Client secret")).to_have_value("")

    page.reload()
    expect(page.get_by_label("Client id")).to_have_value("my-own-client-id")
    expect(page.get_by_label("Client secret")).to_have_value("")
    expect(page.locator("#secret-help")).to_have_attribute("data-secret", "set")
    assert SECRET not in page.content()


def test_a_disabled_provider_shows_disabled_on_the_dashboard(
    live_server: LiveServer, page: Page
) -> None:
    page.goto("/settings")
    page.get_by_label("Use Deezer").uncheck()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").filter(has_text="Settings saved")).to_be_visible()
    expect(page.get_by_label("Use Deezer")).not_to_be_checked()

    page.goto("/")
    deezer = page.locator("tr[data-provider='deezer']")
    expect(deezer).to_have_attribute("data-enabled", "false")
    expect(deezer.get_by_text("disabled", exact=True)).to_be_visible()
    expect(page.locator("tr[data-provider='spotify']")).to_have_attribute("data-enabled", "true")


def test_test_connection_says_what_works(live_server: LiveServer, page: Page) -> None:
    page.goto("/settings")
    row = page.locator(".provider-row[data-provider='deezer']")
    row.get_by_role("button", name="Test connection").click()
    expect(row.locator("[data-ok='true']")).to_contain_text("Deezer answered")


def test_a_bad_value_shows_the_error_and_saves_nothing(
    live_server: LiveServer, page: Page, page_problems: PageProblems
) -> None:
    page_problems.expect_status(400, "/settings")
    page.goto("/settings")
    page.get_by_label("Nightly run: scan, enrichment, MusicBrainz, artwork").fill("every night")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#settings-errors [data-error='invalid_parameter']")).to_contain_text(
        "ENRICHMENT_SCHEDULE must be a cron expression"
    )
    page.reload()
    expect(page.locator("#ENRICHMENT_SCHEDULE")).to_have_value("off")
