"""Library counts, enrichment status and health, read cheaply from the database."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Select, and_, case, distinct, func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from soulspot.models import (
    Album,
    Artist,
    Candidate,
    CandidateStatus,
    EntityKind,
    Job,
    JobStatus,
    JobType,
    LibraryCounts,
    ProviderKind,
    Track,
)
from soulspot.models.library import IMAGE_FAILED_PREFIX, EnrichmentOutcome, unenriched_filter
from soulspot.schedules import SCHEDULE_KEYS, schedule_trigger
from soulspot.services import work_queue
from soulspot.services.jobs import active_job, last_finished_job, list_jobs

log = logging.getLogger(__name__)


def _count(session: Session, model: Any, *conditions: Any) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0


def _counts_statement(**counts: tuple[Any, Any]) -> Select:
    """Several `(model, condition)` counts as one statement of scalar subqueries: one round
    trip instead of one each."""
    return select(
        *(
            select(func.count()).select_from(model).where(condition).scalar_subquery().label(name)
            for name, (model, condition) in counts.items()
        )
    )


#: Databases whose triggers keep `library_counts` (migration b8e2c4f61d37); elsewhere the
#: counts are counted on each request.
KEPT_COUNTS_DIALECTS = frozenset({"sqlite", "postgresql"})
#: Rows of deltas PostgreSQL's triggers may pile up before a reader folds them into one.
FOLD_AT = 200
_KEPT_COLUMNS = [column for column in LibraryCounts.__table__.columns if column.name != "id"]
_FOLD = text(
    "WITH folded AS (DELETE FROM library_counts RETURNING *) "
    f"INSERT INTO library_counts ({', '.join(c.name for c in _KEPT_COLUMNS)}) "
    f"SELECT {', '.join(f'coalesce(sum({c.name}), 0)' for c in _KEPT_COLUMNS)} FROM folded"
)


def kept_counts(session: Session) -> dict[str, int] | None:
    """The trigger-kept library counts by column name, or None where no trigger keeps them.

    Folding runs in a transaction of its own; it is safe beside writers and other folds, as
    each deletes only the rows its snapshot sees and adds back their sum.
    """
    bind = session.get_bind()
    if bind.dialect.name not in KEPT_COUNTS_DIALECTS:
        return None
    row = session.execute(_kept_counts_statement()).one()
    if row[0] > FOLD_AT:
        with bind.engine.begin() as connection:
            connection.execute(_FOLD)
    return {column.name: int(value) for column, value in zip(_KEPT_COLUMNS, row[1:], strict=True)}


@cache
def _kept_counts_statement() -> Select:
    return select(func.count(), *(func.coalesce(func.sum(column), 0) for column in _KEPT_COLUMNS))


@cache
def _status_counts() -> Select:
    """The status counts, built once: building the statement cost as much as running it."""
    return _counts_statement(
        artists_unenriched=(Artist, unenriched_filter(Artist)),
        albums_unenriched=(Album, unenriched_filter(Album)),
        pending_candidates=(Candidate, Candidate.status == CandidateStatus.PENDING),
        artists_spotify=(Artist, Artist.spotify_uri.is_not(None)),
        artists_deezer=(Artist, Artist.deezer_id.is_not(None)),
        albums_spotify=(Album, Album.spotify_uri.is_not(None)),
        albums_deezer=(Album, Album.deezer_id.is_not(None)),
    )


def _pending_candidates(session: Session) -> int:
    return _count(session, Candidate, Candidate.status == CandidateStatus.PENDING)


def status_counts(session: Session) -> dict[str, int]:
    """Unenriched artists and albums, pending candidates and all links per provider."""
    kept = kept_counts(session)
    if kept is None:
        row = session.execute(_status_counts()).one()
        return {name: value or 0 for name, value in row._mapping.items()}
    return {
        "artists_unenriched": kept["artists_local"] - kept["artists_local_spotify"],
        "albums_unenriched": kept["albums_local"] - kept["albums_local_spotify"],
        "pending_candidates": _pending_candidates(session),
        **{
            name: kept[name]
            for name in ("artists_spotify", "artists_deezer", "albums_spotify", "albums_deezer")
        },
    }


def library_counts(session: Session) -> dict[str, int]:
    """Artists, albums and tracks with local files."""
    kept = kept_counts(session)
    if kept is not None:
        return {name: kept[f"{name}_local"] for name in ("artists", "albums", "tracks")}
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
    counts = status_counts(session)
    artists_unenriched = counts["artists_unenriched"]
    albums_unenriched = counts["albums_unenriched"]
    running = active_job(session, JobType.LIBRARY_SPOTIFY_ENRICHMENT)
    finished = last_finished_job(session, JobType.LIBRARY_SPOTIFY_ENRICHMENT)
    return {
        "artists_unenriched": artists_unenriched,
        "albums_unenriched": albums_unenriched,
        "pending_candidates": counts["pending_candidates"],
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
            name: counts[name]
            for name in ("artists_spotify", "artists_deezer", "albums_spotify", "albums_deezer")
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


# --- the dashboard ---------------------------------------------------------------------------

#: How enrichment outcomes add up to the dashboard's three live counts.
OUTCOME_GROUPS = {
    "linked": (EnrichmentOutcome.LINKED, EnrichmentOutcome.PARTIAL),
    "review": (EnrichmentOutcome.REVIEW,),
    "failed": (EnrichmentOutcome.FAILED,),
}
#: The last this many jobs are listed.
RECENT_JOBS = 10


@dataclass(frozen=True)
class Coverage:
    """Local artists and albums, how many are linked per provider, images cached and failed."""

    artists: int
    albums: int
    linked: dict[ProviderKind, tuple[int, int]]  # (artists, albums)
    images_cached: int
    images_failed: int
    to_review: int  # artists and albums with pending candidates


def coverage(session: Session) -> Coverage:
    """The kept counts (else one aggregate query per model over the rows with local files),
    and one query over the pending candidates."""
    totals = _kept_coverage(session) or _counted_coverage(session)
    artists, albums = totals[EntityKind.ARTIST], totals[EntityKind.ALBUM]
    pending = session.execute(
        select(
            func.count(distinct(Candidate.artist_id)), func.count(distinct(Candidate.album_id))
        ).where(Candidate.status == CandidateStatus.PENDING)
    ).one()
    last = len(ProviderKind) + 1
    return Coverage(
        artists=artists[0],
        albums=albums[0],
        linked={
            provider: (artists[index], albums[index])
            for index, provider in enumerate(ProviderKind, start=1)
        },
        images_cached=artists[last] + albums[last],
        images_failed=artists[last + 1] + albums[last + 1],
        to_review=pending[0] + pending[1],
    )


#: Per kind: local rows, linked local rows per provider (ProviderKind order), images cached,
#: images failed.
CoverageTotals = dict[EntityKind, tuple[int, ...]]


def _kept_coverage(session: Session) -> CoverageTotals | None:
    kept = kept_counts(session)
    if kept is None:
        return None
    totals: CoverageTotals = {}
    for kind in EntityKind:
        prefix = f"{kind.value}s"
        totals[kind] = (
            kept[f"{prefix}_local"],
            *(kept[f"{prefix}_local_{provider.value}"] for provider in ProviderKind),
            kept[f"{prefix}_images_cached"],
            kept[f"{prefix}_images_failed"],
        )
    return totals


def _counted_coverage(session: Session) -> CoverageTotals:
    totals: CoverageTotals = {}
    for kind in EntityKind:
        model, image = kind.model, kind.image_path_column
        failed = image.startswith(IMAGE_FAILED_PREFIX)
        totals[kind] = tuple(
            session.execute(
                select(
                    func.count(),
                    *(func.count(kind.link_column(provider)) for provider in ProviderKind),
                    func.count(case((and_(image.is_not(None), ~failed), 1))),
                    func.count(case((failed, 1))),
                ).where(model.has_local_files.is_(True))
            ).one()
        )
    return totals


def run_outcomes(session: Session, since: datetime) -> dict[str, int]:
    """What enrichment made of the artists it attempted since `since` (a running job's start)."""
    rows = session.execute(
        select(Artist.enrichment_outcome, func.count())
        .where(Artist.enrichment_attempted_at >= since)
        .group_by(Artist.enrichment_outcome)
    ).all()
    counts = {outcome: count for outcome, count in rows}
    return {
        name: sum(counts.get(outcome, 0) for outcome in outcomes)
        for name, outcomes in OUTCOME_GROUPS.items()
    }


def result_outcomes(result: Mapping[str, Any] | None) -> dict[str, int]:
    """The same three counts from a finished enrichment job's result (`outcome_<value>`)."""
    result = result or {}
    return {
        name: sum(int(result.get(f"outcome_{outcome.value}", 0)) for outcome in outcomes)
        for name, outcomes in OUTCOME_GROUPS.items()
    }


@dataclass(frozen=True)
class JobTiming:
    """How long a job ran (so far), its pace and, while it runs, the time it has left."""

    seconds: float | None
    per_minute: float | None
    seconds_left: float | None


def job_timing(job: Job, now: datetime) -> JobTiming:
    """Pace from `started_at` and `processed`; no estimate before the first item is done."""
    if job.started_at is None:
        return JobTiming(None, None, None)
    seconds = max(((job.finished_at or now) - job.started_at).total_seconds(), 0.0)
    if not job.processed or seconds <= 0:
        return JobTiming(seconds, None, None)
    per_minute = job.processed * 60 / seconds
    left = None
    if job.finished_at is None and job.total is not None:
        left = max(job.total - job.processed, 0) * 60 / per_minute
    return JobTiming(seconds, per_minute, left)


def recent_jobs(session: Session, limit: int = RECENT_JOBS) -> list[Job]:
    """The newest jobs of every type."""
    jobs, _ = list_jobs(session, job_type=None, status=None, limit=limit, offset=0)
    return jobs


def job_errors(job: Job) -> list[str]:
    """A job's failure reason and the per-item errors its result kept, as lines of text."""
    lines = [job.error] if job.error else []
    for item in (job.result or {}).get("errors") or []:
        if isinstance(item, Mapping):
            who = " / ".join(str(item[key]) for key in ("artist", "provider") if item.get(key))
            lines.append(f"{who}: {item.get('error', '')}" if who else str(item.get("error", "")))
        else:
            lines.append(str(item))
    return lines


def upcoming_runs(config: Mapping[str, Any], now: datetime) -> dict[str, datetime | None]:
    """When each schedule setting's cron expression fires next after `now` (None: off)."""
    upcoming: dict[str, datetime | None] = {}
    for key in SCHEDULE_KEYS.values():
        trigger = schedule_trigger(key, config.get(key))
        upcoming[key] = None if trigger is None else trigger.get_next_fire_time(None, now)
    return upcoming


def disambiguation_outcome(job: Job | None) -> tuple[str, Any] | None:
    """The finished disambiguation job as the MusicBrainz result fragment's outcome and its
    report (or error message), with the synchronous endpoint's rule; None before any run."""
    if job is None:
        return None
    result = job.result or {}
    if result.get("musicbrainz") == "disabled":
        return "disabled", None
    errors = result.get("errors") or []
    if job.status != JobStatus.COMPLETED or (errors and not result.get("artists_checked")):
        return "error", job.error or (errors[-1].get("error") if errors else job.status.value)
    if result.get("artists_resolved") or result.get("albums_resolved"):
        return "success", result
    return "nothing", result
