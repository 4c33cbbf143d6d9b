"""Every script command against the fake providers: exit codes 0/1/2, one JSON document on
stdout, logs elsewhere, no secret in any log record."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from soulspot import database
from soulspot.__main__ import main
from soulspot.extensions import db
from soulspot.logs import JsonFormatter
from soulspot.models import Album, Artist, Candidate, CandidateStatus, Job, JobType, Setting
from soulspot.services.artwork import Reason, failed_marker
from tests.factories import add_album, add_artist, add_candidate, spotify_uri
from tests.fakes.server import FAKE_CLIENT_SECRET, FakeProviders

API_KEY = "api-key-that-must-never-show-0815"


@pytest.fixture
def app(make_app, fake_providers: FakeProviders) -> Flask:
    return make_app(**fake_providers.config(), API_KEY=API_KEY)


def run(app: Flask, *args: str) -> Any:
    return app.test_cli_runner().invoke(main, list(args))


def run_json(app: Flask, *args: str, exit_code: int = 0) -> Any:
    """The command's stdout, which must be exactly one JSON document."""
    result = run(app, *args, "--json")
    assert result.exit_code == exit_code, (result.stdout, result.stderr)
    return json.loads(result.stdout)


def _blur(app: Flask, fake: FakeProviders) -> str:
    remote = fake.catalog.add_artist("Blur", genres=("britpop",), popularity=60)
    fake.catalog.add_album(remote, "Parklife", year=1994, tracks=12)
    with app.app_context():
        artist = add_artist(db.session, "Blur")
        add_album(db.session, artist, "Parklife", tracks=12, release_year=1994)
        db.session.commit()
        return artist.id


def test_enrich_runs_the_job_here_and_prints_it(app, fake_providers) -> None:
    artist_id = _blur(app, fake_providers)

    job = run_json(app, "enrich", "--wait")

    assert job["type"] == JobType.LIBRARY_SPOTIFY_ENRICHMENT.value
    assert job["status"] == "COMPLETED" and job["payload"]["triggered_by"] == "cli"
    with app.app_context():
        assert db.session.get(Artist, artist_id).spotify_uri is not None
    assert run(app, "enrich").exit_code == 0  # --wait is the default


def test_enrich_with_refused_credentials_exits_1_with_the_failed_job(make_app, fake_providers):
    app = make_app(**fake_providers.config(SPOTIFY_CLIENT_SECRET="wrong"))
    _blur(app, fake_providers)

    job = run_json(app, "enrich", exit_code=1)

    assert job["status"] == "FAILED" and job["error"]


def test_a_job_already_running_is_a_failure(app) -> None:
    with app.app_context():
        db.session.add(Job(type=JobType.LIBRARY_SPOTIFY_ENRICHMENT, status="RUNNING", payload={}))
        db.session.commit()

    answer = run_json(app, "enrich", exit_code=1)

    assert answer["error"] == "job_running"


def test_repair_artwork_options_reach_the_job(app) -> None:
    job = run_json(app, "repair-artwork", "--entity-type", "album", "--limit", "5")

    assert job["status"] == "COMPLETED"
    assert job["payload"] == {
        "triggered_by": "cli",
        "use_api": False,
        "entity_type": "album",
        "limit": 5,
    }
    assert job["result"]["summary"]["mode"] == "cdn_only"


@pytest.mark.parametrize(
    "args",
    [
        ["repair-artwork", "--entity-type", "track"],
        ["repair-artwork", "--limit", "0"],
        ["disambiguate", "--limit", "x"],
        ["jobs", "--limit", "500"],
        ["candidates", "apply"],
        ["settings", "set", "AUTO_APPLY_MARGIN"],
        ["no-such-command"],
    ],
)
def test_bad_arguments_exit_2(app, args) -> None:
    assert run(app, *args).exit_code == 2


def test_reset_failed_images_clears_the_markers(app) -> None:
    with app.app_context():
        artist = add_artist(db.session, "Blur", image_path=failed_marker(Reason.NOT_FOUND))
        add_album(db.session, artist, "Parklife", cover_path=failed_marker(Reason.NOT_FOUND))
        db.session.commit()

    assert run_json(app, "reset-failed-images", "--entity-type", "album") == {
        "reset_artists": 0,
        "reset_albums": 1,
    }
    assert run_json(app, "reset-failed-images")["reset_artists"] == 1


def test_disambiguate_resolves_at_most_limit_artists(app, fake_providers) -> None:
    for name in ("Lures", "Slowdive", "Ride"):
        fake_providers.catalog.add_artist(name)
    with app.app_context():
        for name in ("Lures", "Slowdive", "Ride"):
            add_artist(db.session, name)
        db.session.commit()

    job = run_json(app, "disambiguate", "--limit", "2")

    assert job["type"] == JobType.MUSICBRAINZ_DISAMBIGUATION.value
    assert job["status"] == "COMPLETED"
    assert job["result"]["artists_checked"] == 2


def test_status_reads_the_counts(app) -> None:
    with app.app_context():
        add_artist(db.session, "Blur", albums=("Parklife",))
        db.session.commit()

    document = run_json(app, "status")

    assert document["library"] == {"artists": 1, "albums": 1, "tracks": 1}
    assert document["enrichment"]["artists_unenriched"] == 1
    assert document["enrichment"]["is_running"] is False
    text = run(app, "status")
    assert text.exit_code == 0 and "artists_unenriched: 1" in text.stdout


def test_status_of_a_database_without_schema_says_so(make_app) -> None:
    app = make_app(AUTO_MIGRATE=False)

    answer = run_json(app, "status", exit_code=1)

    assert answer["error"] == "database" and "soulspot db upgrade" in answer["detail"]


def test_jobs_lists_the_recent_jobs(app) -> None:
    assert run_json(app, "repair-artwork")["status"] == "COMPLETED"

    page = run_json(app, "jobs", "--limit", "5")

    assert page["total"] == 1 and page["limit"] == 5
    assert page["jobs"][0]["type"] == JobType.ARTWORK_REPAIR.value
    assert "1 of 1 jobs" in run(app, "jobs").stdout


@pytest.fixture
def pending(app) -> dict[str, str]:
    with app.app_context():
        artist = add_artist(db.session, "Blur")
        album = add_album(db.session, artist, "Parklife")
        ids = {
            "artist": add_candidate(db.session, artist, spotify_uri("artist", 1), score=0.8).id,
            "album": add_candidate(db.session, album, spotify_uri("album", 2), score=0.7).id,
        }
        db.session.commit()
    return ids


def test_candidates_list_apply_and_reject(app, pending) -> None:
    page = run_json(app, "candidates", "list")
    assert [item["id"] for item in page["candidates"]] == [pending["artist"], pending["album"]]
    assert page["candidates"][0]["entity_name"] == "Blur"
    albums = run_json(app, "candidates", "list", "--entity-type", "album")
    assert [item["id"] for item in albums["candidates"]] == [pending["album"]]

    applied = run_json(app, "candidates", "apply", pending["artist"])
    rejected = run_json(app, "candidates", "reject", pending["album"])

    assert applied["status"] == "applied" and rejected["status"] == "rejected"
    with app.app_context():
        assert db.session.scalar(select(Artist.spotify_uri)) == spotify_uri("artist", 1)
        assert db.session.scalar(select(Album.spotify_uri)) is None
        statuses = set(db.session.scalars(select(Candidate.status)))
    assert statuses == {CandidateStatus.APPLIED, CandidateStatus.REJECTED}
    assert run_json(app, "candidates", "list")["total"] == 0


def test_candidate_errors_unknown_is_2_not_pending_is_1(app, pending) -> None:
    assert run_json(app, "candidates", "apply", "nope", exit_code=2)["error"] == "not_found"
    run_json(app, "candidates", "reject", pending["album"])

    answer = run_json(app, "candidates", "apply", pending["album"], exit_code=1)

    assert answer["error"] == "invalid_state"


def test_settings_get_and_set_validate_as_the_api_does(app) -> None:
    shown = run_json(app, "settings", "get")["settings"]
    assert shown["SPOTIFY_CLIENT_SECRET"] == {"set": True, "source": "environment"}
    assert "value" not in shown["SPOTIFY_CLIENT_SECRET"]

    saved = run_json(app, "settings", "set", "AUTO_APPLY_MARGIN", "0.2")
    assert saved["settings"] == {"AUTO_APPLY_MARGIN": {"value": 0.2, "source": "database"}}
    assert run_json(app, "settings", "set", "SPOTIFY_ENABLED", "false")["settings"] == {
        "SPOTIFY_ENABLED": {"value": False, "source": "database"}
    }
    assert app.config["SPOTIFY_ENABLED"] is False  # applied, as PUT /api/settings does
    schedule = run_json(app, "settings", "set", "ENRICHMENT_SCHEDULE", "0 5 * * *")
    assert schedule["settings"]["ENRICHMENT_SCHEDULE"]["value"] == "0 5 * * *"
    assert run_json(app, "settings", "get", "AUTO_APPLY_MARGIN")["settings"] == {
        "AUTO_APPLY_MARGIN": {"value": 0.2, "source": "database"}
    }
    removed = run_json(app, "settings", "set", "AUTO_APPLY_MARGIN", "null")
    assert removed["settings"]["AUTO_APPLY_MARGIN"]["source"] == "default"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["set", "AUTO_APPLY_MARGIN", "7"], "AUTO_APPLY_MARGIN"),
        (["set", "SPOTIFY_ENABLED", "yes"], "SPOTIFY_ENABLED must be true or false"),
        (["set", "NOPE", "1"], "unknown setting 'NOPE'"),
        (["get", "NOPE"], "unknown setting 'NOPE'"),
    ],
)
def test_a_bad_setting_exits_2_with_the_message(app, args, message) -> None:
    result = run(app, "settings", *args)

    assert result.exit_code == 2
    assert message in result.stderr and result.stdout == ""
    with app.app_context():
        assert db.session.scalar(select(Setting.key)) is None


def test_json_output_has_nothing_but_the_document_and_logs_go_elsewhere(app, caplog) -> None:
    caplog.set_level(logging.INFO)
    result = run(app, "settings", "set", "AUTO_APPLY_MARGIN", "0.2", "--json")

    assert "settings saved" in caplog.text  # a log line was written, and not to stdout
    assert json.loads(result.stdout) and result.stdout.count("\n") == 1


def test_commands_on_an_up_to_date_database_log_nothing(make_app, caplog) -> None:
    caplog.set_level(logging.INFO)
    fresh = make_app(AUTO_MIGRATE=False)  # an empty database (PostgreSQL's starts at head)
    fresh.config["AUTO_MIGRATE"] = True
    database.prepare(fresh)
    assert "Running upgrade" in caplog.text  # what happens is still logged
    caplog.clear()
    app = make_app()  # the same database, at head: Alembic has nothing to say

    for args in (["status"], ["reset-failed-images"], ["jobs"], ["settings", "get"]):
        assert run(app, *args).exit_code == 0
        assert run(app, *args).stderr == ""

    assert [record.getMessage() for record in caplog.records] == []


def test_no_secret_reaches_a_log_record(make_app, fake_providers, caplog) -> None:
    """Client secret, API key and Spotify access tokens, through every command and an
    enrichment that authenticates with Spotify."""
    caplog.set_level(logging.DEBUG)
    app = make_app(**fake_providers.config(), API_KEY=API_KEY)
    _blur(app, fake_providers)
    for args in (
        ["enrich"],
        ["repair-artwork", "--use-api"],
        ["disambiguate"],
        ["reset-failed-images"],
        ["status"],
        ["jobs"],
        ["candidates", "list"],
        ["settings", "get"],
        ["settings", "set", "SPOTIFY_CLIENT_SECRET", FAKE_CLIENT_SECRET],
        ["settings", "set", "SPOTIFY_CLIENT_SECRET", FAKE_CLIENT_SECRET + "\x07"],
    ):
        result = run(app, *args, "--json")
        assert FAKE_CLIENT_SECRET not in result.stdout
    response = app.test_client().get("/api/enrichment/status", headers={"X-API-Key": API_KEY})
    assert response.status_code == 200

    tokens = fake_providers._tokens | {f"fake-token-{n}" for n in range(1, 4)}
    assert fake_providers._token_count >= 1  # Spotify was really authenticated against
    logged = [(record.getMessage(), repr(record.args)) for record in caplog.records]
    assert logged
    for secret in (FAKE_CLIENT_SECRET, API_KEY, *tokens):
        assert not any(secret in text for pair in logged for text in pair), secret


def test_json_log_lines_are_one_object_each() -> None:
    formatter = JsonFormatter()
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        record = logging.LogRecord("soulspot.x", logging.ERROR, __file__, 1, "a %s", ("b",), None)
        record.exc_info = __import__("sys").exc_info()

    line = json.loads(formatter.format(record))

    assert line["level"] == "ERROR" and line["logger"] == "soulspot.x"
    assert line["message"] == "a b" and "RuntimeError: boom" in line["exc_info"]
    assert line["time"].endswith("+00:00")


def test_an_unknown_log_format_fails_at_start_by_name(make_app) -> None:
    with pytest.raises(ValueError, match="SOULSPOT_LOG_FORMAT"):
        make_app(LOG_FORMAT="xml")
