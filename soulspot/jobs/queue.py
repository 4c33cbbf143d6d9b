"""A job queue on APScheduler's BackgroundScheduler: one row in `jobs` per run."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from soulspot.errors import ServiceUnavailableError
from soulspot.extensions import db
from soulspot.jobs.lock import ProcessLockHolder
from soulspot.models import Job, JobStatus, JobType, WorkKind
from soulspot.models.base import utcnow
from soulspot.models.jobs import ACTIVE_STATUSES, CANCELLED, INTERRUPTED
from soulspot.schedules import SCHEDULE_KEYS, schedule_trigger
from soulspot.services import work_queue

log = logging.getLogger(__name__)

SCHEDULE_PREFIX = "schedule:"
HEARTBEAT_JOB = "scheduler-lock-heartbeat"
HEARTBEAT_EXECUTOR = "heartbeat"
FOLLOW_UP_JOB = "queued-work"
#: Queued follow-ups (a link's artwork, an applied artist's albums) start within this.
FOLLOW_UP_INTERVAL = 2.0
# APScheduler logs every run at INFO; a heartbeat every few seconds would drown the log.
FOLLOW_UP_EXECUTOR = "follow-ups"
for _quiet in (HEARTBEAT_EXECUTOR, FOLLOW_UP_EXECUTOR):
    logging.getLogger(f"apscheduler.executors.{_quiet}").setLevel(logging.WARNING)
#: A running job logs its progress every this many items, or after this many seconds.
PROGRESS_LOG_ITEMS = 500
PROGRESS_LOG_SECONDS = 30.0


@dataclass
class JobContext:
    """What a runner gets: the job's id and payload, a session, the config, a progress hook."""

    job_id: str
    payload: Mapping[str, Any]
    session: Session
    config: Mapping[str, Any]
    app: Flask
    job_type: str = ""
    clock: Callable[[], float] = time.monotonic
    _logged: tuple[int, float] | None = field(default=None, init=False, repr=False)

    def progress(self, processed: int, total: int | None = None) -> None:
        """Record progress; commits the session (runners commit per item anyway).

        Logs it every PROGRESS_LOG_ITEMS items or PROGRESS_LOG_SECONDS, whichever comes first.
        """
        values: dict[str, Any] = {"processed": processed}
        if total is not None:
            values["total"] = total
        self.session.execute(update(Job).where(Job.id == self.job_id).values(**values))
        self.session.commit()
        now = self.clock()
        if self._logged is None:  # the first call only starts the clock
            self._logged = (processed, now)
            return
        items, at = self._logged
        if processed - items >= PROGRESS_LOG_ITEMS or now - at >= PROGRESS_LOG_SECONDS:
            self._logged = (processed, now)
            of = "" if total is None else f" of {total}"
            log.info("job %s (%s): %d%s processed", self.job_id, self.job_type, processed, of)

    def cancel_requested(self) -> bool:
        """True once POST /api/jobs/<id>/cancel asked this job to stop (one small query)."""
        requested = self.session.scalar(
            select(Job.cancel_requested_at).where(Job.id == self.job_id)
        )
        return requested is not None


Runner = Callable[[JobContext], dict[str, Any]]
#: Builds the follow-up handlers for one drain, on that drain's session.
WorkHandlers = Callable[[Flask, Session], Mapping[WorkKind, work_queue.Handler]]


class JobCancelled(Exception):
    """Raised by a runner that stopped because a cancel was requested; `result` is what it did."""

    def __init__(self, result: dict[str, Any]) -> None:
        super().__init__(CANCELLED)
        self.result = result


class JobFailed(Exception):
    """Raised by a runner whose job must end FAILED yet keep the report of the work it did."""

    def __init__(self, message: str, result: dict[str, Any]) -> None:
        super().__init__(message)
        self.result = result


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
    """Run a PENDING job to COMPLETED, FAILED or CANCELLED, recording its outcome; never raises.

    Logs its start and, in one line, its outcome with the counts of its result
    (`summarize`); never its payload.
    """
    job = session.get(Job, job_id)
    if job is None:
        log.error("job %s vanished before it ran", job_id)
        return
    claimed = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == JobStatus.PENDING)
        .values(status=JobStatus.RUNNING, started_at=utcnow())
    ).rowcount
    session.commit()
    if not claimed:  # cancelled while it waited for a worker
        log.info("job %s is no longer pending (%s); not run", job_id, job.status.value)
        return
    job_type = job.type.value
    log.info("job %s (%s) started", job_id, job_type)
    started = time.monotonic()
    context = JobContext(job_id, dict(job.payload or {}), session, app.config, app, job_type)

    def ended(outcome: str, result: Mapping[str, Any] | None) -> str:
        seconds = time.monotonic() - started
        return f"job {job_id} ({job_type}) {outcome} after {seconds:.1f} s: {summarize(result)}"

    try:
        result = runner(context)
    except JobCancelled as cancelled:
        log.info("%s", ended("cancelled", cancelled.result))
        session.rollback()
        _finish(session, job_id, JobStatus.CANCELLED, error=CANCELLED, result=cancelled.result)
        return
    except JobFailed as failure:
        log.warning("%s; %s", ended("failed", failure.result), failure)
        session.rollback()
        _finish(session, job_id, JobStatus.FAILED, error=str(failure), result=failure.result)
        return
    except Exception as error:  # a job must end FAILED with a reason, whatever went wrong
        log.exception("%s", ended("failed", None))
        session.rollback()
        _finish(session, job_id, JobStatus.FAILED, error=str(error) or type(error).__name__)
        return
    log.info("%s", ended("completed", result))
    _finish(session, job_id, JobStatus.COMPLETED, result=result)


def summarize(result: Mapping[str, Any] | None) -> str:
    """The counts of a job's result for its log line: numbers (one level of nesting, as in
    `requests.deezer=12`) and the length of lists (`errors=3`); text is left out, so no
    message or value a runner stored can reach the log."""
    parts: list[str] = []
    for key, value in (result or {}).items():
        if isinstance(value, Mapping):
            parts.extend(
                f"{key}.{name}={inner}" for name, inner in value.items() if _is_number(inner)
            )
        elif isinstance(value, list | tuple):
            parts.append(f"{key}={len(value)}")
        elif _is_number(value):
            parts.append(f"{key}={value}")
    return ", ".join(parts) or "no counts"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _finish(session: Session, job_id: str, status: JobStatus, **values: Any) -> None:
    # Only a job still RUNNING is ours to finish: if the scheduler lock's holder marked it
    # interrupted meanwhile, that verdict stands rather than a COMPLETED with error set.
    finished = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == JobStatus.RUNNING)
        .values(status=status, finished_at=utcnow(), **values)
    )
    session.commit()
    if not finished.rowcount:
        log.warning("job %s was finished by another process meanwhile; outcome dropped", job_id)


class JobQueue:
    """Runs jobs on a thread pool; also fires the periodic schedules from config."""

    def __init__(
        self,
        app: Flask,
        runners: Mapping[JobType, Runner],
        workers: int = 2,
        *,
        lock: ProcessLockHolder | None = None,
        work_handlers: WorkHandlers | None = None,
    ) -> None:
        self._app = app
        self._runners = dict(runners)
        self._work_handlers = work_handlers
        self._scheduler = BackgroundScheduler(
            # The heartbeat has a thread of its own: long jobs on every worker must never
            # delay it past the stale limit, or another process would take over.
            executors={
                "default": ThreadPoolExecutor(max_workers=workers),
                HEARTBEAT_EXECUTOR: ThreadPoolExecutor(max_workers=1),
                # One thread works off queued follow-ups, one at a time (single-flight).
                FOLLOW_UP_EXECUTOR: ThreadPoolExecutor(max_workers=1),
            },
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
            timezone="UTC",
        )
        stale_after = timedelta(seconds=float(app.config["SCHEDULER_LOCK_STALE_SECONDS"]))
        self._process_lock = lock or ProcessLockHolder(stale_after=stale_after)
        self._owns_lock = False
        self._standby_logged = False
        self._finished: dict[str, threading.Event] = {}
        self._lock = threading.Lock()

    @property
    def running(self) -> bool:
        """True when this process runs jobs: its scheduler is up and it holds the lock."""
        return self._scheduler.running and self._owns_lock

    def start(self) -> None:
        """Start the scheduler; it runs jobs once this process holds the scheduler lock.

        Without the lock (another `soulspot serve` on this database) the process serves
        requests only, and keeps trying, so it takes over when the other one stops.
        """
        if self._scheduler.running:
            return
        interval = max(1.0, self._process_lock.stale_after.total_seconds() / 6)
        self._scheduler.add_job(
            self.claim_lock,
            IntervalTrigger(seconds=interval, timezone="UTC"),
            id=HEARTBEAT_JOB,
            executor=HEARTBEAT_EXECUTOR,
        )
        if self._work_handlers is not None:
            self._scheduler.add_job(
                self.work_off_follow_ups,
                IntervalTrigger(seconds=FOLLOW_UP_INTERVAL, timezone="UTC"),
                id=FOLLOW_UP_JOB,
                executor=FOLLOW_UP_EXECUTOR,
            )
        self._scheduler.start()
        self.claim_lock()

    def work_off_follow_ups(self) -> int:
        """Do the queued follow-up work (only while holding the lock); returns how much."""
        if self._work_handlers is None or not self.running:
            return 0
        with self._app.app_context():
            try:
                handlers = self._work_handlers(self._app, db.session)
                return work_queue.drain(db.session, handlers).done
            finally:
                db.session.remove()

    def claim_lock(self) -> bool:
        """Take or renew the scheduler lock (the periodic heartbeat); True while we hold it."""
        with self._app.app_context():
            try:
                if self._owns_lock:
                    if not self._process_lock.refresh(db.session):
                        self._lose_lock()
                elif self._process_lock.acquire(db.session):
                    self._become_owner()
                elif not self._standby_logged:
                    self._standby_logged = True
                    log.warning(
                        "another process (%s) runs the job scheduler for this database; "
                        "this one serves requests without a scheduler and takes over if that "
                        "one stops",
                        self._process_lock.holder(db.session),
                    )
            finally:
                db.session.remove()
        return self._owns_lock

    def _become_owner(self) -> None:
        # Only the lock holder may decide that RUNNING jobs belong to a dead process.
        recovered = fail_interrupted_jobs(db.session)
        if recovered:
            log.warning("marked %d interrupted job(s) as FAILED", recovered)
        # Here, not at the top: the artwork modules load Pillow, which `soulspot status`
        # (importing the queue for its next runs) must not pay for.
        from soulspot.services.artwork.recovery import recover_store
        from soulspot.wiring import artwork

        recover_store(db.session, artwork(self._app).store)
        self._add_schedules()
        self._owns_lock = True
        log.info("this process (%s) runs the job scheduler", self._process_lock.owner)

    def _lose_lock(self) -> None:
        self._owns_lock = False
        for job_type in self.schedules:
            self._scheduler.remove_job(f"{SCHEDULE_PREFIX}{job_type.value}")
        log.error(
            "the scheduler lock was taken over by %s (this process missed its heartbeats); "
            "no new jobs start here",
            self._process_lock.holder(db.session),
        )

    def shutdown(self, wait: bool = True) -> None:
        if not self._scheduler.running:
            return
        # Paused first: APScheduler's shutdown empties the job store before it stops its loop,
        # which then fails (JobLookupError) removing a job that fell due in between. A pass
        # already under way holds the job store lock, and shutdown marks the scheduler stopped
        # before taking it: get_jobs takes that lock, so it waits that pass out.
        self._scheduler.pause()
        self._scheduler.get_jobs()
        self._scheduler.shutdown(wait=wait)
        if self._owns_lock:
            self._owns_lock = False
            with self._app.app_context():
                try:
                    self._process_lock.release(db.session)
                finally:
                    db.session.remove()

    def submit(self, job_type: JobType, payload: Mapping[str, Any] | None = None) -> SubmitResult:
        """Queue a job of this type, or return the one already PENDING/RUNNING."""
        if job_type not in self._runners:
            raise ValueError(f"this queue has no runner for {job_type.value}")
        if not self.running:
            raise ServiceUnavailableError(
                "this process does not run the job scheduler (another `soulspot serve` on "
                "this database does, or it is stopped)"
            )
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

    @property
    def next_runs(self) -> dict[JobType, datetime]:
        """When each periodic job fires next in this process; empty unless it runs jobs."""
        if not self.running:
            return {}
        return {job_type: at for job_type, at in self.schedules.items() if at is not None}

    def reschedule(self) -> None:
        """Apply changed schedule settings now (a process without the lock reads them later)."""
        if not self._owns_lock:
            return
        for job_type in self.schedules:
            # The lock may have been lost meanwhile, and the schedules removed with it.
            with contextlib.suppress(JobLookupError):
                self._scheduler.remove_job(f"{SCHEDULE_PREFIX}{job_type.value}")
        self._add_schedules()

    def _add_schedules(self) -> None:
        for job_type, key in SCHEDULE_KEYS.items():
            trigger = schedule_trigger(key, self._app.config[key])
            if trigger is None or job_type not in self._runners:
                continue
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
                result = self.submit(job_type, {"triggered_by": "schedule"})
            except ServiceUnavailableError:  # the lock was lost since the trigger was armed
                log.warning("scheduled %s not started: this process no longer runs jobs", job_type)
                return
            finally:
                db.session.remove()
        if not result.created:
            log.info("scheduled %s skipped: job %s is still active", job_type, result.job_id)
