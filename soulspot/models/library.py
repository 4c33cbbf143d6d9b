"""The local library: artists, albums and tracks, with their provider links."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ColumnElement,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    and_,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from soulspot.extensions import db
from soulspot.models.base import TimestampMixin, UTCDateTime, new_id, string_enum

SPOTIFY_ARTIST_PREFIX = "spotify:artist:"
SPOTIFY_ALBUM_PREFIX = "spotify:album:"
#: `image_path` starts with this instead of a path when the image could not be fetched:
#: `FAILED|<reason>|<time>` (services/artwork/records.py writes and clears it).
IMAGE_FAILED_PREFIX = "FAILED"


def _checked_uri(value: str | None, prefix: str) -> str | None:
    """spotify_uri holds only `spotify:<kind>:<id>` of its own kind, never a URL or another kind."""
    if value is not None and (not value.startswith(prefix) or len(value) <= len(prefix)):
        raise ValueError(f"spotify_uri must look like {prefix}<id>, got {value!r}")
    return value


def unenriched_filter(model: type[Artist] | type[Album]) -> ColumnElement[bool]:
    """NOTES 2: has local files and no spotify_uri (provider-only rows never count)."""
    return and_(model.has_local_files.is_(True), model.spotify_uri.is_(None))


class EnrichmentOutcome(enum.StrEnum):
    """What the last enrichment pass made of an artist (Artist.enrichment_outcome)."""

    LINKED = "linked"
    PARTIAL = "partial"  # linked, but albums the providers lack
    REVIEW = "review"  # candidates wait for the owner
    NO_MATCH = "no_match"
    FAILED = "failed"  # a provider failed: due on the next run, then backing off
    DEFERRED = "deferred"  # a provider asked us to wait: due on the next run


class Artist(TimestampMixin, db.Model):
    """An artist; `has_local_files` is kept by the scanner so "unenriched" stays cheap."""

    __tablename__ = "artists"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(512), index=True)
    sort_name: Mapped[str | None] = mapped_column(String(512))
    musicbrainz_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    spotify_uri: Mapped[str | None] = mapped_column(String(64), unique=True)
    deezer_id: Mapped[str | None] = mapped_column(String(32), unique=True)
    disambiguation: Mapped[str | None] = mapped_column(String(512))
    genres: Mapped[list[str]] = mapped_column(JSON, default=list)
    popularity: Mapped[int | None] = mapped_column(Integer)
    image_url: Mapped[str | None] = mapped_column(String(1024))
    image_path: Mapped[str | None] = mapped_column(String(1024))
    has_local_files: Mapped[bool] = mapped_column(Boolean, default=False)
    # Enrichment bookkeeping: when the job last looked at this artist and what came of it,
    # so hard cases are not re-searched on every run and never starve the rest.
    enrichment_attempted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    enrichment_outcome: Mapped[EnrichmentOutcome | None] = mapped_column(
        string_enum(EnrichmentOutcome)
    )
    # Consecutive failed look-ups: the retry back-off doubles with it, a success resets it.
    enrichment_failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: Why each provider link is there: {"spotify": {"source", "score", "linked_at"}, ...}.
    link_sources: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=dict)
    #: MusicBrainz aliases of the resolved artist (fetched once), used in name matching.
    aliases: Mapped[list[str] | None] = mapped_column(JSON)
    #: When MusicBrainz was last asked about this artist (found or not): re-asked after
    #: MUSICBRAINZ_RECHECK_DAYS.
    musicbrainz_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    albums: Mapped[list[Album]] = relationship(
        back_populates="artist", cascade="all, delete-orphan", passive_deletes=True
    )

    __table_args__ = (Index("ix_artists_unenriched", "has_local_files", "spotify_uri"),)

    @validates("spotify_uri")
    def _validate_spotify_uri(self, _key: str, value: str | None) -> str | None:
        return _checked_uri(value, SPOTIFY_ARTIST_PREFIX)


class Album(TimestampMixin, db.Model):
    """An album (local, or known only from a provider's discography)."""

    __tablename__ = "albums"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    artist_id: Mapped[str] = mapped_column(ForeignKey("artists.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(512))
    release_year: Mapped[int | None] = mapped_column(Integer)
    album_type: Mapped[str | None] = mapped_column(String(32))
    musicbrainz_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    spotify_uri: Mapped[str | None] = mapped_column(String(64), unique=True)
    deezer_id: Mapped[str | None] = mapped_column(String(32), unique=True)
    disambiguation: Mapped[str | None] = mapped_column(String(512))
    cover_url: Mapped[str | None] = mapped_column(String(1024))
    cover_path: Mapped[str | None] = mapped_column(String(1024))
    has_local_files: Mapped[bool] = mapped_column(Boolean, default=False)
    link_sources: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=dict)
    musicbrainz_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    artist: Mapped[Artist] = relationship(back_populates="albums")
    tracks: Mapped[list[Track]] = relationship(
        back_populates="album", cascade="all, delete-orphan", passive_deletes=True
    )

    __table_args__ = (
        Index("ix_albums_unenriched", "has_local_files", "spotify_uri"),
        Index("ix_albums_artist_title", "artist_id", "title"),
    )

    @validates("spotify_uri")
    def _validate_spotify_uri(self, _key: str, value: str | None) -> str | None:
        return _checked_uri(value, SPOTIFY_ALBUM_PREFIX)


class Track(TimestampMixin, db.Model):
    """A track; `file_path` is NULL for tracks known only from a provider.

    `artist_id` is the album's artist (the entity the file is filed under, as in Lidarr and
    beets' album artist); the track's own credit is kept as text in `artist_name`.
    """

    __tablename__ = "tracks"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    album_id: Mapped[str] = mapped_column(ForeignKey("albums.id", ondelete="CASCADE"), index=True)
    artist_id: Mapped[str] = mapped_column(ForeignKey("artists.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(512))
    artist_name: Mapped[str | None] = mapped_column(String(512))
    track_number: Mapped[int | None] = mapped_column(Integer)
    disc_number: Mapped[int | None] = mapped_column(Integer)
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    isrc: Mapped[str | None] = mapped_column(String(16))
    musicbrainz_recording_id: Mapped[str | None] = mapped_column(String(36))
    file_path: Mapped[str | None] = mapped_column(String(4096), unique=True)
    file_size: Mapped[int | None] = mapped_column(Integer)
    file_mtime: Mapped[float | None] = mapped_column(Float)
    #: The provider track of a provider-only track (a fetched discography), one per album.
    deezer_id: Mapped[str | None] = mapped_column(String(32))
    spotify_uri: Mapped[str | None] = mapped_column(String(64))
    # The file's own year tag: an album's year and the split of same-titled albums are
    # decided from the years of its tracks, without opening the files again.
    release_year: Mapped[int | None] = mapped_column(Integer)

    album: Mapped[Album] = relationship(back_populates="tracks")

    __table_args__ = (
        # A fetched discography never stores one provider track twice in an album, even
        # when two fetches of one artist run at once.
        UniqueConstraint("album_id", "deezer_id", name="uq_tracks_album_deezer"),
        UniqueConstraint("album_id", "spotify_uri", name="uq_tracks_album_spotify"),
    )


# The library lists' default orders (services/library.py), so a deep page walks an index.
# PostgreSQL reads an expression index alone (an index-only scan) only when it also holds the
# columns the expressions read: without INCLUDE a deep albums page took 585 ms, with it 41.
Index(
    "ix_artists_name_order",
    func.lower(func.coalesce(Artist.sort_name, Artist.name)),
    func.lower(Artist.name),
    Artist.id,
    postgresql_include=["sort_name", "name"],
)
Index(
    "ix_albums_title_order",
    func.lower(Album.title),
    Album.id,
    postgresql_include=["title"],
)


def _count_column() -> Mapped[int]:
    return mapped_column(BigInteger, default=0, server_default="0")


class LibraryCounts(db.Model):
    """Counts the database's triggers keep as artists, albums and tracks change (migration
    b8e2c4f61d37, SQLite and PostgreSQL only). PostgreSQL appends a row of deltas per
    statement, so each count is the sum of its column over the rows."""

    __tablename__ = "library_counts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    artists_local: Mapped[int] = _count_column()
    artists_local_spotify: Mapped[int] = _count_column()
    artists_local_deezer: Mapped[int] = _count_column()
    artists_local_musicbrainz: Mapped[int] = _count_column()
    artists_images_cached: Mapped[int] = _count_column()
    artists_images_failed: Mapped[int] = _count_column()
    artists_spotify: Mapped[int] = _count_column()
    artists_deezer: Mapped[int] = _count_column()
    albums_local: Mapped[int] = _count_column()
    albums_local_spotify: Mapped[int] = _count_column()
    albums_local_deezer: Mapped[int] = _count_column()
    albums_local_musicbrainz: Mapped[int] = _count_column()
    albums_images_cached: Mapped[int] = _count_column()
    albums_images_failed: Mapped[int] = _count_column()
    albums_spotify: Mapped[int] = _count_column()
    albums_deezer: Mapped[int] = _count_column()
    tracks_local: Mapped[int] = _count_column()
