"""Run one job as a fired schedule does, in a process of its own, and wait for its end:
`python -m tests.reliability.queued_job TYPE` (configured by SOULSPOT_* like `serve`).

The nightly chain and the periodic artwork repair have no API trigger; this is the path
their cron schedule takes (`JobQueue._submit_scheduled`), without waiting for a minute.
"""

from __future__ import annotations

import sys

from soulspot import create_app
from soulspot.extensions import db
from soulspot.jobs import get_queue
from soulspot.lifecycle import shutdown_app, start_jobs
from soulspot.models import JobType


def main(job_type: str) -> None:
    app = create_app({"SCHEDULER_ENABLED": True})
    start_jobs(app)
    queue = get_queue(app)
    assert queue is not None and queue.running, "another process holds the scheduler lock"
    with app.app_context():
        job_id = queue.submit(JobType(job_type), {"triggered_by": "schedule"}).job_id
        db.session.remove()
    print(job_id, flush=True)
    queue.wait(job_id, timeout=120)
    shutdown_app(app)


if __name__ == "__main__":
    main(sys.argv[1])
