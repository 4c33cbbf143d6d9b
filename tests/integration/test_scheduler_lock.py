"""One process per database runs the scheduler; a second one serves requests and stands by."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
from datetime import timedelta

import pytest
import requests
from sqlalchemy import update

from soulspot.extensions import db
from soulspot.jobs import EXTENSION_KEY, JobQueue
from soulspot.jobs.lock import ProcessLockHolder
from soulspot.jobs.queue import INTERRUPTED
from soulspot.models import Job, JobStatus, JobType, ProcessLock
from soulspot.models.base import utcnow
from tests.support.processes import free_port, server_env, wait_for_http


def _noop(ctx):
    return {}


@pytest.fixture
def two_apps(make_app):
    """Two apps, as two `soulspot serve` processes would build them, on one database file."""
    first, second = make_app(), make_app()
    # The first one poses as another live process of this machine (our parent), since a
    # lock naming this very pid with another token reads as a previous life of this process.
    first_owner = f"{socket.gethostname()}:{os.getppid()}:first"
    queues = []
    for app, owner in ((first, first_owner), (second, None)):
        lock = ProcessLockHolder(stale_after=timedelta(seconds=60), owner=owner)
        runners = {JobType.LIBRARY_SPOTIFY_ENRICHMENT: _noop, JobType.NIGHTLY_CHAIN: _noop}
        queue = JobQueue(app, runners, lock=lock)
        app.extensions[EXTENSION_KEY] = queue
        queues.append(queue)
    yield first, second, *queues
    for queue in queues:
        queue.shutdown()


def _running_job(app) -> str:
    with app.app_context():
        job = Job(type=JobType.ARTWORK_REPAIR, status=JobStatus.RUNNING, payload={})
        db.session.add(job)
        db.session.commit()
        return job.id


def _status(app, job_id):
    with app.app_context():
        return db.session.get(Job, job_id).status


def test_a_second_process_neither_runs_jobs_nor_interrupts_the_first_ones(two_apps, caplog):
    first, second, first_queue, second_queue = two_apps
    first_queue.start()
    job_id = _running_job(first)

    with caplog.at_level(logging.WARNING):
        second_queue.start()

    assert first_queue.running and not second_queue.running
    assert _status(first, job_id) == JobStatus.RUNNING
    assert "serves requests without a scheduler" in caplog.text
    response = second.test_client().post("/api/enrichment/trigger")
    assert response.status_code == 503
    accepted = first.test_client().post("/api/enrichment/trigger")
    assert accepted.status_code in (200, 202)
    assert first_queue.wait(accepted.get_json()["job_id"])


def test_the_standby_takes_over_when_the_owner_stops_and_then_recovers_jobs(two_apps):
    first, second, first_queue, second_queue = two_apps
    first_queue.start()
    second_queue.start()
    job_id = _running_job(first)  # as if the owner died with it running

    first_queue.shutdown()  # releases the lock
    assert second_queue.claim_lock() is True

    assert second_queue.running
    with second.app_context():
        job = db.session.get(Job, job_id)
        assert (job.status, job.error) == (JobStatus.FAILED, INTERRUPTED)
    assert set(second_queue.schedules) == {JobType.NIGHTLY_CHAIN}


def _set_lock(app, **values):
    with app.app_context():
        db.session.execute(update(ProcessLock).values(**values))
        db.session.commit()


def test_a_stale_lock_of_another_machine_is_taken_over(two_apps):
    first, second, first_queue, second_queue = two_apps
    first_queue.start()
    _set_lock(first, owner="elsewhere:1:abc", heartbeat_at=utcnow() - timedelta(seconds=61))

    second_queue.start()

    assert second_queue.running


def test_a_fresh_lock_of_another_machine_is_respected(two_apps):
    first, second, first_queue, second_queue = two_apps
    first_queue.start()
    _set_lock(first, owner="elsewhere:1:abc", heartbeat_at=utcnow() - timedelta(seconds=30))

    second_queue.start()

    assert not second_queue.running


def test_a_lock_of_a_dead_local_process_is_taken_over_at_once(two_apps):
    first, second, first_queue, second_queue = two_apps
    first_queue.start()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    _set_lock(first, owner=f"{socket.gethostname()}:{dead.pid}:abc", heartbeat_at=utcnow())

    second_queue.start()

    assert second_queue.running


def test_a_lock_of_a_live_local_process_is_respected(two_apps):
    first, second, first_queue, second_queue = two_apps
    first_queue.start()
    _set_lock(first, owner=f"{socket.gethostname()}:{os.getppid()}:abc", heartbeat_at=utcnow())

    second_queue.start()

    assert not second_queue.running


def test_an_owner_that_lost_its_lock_stops_starting_jobs(two_apps, caplog):
    first, _second, first_queue, _ = two_apps
    first_queue.start()
    _set_lock(first, owner="elsewhere:1:abc")

    with caplog.at_level(logging.ERROR):
        assert first_queue.claim_lock() is False

    assert not first_queue.running and first_queue.schedules == {}
    assert "taken over by elsewhere:1:abc" in caplog.text
    assert first.test_client().post("/api/enrichment/trigger").status_code == 503


def test_the_heartbeat_renews_the_lock(two_apps):
    first, _second, first_queue, _ = two_apps
    first_queue.start()
    _set_lock(first, heartbeat_at=utcnow() - timedelta(seconds=50))

    assert first_queue.claim_lock() is True

    with first.app_context():
        lock = db.session.get(ProcessLock, "scheduler")
        assert utcnow() - lock.heartbeat_at < timedelta(seconds=5)


def _serve(tmp_path, port, database):
    env = server_env(database, SOULSPOT_INSTANCE_PATH=str(tmp_path / "instance"))
    return subprocess.Popen(
        [sys.executable, "-m", "soulspot", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_real_servers_on_one_database(tmp_path, database_url):
    """A second server on the taken port fails in one line; one on another port stands by."""
    port = free_port()
    first = _serve(tmp_path, port, database_url())
    try:
        wait_for_http(f"http://127.0.0.1:{port}/healthz", first)
        same_port = _serve(tmp_path, port, database_url())
        output = same_port.communicate(timeout=60)[0]
        assert same_port.returncode == 1
        assert output == (
            f"Error: address already in use: 127.0.0.1:{port} "
            "(is another soulspot serve running?)\n"
        )

        other_port = free_port()
        second = _serve(tmp_path, other_port, database_url())
        try:
            wait_for_http(f"http://127.0.0.1:{other_port}/healthz", second)
            refused = requests.post(f"http://127.0.0.1:{other_port}/api/enrichment/trigger")
            accepted = requests.post(f"http://127.0.0.1:{port}/api/enrichment/trigger")
        finally:
            second.terminate()
            second_output = second.communicate(timeout=30)[0]
        assert refused.status_code == 503
        assert accepted.status_code in (200, 202)
        assert "serves requests without a scheduler" in second_output
    finally:
        first.terminate()
        first.communicate(timeout=30)
