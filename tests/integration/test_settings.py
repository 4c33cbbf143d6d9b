"""Settings: validation, override order, write-only secret, live effect, every toggle honoured."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from soulspot import create_app, database
from soulspot.extensions import db
from soulspot.jobs import get_queue
from soulspot.lifecycle import shutdown_app
from soulspot.models import Artist, EntityKind, Job, JobType, Setting, WorkKind
from soulspot.services import work_queue
from soulspot.services.enrichment import EnrichmentSettings
from soulspot.services.settings import FIELDS
from tests.factories import add_album, add_artist
from tests.fakes.server import FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, FakeProviders
from tests.support.artwork import served_image
from tests.support.enrichment import enrich_once

AppFactory = Callable[..., Flask]
NO_SCHEDULES = {"ENRICHMENT_SCHEDULE": "off", "ARTWORK_REPAIR_SCHEDULE": "off"}


@pytest.fixture
def app(make_app: AppFactory, fake_providers: FakeProviders) -> Flask:
    return make_app(**fake_providers.config())


@pytest.fixture
def scheduled(make_app: AppFactory, fake_providers: FakeProviders) -> Flask:
    """An app on the fake providers that runs jobs, its schedules off."""
    return make_app(**fake_providers.config(SCHEDULER_ENABLED=True, **NO_SCHEDULES))


def put(client: FlaskClient, **values: Any) -> Any:
    return client.put("/api/settings", json=values)


def shown(client: FlaskClient) -> dict[str, dict[str, Any]]:
    return client.get("/api/settings").json["settings"]


def saved_rows(app: Flask) -> dict[str, Any]:
    with app.app_context():
        return {row.key: row.value for row in db.session.scalars(db.select(Setting))}


def run_job(app: Flask, job_type: JobType, payload: dict[str, Any] | None = None) -> Job:
    queue = get_queue(app)
    assert queue is not None
    with app.app_context():
        submitted = queue.submit(job_type, payload or {})
        db.session.remove()
    assert queue.wait(submitted.job_id, timeout=30)
    with app.app_context():
        job = db.session.get(Job, submitted.job_id)
        db.session.expunge(job)
        return job


# --- reading and validation ----------------------------------------------------------------


def test_every_setting_is_listed_with_its_source(make_app: AppFactory) -> None:
    settings = shown(make_app().test_client())
    assert set(settings) == set(FIELDS)
    assert settings["AUTO_APPLY_THRESHOLD"] == {"value": 0.9, "source": "default"}
    assert settings["MUSICBRAINZ_ENABLED"] == {"value": True, "source": "default"}
    assert settings["SPOTIFY_CLIENT_SECRET"] == {"set": False, "source": "default"}


@pytest.mark.parametrize(
    ("key", "value", "says"),
    [
        ("SPOTIFY_ENABLED", "yes", "true or false"),
        ("DEEZER_ENABLED", 0, "true or false"),
        ("AUTO_APPLY_THRESHOLD", 0.2, "between 0.5 and 1"),
        ("AUTO_APPLY_THRESHOLD", "0.95", "must be a number"),
        ("AUTO_APPLY_THRESHOLD", True, "must be a number"),
        ("AUTO_APPLY_MARGIN", 1.0, "between 0 and 1"),
        ("ENRICHMENT_SCHEDULE", "every night", "cron expression"),
        ("ARTWORK_REPAIR_SCHEDULE", "0 4 * * * *", "cron expression"),
        ("ENRICHMENT_SCHEDULE", 3, "cron expression"),
        ("MUSICBRAINZ_CONTACT", "  ", "non-empty"),
        ("MUSICBRAINZ_CONTACT", "me@example.org\r\nX-Evil: 1", "printable ASCII"),
        ("SPOTIFY_CLIENT_ID", "x" * 201, "at most 200"),
        ("SPOTIFY_CLIENT_SECRET", ["a"], "non-empty string"),
    ],
)
def test_a_bad_value_is_a_400_naming_the_field_and_nothing_is_saved(
    client: FlaskClient, key: str, value: Any, says: str
) -> None:
    # A good field first: the update is all or nothing.
    response = client.put("/api/settings", json={"DEEZER_ENABLED": False, key: value})
    assert response.status_code == 400
    assert response.json["error"] == "invalid_parameter"
    assert key in response.json["detail"] and says in response.json["detail"]
    assert not response.json["detail"].startswith("SOULSPOT_")  # the setting, not the variable
    assert shown(client)["DEEZER_ENABLED"] == {"value": True, "source": "default"}
    assert client.application.config["DEEZER_ENABLED"] is True


def test_an_unknown_key_is_named(client: FlaskClient) -> None:
    response = put(client, SPOTIFY_ENABLED=False, SPOTIFY_CLEINT_ID="x")
    assert response.status_code == 400
    assert response.json["error"] == "unknown_setting"
    assert "'SPOTIFY_CLEINT_ID'" in response.json["detail"]
    assert shown(client)["SPOTIFY_ENABLED"]["value"] is True


@pytest.mark.parametrize(
    "body", ['{"AUTO_APPLY_MARGIN": NaN}', '["SPOTIFY_ENABLED"]', "{", '{"API_KEY": "x"}']
)
def test_malformed_or_foreign_bodies_are_400(client: FlaskClient, body: str) -> None:
    response = client.put("/api/settings", data=body, content_type="application/json")
    assert response.status_code == 400 and set(response.json) == {"error", "detail"}


# --- which value applies --------------------------------------------------------------------


def test_database_overrides_the_environment_which_overrides_the_defaults(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOULSPOT_AUTO_APPLY_MARGIN", "0.2")
    app = make_app(AUTO_APPLY_THRESHOLD=0.85)  # create_app's mapping beats the environment
    client = app.test_client()
    before = shown(client)
    assert before["AUTO_APPLY_MARGIN"] == {"value": 0.2, "source": "environment"}
    assert before["AUTO_APPLY_THRESHOLD"] == {"value": 0.85, "source": "environment"}

    response = put(client, AUTO_APPLY_MARGIN=0.3, AUTO_APPLY_THRESHOLD=1)
    assert response.status_code == 200
    assert response.json["settings"]["AUTO_APPLY_MARGIN"] == {"value": 0.3, "source": "database"}
    assert response.json["settings"]["AUTO_APPLY_THRESHOLD"]["value"] == 1.0
    applied = EnrichmentSettings.from_config(app.config)
    assert (applied.threshold, applied.margin) == (1.0, 0.3)

    response = put(client, AUTO_APPLY_MARGIN=None, AUTO_APPLY_THRESHOLD=None)
    assert response.json["settings"]["AUTO_APPLY_MARGIN"] == {"value": 0.2, "source": "environment"}
    assert app.config["AUTO_APPLY_THRESHOLD"] == 0.85
    assert saved_rows(app) == {}


def test_an_update_leaves_the_other_settings_as_they_are(client: FlaskClient) -> None:
    put(client, DEEZER_ENABLED=False)
    put(client, AUTO_APPLY_MARGIN=0.2)
    put(client)  # an empty update changes nothing
    assert saved_rows(client.application) == {"DEEZER_ENABLED": False, "AUTO_APPLY_MARGIN": 0.2}


def test_saved_settings_apply_in_the_next_process(make_app: AppFactory, tmp_path: Any) -> None:
    first = make_app()
    put(first.test_client(), DEEZER_ENABLED=False, ENRICHMENT_SCHEDULE=" OFF ")
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": first.config["SQLALCHEMY_DATABASE_URI"],
        "ARTWORK_DIR": str(tmp_path / "artwork"),
    }
    second = create_app(config)
    try:
        # Building an app touches no database; preparing it (as every entry point does) reads them.
        assert second.config["DEEZER_ENABLED"] is True
        database.prepare(second)
        assert second.config["DEEZER_ENABLED"] is False
        settings = shown(second.test_client())
        assert settings["DEEZER_ENABLED"] == {"value": False, "source": "database"}
        assert settings["ENRICHMENT_SCHEDULE"] == {"value": "off", "source": "database"}
    finally:
        shutdown_app(second)


def test_before_the_migrations_the_configured_values_apply(make_app: AppFactory) -> None:
    app = make_app(AUTO_MIGRATE=False, DEEZER_ENABLED=False)  # a fresh database, no tables
    client = app.test_client()
    assert shown(client)["DEEZER_ENABLED"] == {"value": False, "source": "environment"}
    refused = put(client, DEEZER_ENABLED=True)
    assert refused.status_code == 503 and "schema" in refused.json["detail"]
    assert app.config["DEEZER_ENABLED"] is False

    app.config["AUTO_MIGRATE"] = True
    database.prepare(app)
    assert put(client, DEEZER_ENABLED=True).status_code == 200
    assert app.config["DEEZER_ENABLED"] is True


def test_a_bad_saved_value_is_ignored_with_a_warning(
    make_app: AppFactory, caplog: pytest.LogCaptureFixture
) -> None:
    first = make_app()
    with first.app_context():
        db.session.add_all(
            [
                Setting(key="AUTO_APPLY_THRESHOLD", value=5),
                Setting(key="SOME_FUTURE_SETTING", value=1),
                Setting(key="DEEZER_ENABLED", value=False),
            ]
        )
        db.session.commit()
    with caplog.at_level(logging.WARNING):
        second = make_app()
    assert second.config["AUTO_APPLY_THRESHOLD"] == 0.9
    assert second.config["DEEZER_ENABLED"] is False
    assert "AUTO_APPLY_THRESHOLD must be between 0.5 and 1" in caplog.text


# --- the secret -----------------------------------------------------------------------------


def test_the_secret_is_write_only_and_never_logged(
    make_app: AppFactory, fake_providers: FakeProviders, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "s3cret-that-must-never-show-4711"
    fake_providers.spotify_credentials = (FAKE_CLIENT_ID, secret)
    caplog.set_level(logging.DEBUG)
    app = make_app(**fake_providers.config(SPOTIFY_CLIENT_SECRET=None))
    client = app.test_client()
    answers = [
        put(client, SPOTIFY_CLIENT_SECRET=secret),
        client.get("/api/settings"),
        client.post("/api/settings/test/spotify"),
        put(client, SPOTIFY_CLIENT_SECRET=secret + "\x07!"),  # refused, and not quoted
        put(client, SPOTIFY_CLIENT_SECRET=secret, AUTO_APPLY_MARGIN=7),
    ]
    assert answers[0].json["settings"]["SPOTIFY_CLIENT_SECRET"] == {
        "set": True,
        "source": "database",
    }
    assert answers[2].json["ok"] is True
    assert [answer.status_code for answer in answers] == [200, 200, 200, 400, 400]
    fake_providers.catalog.add_artist("Blur")
    with app.app_context():
        add_artist(db.session, "Blur")
        db.session.commit()
    assert enrich_once(app)["spotify"] == "ok"  # the saved secret is the one in use
    for answer in answers:
        assert secret not in answer.get_data(as_text=True)
    assert secret not in caplog.text
    assert "SPOTIFY_CLIENT_SECRET" in caplog.text  # the log names what changed


# --- the provider check ---------------------------------------------------------------------


def test_spotify_credentials_are_checked_with_one_request_and_change_live(
    client: FlaskClient, fake_providers: FakeProviders
) -> None:
    put(client, SPOTIFY_CLIENT_SECRET="wrong")
    refused = client.post("/api/settings/test/spotify").json
    assert refused == {
        "provider": "spotify",
        "ok": False,
        "message": "Spotify refused the client id and secret",
    }
    assert fake_providers.count("spotify") == 1  # one token request, no retry

    put(client, SPOTIFY_CLIENT_SECRET=FAKE_CLIENT_SECRET)
    accepted = client.post("/api/settings/test/spotify").json
    assert accepted["ok"] is True and "accepted" in accepted["message"]
    assert fake_providers.count("spotify", path_contains="/api/token") == 2


def test_spotify_without_credentials_sends_nothing(
    make_app: AppFactory, fake_providers: FakeProviders
) -> None:
    client = make_app(**fake_providers.config(SPOTIFY_CLIENT_ID=None)).test_client()
    answer = client.post("/api/settings/test/spotify").json
    assert answer["ok"] is False and "no client id and secret" in answer["message"]
    assert fake_providers.count("spotify") == 0


@pytest.mark.parametrize(
    ("provider", "name"), [("deezer", "Deezer"), ("musicbrainz", "MusicBrainz")]
)
def test_deezer_and_musicbrainz_answer_one_search(
    client: FlaskClient, fake_providers: FakeProviders, provider: str, name: str
) -> None:
    answer = client.post(f"/api/settings/test/{provider}").json
    assert answer == {"provider": provider, "ok": True, "message": f"{name} answered"}
    assert fake_providers.count(provider) == 1

    fake_providers.faults.add(provider, "503")
    answer = client.post(f"/api/settings/test/{provider}").json
    assert answer["ok"] is False
    assert answer["message"].startswith(f"{name} is unavailable right now: HTTP 503")
    assert fake_providers.count(provider) == 2  # no retry


def test_a_rate_limit_is_reported_not_waited_for(
    client: FlaskClient, fake_providers: FakeProviders
) -> None:
    fake_providers.faults.add("deezer", "429", retry_after=3)
    answer = client.post("/api/settings/test/deezer").json
    assert answer["ok"] is False
    assert answer["message"] == "Deezer answered but asks us to slow down: try again in 3 s"
    assert fake_providers.count("deezer") == 1


def test_an_unreachable_provider_says_so(make_app: AppFactory) -> None:
    client = make_app(
        MUSICBRAINZ_API_URL="http://127.0.0.1:9", HTTP_CONNECT_TIMEOUT=1
    ).test_client()
    answer = client.post("/api/settings/test/musicbrainz").json
    assert answer["ok"] is False
    assert answer["message"].startswith("MusicBrainz could not be reached: ConnectionError")


def test_a_disabled_provider_is_not_asked(
    client: FlaskClient, fake_providers: FakeProviders
) -> None:
    put(client, MUSICBRAINZ_ENABLED=False)
    answer = client.post("/api/settings/test/musicbrainz").json
    assert answer["ok"] is False and "disabled" in answer["message"]
    assert fake_providers.count("musicbrainz") == 0


def test_an_unknown_provider_is_a_404(client: FlaskClient) -> None:
    response = client.post("/api/settings/test/coverart")
    assert response.status_code == 404 and "spotify, deezer, musicbrainz" in response.json["detail"]


# --- changes take effect without a restart --------------------------------------------------


def test_schedules_are_rescheduled(scheduled: Flask) -> None:
    queue = get_queue(scheduled)
    client = scheduled.test_client()
    assert queue.schedules == {}

    put(client, ENRICHMENT_SCHEDULE="30 5 * * *")
    fires = queue.schedules[JobType.NIGHTLY_CHAIN]
    assert (fires.hour, fires.minute) == (5, 30)

    put(client, ENRICHMENT_SCHEDULE="off", ARTWORK_REPAIR_SCHEDULE="0 1 * * *")
    assert set(queue.schedules) == {JobType.ARTWORK_REPAIR}

    put(client, ENRICHMENT_SCHEDULE=None, ARTWORK_REPAIR_SCHEDULE=None)  # back to "off"
    assert queue.schedules == {}


def test_a_saved_schedule_is_used_when_the_scheduler_starts(
    make_app: AppFactory, fake_providers: FakeProviders
) -> None:
    put(make_app().test_client(), ARTWORK_REPAIR_SCHEDULE="15 2 * * *")
    queue = get_queue(make_app(**fake_providers.config(SCHEDULER_ENABLED=True, **NO_SCHEDULES)))
    assert queue.schedules[JobType.ARTWORK_REPAIR].hour == 2


def test_a_new_contact_is_in_the_next_request_of_every_client(
    app: Flask, fake_providers: FakeProviders
) -> None:
    client = app.test_client()
    put(client, MUSICBRAINZ_CONTACT="mailto:owner@example.org")
    client.post("/api/settings/test/musicbrainz")
    client.post("/api/settings/test/deezer")
    with app.app_context():
        add_artist(db.session, "Blur", deezer_id="1", image_url=served_image(fake_providers))
        db.session.commit()
    client.post("/api/enrichment/auto-fetch-images")
    agents = {record.provider: record.user_agent for record in fake_providers.records()}
    assert set(agents) == {"musicbrainz", "deezer", "cdn"}
    assert all("( mailto:owner@example.org )" in agent for agent in agents.values())


# --- every toggle honoured by every job -----------------------------------------------------


@pytest.fixture
def blur(scheduled: Flask, fake_providers: FakeProviders) -> str:
    """Blur on every provider and in the library, unlinked."""
    band = fake_providers.catalog.add_artist("Blur", genres=("britpop",), popularity=60)
    for title, year in [("Parklife", 1994), ("The Great Escape", 1995)]:
        fake_providers.catalog.add_album(band, title, year=year, tracks=1)
    with scheduled.app_context():
        artist = add_artist(db.session, "Blur")
        add_album(db.session, artist, "Parklife", release_year=1994)
        db.session.commit()
        return artist.id


@pytest.mark.parametrize(("off", "on"), [("spotify", "deezer"), ("deezer", "spotify")])
def test_enrichment_skips_a_provider_turned_off(
    scheduled: Flask, fake_providers: FakeProviders, blur: str, off: str, on: str
) -> None:
    put(scheduled.test_client(), **{f"{off.upper()}_ENABLED": False})
    job = run_job(scheduled, JobType.LIBRARY_SPOTIFY_ENRICHMENT)
    assert job.status.value == "COMPLETED"
    assert job.result[off] == "disabled" and job.result[on] == "ok"
    assert job.result["requests"][off] == 0 == fake_providers.count(off)
    assert fake_providers.count(on) > 0


def test_artwork_repair_in_api_mode_says_deezer_is_off(
    scheduled: Flask, fake_providers: FakeProviders
) -> None:
    with scheduled.app_context():
        add_artist(db.session, "Blur")
        db.session.commit()
    client = scheduled.test_client()
    put(client, DEEZER_ENABLED=False)
    answer = client.post("/api/enrichment/repair-artwork?use_api=true").json
    job = run_job(scheduled, JobType.ARTWORK_REPAIR, {"use_api": True})
    for summary in (answer["summary"], job.result["summary"]):
        assert summary["mode"] == "cdn_only" and "Deezer is disabled" in summary["note"]
    assert fake_providers.count("deezer") == 0


def test_auto_fetch_asks_deezer_only_while_it_is_on(
    app: Flask, fake_providers: FakeProviders
) -> None:
    band = fake_providers.catalog.add_artist("Blur")
    with app.app_context():
        add_artist(db.session, "Blur", deezer_id=str(band.deezer_id))
        db.session.commit()
    client = app.test_client()
    put(client, DEEZER_ENABLED=False)
    client.post("/api/enrichment/auto-fetch-images")
    assert fake_providers.count("deezer") == 0
    put(client, DEEZER_ENABLED=None)
    client.post("/api/enrichment/auto-fetch-images")
    assert fake_providers.count("deezer", path_contains=f"/artist/{band.deezer_id}") == 1


def test_an_album_match_follow_up_skips_spotify_turned_off(
    scheduled: Flask, fake_providers: FakeProviders, blur: str
) -> None:
    band = fake_providers.catalog.artists_on("spotify")[0]
    with scheduled.app_context():
        artist = db.session.get(Artist, blur)
        artist.spotify_uri = f"spotify:artist:{band.spotify_id}"
        work_queue.enqueue(db.session, WorkKind.ALBUM_MATCH, EntityKind.ARTIST, blur)
        db.session.commit()
    put(scheduled.test_client(), SPOTIFY_ENABLED=False)
    assert get_queue(scheduled).work_off_follow_ups() == 1
    assert fake_providers.count("spotify") == 0


def test_disambiguation_skips_musicbrainz_turned_off(
    scheduled: Flask, fake_providers: FakeProviders, blur: str
) -> None:
    client = scheduled.test_client()
    put(client, MUSICBRAINZ_ENABLED=False)
    fragment = client.post("/api/enrichment/disambiguation", headers={"HX-Request": "true"})
    assert 'data-outcome="disabled"' in fragment.get_data(as_text=True)
    job = run_job(scheduled, JobType.MUSICBRAINZ_DISAMBIGUATION)
    assert job.result["musicbrainz"] == "disabled"
    assert fake_providers.count("musicbrainz") == 0
