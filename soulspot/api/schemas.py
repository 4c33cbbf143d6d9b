"""Explicit JSON serialisers for the library models; every field present, null where unknown."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from soulspot.jobs.queue import SubmitResult
from soulspot.models import Album, Artist, Track


def iso(value: datetime | None) -> str | None:
    """ISO-8601 in UTC (naive values are taken to be UTC already)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()


def page_json(
    key: str, items: list[dict[str, Any]], *, total: int, limit: int, offset: int
) -> dict[str, Any]:
    """A list answer: the items under `key` plus the paging metadata."""
    return {key: items, "total": total, "limit": limit, "offset": offset}


def artist_json(artist: Artist) -> dict[str, Any]:
    return {
        "id": artist.id,
        "name": artist.name,
        "sort_name": artist.sort_name,
        "musicbrainz_id": artist.musicbrainz_id,
        "spotify_uri": artist.spotify_uri,
        "deezer_id": artist.deezer_id,
        "disambiguation": artist.disambiguation,
        "genres": list(artist.genres or []),
        "popularity": artist.popularity,
        "image_url": artist.image_url,
        "image_path": artist.image_path,
        "has_local_files": artist.has_local_files,
        "enrichment_attempted_at": iso(artist.enrichment_attempted_at),
        "enrichment_outcome": artist.enrichment_outcome,
        "link_sources": artist.link_sources or {},
        "created_at": iso(artist.created_at),
        "updated_at": iso(artist.updated_at),
    }


def album_json(album: Album) -> dict[str, Any]:
    """An album with its artist's name (load Album.artist eagerly when listing)."""
    return {
        "id": album.id,
        "artist_id": album.artist_id,
        "artist_name": album.artist.name,
        "title": album.title,
        "release_year": album.release_year,
        "album_type": album.album_type,
        "musicbrainz_id": album.musicbrainz_id,
        "spotify_uri": album.spotify_uri,
        "deezer_id": album.deezer_id,
        "disambiguation": album.disambiguation,
        "cover_url": album.cover_url,
        "cover_path": album.cover_path,
        "has_local_files": album.has_local_files,
        "link_sources": album.link_sources or {},
        "created_at": iso(album.created_at),
        "updated_at": iso(album.updated_at),
    }


def track_json(track: Track) -> dict[str, Any]:
    mtime = track.file_mtime
    return {
        "id": track.id,
        "album_id": track.album_id,
        "artist_id": track.artist_id,
        "title": track.title,
        "artist_name": track.artist_name,
        "track_number": track.track_number,
        "disc_number": track.disc_number,
        "duration_ms": track.duration_ms,
        "isrc": track.isrc,
        "musicbrainz_recording_id": track.musicbrainz_recording_id,
        "file_path": track.file_path,
        "file_size": track.file_size,
        "file_mtime": iso(datetime.fromtimestamp(mtime, UTC)) if mtime is not None else None,
        "created_at": iso(track.created_at),
        "updated_at": iso(track.updated_at),
    }


def queued_json(result: SubmitResult, *, queued: str, running: str) -> dict[str, Any]:
    """The answer of an endpoint that queues a job: its id, a message, and whether it is new."""
    message = queued if result.created else running
    return {"job_id": result.job_id, "message": message, "created": result.created}
