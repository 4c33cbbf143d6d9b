"""The dashboard: counts and coverage, the self-polling cards (286 when done), the buttons."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from soulspot.extensions import db
from soulspot.jobs import EXTENSION_KEY, JobContext, JobQueue, get_queue
from soulspot.models import Artist, CandidateStatus, Job, JobStatus, JobType
from soulspot.models.base import utcnow
from soulspot.models.library import EnrichmentOutcome
from soulspot.services.status import job_timing
from soulspot.web.rendering import STOP_POLLING
from tests.factories import add_album, add_artist, add_candidate, spotify_uri
from tests.fakes.server import FakeProviders

HTMX = {"HX-Request": "true"}
XSS = "<script>alert(1)</script>"
POLLING = 'hx-trigger="every 2s"'
AppFactory = Callable[..., Flask]


def count(body: str, name: str) -> int:
    found = re.search(rf'data-count="{name}">(\d+)<', body)
    assert found, f"no count {name!r} on the page"
    return int(found.group(1))


def coverage_row(body: str, provider: str) -> str:
    found = re.search(rf'<tr data-provider="{provider}".*?</tr>', body, re.S)
    assert found, f"no coverage row for {provider}"
    return found.group(0)


@pytest.fixture
def gate() -> Iterator[threading.Event]:
    event = threading.Event()
    yield event
    event.set()


@pytest.fixture
def queue(app: Flask, gate: threading.Event) -> Iterator[JobQueue]:
    """A started queue whose runners report progress, then wait for `gate`."""

    def enrichment(ctx: JobContext) -> dict[str, Any]:
        ctx.progress(1, 4)
        assert gate.wait(10)
        return {"artists_processed": 4, "outcome_linked": 2, "outcome_partial": 1}

    def repair(ctx: JobContext) -> dict[str, Any]:
        ctx.progress(0, 2)
        assert gate.wait(10)
        return {"summary": {"total_processed": 2, "total_repaired": 1}}

    def disambiguation(ctx: JobContext) -> dict[str, Any]:
        assert gate.wait(10)
        return {"artists_checked": 3, "artists_resolved": 2, "albums_resolved": 5, "errors": []}

    queue = JobQueue(
        app,
        {
            JobType.LIBRARY_SPOTIFY_ENRICHMENT: enrichment,
            JobType.ARTWORK_REPAIR: repair,
            JobType.MUSICBRAINZ_DISAMBIGUATION: disambiguation,
        },
    )
    app.extensions[EXTENSION_KEY] = queue
    queue.start()
    yield queue
    gate.set()
    queue.shutdown()


def wait_running(app: Flask, job_type: JobType) -> Job:
    for _ in range(500):
        with app.app_context():
            job = db.session.scalar(db.select(Job).where(Job.type == job_type))
            if job is not None and job.status == JobStatus.RUNNING and job.total is not None:
                db.session.expunge(job)
                return job
        threading.Event().wait(0.01)
    raise AssertionError(f"no {job_type} job ever ran")


def only_job(app: Flask, job_type: JobType) -> Job:
    with app.app_context():
        jobs = list(db.session.scalars(db.select(Job).where(Job.type == job_type)))
        assert len(jobs) == 1
        db.session.expunge(jobs[0])
        return jobs[0]


# --- counts and coverage -------------------------------------------------------------------


def summary(client: FlaskClient) -> str:
    """The library counts block, as the dashboard loads it after itself."""
    return client.get("/dashboard/library", headers=HTMX).get_data(as_text=True)


def test_counts_and_coverage_per_provider(app: Flask, client: FlaskClient, session: Any) -> None:
    linked = add_artist(
        session, "Linked", spotify_uri=spotify_uri("artist", 1), deezer_id="27",
        musicbrainz_id="0383dadf-2a4e-4d10-a46a-e9e041da8eb3", image_path="artists/a.jpg",
    )  # fmt: skip
    add_album(session, linked, "Linked Album", deezer_id="302127", cover_path="FAILED|404|x")
    waiting = add_artist(session, "Waiting", image_path="FAILED|not_image|x")
    add_album(session, waiting, "Waiting Album", tracks=3)
    add_candidate(session, waiting, spotify_uri("artist", 2))
    add_candidate(session, waiting, spotify_uri("artist", 3))
    rejected = add_artist(session, "Rejected")
    add_candidate(session, rejected, spotify_uri("artist", 4), status=CandidateStatus.REJECTED)
    session.add(Artist(name="Provider only", spotify_uri=spotify_uri("artist", 5)))
    session.commit()

    body = summary(client)

    assert count(body, "artists") == 3  # the provider-only artist has no local files
    assert count(body, "albums") == 2
    assert count(body, "tracks") == 4
    assert count(body, "images-cached") == 1
    assert count(body, "images-failed") == 2
    assert count(body, "to-review") == 1  # one artist, however many candidates
    assert 'href="/review"' in body
    spotify = coverage_row(body, "spotify")
    assert '<meter value="1" min="0" max="3"' in spotify and "1 / 3" in spotify
    assert '<meter value="0" min="0" max="2"' in spotify  # no album linked to Spotify
    deezer = coverage_row(body, "deezer")
    assert "1 / 3" in deezer and '<meter value="1" min="0" max="2"' in deezer
    assert "1 / 3" in coverage_row(body, "musicbrainz")
    assert "disabled" not in spotify


def test_the_library_counts_load_after_the_page_and_reload_when_a_job_ends(
    client: FlaskClient, session: Any
) -> None:
    add_artist(session, "Blur", albums=("Parklife",))
    session.commit()
    page = client.get("/").get_data(as_text=True)
    assert 'hx-get="/dashboard/library" hx-trigger="load"' in page
    assert 'data-count="artists"' not in page  # the page itself counts nothing

    block = summary(client)
    assert block.startswith('<section id="library-summary"') and "<html" not in block
    assert '<strong data-count="artists">1</strong>' in block
    assert 'hx-trigger="library-changed from:body"' in block


def test_a_disabled_provider_shows_disabled(make_app: AppFactory) -> None:
    body = summary(make_app(DEEZER_ENABLED=False).test_client())
    deezer = coverage_row(body, "deezer")
    assert 'data-enabled="false"' in deezer and ">disabled<" in deezer
    assert ">disabled<" not in coverage_row(body, "spotify")


def test_an_empty_library_says_what_to_do(client: FlaskClient) -> None:
    assert "soulspot scan" in summary(client)
    body = client.get("/").get_data(as_text=True)
    assert "Enrichment has not run yet" in body
    assert "No job has run yet" in body


# --- the enrichment card -------------------------------------------------------------------


def test_the_card_stops_polling_when_no_job_runs(client: FlaskClient) -> None:
    response = client.get("/dashboard/enrichment-card", headers=HTMX)
    assert response.status_code == STOP_POLLING
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<section id="enrichment-card"')  # the block, not the page
    assert POLLING not in body and "<html" not in body
    assert POLLING not in client.get("/").get_data(as_text=True)


def test_enrich_starts_the_card_polling_until_the_job_ends(
    app: Flask, client: FlaskClient, session: Any, queue: JobQueue, gate: threading.Event
) -> None:
    response = client.post("/dashboard/enrich", headers=HTMX)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert POLLING in body and 'hx-get="/dashboard/enrichment-card"' in body
    assert re.search(r"<button[^>]*hx-post=\"/dashboard/enrich\"[^>]*disabled", body)
    job = only_job(app, JobType.LIBRARY_SPOTIFY_ENRICHMENT)
    assert job.payload == {"triggered_by": "manual_web"}

    running = wait_running(app, JobType.LIBRARY_SPOTIFY_ENRICHMENT)
    # Artists this run attempted count live; one attempted before it began does not.
    for name, outcome, when in (
        ("A", EnrichmentOutcome.LINKED, running.started_at + timedelta(seconds=1)),
        ("B", EnrichmentOutcome.REVIEW, running.started_at + timedelta(seconds=1)),
        ("C", EnrichmentOutcome.FAILED, running.started_at - timedelta(hours=1)),
    ):
        add_artist(session, name, enrichment_outcome=outcome, enrichment_attempted_at=when)
    session.commit()
    polled = client.get("/dashboard/enrichment-card", headers=HTMX)
    assert polled.status_code == 200
    card = polled.get_data(as_text=True)
    assert POLLING in card
    assert '<progress id="enrichment-progress" value="1" max="4">' in card
    assert count(card, "linked") == 1 and count(card, "review") == 1 and count(card, "failed") == 0
    assert "per minute" in card

    # A second press finds the running job rather than queueing another.
    assert client.post("/dashboard/enrich", headers=HTMX).status_code == 200
    assert only_job(app, JobType.LIBRARY_SPOTIFY_ENRICHMENT).id == job.id

    gate.set()
    assert queue.wait(job.id)
    done = client.get("/dashboard/enrichment-card", headers=HTMX)
    assert done.status_code == STOP_POLLING
    final = done.get_data(as_text=True)
    assert POLLING not in final and 'data-status="COMPLETED"' in final
    assert count(final, "linked") == 3  # from the result: linked + partial
    assert done.headers["HX-Trigger"] == "library-changed"  # the counts above reload
    assert "HX-Trigger" not in polled.headers
    assert not re.search(r"<button[^>]*hx-post=\"/dashboard/enrich\"[^>]*disabled", final)


def test_buttons_without_a_job_runner_answer_an_error_fragment(client: FlaskClient) -> None:
    for path in ("/dashboard/enrich", "/dashboard/repair-artwork", "/dashboard/musicbrainz"):
        response = client.post(path, headers=HTMX)
        assert response.status_code == 503
        assert 'data-error="unavailable"' in response.get_data(as_text=True)


def test_job_timing_gives_pace_and_time_left() -> None:
    start = utcnow()
    job = Job(started_at=start, processed=30, total=90)
    timing = job_timing(job, start + timedelta(minutes=2))
    assert timing.per_minute == pytest.approx(15)
    assert timing.seconds_left == pytest.approx(4 * 60)  # 60 left at 15 a minute
    assert job_timing(Job(started_at=start, processed=0, total=9), start).per_minute is None
    job.finished_at = start + timedelta(seconds=90)
    assert job_timing(job, start + timedelta(hours=1)).seconds == pytest.approx(90)
    assert job_timing(job, start).seconds_left is None


# --- the actions card ----------------------------------------------------------------------


@pytest.mark.parametrize(("mode", "use_api"), [("fast", False), ("thorough", True)])
def test_repair_artwork_queues_a_repair_and_disables_its_buttons(
    app: Flask, client: FlaskClient, queue: JobQueue, gate: threading.Event, mode: str,
    use_api: bool,
) -> None:  # fmt: skip
    response = client.post("/dashboard/repair-artwork", data={"mode": mode}, headers=HTMX)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert POLLING in body
    assert len(re.findall(r'name="mode" value="\w+" disabled', body)) == 2
    job = only_job(app, JobType.ARTWORK_REPAIR)
    assert job.payload == {"triggered_by": "manual_web", "use_api": use_api}

    gate.set()
    assert queue.wait(job.id)
    done = client.get("/dashboard/actions", headers=HTMX)
    assert done.status_code == STOP_POLLING
    text = done.get_data(as_text=True)
    assert POLLING not in text and "1 images stored of 2 tried" in text


def test_repair_artwork_refuses_an_unknown_mode(client: FlaskClient, queue: JobQueue) -> None:
    response = client.post("/dashboard/repair-artwork", data={"mode": "turbo"}, headers=HTMX)
    assert response.status_code == 400
    assert 'data-error="invalid_parameter"' in response.get_data(as_text=True)


def test_musicbrainz_queues_the_job_and_shows_its_result(
    app: Flask, client: FlaskClient, queue: JobQueue, gate: threading.Event
) -> None:
    response = client.post("/dashboard/musicbrainz", headers=HTMX)
    assert response.status_code == 200
    assert re.search(
        r"<button[^>]*disabled>Fetch MusicBrainz data", response.get_data(as_text=True)
    )
    job = only_job(app, JobType.MUSICBRAINZ_DISAMBIGUATION)
    gate.set()
    assert queue.wait(job.id)
    done = client.get("/dashboard/actions", headers=HTMX)
    assert done.status_code == STOP_POLLING
    text = done.get_data(as_text=True)
    assert 'data-outcome="success" data-artists="2" data-albums="5"' in text


def test_musicbrainz_disabled_queues_nothing(make_app: AppFactory) -> None:
    app = make_app(MUSICBRAINZ_ENABLED=False)
    response = app.test_client().post("/dashboard/musicbrainz", headers=HTMX)
    assert response.status_code == STOP_POLLING  # nothing runs: no queue was even needed
    assert 'data-outcome="disabled"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Job)) == 0


def test_reset_failed_images_clears_the_markers(
    app: Flask, client: FlaskClient, session: Any
) -> None:
    artist = add_artist(session, "Broken", image_path="FAILED|not_image|2026-01-01T00:00:00Z")
    add_album(session, artist, "One", cover_path="FAILED|404|2026-01-01T00:00:00Z")
    add_album(session, artist, "Two", cover_path="FAILED|404|2026-01-01T00:00:00Z")
    session.commit()
    response = client.post("/dashboard/reset-failed-images", headers=HTMX)
    assert response.status_code == STOP_POLLING
    assert 'data-reset-artists="1" data-reset-albums="2"' in response.get_data(as_text=True)
    assert count(summary(client), "images-failed") == 0


def test_real_enrichment_from_the_button_links_the_library(
    make_app: AppFactory, fake_providers: FakeProviders
) -> None:
    """The real runner on the fake providers: the card ends with what the run linked."""
    catalog = fake_providers.catalog
    artist = catalog.add_artist("Pink Floyd", providers=("spotify", "deezer", "musicbrainz"))
    catalog.add_album(artist, "Animals", year=1977)
    app = make_app(
        **fake_providers.config(
            SCHEDULER_ENABLED=True, ENRICHMENT_SCHEDULE="off", ARTWORK_REPAIR_SCHEDULE="off"
        )
    )
    with app.app_context():
        add_album(db.session, add_artist(db.session, "Pink Floyd"), "Animals", release_year=1977)
        db.session.commit()
    client = app.test_client()
    assert client.post("/dashboard/enrich", headers=HTMX).status_code == 200
    queue = get_queue(app)
    assert queue is not None
    job = only_job(app, JobType.LIBRARY_SPOTIFY_ENRICHMENT)
    assert queue.wait(job.id, timeout=30)
    done = client.get("/dashboard/enrichment-card", headers=HTMX)
    assert done.status_code == STOP_POLLING
    card = done.get_data(as_text=True)
    assert 'data-status="COMPLETED"' in card and count(card, "linked") == 1
    assert "1 / 1" in coverage_row(summary(client), "spotify")


# --- recent jobs and escaping --------------------------------------------------------------


def test_recent_jobs_show_outcome_duration_and_escaped_errors(
    client: FlaskClient, session: Any
) -> None:
    add_artist(session, XSS)
    start = utcnow() - timedelta(hours=1)
    session.add(
        Job(
            type=JobType.LIBRARY_SPOTIFY_ENRICHMENT,
            status=JobStatus.FAILED,
            started_at=start,
            finished_at=start + timedelta(minutes=1, seconds=30),
            error=f"deezer unreachable: {XSS}",
            result={"errors": [{"artist": XSS, "provider": "spotify", "error": "Timeout: slow"}]},
        )
    )
    session.commit()
    body = client.get("/").get_data(as_text=True)
    assert XSS not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt; / spotify: Timeout: slow" in body
    row = re.search(r"<tr data-job-id=.*?</tr>", body, re.S).group(0)
    assert "Enrichment" in row and 'data-status="FAILED"' in row and "1 min 30 s" in row
    assert "<details>" in row and "2 errors" in row
