"""Reading jobs back (lists for the API, the status of the enrichment job) and cancelling one."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from soulspot.errors import InvalidStateError, NotFoundError
from soulspot.models import Job, JobStatus, JobType
from soulspot.models.base import utcnow
from soulspot.models.jobs import ACTIVE_STATUSES, CANCELLED

FINISHED_STATUSES = (JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED)


def list_jobs(
    session: Session,
    *,
    job_type: JobType | None,
    status: JobStatus | None,
    limit: int,
    offset: int,
) -> tuple[list[Job], int]:
    """Newest first, optionally filtered by type and status."""
    query = select(Job)
    if job_type is not None:
        query = query.where(Job.type == job_type)
    if status is not None:
        query = query.where(Job.status == status)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(Job.created_at.desc()).limit(limit).offset(offset))
    return list(rows), total


def get_job(session: Session, job_id: str) -> Job:
    job = session.get(Job, job_id)
    if job is None:
        raise NotFoundError(f"no job with id {job_id!r}")
    return job


def active_job(session: Session, job_type: JobType) -> Job | None:
    return session.scalar(
        select(Job).where(Job.type == job_type, Job.status.in_(ACTIVE_STATUSES)).limit(1)
    )


def last_finished_job(session: Session, job_type: JobType) -> Job | None:
    return session.scalar(
        select(Job)
        .where(Job.type == job_type, Job.status.in_(FINISHED_STATUSES))
        # NULLs sort first in a descending PostgreSQL order, last in SQLite's: say which.
        .order_by(Job.finished_at.desc().nulls_last(), Job.created_at.desc())
        .limit(1)
    )


def request_cancel(session: Session, job_id: str) -> Job:
    """Cancel a PENDING job at once; ask a RUNNING one to stop (its runner checks between
    batches). A finished job is an InvalidStateError."""
    job = get_job(session, job_id)
    now = utcnow()
    # Conditional updates, so a job the queue starts at this moment is asked, not overwritten.
    cancelled = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == JobStatus.PENDING)
        .values(
            status=JobStatus.CANCELLED, cancel_requested_at=now, finished_at=now, error=CANCELLED
        )
    ).rowcount
    session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == JobStatus.RUNNING, Job.cancel_requested_at.is_(None))
        .values(cancel_requested_at=now)
    )
    session.commit()
    session.refresh(job)
    if job.status in FINISHED_STATUSES and not cancelled:
        raise InvalidStateError(
            f"job {job_id} has already finished ({job.status.value})", code="job_finished"
        )
    return job
