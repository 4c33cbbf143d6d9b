"""Reading jobs back: lists for the API and the status of the enrichment job."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from soulspot.errors import NotFoundError
from soulspot.models import Job, JobStatus, JobType
from soulspot.models.jobs import ACTIVE_STATUSES


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
        .where(Job.type == job_type, Job.status.in_((JobStatus.COMPLETED, JobStatus.FAILED)))
        .order_by(Job.finished_at.desc(), Job.created_at.desc())
        .limit(1)
    )
