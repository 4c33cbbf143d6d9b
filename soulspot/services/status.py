"""Library counts, enrichment status and health, read cheaply from the database."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from soulspot.models import Album, Artist, Candidate, CandidateStatus, JobStatus, JobType, Track
from soulspot.models.library import unenriched_filter
from soulspot.services import work_queue
from soulspot.services.jobs import active_job, last_finished_job

log = logging.getLogger(__name__)


def _count(session: Session, model: Any, *conditions: Any) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0


def library_counts(session: Session) -> dict[str, int]:
    """Artists, albums and tracks with local files."""
    return {
        "artists": _count(session, Artist, Artist.has_local_files.is_(True)),
        "albums": _count(session, Album, Album.has_local_files.is_(True)),
        "tracks": _count(session, Track, Track.file_path.is_not(None)),
    }


def enrichment_status(
    session: Session, next_runs: Mapping[JobType, datetime] | None = None
) -> dict[str, Any]:
    """The spec's status fields plus progress, per-provider link counts, the nightly chain's
    last run and `next_runs` (when each schedule of this process fires next, ISO UTC).

    Unenriched = has local files and no spotify_uri (NOTES 2); `last_job_completed` is read
    from the newest finished enrichment job, so it survives restarts (NOTES 3).
    """
    artists_unenriched = _count(session, Artist, unenriched_filter(Artist))
    albums_unenriched = _count(session, Album, unenriched_filter(Album))
    running = active_job(session, JobType.LIBRARY_SPOTIFY_ENRICHMENT)
    finished = last_finished_job(session, JobType.LIBRARY_SPOTIFY_ENRICHMENT)
    return {
        "artists_unenriched": artists_unenriched,
        "albums_unenriched": albums_unenriched,
        "pending_candidates": _count(
            session, Candidate, Candidate.status == CandidateStatus.PENDING
        ),
        "is_enrichment_needed": artists_unenriched + albums_unenriched > 0,
        "is_running": running is not None,
        "last_job_completed": None if finished is None else finished.status == JobStatus.COMPLETED,
        "progress": None
        if running is None
        else {"job_id": running.id, "processed": running.processed, "total": running.total},
        "last_job": None
        if finished is None
        else {"job_id": finished.id, "status": finished.status.value, "error": finished.error},
        "linked": {
            "artists_spotify": _count(session, Artist, Artist.spotify_uri.is_not(None)),
            "artists_deezer": _count(session, Artist, Artist.deezer_id.is_not(None)),
            "albums_spotify": _count(session, Album, Album.spotify_uri.is_not(None)),
            "albums_deezer": _count(session, Album, Album.deezer_id.is_not(None)),
        },
        "queued_work": work_queue.pending_counts(session),
        "nightly_chain": _chain_status(session),
        "next_runs": {job_type.value: at.isoformat() for job_type, at in (next_runs or {}).items()},
    }


def _chain_status(session: Session) -> dict[str, Any]:
    """The running chain's id and the last finished one, with the steps that failed."""
    running = active_job(session, JobType.NIGHTLY_CHAIN)
    finished = last_finished_job(session, JobType.NIGHTLY_CHAIN)
    last = None
    if finished is not None:
        last = {
            "job_id": finished.id,
            "status": finished.status.value,
            "finished_at": finished.finished_at.isoformat() if finished.finished_at else None,
            "failed_steps": (finished.result or {}).get("failed_steps", []),
        }
    return {"running_job_id": None if running is None else running.id, "last": last}


def database_reachable(session: Session) -> bool:
    try:
        session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        log.exception("database health check failed")
        session.rollback()
        return False
    return True
