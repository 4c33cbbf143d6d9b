"""Cancelling jobs: POST /api/jobs/<id>/cancel, and a scan that stops between batches."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from soulspot.extensions import db
from soulspot.jobs import get_queue
from soulspot.jobs.queue import run_job, submit_job
from soulspot.models import Album, Job, JobStatus, JobType, Track
from soulspot.services.scanning import scan_library
from soulspot.services.scanning import scanner as scanner_module
from tests.audio import make_audio


def _job(app, status: JobStatus, job_type: JobType = JobType.LIBRARY_SCAN) -> str:
    with app.app_context():
        job = Job(type=job_type, status=status, payload={"path": "/music"})
        db.session.add(job)
        db.session.commit()
        return job.id


def test_cancel_of_an_unknown_job_is_404(client) -> None:
    response = client.post("/api/jobs/nope/cancel")

    assert response.status_code == 404 and set(response.json) == {"error", "detail"}


@pytest.mark.parametrize("status", [JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED])
def test_cancel_of_a_finished_job_is_400(app, client, status: JobStatus) -> None:
    job_id = _job(app, status)

    response = client.post(f"/api/jobs/{job_id}/cancel")

    assert response.status_code == 400
    assert response.json["error"] == "job_finished" and status.value in response.json["detail"]


def test_a_pending_job_is_cancelled_at_once_and_never_runs(app, client) -> None:
    with app.app_context():
        job_id = submit_job(db.session, JobType.LIBRARY_SCAN, {"path": "/music"}).job_id

    response = client.post(f"/api/jobs/{job_id}/cancel")

    assert response.status_code == 200
    body = response.json
    assert (body["status"], body["error"]) == ("CANCELLED", "cancelled")
    assert body["cancel_requested_at"] and body["finished_at"]
    ran = []
    with app.app_context():  # the worker picks it up later: it must not start it
        run_job(db.session, app, job_id, lambda ctx: ran.append(ctx) or {})
        assert db.session.get(Job, job_id).status == JobStatus.CANCELLED
    assert ran == []
    listed = client.get("/api/jobs?status=cancelled").json
    assert [job["id"] for job in listed["jobs"]] == [job_id]
    # A new scan may be queued: a cancelled job is not active.
    with app.app_context():
        assert submit_job(db.session, JobType.LIBRARY_SCAN, {"path": "/music"}).created


def test_a_running_job_is_asked_to_stop(app, client) -> None:
    job_id = _job(app, JobStatus.RUNNING)

    first = client.post(f"/api/jobs/{job_id}/cancel")
    second = client.post(f"/api/jobs/{job_id}/cancel")

    assert first.status_code == second.status_code == 200
    assert first.json["status"] == "RUNNING" and first.json["cancel_requested_at"]
    assert second.json["cancel_requested_at"] == first.json["cancel_requested_at"]


def test_a_cancelled_job_counts_as_the_last_finished_one(app, client) -> None:
    _job(app, JobStatus.COMPLETED, JobType.LIBRARY_SPOTIFY_ENRICHMENT)
    cancelled = _job(app, JobStatus.RUNNING, JobType.LIBRARY_SPOTIFY_ENRICHMENT)
    with app.app_context():
        job = db.session.get(Job, cancelled)
        job.status, job.finished_at = JobStatus.CANCELLED, job.created_at
        db.session.commit()

    status = client.get("/api/enrichment/status").json

    assert status["last_job"]["job_id"] == cancelled
    assert status["last_job"]["status"] == "CANCELLED"
    assert status["last_job_completed"] is False and status["is_running"] is False


def test_should_stop_ends_a_scan_between_batches_and_removes_nothing(
    session, tmp_path: Path
) -> None:
    root = tmp_path / "music"
    old = make_audio(root / "old.mp3", artist="Old", album="Old", title="old")
    scan_library(session, root)
    old.unlink()
    for number in range(5):
        make_audio(root / f"{number}.mp3", artist="New", album="New", title=str(number))
    asked: list[int] = []

    def should_stop() -> bool:
        asked.append(session.scalar(select(func.count()).select_from(Track)))
        return True

    summary = scan_library(session, root, should_stop=should_stop, batch_size=2)

    assert summary.cancelled and (summary.added, summary.removed) == (2, 0)
    assert asked == [3]  # once, after the first batch was committed (old + 2 new)
    assert sorted(session.scalars(select(Track.title))) == ["0", "1", "old"]
    finished = scan_library(session, root, should_stop=lambda: False, batch_size=2)
    assert not finished.cancelled and (finished.added, finished.removed) == (3, 1)


def test_a_scan_job_cancelled_mid_scan_ends_cancelled_with_its_partial_summary(
    make_app, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "music"
    for number in range(6):
        make_audio(root / f"{number}.mp3", artist="Blur", album="Parklife", title=str(number))
    app = make_app(
        SCHEDULER_ENABLED=True,
        ENRICHMENT_SCHEDULE="off",
        ARTWORK_REPAIR_SCHEDULE="off",
        SCAN_BATCH_SIZE=2,
    )
    client = app.test_client()
    reached, proceed = threading.Event(), threading.Event()
    real_read = scanner_module.read_tags

    def read_tags(path):
        if path.endswith("2.mp3"):  # the first file of the second batch
            reached.set()
            assert proceed.wait(10)
        return real_read(path)

    monkeypatch.setattr(scanner_module, "read_tags", read_tags)
    job_id = client.post("/api/library/scan", json={"path": str(root)}).json["job_id"]
    assert reached.wait(10)

    requested = client.post(f"/api/jobs/{job_id}/cancel")
    proceed.set()
    assert get_queue(app).wait(job_id)

    assert requested.status_code == 200 and requested.json["status"] == "RUNNING"
    job = client.get(f"/api/jobs/{job_id}").json
    assert (job["status"], job["error"]) == ("CANCELLED", "cancelled")
    result = job["result"]
    assert (result["cancelled"], result["files_seen"], result["added"]) == (True, 6, 4)
    assert job["progress"] == {"processed": 4, "total": 6}
    with app.app_context():
        assert sorted(db.session.scalars(select(Track.title))) == ["0", "1", "2", "3"]
        album = db.session.scalars(select(Album)).one()
        assert album.has_local_files is True and len(album.tracks) == 4
    again = client.post("/api/library/scan", json={"path": str(root)})
    assert again.status_code == 202  # the cancelled job no longer blocks a new one
