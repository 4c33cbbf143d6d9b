"""Background jobs: one scheduler with a thread pool, owned by the serving process."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, current_app

from soulspot.errors import ServiceUnavailableError
from soulspot.jobs.queue import JobContext, JobQueue, SubmitResult
from soulspot.models import JobType

EXTENSION_KEY = "soulspot.jobs"

__all__ = [
    "JobContext",
    "JobQueue",
    "SubmitResult",
    "get_queue",
    "next_runs",
    "require_queue",
    "start_scheduler",
]


def start_scheduler(app: Flask) -> JobQueue:
    """Start the job queue for this process (idempotent) and return it."""
    queue: JobQueue | None = app.extensions.get(EXTENSION_KEY)
    if queue is None:
        from soulspot.jobs.runners import build_runners, build_work_handlers

        queue = JobQueue(
            app,
            build_runners(),
            workers=int(app.config["JOB_WORKERS"]),
            work_handlers=build_work_handlers,
        )
        app.extensions[EXTENSION_KEY] = queue
    queue.start()
    return queue


def get_queue(app: Flask | None = None) -> JobQueue | None:
    """This process's job queue, or None when this process runs no scheduler."""
    return (app or current_app).extensions.get(EXTENSION_KEY)


def require_queue() -> JobQueue:
    """This process's running job queue; a 503 for the caller when there is none."""
    queue = get_queue()
    if queue is None or not queue.running:
        raise ServiceUnavailableError(
            "no job runner in this process; start the server with `soulspot serve`"
        )
    return queue


def next_runs(app: Flask | None = None) -> dict[JobType, datetime]:
    """When each schedule fires next, if this process runs the scheduler; else empty."""
    queue = get_queue(app)
    return {} if queue is None else queue.next_runs
