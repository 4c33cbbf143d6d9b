"""The nightly chain: scan, enrichment, disambiguation, artwork repair, on the fake server."""

from __future__ import annotations

import logging
import os
import shutil
import socket
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from soulspot.errors import ValidationError
from soulspot.extensions import db
from soulspot.jobs import EXTENSION_KEY, JobQueue, get_queue
from soulspot.jobs import runners as runners_module
from soulspot.jobs.lock import ProcessLockHolder
from soulspot.jobs.runners import build_runners
from soulspot.models import Artist, Job, JobStatus, JobType, Track
from soulspot.models.base import utcnow
from soulspot.services.scanning import scan_library
from tests.audio import make_audio
from tests.factories import add_album, add_artist

STEPS = ["scan", "enrichment", "disambiguation", "artwork_repair"]
FAST = {"HTTP_MAX_RETRIES": 3, "HTTP_BACKOFF_BASE": 0.001, "MAX_RETRY_AFTER": 1}
BLUR = [("Parklife", 1994), ("The Great Escape", 1995)]


@pytest.fixture
def music(tmp_path: Path) -> Path:
    """Blur's two albums as real audio files."""
    root = tmp_path / "music"
    for title, year in BLUR:
        for number in (1, 2):
            make_audio(
                root / "Blur" / title / f"{number:02d}.mp3",
                artist="Blur",
                album=title,
                title=f"{title} {number}",
                track=str(number),
                date=str(year),
            )
    return root


@pytest.fixture
def chain_app(make_app, fake_providers):
    """An app running the scheduler against the fake providers; keyword arguments override."""

    def factory(**overrides):
        config = {
            **FAST,
            "SCHEDULER_ENABLED": True,
            "ENRICHMENT_SCHEDULE": "0 3 * * *",
            "ARTWORK_REPAIR_SCHEDULE": "off",
            **overrides,
        }
        return make_app(**fake_providers.config(**config))

    return factory


@pytest.fixture
def blur(fake_providers):
    artist = fake_providers.catalog.add_artist("Blur", genres=("britpop",), popularity=60)
    for title, year in BLUR:
        fake_providers.catalog.add_album(artist, title, year=year, tracks=12)
    return artist


def _run_chain(app) -> Job:
    queue = get_queue(app)
    with app.app_context():
        job_id = queue.submit(JobType.NIGHTLY_CHAIN).job_id
    assert queue.wait(job_id, timeout=60)
    with app.app_context():
        job = db.session.get(Job, job_id)
        db.session.expunge(job)
        return job


def _steps(job: Job) -> list[tuple[str, str]]:
    return [(step["step"], step["status"]) for step in job.result["steps"]]


def _tracks(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Track))


def test_the_chain_scans_then_enriches_disambiguates_and_repairs(chain_app, music, blur):
    app = chain_app(MUSIC_DIRS=[str(music)])

    job = _run_chain(app)

    assert job.status == JobStatus.COMPLETED and job.error is None
    assert _steps(job) == [(step, "completed") for step in STEPS]
    scan, enrichment, disambiguation, repair = job.result["steps"]
    assert scan["path"] == str(music) and scan["result"]["added"] == 4
    # The artist only the scan created was enriched: the steps ran in this order.
    assert enrichment["result"]["artists_processed"] == 1
    assert "artists_checked" in disambiguation["result"] and "summary" in repair["result"]
    assert job.result["failed_steps"] == [] and job.result["completed"] == 4
    with app.app_context():
        artist = db.session.scalars(select(Artist)).one()
        assert artist.deezer_id == str(blur.deezer_id) and artist.spotify_uri
    status = app.test_client().get("/api/enrichment/status").json
    assert status["nightly_chain"]["last"]["job_id"] == job.id
    assert status["nightly_chain"]["last"]["failed_steps"] == []


def test_a_failed_enrichment_does_not_stop_disambiguation_and_repair(chain_app, fake_providers):
    app = chain_app()
    with app.app_context():
        for n in range(7):  # Deezer is given up after five artists fail
            artist = add_artist(db.session, f"Artist {n}")
            add_album(db.session, artist, f"Album {n}")
        db.session.commit()
    fake_providers.faults.add("deezer", "503")

    job = _run_chain(app)

    assert job.status == JobStatus.COMPLETED
    assert _steps(job) == [
        ("scan", "skipped"),  # MUSIC_DIRS is not set
        ("enrichment", "failed"),
        ("disambiguation", "completed"),
        ("artwork_repair", "completed"),
    ]
    enrichment = job.result["steps"][1]
    assert enrichment["error"].startswith("deezer unreachable: Unavailable: deezer: HTTP 503")
    assert enrichment["result"]["deezer_failures"] == 5  # the failed run's report is kept
    assert job.result["failed_steps"] == ["enrichment"]
    chain = app.test_client().get("/api/enrichment/status").json["nightly_chain"]
    assert chain["last"]["status"] == "COMPLETED" and chain["last"]["failed_steps"] == [
        "enrichment"
    ]


def test_a_missing_and_an_emptied_music_folder_are_skipped_and_keep_the_library(
    chain_app, music, tmp_path, caplog
):
    missing = tmp_path / "not-mounted"
    app = chain_app(MUSIC_DIRS=[str(missing), str(music)])
    with app.app_context():
        scan_library(db.session, music)
    shutil.move(music, tmp_path / "elsewhere")  # the share is unmounted: its mount point
    music.mkdir()  # stays, empty

    with caplog.at_level(logging.WARNING, logger="soulspot.jobs.runners"):
        job = _run_chain(app)

    assert job.status == JobStatus.COMPLETED
    assert _steps(job)[:3] == [
        ("scan", "skipped"),
        ("scan", "skipped"),
        ("enrichment", "completed"),
    ]
    first, second = job.result["steps"][:2]
    assert first["path"] == str(missing) and "does not exist" in first["reason"]
    assert second["reason"].endswith(
        "holds no audio files; its 4 stored track(s) are kept (is the disk or share mounted?)"
    )
    assert _tracks(app) == 4
    assert "step scan skipped: library path does not exist" in caplog.text


def test_a_manual_scan_of_an_emptied_root_is_refused_and_removes_nothing(session, music):
    scan_library(session, music)
    for path in music.rglob("*.mp3"):
        path.unlink()

    with pytest.raises(ValidationError, match="holds no audio files; its 4 stored") as refused:
        scan_library(session, music)

    assert refused.value.code == "empty_root"
    assert session.scalar(select(func.count()).select_from(Track)) == 4


def test_an_empty_root_without_tracks_is_refused_too(session, tmp_path):
    (tmp_path / "empty").mkdir()

    with pytest.raises(ValidationError, match="empty holds no audio files$"):
        scan_library(session, tmp_path / "empty")


def test_a_step_whose_job_is_already_running_is_skipped(chain_app):
    app = chain_app()
    with app.app_context():
        manual = Job(type=JobType.ARTWORK_REPAIR, status=JobStatus.RUNNING, payload={})
        db.session.add(manual)
        db.session.commit()
        manual_id = manual.id

    job = _run_chain(app)

    repair = job.result["steps"][-1]
    assert (repair["step"], repair["status"]) == ("artwork_repair", "skipped")
    assert repair["reason"] == f"a ARTWORK_REPAIR job ({manual_id}) is already active"
    assert _steps(job)[1:3] == [("enrichment", "completed"), ("disambiguation", "completed")]


def test_a_cancel_request_stops_the_chain_before_its_next_step(chain_app, music, monkeypatch):
    app = chain_app(MUSIC_DIRS=[str(music)])
    real_scan = runners_module.run_scan_job

    def scan_then_cancel(ctx):
        result = real_scan(ctx)
        ctx.session.execute(
            update(Job).where(Job.id == ctx.job_id).values(cancel_requested_at=utcnow())
        )
        ctx.session.commit()
        return result

    monkeypatch.setattr(runners_module, "run_scan_job", scan_then_cancel)

    job = _run_chain(app)

    assert job.status == JobStatus.CANCELLED
    assert _steps(job) == [("scan", "completed")]
    assert _tracks(app) == 4


def test_the_schedule_fires_the_chain_and_status_shows_the_next_runs(chain_app):
    app = chain_app(ARTWORK_REPAIR_SCHEDULE="30 4 * * *")
    queue = get_queue(app)

    queue._submit_scheduled(JobType.NIGHTLY_CHAIN)  # what the cron trigger calls at 03:00

    with app.app_context():
        job = db.session.scalars(select(Job)).one()
        assert (job.type, job.payload) == (JobType.NIGHTLY_CHAIN, {"triggered_by": "schedule"})
    assert queue.wait(job.id, timeout=60)
    next_runs = app.test_client().get("/api/enrichment/status").json["next_runs"]
    assert set(next_runs) == {"NIGHTLY_CHAIN", "ARTWORK_REPAIR"}
    assert next_runs["NIGHTLY_CHAIN"].endswith("T03:00:00+00:00")
    assert next_runs["ARTWORK_REPAIR"].endswith("T04:30:00+00:00")
    home = app.test_client().get("/").get_data(as_text=True)
    assert "<h2>Next runs</h2>" in home and " 03:00 UTC</time>" in home
    assert f'<time datetime="{next_runs["NIGHTLY_CHAIN"]}">' in home


def test_without_a_scheduler_there_are_no_next_runs(client):
    assert client.get("/api/enrichment/status").json["next_runs"] == {}
    home = client.get("/").get_data(as_text=True)
    assert "None in this process" in home and "<time" not in home.split("Next runs")[1]


def test_the_chain_runs_only_in_the_process_holding_the_scheduler_lock(chain_app, caplog):
    holder, standby = chain_app(SCHEDULER_ENABLED=False), chain_app(SCHEDULER_ENABLED=False)
    # The holder poses as another live process of this machine (our parent), as in
    # test_scheduler_lock.py, so the standby respects its lock.
    owners = (f"{socket.gethostname()}:{os.getppid()}:holder", None)
    queues = []
    for app, owner in zip((holder, standby), owners, strict=True):
        lock = ProcessLockHolder(stale_after=timedelta(seconds=60), owner=owner)
        queue = JobQueue(app, build_runners(), lock=lock)
        app.extensions[EXTENSION_KEY] = queue
        queue.start()
        queues.append(queue)
    try:
        with caplog.at_level(logging.WARNING, logger="soulspot.jobs.queue"):
            queues[1]._submit_scheduled(JobType.NIGHTLY_CHAIN)
        assert "scheduled NIGHTLY_CHAIN not started" in caplog.text
        assert queues[1].schedules == {} and queues[1].next_runs == {}
        assert standby.test_client().get("/api/enrichment/status").json["next_runs"] == {}
        with standby.app_context():
            assert db.session.scalar(select(func.count()).select_from(Job)) == 0

        assert set(queues[0].next_runs) == {JobType.NIGHTLY_CHAIN}
        queues[0]._submit_scheduled(JobType.NIGHTLY_CHAIN)
        with holder.app_context():
            job = db.session.scalars(select(Job)).one()
        assert queues[0].wait(job.id, timeout=60)
    finally:
        for queue in queues:
            queue.shutdown()
