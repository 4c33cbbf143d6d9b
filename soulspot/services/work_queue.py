"""Queued follow-up work: enqueue in the caller's transaction, work it off in the job process."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from soulspot.models import EntityKind, QueuedWork, WorkKind
from soulspot.models.base import new_id, utcnow

log = logging.getLogger(__name__)

#: A handler does one piece of work for one entity; an exception means "try again later".
Handler = Callable[[EntityKind, str], None]
MAX_ATTEMPTS = 3


def enqueue(session: Session, work: WorkKind, kind: EntityKind, entity_id: str) -> None:
    """Queue `work` for the entity unless it is queued already (no commit)."""
    values = {
        "id": new_id(),
        "work": work,
        "entity_type": kind,
        "entity_id": entity_id,
        "attempts": 0,
        "created_at": utcnow(),
    }
    dialect = session.get_bind().dialect.name
    if dialect in ("sqlite", "postgresql"):
        insert = (sqlite if dialect == "sqlite" else postgresql).insert(QueuedWork)
        # Single-flight per entity, even against another process queueing the same work.
        session.execute(insert.values(values).on_conflict_do_nothing())
        return
    exists = session.scalar(
        select(QueuedWork.id).where(
            QueuedWork.work == work,
            QueuedWork.entity_type == kind,
            QueuedWork.entity_id == entity_id,
        )
    )
    if exists is None:
        session.add(QueuedWork(**values))


def pending_counts(session: Session) -> dict[str, int]:
    """How many pieces of each kind of work wait."""
    rows = session.execute(select(QueuedWork.work, func.count()).group_by(QueuedWork.work))
    counts = {work.value: 0 for work in WorkKind}
    counts.update({work.value: count for work, count in rows})
    return counts


@dataclass
class DrainReport:
    done: int = 0
    failed: int = 0
    dropped: list[str] = field(default_factory=list)


def drain(
    session: Session, handlers: Mapping[WorkKind, Handler], *, limit: int = 50
) -> DrainReport:
    """Do up to `limit` queued pieces of work, oldest first; each commits on its own.

    Only the scheduler-lock holder calls this, one call at a time, so a row needs no claim.
    A failed piece is retried on a later call, and dropped after MAX_ATTEMPTS (logged).
    """
    report = DrainReport()
    rows = session.execute(
        select(QueuedWork.id, QueuedWork.work, QueuedWork.entity_type, QueuedWork.entity_id)
        .where(QueuedWork.work.in_(list(handlers)))
        .order_by(QueuedWork.created_at, QueuedWork.id)
        .limit(limit)
    ).all()
    session.commit()
    for row_id, work, kind, entity_id in rows:
        try:
            handlers[work](kind, entity_id)
        except Exception as error:  # a follow-up must never stop the queue
            session.rollback()
            _failed(session, row_id, f"{work.value} {kind.value} {entity_id}", error, report)
            continue
        session.execute(delete(QueuedWork).where(QueuedWork.id == row_id))
        session.commit()
        report.done += 1
    return report


def _failed(
    session: Session, row_id: str, what: str, error: Exception, report: DrainReport
) -> None:
    report.failed += 1
    attempts = session.scalar(select(QueuedWork.attempts).where(QueuedWork.id == row_id)) or 0
    if attempts + 1 >= MAX_ATTEMPTS:
        log.warning("dropping %s after %d attempts: %s", what, attempts + 1, error, exc_info=error)
        session.execute(delete(QueuedWork).where(QueuedWork.id == row_id))
        report.dropped.append(what)
    else:
        log.info("%s failed (attempt %d), retried later: %s", what, attempts + 1, error)
        session.execute(
            update(QueuedWork)
            .where(QueuedWork.id == row_id)
            .values(attempts=attempts + 1, last_error=str(error)[:1000])
        )
    session.commit()
