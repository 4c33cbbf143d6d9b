"""What a job logs: its start, its progress now and then, and one line of counts at its end."""

from __future__ import annotations

import logging

import pytest

from soulspot.extensions import db
from soulspot.jobs.queue import (
    PROGRESS_LOG_ITEMS,
    PROGRESS_LOG_SECONDS,
    JobContext,
    JobFailed,
    run_job,
    submit_job,
    summarize,
)
from soulspot.models import Job, JobStatus, JobType

SECRET = "s3cret-token-value"


def _run(app, runner, payload=None) -> Job:
    with app.app_context():
        job_id = submit_job(db.session, JobType.ARTWORK_REPAIR, payload or {}).job_id
        run_job(db.session, app, job_id, runner)
        return db.session.get(Job, job_id)


def _lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "soulspot.jobs.queue"]


def test_a_job_logs_its_start_and_one_line_of_counts_at_its_end(app, caplog):
    def runner(ctx):
        return {
            "checked": 12,
            "cut_short": False,
            "mode": f"api {SECRET}",
            "errors": ["a", f"b {SECRET}"],
            "requests": {"deezer": 4, "spotify": "off"},
        }

    with caplog.at_level(logging.INFO, logger="soulspot.jobs.queue"):
        job = _run(app, runner, {"token": SECRET})

    started, ended = _lines(caplog)
    assert started == f"job {job.id} (ARTWORK_REPAIR) started"
    assert ended.startswith(f"job {job.id} (ARTWORK_REPAIR) completed after ")
    assert ended.endswith(" s: checked=12, errors=2, requests.deezer=4")
    assert SECRET not in caplog.text  # neither the payload nor any text of the result


def test_a_failed_job_logs_the_counts_it_kept_and_its_reason(app, caplog):
    def runner(ctx):
        raise JobFailed("deezer unreachable: HTTP 503", {"artists_processed": 5, "errors": [1]})

    with caplog.at_level(logging.INFO, logger="soulspot.jobs.queue"):
        job = _run(app, runner)

    assert job.status == JobStatus.FAILED
    assert _lines(caplog)[-1].endswith(
        " s: artists_processed=5, errors=1; deezer unreachable: HTTP 503"
    )


def test_a_crashed_job_logs_its_end_too(app, caplog):
    def runner(ctx):
        raise RuntimeError("disk on fire")

    with caplog.at_level(logging.INFO, logger="soulspot.jobs.queue"):
        job = _run(app, runner)

    assert job.status == JobStatus.FAILED
    assert f"job {job.id} (ARTWORK_REPAIR) failed after " in _lines(caplog)[-1]


def test_progress_is_logged_every_n_items_or_every_half_minute(app, caplog):
    now = [0.0]

    def runner(ctx):
        ctx = JobContext(ctx.job_id, {}, ctx.session, ctx.config, ctx.app, "X", lambda: now[0])
        ctx.progress(0, 2000)  # starts the clock, logs nothing
        ctx.progress(PROGRESS_LOG_ITEMS - 1, 2000)
        ctx.progress(PROGRESS_LOG_ITEMS, 2000)  # N items since the last line
        now[0] = PROGRESS_LOG_SECONDS - 1
        ctx.progress(PROGRESS_LOG_ITEMS + 1, 2000)
        now[0] = PROGRESS_LOG_SECONDS
        ctx.progress(PROGRESS_LOG_ITEMS + 2)  # half a minute since the last line
        return {}

    with caplog.at_level(logging.INFO, logger="soulspot.jobs.queue"):
        job = _run(app, runner)

    progress = [line for line in _lines(caplog) if "processed" in line]
    assert progress == [
        f"job {job.id} (X): {PROGRESS_LOG_ITEMS} of 2000 processed",
        f"job {job.id} (X): {PROGRESS_LOG_ITEMS + 2} processed",
    ]
    assert (job.processed, job.total) == (PROGRESS_LOG_ITEMS + 2, 2000)


@pytest.mark.parametrize(
    ("result", "summary"),
    [
        (None, "no counts"),
        ({"spotify": "ok", "cancelled": True}, "no counts"),
        ({"steps": [{}, {}], "failed": 1, "seconds": 1.5}, "steps=2, failed=1, seconds=1.5"),
    ],
)
def test_summarize_keeps_numbers_and_list_lengths_only(result, summary):
    assert summarize(result) == summary
