"""Sync the database with the audio files under a library root: incremental, batched, idempotent."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from soulspot.errors import ValidationError
from soulspot.models import Track
from soulspot.models.base import new_id
from soulspot.services.scanning import housekeeping
from soulspot.services.scanning.files import AudioFile, list_audio_files
from soulspot.services.scanning.index import LibraryIndex
from soulspot.services.scanning.tags import TagReadError, TrackTags, read_tags

log = logging.getLogger(__name__)

BATCH_SIZE = 200
UNKNOWN_ARTIST = "Unknown Artist"
UNKNOWN_ALBUM = "Unknown Album"
VARIOUS_ARTISTS = "Various Artists"
VARIOUS_ARTISTS_MBID = "89ad4ac3-39f7-470e-963a-56509c546377"
_VARIOUS_NAMES = {"various artists", "various"}

#: progress(done, total): called after each file.
ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class ScanError:
    path: str
    reason: str


@dataclass(slots=True)
class ScanSummary:
    """What a scan saw and changed; `errors` names every file or folder it could not read."""

    root: str
    files_seen: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    artists_added: int = 0
    albums_added: int = 0
    artists_removed: int = 0
    albums_removed: int = 0
    errors: list[ScanError] = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["failed"] = len(self.errors)
        return data


class _Known(NamedTuple):
    id: str
    size: int | None
    mtime: float | None
    album_id: str
    artist_id: str


def resolve_root(root: str | os.PathLike[str]) -> Path:
    """The absolute library root; a missing path or a file is a ValidationError."""
    path = Path(root)
    try:
        exists, is_dir = path.exists(), path.is_dir()
    except (OSError, ValueError) as exc:  # e.g. a NUL byte or a name too long for the OS
        raise ValidationError(f"library path is not usable: {exc}", code="invalid_path") from exc
    if not exists:
        raise ValidationError(f"library path does not exist: {path}", code="invalid_path")
    if not is_dir:
        raise ValidationError(f"library path is not a directory: {path}", code="invalid_path")
    return path.resolve()


def scan_library(
    session: Session,
    root: str | os.PathLike[str],
    *,
    progress: ProgressCallback | None = None,
    batch_size: int = BATCH_SIZE,
) -> ScanSummary:
    """Add, update and remove tracks so the database matches the audio files under `root`.

    Unchanged files (same size and mtime) are skipped without reading them. Work is committed
    every `batch_size` changed files. Tracks under folders that could not be read are kept.
    """
    started = time.monotonic()
    root_path = resolve_root(root)
    summary = ScanSummary(root=str(root_path))
    listing = list_audio_files(root_path)
    files = listing.files
    summary.files_seen = len(files) + len(listing.unreadable_files)
    for path, reason in listing.unreadable_folders + listing.unreadable_files:
        summary.errors.append(ScanError(path, reason))
    known = _known_tracks(session, root_path)
    sync = _Sync(session, summary, batch_size)
    try:
        for done, file in enumerate(files, 1):
            sync.visit(file, known.pop(file.path, None))
            if progress is not None:
                progress(done, len(files))
        sync.remove(entry for path, entry in known.items() if not listing.protects(path))
        sync.commit()
    except BaseException:
        session.rollback()
        raise
    summary.seconds = round(time.monotonic() - started, 3)
    log.info(
        "scanned %s: %d files, %d added, %d updated, %d unchanged, %d removed, %d errors",
        summary.root,
        summary.files_seen,
        summary.added,
        summary.updated,
        summary.unchanged,
        summary.removed,
        len(summary.errors),
    )
    return summary


def _known_tracks(session: Session, root: Path) -> dict[str, _Known]:
    """Every track filed under root, by path, in one query."""
    prefix = str(root) if str(root).endswith(os.sep) else str(root) + os.sep
    rows = session.execute(
        select(
            Track.file_path,
            Track.id,
            Track.file_size,
            Track.file_mtime,
            Track.album_id,
            Track.artist_id,
        ).where(func.substr(Track.file_path, 1, len(prefix)) == prefix)
    )
    return {path: _Known(*rest) for path, *rest in rows}


class _Sync:
    """Applies one scan's changes, committing every `batch_size` written files."""

    def __init__(self, session: Session, summary: ScanSummary, batch_size: int) -> None:
        self._session = session
        self._summary = summary
        self._batch_size = max(1, batch_size)
        self._index: LibraryIndex | None = None
        self._pending = 0
        self._albums: set[str] = set()
        self._artists: set[str] = set()

    @property
    def index(self) -> LibraryIndex:
        # Loaded on the first changed file, so an unchanged rescan never reads the catalogue.
        if self._index is None:
            self._index = LibraryIndex(self._session)
        return self._index

    def visit(self, file: AudioFile, known: _Known | None) -> None:
        summary = self._summary
        if known is not None and known.size == file.size and known.mtime == file.mtime:
            summary.unchanged += 1
            return
        try:
            tags = read_tags(file.path)
        except TagReadError as exc:
            log.warning("cannot read %s: %s", file.path, exc.reason)
            summary.errors.append(ScanError(file.path, exc.reason))
            return
        artist_id, album_id = self._place(tags)
        values = _track_values(tags, file, album_id=album_id, artist_id=artist_id)
        if known is None:
            self._session.add(Track(id=new_id(), **values))
            summary.added += 1
        else:
            track = self._session.get_one(Track, known.id)
            for name, value in values.items():
                setattr(track, name, value)
            self._albums.add(known.album_id)
            self._artists.add(known.artist_id)
            summary.updated += 1
        self._albums.add(album_id)
        self._artists.add(artist_id)
        self._pending += 1
        if self._pending >= self._batch_size:
            self.commit()

    def remove(self, gone: Iterable[_Known]) -> None:
        entries = list(gone)
        housekeeping.delete_tracks(self._session, (entry.id for entry in entries))
        for entry in entries:
            self._albums.add(entry.album_id)
            self._artists.add(entry.artist_id)
        self._summary.removed += len(entries)

    def commit(self) -> None:
        """Fix the touched entities' flags, drop the emptied ones, and commit the batch."""
        summary = self._summary
        if self._albums or self._artists:
            self._session.flush()
            albums, artists = housekeeping.refresh_entities(
                self._session, album_ids=self._albums, artist_ids=self._artists
            )
            summary.albums_removed += len(albums)
            summary.artists_removed += len(artists)
            if self._index is not None and (albums or artists):
                self._index.forget(album_ids=albums, artist_ids=artists)
        self._session.commit()
        if self._index is not None:
            summary.artists_added = self._index.artists_added
            summary.albums_added = self._index.albums_added
        self._pending = 0
        self._albums = set()
        self._artists = set()

    def _place(self, tags: TrackTags) -> tuple[str, str]:
        """The (artist id, album id) the file is filed under, created when new."""
        compilation = (
            tags.compilation
            or (tags.album_artist or "").casefold() in _VARIOUS_NAMES
            or tags.album_artist_mbid == VARIOUS_ARTISTS_MBID
        )
        if compilation:
            name, sort_name = VARIOUS_ARTISTS, None
            is_va_id = tags.album_artist_mbid == VARIOUS_ARTISTS_MBID
            mbid = VARIOUS_ARTISTS_MBID if is_va_id else None
        elif tags.album_artist:
            name, sort_name = tags.album_artist, tags.album_artist_sort
            same_as_artist = (tags.artist or "").casefold() == name.casefold()
            mbid = tags.album_artist_mbid or (tags.artist_mbid if same_as_artist else None)
        else:
            name, sort_name = tags.artist or UNKNOWN_ARTIST, tags.artist_sort
            mbid = tags.artist_mbid if tags.artist else None
        artist_id = self.index.artist(name, mbid=mbid, sort_name=sort_name)
        album_id = self.index.album(
            artist_id,
            tags.album or UNKNOWN_ALBUM,
            mbid=tags.release_group_mbid,
            year=tags.year,
            album_type="compilation" if compilation else None,
        )
        return artist_id, album_id


def _track_values(tags: TrackTags, file: AudioFile, *, album_id: str, artist_id: str) -> dict:
    return {
        "album_id": album_id,
        "artist_id": artist_id,
        "title": tags.title or Path(file.path).stem,
        "artist_name": tags.artist or tags.album_artist or UNKNOWN_ARTIST,
        "track_number": tags.track_number,
        "disc_number": tags.disc_number,
        "duration_ms": tags.duration_ms,
        "isrc": tags.isrc,
        "musicbrainz_recording_id": tags.recording_mbid,
        "file_path": file.path,
        "file_size": file.size,
        "file_mtime": file.mtime,
    }
