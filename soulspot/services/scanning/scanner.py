"""Sync the database with the audio files under a library root: incremental, batched, idempotent."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from soulspot.errors import ValidationError
from soulspot.matching.normalize import is_various_artists
from soulspot.matching.vocabulary import UNKNOWN_ARTIST, VARIOUS_ARTISTS
from soulspot.models import Track
from soulspot.models.base import new_id
from soulspot.services.scanning import housekeeping
from soulspot.services.scanning.files import AudioFile, display_path, list_audio_files
from soulspot.services.scanning.grouping import album_folder, folder_of, regroup
from soulspot.services.scanning.index import LibraryIndex
from soulspot.services.scanning.roots import resolve_root
from soulspot.services.scanning.tags import TagReadError, TrackTags, read_tags

log = logging.getLogger(__name__)

BATCH_SIZE = 200
UNKNOWN_ALBUM = "Unknown Album"
VARIOUS_ARTISTS_MBID = "89ad4ac3-39f7-470e-963a-56509c546377"

#: progress(done, total): called after each batch, with nothing left uncommitted, so the
#: callback may use (and commit) the scan's session.
ProgressCallback = Callable[[int, int], None]
#: should_stop(): asked after each batch; True ends the scan there, its summary `cancelled`.
StopCallback = Callable[[], bool]


@dataclass(frozen=True, slots=True)
class ScanError:
    path: str
    reason: str


@dataclass(slots=True)
class ScanSummary:
    """What a scan saw and changed; `errors` names every file or folder it could not read
    or store. A `cancelled` scan stopped between two batches and removed nothing."""

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
    cancelled: bool = False

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


class _Write(NamedTuple):
    file: AudioFile
    known: _Known | None
    tags: TrackTags


def scan_library(
    session: Session,
    root: str | os.PathLike[str],
    *,
    progress: ProgressCallback | None = None,
    should_stop: StopCallback | None = None,
    batch_size: int = BATCH_SIZE,
) -> ScanSummary:
    """Add, update and remove tracks so the database matches the audio files under `root`.

    Unchanged files (same size and mtime) are skipped without reading them. Work is committed
    every `batch_size` files; a file the database refuses is listed in `errors` and the rest of
    its batch is kept. Tracks under folders that could not be read are kept. A root holding no
    audio file at all is a ValidationError `empty_root`, and nothing is removed.
    """
    started = time.monotonic()
    root_path = resolve_root(root)
    batch_size = max(1, batch_size)
    summary = ScanSummary(root=str(root_path))
    listing = list_audio_files(root_path)
    files = listing.files
    summary.files_seen = len(files) + len(listing.unreadable_files) + len(listing.skipped_files)
    for path, reason in (
        listing.unreadable_folders
        + listing.skipped_folders
        + listing.unreadable_files
        + listing.skipped_files
    ):
        summary.errors.append(ScanError(path, reason))
    if not summary.files_seen and not summary.errors:
        _refuse_empty(session, root_path)
    known = _known_tracks(session, root_path)
    sync = _Sync(session, summary, root_path)
    try:
        for done, file in enumerate(files, 1):
            sync.visit(file, known.pop(file.path, None))
            if done % batch_size and done < len(files):
                continue
            sync.commit()
            if progress is not None:
                progress(done, len(files))
            if done < len(files) and should_stop is not None and should_stop():
                summary.cancelled = True
                break
        if not summary.cancelled:
            sync.remove(entry for path, entry in known.items() if not listing.protects(path))
    except BaseException:
        session.rollback()
        raise
    summary.seconds = round(time.monotonic() - started, 3)
    log.info(
        "scanned %s: %d files, %d added, %d updated, %d unchanged, %d removed, %d errors%s",
        summary.root,
        summary.files_seen,
        summary.added,
        summary.updated,
        summary.unchanged,
        summary.removed,
        len(summary.errors),
        " (cancelled)" if summary.cancelled else "",
    )
    return summary


def _refuse_empty(session: Session, root: Path) -> None:
    # An unmounted share or a detached disk reads as an empty folder: scanning it would
    # delete every track below it, so an empty root is never synced.
    stored = session.scalar(select(func.count()).select_from(Track).where(_under(root))) or 0
    kept = f"; its {stored} stored track(s) are kept (is the disk or share mounted?)"
    raise ValidationError(
        f"{display_path(str(root))} holds no audio files{kept if stored else ''}",
        code="empty_root",
    )


def _under(root: Path) -> ColumnElement[bool]:
    prefix = str(root) if str(root).endswith(os.sep) else str(root) + os.sep
    return func.substr(Track.file_path, 1, len(prefix)) == prefix


def _known_tracks(session: Session, root: Path) -> dict[str, _Known]:
    """Every track filed under root, by path, in one query."""
    rows = session.execute(
        select(
            Track.file_path,
            Track.id,
            Track.file_size,
            Track.file_mtime,
            Track.album_id,
            Track.artist_id,
        ).where(_under(root))
    )
    return {path: _Known(*rest) for path, *rest in rows}


# A file whose values the database refuses (a unique clash, a value too long, text it cannot
# encode) fails alone; a database that is down or locked fails the scan.
_PER_FILE_ERRORS = (SQLAlchemyError, ValueError)
_FATAL_ERRORS = (OperationalError, InterfaceError)


class _Sync:
    """Applies one scan's changes a batch at a time: each batch commits whole or not at all."""

    def __init__(self, session: Session, summary: ScanSummary, root: Path) -> None:
        self._session = session
        self._summary = summary
        self._root = root
        self._index: LibraryIndex | None = None
        self._batch: list[_Write] = []
        self._albums: set[str] = set()
        self._artists: set[str] = set()
        self._arrived: set[str] = set()  # tracks new to their album in this batch
        self._updates: list[dict[str, Any]] = []  # the new values of known tracks

    @property
    def index(self) -> LibraryIndex:
        # Loaded on the first changed file, so an unchanged rescan never reads the catalogue.
        if self._index is None:
            placed = self._session.execute(
                select(Track.file_path, Track.artist_id, Track.album_id).where(_under(self._root))
            )
            self._index = LibraryIndex(
                self._session,
                ((folder_of(path), artist, album) for path, artist, album in placed),
            )
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
        write = _Write(file, known, tags)
        self._batch.append(write)
        try:
            self._write(write)
        except _FATAL_ERRORS:
            raise
        except _PER_FILE_ERRORS as error:  # an autoflush met an earlier file of the batch
            self._retry_one_by_one(error)

    def remove(self, gone: Iterable[_Known]) -> None:
        """Delete the tracks of vanished files and commit."""
        entries = list(gone)
        housekeeping.delete_tracks(self._session, (entry.id for entry in entries))
        for entry in entries:
            self._albums.add(entry.album_id)
            self._artists.add(entry.artist_id)
        self._commit_batch()
        self._summary.removed += len(entries)

    def commit(self) -> None:
        """Commit the batch; if the database refuses it, commit its files one by one, so
        only the file(s) at fault are lost."""
        try:
            self._commit_batch(self._batch)
        except _FATAL_ERRORS:
            raise
        except _PER_FILE_ERRORS as error:
            self._retry_one_by_one(error)
        self._batch = []

    def _retry_one_by_one(self, error: Exception) -> None:
        batch, self._batch = self._batch, []
        self._discard()
        if len(batch) == 1:
            self._failed(batch[0], error)
            return
        log.warning("the database refused a batch (%s); retrying it file by file", error)
        for write in batch:
            try:
                self._write(write)
                self._commit_batch([write])
            except _FATAL_ERRORS:
                raise
            except _PER_FILE_ERRORS as failure:
                self._discard()
                self._failed(write, failure)

    def _commit_batch(self, batch: Sequence[_Write] = ()) -> None:
        """Split what the batch mixed up, fix the touched entities' flags, drop the emptied
        ones, and commit."""
        summary = self._summary
        if self._albums or self._artists:
            self._session.flush()
            if self._updates:  # by primary key, in one executemany
                self._session.execute(update(Track), self._updates)
            if self._albums:
                self._albums |= regroup(self._session, self.index, self._albums, self._arrived)
            albums, artists = housekeeping.refresh_entities(
                self._session, album_ids=self._albums, artist_ids=self._artists
            )
            self._session.commit()
            summary.albums_removed += len(albums)
            summary.artists_removed += len(artists)
            if self._index is not None and (albums or artists):
                self._index.forget(album_ids=albums, artist_ids=artists)
        else:
            self._session.commit()
        if self._index is not None:
            artists_added, albums_added = self._index.take_added()
            summary.artists_added += artists_added
            summary.albums_added += albums_added
        added = sum(write.known is None for write in batch)
        summary.added += added
        summary.updated += len(batch) - added
        self._albums = set()
        self._artists = set()
        self._arrived = set()
        self._updates = []

    def _write(self, write: _Write) -> None:
        file, known, tags = write
        folder = album_folder(file.folder)
        artist_id, album_id = self._place(tags, folder)
        values = _track_values(tags, file, album_id=album_id, artist_id=artist_id)
        if known is None:
            title, disc, number = values["title"], tags.disc_number, tags.track_number
            # A new file of a track known only from a provider takes that track over.
            track_id = self.index.provider_track(album_id, title, disc=disc, number=number)
            if track_id is None:
                track_id = new_id()
                self._session.add(Track(id=track_id, **values))
            else:
                self._updates.append({"id": track_id, **values})
            self._arrived.add(track_id)
            self.index.track_placed(folder, artist_id, album_id, None)
        else:
            self._updates.append({"id": known.id, **values})
            self._albums.add(known.album_id)
            self._artists.add(known.artist_id)
            if album_id != known.album_id:
                self._arrived.add(known.id)
            self.index.track_placed(folder, artist_id, album_id, (known.artist_id, known.album_id))
        self._albums.add(album_id)
        self._artists.add(artist_id)

    def _discard(self) -> None:
        """Roll the batch back; the in-memory index may hold what was rolled back."""
        self._session.rollback()
        self._index = None
        self._albums = set()
        self._artists = set()
        self._arrived = set()
        self._updates = []

    def _failed(self, write: _Write, error: Exception) -> None:
        cause = error.orig if isinstance(error, DBAPIError) and error.orig else error
        reason = f"not stored: {type(cause).__name__}: {str(cause).strip()}"[:300]
        path = display_path(write.file.path)
        log.warning("cannot store %s: %s", path, reason)
        self._summary.errors.append(ScanError(path, reason))

    def _place(self, tags: TrackTags, folder: str) -> tuple[str, str]:
        """The (artist id, album id) the file is filed under, created when new."""
        compilation = (
            tags.compilation
            or is_various_artists(tags.album_artist or "")
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
            folder=folder,
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
        "release_year": tags.year,
    }
