"""Queued background work: small follow-ups of a link, one row per (work, entity).

A row survives a restart; the unique key makes the queue single-flight per entity. Only the
process holding the scheduler lock works the queue off (see docs/architecture.md).
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from soulspot.extensions import db
from soulspot.models.base import UTCDateTime, new_id, string_enum, utcnow
from soulspot.models.kinds import EntityKind


class WorkKind(enum.StrEnum):
    ARTWORK_FETCH = "ARTWORK_FETCH"  # download the entity's newly linked image
    ALBUM_MATCH = "ALBUM_MATCH"  # match a newly linked artist's albums to its discography


class QueuedWork(db.Model):
    __tablename__ = "queued_work"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    work: Mapped[WorkKind] = mapped_column(string_enum(WorkKind))
    entity_type: Mapped[EntityKind] = mapped_column(string_enum(EntityKind))
    entity_id: Mapped[str] = mapped_column(String(36))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("work", "entity_type", "entity_id", name="uq_queued_work_entity"),
        Index("ix_queued_work_created", "created_at"),
    )
