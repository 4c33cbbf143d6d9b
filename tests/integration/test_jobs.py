"""The job queue: one job per type, outcomes recorded, crash recovery, the jobs API."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from soulspot.extensions import db
from soulspot.jobs import EXTENSION_KEY, JobQueue, get_queue
from soulspot.models import Job, JobStatus, JobType
from soulspot.models.base import utcnow


@pytest.fixture
def gate():
    return threading.Event()


@pytest.fixture
def queue(app, gate):
    """A started queue whose enrichment runner waits for `gate` and whose scan runner fails."""

    def enrichment(ctx):
        ctx.progress(1, 3)
        assert gate.wait(10)
        return {"artists_processed": 3}

    def scan(ctx):
        raise RuntimeError("disk on fire")

    queue = JobQueue(
        app, {JobType.LIBRARY_SPOTIFY_ENRICHMENT: enrichment, JobType.LIBRARY_SCAN: scan}
    )
    app.extensions[EXTENSION_KEY] = queue
    queue.start()
    yield queue
    gate.set()
    queue.shutdown()


def _wait_status(app, job_id, status, attempts=200):
    for _ in range(attempts):
        with app.app_context():
            job = db.session.get(Job, job_id)
            if job.status == status:
                return job
        threading.Event().wait(0.02)
    raise AssertionError(f"job {job_id} never reached {status}")


def test_trigger_without_a_job_runner_is_a_503(client):
    response = client.post("/api/enrichment/trigger")
    assert response.status_code == 503
    assert "soulspot serve" in response.json["detail"]


def test_second_trigger_returns_the_running_job(app, client, queue, gate):
    first = client.post("/api/enrichment/trigger")
    assert first.status_code == 200  # NOTES 12: 200 both ways, `created` tells them apart
    assert first.json["message"] == "Enrichment job queued successfully"
    assert first.json["created"] is True
    job_id = first.json["job_id"]
    _wait_status(app, job_id, JobStatus.RUNNING)

    second = client.post("/api/enrichment/trigger")
    assert second.status_code == 200
    assert second.json == {
        "job_id": job_id,
        "message": "Enrichment job already running",
        "created": False,
    }
    status = client.get("/api/enrichment/status").json
    assert status["is_running"] is True and status["progress"]["total"] == 3
    assert status["last_job_completed"] is None

    gate.set()
    assert queue.wait(job_id)
    job = client.get(f"/api/jobs/{job_id}").json
    assert job["status"] == "COMPLETED" and job["result"] == {"artists_processed": 3}
    assert job["payload"] == {"triggered_by": "manual_api"}
    status = client.get("/api/enrichment/status").json
    assert status["is_running"] is False and status["last_job_completed"] is True
    with app.app_context():
        assert db.session.query(Job).count() == 1


def test_a_failing_runner_ends_failed_with_its_error(app, queue):
    with app.app_context():
        result = queue.submit(JobType.LIBRARY_SCAN, {"path": "/music"})
    assert queue.wait(result.job_id)
    job = _wait_status(app, result.job_id, JobStatus.FAILED)
    assert job.error == "disk on fire" and job.finished_at is not None


def test_jobs_left_running_by_a_dead_process_become_failed_interrupted(make_app):
    app = make_app()
    with app.app_context():
        db.session.add(Job(type=JobType.LIBRARY_SPOTIFY_ENRICHMENT, status=JobStatus.RUNNING))
        db.session.commit()
    assert app.test_client().get("/api/enrichment/status").json["is_running"] is True

    restarted = make_app(
        SCHEDULER_ENABLED=True, ENRICHMENT_SCHEDULE="off", ARTWORK_REPAIR_SCHEDULE="off"
    )
    assert get_queue(restarted).running
    with restarted.app_context():
        job = db.session.query(Job).one()
        assert (job.status, job.error) == (JobStatus.FAILED, "interrupted")
    status = restarted.test_client().get("/api/enrichment/status").json
    assert status["is_running"] is False and status["last_job_completed"] is False


def test_the_database_allows_one_active_job_per_type(app):
    from sqlalchemy.exc import IntegrityError

    with app.app_context():
        db.session.add(Job(type=JobType.LIBRARY_SCAN, status=JobStatus.PENDING))
        db.session.commit()
        db.session.add(Job(type=JobType.LIBRARY_SCAN, status=JobStatus.RUNNING))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        db.session.add(Job(type=JobType.LIBRARY_SCAN, status=JobStatus.COMPLETED))
        db.session.add(Job(type=JobType.ARTWORK_REPAIR, status=JobStatus.PENDING))
        db.session.commit()


def test_jobs_api_lists_newest_first_with_filters(app, client):
    with app.app_context():
        now = utcnow()
        for minutes, (job_type, status) in enumerate(
            [
                (JobType.LIBRARY_SCAN, JobStatus.COMPLETED),
                (JobType.LIBRARY_SPOTIFY_ENRICHMENT, JobStatus.FAILED),
                (JobType.LIBRARY_SPOTIFY_ENRICHMENT, JobStatus.COMPLETED),
            ]
        ):
            db.session.add(
                Job(type=job_type, status=status, created_at=now + timedelta(minutes=minutes))
            )
        db.session.commit()
    body = client.get("/api/jobs").json
    assert body["total"] == 3
    assert [j["status"] for j in body["jobs"]] == ["COMPLETED", "FAILED", "COMPLETED"]
    enrich = client.get("/api/jobs?type=library_spotify_enrichment&status=failed").json
    assert enrich["total"] == 1 and enrich["jobs"][0]["type"] == "LIBRARY_SPOTIFY_ENRICHMENT"


@pytest.mark.parametrize("query", ["type=NOPE", "status=DONE", "limit=0", "limit=x", "offset=-2"])
def test_jobs_api_rejects_bad_filters(client, query):
    response = client.get(f"/api/jobs?{query}")
    assert response.status_code == 400 and set(response.json) == {"error", "detail"}


def test_unknown_job_is_404(client):
    response = client.get("/api/jobs/not-a-job")
    assert response.status_code == 404 and response.json["error"] == "not_found"


def test_schedules_come_from_config_and_off_disables_them(make_app):
    app = make_app(
        SCHEDULER_ENABLED=True, ENRICHMENT_SCHEDULE="0 3 * * *", ARTWORK_REPAIR_SCHEDULE="off"
    )
    schedules = get_queue(app).schedules
    assert list(schedules) == [JobType.NIGHTLY_CHAIN]  # ENRICHMENT_SCHEDULE fires the chain
    fires = schedules[JobType.NIGHTLY_CHAIN]
    assert (fires.hour, fires.minute) == (3, 0)


def test_a_bad_cron_expression_is_a_clear_error_at_start(make_app):
    with pytest.raises(
        ValueError, match="SOULSPOT_ARTWORK_REPAIR_SCHEDULE must be a cron expression"
    ):
        make_app(SCHEDULER_ENABLED=True, ARTWORK_REPAIR_SCHEDULE="every day")


def test_a_scheduled_run_is_recorded_as_a_job(app, queue, gate):
    gate.set()
    queue._submit_scheduled(JobType.LIBRARY_SPOTIFY_ENRICHMENT)
    with app.app_context():
        job = db.session.query(Job).one()
        assert job.payload == {"triggered_by": "schedule"}
    assert queue.wait(job.id)
