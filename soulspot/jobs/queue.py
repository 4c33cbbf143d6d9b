"""A job queue on APScheduler's BackgroundScheduler: one row in `jobs` per run."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from flask import Flask
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from soulspot.extensions import db
from soulspot.models import Job, JobStatus, JobType
from soulspot.models.base import utcnow
from soulspot.models.jobs import ACTIVE_STATUSES

log = logging.getLogger(__name__)

INTERRUPTED = "interrupted"
SCHEDULE_PREFIX = "schedule:"


@dataclass
class JobContext:
    """What a runner gets: the job's id and payload, a session, the config, a progress hook."""

    job_id: str
    payload: Mapping[str, Any]
    session: Session
    config: Mapping[str, Any]
    app: Flask

    def progress(self, processed: int, total: int | None = None) -> None:
        """Record progress; commits the session (runners commit per item anyway)."""
        values: dict[str, Any] = {"processed": processed}
        if total is not None:
            values["total"] = total
        self.session.execute(update(Job).where(Job.id == self.job_id).values(**values))
        self.session.commit()


Runner = Callable[[JobContext], dict[str, Any]]


@dataclass(frozen=True)
class SubmitResult:
    job_id: str
    created: bool


def submit_job(session: Session, job_type: JobType, payload: Mapping[str, Any]) -> SubmitResult:
    """Insert a PENDING job unless one of this type is PENDING or RUNNING already."""
    job = Job(type=job_type, status=JobStatus.PENDING, payload=dict(payload))
    session.add(job)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        active = session.scalar(
            select(Job.id).where(Job.type == job_type, Job.status.in_(ACTIVE_STATUSES))
        )
        if active is None:  # finished between our insert and this read: try once more
            return submit_job(session, job_type, payload)
        return SubmitResult(active, created=False)
    return SubmitResult(job.id, created=True)


def fail_interrupted_jobs(session: Session) -> int:
    """Jobs left PENDING/RUNNING by a dead process become FAILED "interrupted"."""
    result = session.execute(
        update(Job)
        .where(Job.status.in_(ACTIVE_STATUSES))
        .values(status=JobStatus.FAILED, error=INTERRUPTED, finished_at=utcnow())
    )
    session.commit()
    return result.rowcount or 0


def run_job(session: Session, app: Flask, job_id: str, runner: Runner) -> None:
    """Run one job to COMPLETED or FAILED, recording its outcome; never raises."""
    job = session.get(Job, job_id)
    if job is None:
        log.error("job %s vanished before it ran", job_id)
        return
    job.status, job.started_at = JobStatus.RUNNING, utcnow()
    session.commit()
    context = JobContext(job_id, dict(job.payload or {}), session, app.config, app)
    try:
        result = runner(context)
    except Exception as error:  # a job must end FAILED with a reason, whatever went wrong
        log.exception("job %s (%s) failed", job_id, job.type)
        session.rollback()
        _finish(session, job_id, JobStatus.FAILED, error=str(error) or type(error).__name__)
        return
    _finish(session, job_id, JobStatus.COMPLETED, result=result)


def _finish(session: Session, job_id: str, status: JobStatus, **values: Any) -> None:
    session.execute(
        update(Job).where(Job.id == job_id).values(status=status, finished_at=utcnow(), **values)
    )
    session.commit()


class JobQueue:
    """Runs jobs on a thread pool; also fires the periodic schedules from config."""

    def __init__(self, app: Flask, runners: Mapping[JobType, Runner], workers: int = 2) -> None:
        self._app = app
        self._runners = dict(runners)
        self._scheduler = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(max_workers=workers)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
            timezone="UTC",
        )
        self._finished: dict[str, threading.Event] = {}
        self._lock = threading.Lock()

    @property
    def running(self) -> bool:
        return self._scheduler.running

    def start(self) -> None:
        if self.running:
            return
        with self._app.app_context():
            recovered = fail_interrupted_jobs(db.session)
            db.session.remove()
        if recovered:
            log.warning("marked %d interrupted job(s) as FAILED", recovered)
        self._add_schedules()
        self._scheduler.start()

    def shutdown(self, wait: bool = True) -> None:
        if self.running:
            self._scheduler.shutdown(wait=wait)

    def submit(self, job_type: JobType, payload: Mapping[str, Any] | None = None) -> SubmitResult:
        """Queue a job of this type, or return the one already PENDING/RUNNING."""
        if job_type not in self._runners:
            raise ValueError(f"this queue has no runner for {job_type.value}")
        result = submit_job(db.session, job_type, payload or {})
        if result.created:
            with self._lock:
                self._finished[result.job_id] = threading.Event()
            self._scheduler.add_job(self._execute, args=[result.job_id, job_type], id=result.job_id)
        return result

    def wait(self, job_id: str, timeout: float = 30.0) -> bool:
        """Block until a job submitted here has finished (tests and the CLI use it)."""
        with self._lock:
            event = self._finished.get(job_id)
        return event.wait(timeout) if event else True

    def _execute(self, job_id: str, job_type: JobType) -> None:
        try:
            with self._app.app_context():
                try:
                    run_job(db.session, self._app, job_id, self._runners[job_type])
                finally:
                    db.session.remove()
        finally:
            with self._lock:
                event = self._finished.pop(job_id, None)
            if event:
                event.set()

    @property
    def schedules(self) -> dict[JobType, datetime]:
        """The periodic job types and when each fires next."""
        return {
            job.args[0]: job.next_run_time
            for job in self._scheduler.get_jobs()
            if job.id.startswith(SCHEDULE_PREFIX)
        }

    def _add_schedules(self) -> None:
        keys = {
            JobType.LIBRARY_SPOTIFY_ENRICHMENT: "ENRICHMENT_SCHEDULE",
            JobType.ARTWORK_REPAIR: "ARTWORK_REPAIR_SCHEDULE",
        }
        for job_type, key in keys.items():
            expression = str(self._app.config[key] or "off").strip()
            if expression.lower() == "off" or job_type not in self._runners:
                continue
            try:
                trigger = CronTrigger.from_crontab(expression, timezone="UTC")
            except ValueError as error:
                message = f"SOULSPOT_{key} must be a cron expression or 'off', got {expression!r}"
                raise ValueError(f"{message}: {error}") from None
            self._scheduler.add_job(
                self._submit_scheduled,
                trigger,
                args=[job_type],
                id=f"{SCHEDULE_PREFIX}{job_type.value}",
                replace_existing=True,
            )

    def _submit_scheduled(self, job_type: JobType) -> None:
        with self._app.app_context():
            try:
                self.submit(job_type, {"triggered_by": "schedule"})
            finally:
                db.session.remove()
