"""Background jobs and their recorded progress and outcome."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from soulspot.extensions import db
from soulspot.models.base import UTCDateTime, new_id, string_enum, utcnow


class JobType(enum.StrEnum):
    LIBRARY_SCAN = "LIBRARY_SCAN"
    LIBRARY_SPOTIFY_ENRICHMENT = "LIBRARY_SPOTIFY_ENRICHMENT"
    ARTWORK_REPAIR = "ARTWORK_REPAIR"
    DISCOGRAPHY_FETCH = "DISCOGRAPHY_FETCH"
    MUSICBRAINZ_DISAMBIGUATION = "MUSICBRAINZ_DISAMBIGUATION"
    #: The nightly chain: scan, enrichment, disambiguation, artwork repair (jobs/runners.py).
    NIGHTLY_CHAIN = "NIGHTLY_CHAIN"


class JobStatus(enum.StrEnum):
    PENDING = "PENDING"
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"


ACTIVE_STATUSES = (JobStatus.PENDING, JobStatus.RUNNING)
#: Job.error of a job that a process died with, and of one stopped by a cancel request.
INTERRUPTED = "interrupted"
CANCELLED = "cancelled"
_ACTIVE_SQL = text("status IN ('PENDING', 'RUNNING')")


class Job(db.Model):
    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    type: Mapped[JobType] = mapped_column(string_enum(JobType))
    status: Mapped[JobStatus] = mapped_column(string_enum(JobStatus), default=JobStatus.PENDING)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    processed: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int | None] = mapped_column(Integer)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set by POST /api/jobs/<id>/cancel; a runner that supports it stops between batches.
    cancel_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_jobs_type_status", "type", "status"),
        # At most one PENDING/RUNNING job per type, enforced by the database itself so two
        # concurrent triggers (threads or processes) cannot both queue one.
        Index(
            "uq_jobs_one_active_per_type",
            "type",
            unique=True,
            sqlite_where=_ACTIVE_SQL,
            postgresql_where=_ACTIVE_SQL,
        ),
        Index("ix_jobs_created", "created_at"),
    )


class ProcessLock(db.Model):
    """A named lock held by one process, kept alive by a heartbeat and taken over when stale.

    The scheduler lock lives here so that exactly one `soulspot serve` per database runs
    jobs and recovers interrupted ones, on SQLite and PostgreSQL alike.
    """

    __tablename__ = "process_locks"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner: Mapped[str] = mapped_column(String(128))
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
