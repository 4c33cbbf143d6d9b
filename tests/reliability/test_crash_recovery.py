"""A real `soulspot serve` killed (SIGKILL) in the middle of each job type, restarted on the
same database: the job reads as interrupted, nothing is half-written, and running the jobs
again reaches the state of runs that were never interrupted."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask

from soulspot import create_app
from soulspot.extensions import db
from soulspot.jobs import EXTENSION_KEY, JobQueue
from soulspot.jobs.queue import run_job, submit_job
from soulspot.jobs.runners import build_runners, build_work_handlers
from soulspot.lifecycle import shutdown_app
from soulspot.models import Job, JobStatus, JobType
from soulspot.models.jobs import INTERRUPTED
from soulspot.services import work_queue
from tests.audio import make_audio
from tests.factories import add_artist
from tests.fakes.server import FakeProviders
from tests.reliability.conftest import FAST
from tests.support.processes import free_port, server_env, wait_for_http
from tests.support.reliability import WORLD, differences, seed_catalog, snapshot

#: Each provider request takes this long while a job is to be killed, so it is caught mid-run.
LATENCY = 0.08
#: Enough files that a scan in batches of one is caught after its first batch.
FILLER_TRACKS = 30
DEADLINE = 20.0


def _music(root: Path) -> Path:
    for name, albums in WORLD.items():
        for title, year, tracks in albums:
            for number in range(1, tracks + 1):
                make_audio(
                    root / name / title / f"{number:02d}.mp3",
                    artist=name,
                    album=title,
                    title=f"{title} {number}",
                    track=str(number),
                    date=str(year),
                )
    for number in range(1, FILLER_TRACKS + 1):
        make_audio(
            root / "Basalt Choir" / "Basalt Hymns" / f"extra-{number:02d}.mp3",
            artist="Basalt Choir",
            album="Basalt Hymns",
            title=f"Extra {number}",
            track=str(100 + number),
            date="1998",
        )
    return root


def _settings(fake: FakeProviders, root: Path, music: Path) -> dict[str, Any]:
    """The app's settings for both worlds: one artwork folder and database file under `root`."""
    return {
        **fake.config(**FAST),
        "HTTP_READ_TIMEOUT": 2.0,  # no timeout faults here, and the machine may be busy
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{root / 'soulspot.db'}",
        "ARTWORK_DIR": str(root / "artwork"),
        "MUSIC_DIRS": str(music),
        "ENRICHMENT_SCHEDULE": "off",
        "ARTWORK_REPAIR_SCHEDULE": "off",
        "SCAN_BATCH_SIZE": 1,
        "ARTWORK_REPAIR_BATCH": 1,
        "ARTWORK_WORKERS": 1,
    }


#: (job type, payload, how to trigger it on a server: an API path, or None for a process
#: running the job as its schedule would)
JOBS: list[tuple[JobType, dict[str, Any], str | None]] = [
    (JobType.LIBRARY_SCAN, {}, "/api/library/scan"),
    (JobType.LIBRARY_SPOTIFY_ENRICHMENT, {}, "/api/enrichment/trigger"),
    (JobType.MUSICBRAINZ_DISAMBIGUATION, {}, "/api/enrichment/disambiguation/job"),
    (JobType.DISCOGRAPHY_FETCH, {}, "/api/enrichment/auto-fetch-discography/job"),
    (JobType.ARTWORK_REPAIR, {}, None),
    (JobType.NIGHTLY_CHAIN, {}, None),
]


class World:
    """One database and artwork folder, and the processes (servers, job runners) on it."""

    def __init__(self, root: Path, settings: dict[str, Any], music: Path) -> None:
        self.root, self.settings, self.music = root, settings, music
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[str] | None = None
        self.log = (root / "queued_job.log").open("a")  # the job runners' logs
        env = {f"SOULSPOT_{key}": str(value) for key, value in settings.items()}
        self.env = server_env(**env, SOULSPOT_INSTANCE_PATH=str(root / "instance"))

    def serve(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "soulspot", "serve", "--port", str(self.port)],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        wait_for_http(f"{self.url}/api/enrichment/status", self.process)

    def run_scheduled(self, job_type: JobType) -> str:
        """Start a process that runs `job_type` as its schedule would; the job's id."""
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.reliability.queued_job", job_type.value],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        assert len(line) == 36, (self.root / "queued_job.log").read_text()
        return line

    def trigger(self, path: str) -> str:
        body = {"path": str(self.music)} if path.endswith("/scan") else {}
        answer = requests.post(f"{self.url}{path}", json=body, timeout=5)
        assert answer.status_code in (200, 202), answer.text
        assert answer.json()["created"] is True, answer.text
        return answer.json()["job_id"]

    def job(self, job_id: str) -> tuple[str, int, str | None]:
        """status, processed, error: from the API while a server runs, else from the file."""
        if self.process is not None and self.process.args[2] == "soulspot":
            job = requests.get(f"{self.url}/api/jobs/{job_id}", timeout=5).json()
            return job["status"], job["progress"]["processed"], job["error"]
        with sqlite3.connect(self.root / "soulspot.db") as connection:
            row = connection.execute(
                "SELECT status, processed, error FROM jobs WHERE id = ?", (job_id,)
            ).fetchone()
        return row

    def wait(self, job_id: str, until: Callable[[tuple[str, int, str | None]], bool]) -> None:
        deadline = time.monotonic() + DEADLINE
        while time.monotonic() < deadline:
            state = self.job(job_id)
            if until(state):
                return
            assert state[0] in ("PENDING", "RUNNING"), state
            time.sleep(0.02)
        raise AssertionError(f"job {job_id} never got there: {self.job(job_id)}")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.communicate()
        self.process = None

    def stop(self) -> None:
        if self.process is not None:
            self.kill()

    def close(self) -> None:
        self.stop()
        self.log.close()


def _app(settings: dict[str, Any]) -> Flask:
    return create_app({**settings, "TESTING": True, "SCHEDULER_ENABLED": False})


def _final_state(settings: dict[str, Any]) -> dict[str, Any]:
    """After the queued follow-ups are worked off, as a serving process does every 2 s."""
    app = _app(settings)
    try:
        with app.app_context():
            while work_queue.drain(db.session, build_work_handlers(app, db.session)).done:
                pass
            return snapshot(db.session, Path(settings["ARTWORK_DIR"]))
    finally:
        shutdown_app(app)


def _consistent(settings: dict[str, Any]) -> None:
    """Nothing half-written once a process took the lock over: no partial download, no file
    without its row, no duplicates."""
    artwork = Path(settings["ARTWORK_DIR"])
    assert [p for p in artwork.rglob("*") if p.name.endswith(".tmp") or ".tmp" in p.name] == []
    app = _app(settings)
    try:
        with app.app_context():
            snapshot(db.session, artwork, idle=False)  # the job dies RUNNING
    finally:
        shutdown_app(app)


@pytest.fixture
def music(tmp_path: Path) -> Path:
    return _music(tmp_path / "music")


@pytest.fixture
def served(tmp_path: Path, fake_providers: FakeProviders, music: Path) -> Iterator[World]:
    seed_catalog(fake_providers)
    (tmp_path / "served").mkdir()
    world = World(tmp_path / "served", _settings(fake_providers, tmp_path / "served", music), music)
    yield world
    world.close()


def _uninterrupted(settings: dict[str, Any]) -> dict[str, Any]:
    """Every job once, in this process, never killed."""
    from soulspot import database

    app = _app(settings)
    try:
        database.prepare(app)
        with app.app_context():
            for job_type, payload, _trigger in JOBS:
                if job_type is JobType.LIBRARY_SCAN:
                    payload = {"path": settings["MUSIC_DIRS"]}
                job_id = submit_job(db.session, job_type, payload).job_id
                run_job(db.session, app, job_id, build_runners()[job_type])
                assert db.session.get(Job, job_id).status is JobStatus.COMPLETED
                db.session.remove()
    finally:
        shutdown_app(app)
    return _final_state(settings)


def _interrupted(world: World, job_id: str) -> None:
    """A restarted server reads the killed job as interrupted and runs nothing."""
    status, _processed, error = world.job(job_id)
    assert (status, error) == ("FAILED", INTERRUPTED)
    status = requests.get(f"{world.url}/api/enrichment/status", timeout=5).json()
    assert status["is_running"] is False and status["progress"] is None


def _killed_mid_run(world: World, fake: FakeProviders, start: Callable[[], str]) -> str:
    """Start a job with slow providers, SIGKILL its process once it has done some work."""
    fake.faults.add("*", "slow", delay=LATENCY)
    job_id = start()
    world.wait(job_id, lambda state: state[0] == "RUNNING" and state[1] > 0)
    world.kill()
    fake.faults.clear()
    return job_id


def test_every_job_killed_mid_run_reads_as_interrupted_and_a_new_run_completes_it(
    served: World, fake_providers: FakeProviders, tmp_path: Path
) -> None:
    served.serve()
    for _job_type, _payload, path in JOBS:
        if path is None:
            continue
        killed = _killed_mid_run(served, fake_providers, partial(served.trigger, path))
        served.serve()  # takes the lock over: recovers the job and the artwork folder
        _interrupted(served, killed)
        _consistent(served.settings)
        again = served.trigger(path)
        served.wait(again, lambda state: state[0] == "COMPLETED")
    served.stop()
    # The jobs without an API trigger run in a process of their own, as their schedule
    # would start them; the next such process takes the lock over and recovers.
    killed_scheduled = []
    for job_type, _payload, path in JOBS:
        if path is not None:
            continue
        start = partial(served.run_scheduled, job_type)
        killed_scheduled.append(_killed_mid_run(served, fake_providers, start))
        again = served.run_scheduled(job_type)
        assert served.process is not None
        served.process.communicate(timeout=DEADLINE)
        served.process = None
        assert served.job(again)[0] == "COMPLETED"
        _consistent(served.settings)
    served.serve()
    for job_id in killed_scheduled:
        _interrupted(served, job_id)
    served.stop()

    baseline_root = tmp_path / "baseline"
    baseline_root.mkdir()
    expected = _uninterrupted(_settings(fake_providers, baseline_root, served.music))
    diff = differences(_final_state(served.settings), expected)
    assert not diff, "\n".join(f"{where}: {got!r} != {want!r}" for where, got, want in diff)


def test_taking_the_lock_clears_what_a_dead_downloader_left_and_keeps_the_rest(
    make_app: Callable[..., Flask], tmp_path: Path
) -> None:
    app = make_app(ENRICHMENT_SCHEDULE="off", ARTWORK_REPAIR_SCHEDULE="off")
    with app.app_context():
        kept = add_artist(db.session, "Kept", image_path="artists/kept.jpg")
        db.session.commit()
        kept_id = kept.id
    folder = tmp_path / "artwork" / "artists"
    folder.mkdir(parents=True)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    host = socket.gethostname()
    left = {
        "dead": folder / f".{kept_id}.{host}@{dead.pid}.x1y2.part",  # a crashed download
        "orphan": folder / "0b9e8713-c7b9-4170-bcac-b71e02f71528.jpg",  # moved, not recorded
    }
    alive = {
        "recorded": folder / "kept.jpg",
        "live": folder / f".{kept_id}.{host}@{os.getpid()}.a1b2.part",  # being written now
        "remote": folder / f".{kept_id}.elsewhere@{dead.pid}.c3d4.part",  # another machine's
    }
    for path in [*left.values(), *alive.values()]:
        path.write_bytes(b"\xff\xd8\xff")
    queue = JobQueue(app, build_runners())
    app.extensions[EXTENSION_KEY] = queue

    queue.start()  # takes the free scheduler lock
    try:
        assert queue.running
        assert [name for name, path in left.items() if path.exists()] == []
        assert [name for name, path in alive.items() if not path.exists()] == []
    finally:
        queue.shutdown()
