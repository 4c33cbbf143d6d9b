"""The settings page: the form, saving (secret never echoed), bad input, connection checks."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from soulspot.extensions import db
from soulspot.models import Setting
from tests.fakes.server import FakeProviders

HTMX = {"HX-Request": "true"}
SECRET = "s3cr3t-value-never-shown"
SECRET_KEY = "SPOTIFY_CLIENT_SECRET"
AppFactory = Callable[..., Flask]


@pytest.fixture
def app(make_app: AppFactory, fake_providers: FakeProviders) -> Flask:
    return make_app(**fake_providers.config())


def form(client: FlaskClient) -> dict[str, str]:
    """The form as a browser would submit it unchanged: every field with its shown value."""
    page = client.get("/settings").get_data(as_text=True)
    values = {}
    for tag in re.findall(r"<input [^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag).group(1)
        value = re.search(r'value="([^"]*)"', tag)
        if 'type="checkbox"' in tag:
            if " checked" in tag:
                values[name] = "on"
        else:
            values[name] = value.group(1) if value else ""
    return values


def save(client: FlaskClient, **changes: str | None) -> Any:
    values = form(client)
    for key, value in changes.items():
        if value is None:
            values.pop(key, None)  # an unticked box is not sent
        else:
            values[key] = value
    return client.post("/settings", data=values, headers=HTMX)


def saved_rows(app: Flask) -> dict[str, Any]:
    with app.app_context():
        return {row.key: row.value for row in db.session.scalars(db.select(Setting))}


def test_the_page_shows_every_setting(make_app: AppFactory) -> None:
    client = make_app(SPOTIFY_CLIENT_ID="my-id").test_client()
    body = client.get("/settings").get_data(as_text=True)
    for key in ("SPOTIFY_ENABLED", "DEEZER_ENABLED", "MUSICBRAINZ_ENABLED", "MUSICBRAINZ_CONTACT",
                "ENRICHMENT_SCHEDULE", "ARTWORK_REPAIR_SCHEDULE", "AUTO_APPLY_THRESHOLD",
                "AUTO_APPLY_MARGIN", "SPOTIFY_CLIENT_SECRET"):  # fmt: skip
        assert f'name="{key}"' in body
    assert 'value="my-id"' in body
    assert 'data-secret="not set"' in body
    assert 'value="0.9"' in body
    # The default schedule "0 3 * * *" fires next at 03:00 UTC.
    assert re.search(r'data-next-run="\d{4}-\d\d-\d\dT03:00:00\+00:00"', body)
    assert body.count(">Test connection</button>") == 3


def test_an_unchanged_form_saves_nothing(app: Flask, client: FlaskClient) -> None:
    response = save(client)
    assert response.status_code == 200
    assert "Settings saved" in response.get_data(as_text=True)
    assert saved_rows(app) == {}


def test_saving_the_spotify_credentials_never_shows_the_secret(
    app: Flask, client: FlaskClient
) -> None:
    response = save(client, SPOTIFY_CLIENT_ID="new-client-id", SPOTIFY_CLIENT_SECRET=SECRET)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<form id="settings-form"')  # the form block only
    assert SECRET not in body and 'data-secret="set"' in body
    assert 'value="new-client-id"' in body
    assert saved_rows(app) == {"SPOTIFY_CLIENT_ID": "new-client-id", SECRET_KEY: SECRET}
    assert SECRET not in client.get("/settings").get_data(as_text=True)
    assert app.config[SECRET_KEY] == SECRET  # applied at once

    # An empty secret field keeps the secret; a new one replaces it.
    assert save(client, SPOTIFY_CLIENT_ID="other-id").status_code == 200
    assert saved_rows(app)[SECRET_KEY] == SECRET
    assert save(client, SPOTIFY_CLIENT_SECRET="replaced").status_code == 200
    assert saved_rows(app)[SECRET_KEY] == "replaced"


def test_emptying_a_saved_field_gives_back_the_configured_value(
    make_app: AppFactory,
) -> None:
    app = make_app(MUSICBRAINZ_CONTACT="owner@example.org")
    client = app.test_client()
    assert save(client, MUSICBRAINZ_CONTACT="saved@example.org").status_code == 200
    assert app.config["MUSICBRAINZ_CONTACT"] == "saved@example.org"
    assert save(client, MUSICBRAINZ_CONTACT="").status_code == 200
    assert saved_rows(app) == {}
    assert app.config["MUSICBRAINZ_CONTACT"] == "owner@example.org"


@pytest.mark.parametrize(
    ("key", "value", "says"),
    [
        ("AUTO_APPLY_THRESHOLD", "very sure", "AUTO_APPLY_THRESHOLD must be a number"),
        ("AUTO_APPLY_MARGIN", "7", "AUTO_APPLY_MARGIN"),
        ("ENRICHMENT_SCHEDULE", "every night", "ENRICHMENT_SCHEDULE must be a cron expression"),
        ("SPOTIFY_CLIENT_SECRET", "caf\u00e9", "printable ASCII"),
    ],
)
def test_bad_input_is_a_400_error_fragment_and_saves_nothing(
    app: Flask, client: FlaskClient, key: str, value: str, says: str
) -> None:
    response = save(client, SPOTIFY_CLIENT_ID="would-be-saved", **{key: value})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert 'data-error="invalid_parameter"' in body and says in body
    if key == SECRET_KEY:
        assert value not in body
    assert saved_rows(app) == {}


def test_bad_input_without_htmx_is_a_page_not_a_500(client: FlaskClient) -> None:
    values = form(client)
    values["AUTO_APPLY_THRESHOLD"] = "nan-ish"
    response = client.post("/settings", data=values)
    assert response.status_code == 400
    assert "Back to the dashboard" in response.get_data(as_text=True)


def test_unticking_a_provider_disables_it_on_the_dashboard(app: Flask, client: FlaskClient) -> None:
    assert save(client, DEEZER_ENABLED=None).status_code == 200
    assert saved_rows(app) == {"DEEZER_ENABLED": False}
    assert not re.search(r'name="DEEZER_ENABLED"[^>]* checked', client.get("/settings").text)
    dashboard = client.get("/dashboard/library", headers={"HX-Request": "true"}).text
    row = re.search(r'<tr data-provider="deezer".*?</tr>', dashboard, re.S).group(0)
    assert ">disabled<" in row
    assert save(client, DEEZER_ENABLED="on").status_code == 200
    assert saved_rows(app) == {"DEEZER_ENABLED": True}


def test_a_schedule_shows_the_next_run_it_gives(client: FlaskClient) -> None:
    body = save(client, ENRICHMENT_SCHEDULE="30 5 * * *", ARTWORK_REPAIR_SCHEDULE="off").text
    assert re.search(r'id="ENRICHMENT_SCHEDULE-next" data-next-run="[\d-]+T05:30:00\+00:00"', body)
    assert 'id="ARTWORK_REPAIR_SCHEDULE-next" data-next-run="off"' in body


def test_test_connection_says_what_works(
    make_app: AppFactory, fake_providers: FakeProviders
) -> None:
    app = make_app(**fake_providers.config(MUSICBRAINZ_ENABLED=False))
    client = app.test_client()
    deezer = client.post("/settings/test/deezer", headers=HTMX)
    assert deezer.status_code == 200
    assert 'data-ok="true"' in deezer.text and "Deezer answered" in deezer.text
    spotify = client.post("/settings/test/spotify", headers=HTMX).text
    assert 'data-ok="true"' in spotify and "accepted the client id and secret" in spotify
    off = client.post("/settings/test/musicbrainz", headers=HTMX).text
    assert 'data-ok="false"' in off and "disabled in the settings" in off
    unknown = client.post("/settings/test/napster", headers=HTMX)
    assert unknown.status_code == 404 and 'data-error="not_found"' in unknown.text


def test_test_connection_reports_refused_credentials(
    make_app: AppFactory, fake_providers: FakeProviders
) -> None:
    app = make_app(**fake_providers.config(SPOTIFY_CLIENT_SECRET="wrong"))
    body = app.test_client().post("/settings/test/spotify", headers=HTMX).text
    assert 'data-ok="false"' in body and "Spotify refused the client id and secret" in body
    assert "wrong" not in body
