"""Enrichment candidates: provider matches waiting for (or decided by) the user."""

from __future__ import annotations

import enum
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from soulspot.extensions import db
from soulspot.models.base import TimestampMixin, new_id, string_enum


class CandidateStatus(enum.StrEnum):
    PENDING = "pending"
    APPLIED = "applied"
    REJECTED = "rejected"


class Candidate(TimestampMixin, db.Model):
    """One proposed link of a local artist or album to a provider entity.

    Exactly one of artist_id/album_id is set; both cascade, so a deleted entity takes its
    candidates with it. The two unique constraints make (entity, uri) unique: SQL treats NULLs
    as distinct, so each constraint only bites for its own entity type.
    """

    __tablename__ = "enrichment_candidates"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    artist_id: Mapped[str | None] = mapped_column(ForeignKey("artists.id", ondelete="CASCADE"))
    album_id: Mapped[str | None] = mapped_column(ForeignKey("albums.id", ondelete="CASCADE"))
    provider: Mapped[str] = mapped_column(String(16), default="spotify")
    spotify_uri: Mapped[str] = mapped_column(String(64))
    spotify_name: Mapped[str] = mapped_column(String(512))
    spotify_image_url: Mapped[str | None] = mapped_column(String(1024))
    confidence_score: Mapped[float] = mapped_column(Float)
    extra_info: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[CandidateStatus] = mapped_column(
        string_enum(CandidateStatus),
        default=CandidateStatus.PENDING,
    )

    __table_args__ = (
        CheckConstraint(
            "(artist_id IS NULL) <> (album_id IS NULL)", name="ck_candidate_one_entity"
        ),
        UniqueConstraint("artist_id", "spotify_uri", name="uq_candidate_artist_uri"),
        UniqueConstraint("album_id", "spotify_uri", name="uq_candidate_album_uri"),
        # "Do candidates of this artist (album) wait?" is asked per artist of every batch
        # enrichment selects: one seek each (migration c3f9a7e1d852).
        Index("ix_candidates_artist_status", "artist_id", "status"),
        Index("ix_candidates_album_status", "album_id", "status"),
    )

    @property
    def entity_type(self) -> str:
        return "artist" if self.artist_id else "album"

    @property
    def entity_id(self) -> str:
        return self.artist_id or self.album_id  # type: ignore[return-value]


# The review list's order (confidence descending, then age, then id), so a deep page walks the
# index instead of sorting (bench/scale.py).
Index(
    "ix_candidates_review_order",
    Candidate.status,
    Candidate.confidence_score.desc(),
    Candidate.created_at,
    Candidate.id,
)
