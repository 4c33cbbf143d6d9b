"""Keep `has_local_files` exact for touched entities and delete what a scan left empty."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy import delete, exists, or_, select, update
from sqlalchemy.orm import Session

from soulspot.models import Album, Artist, Track

# Stay far below SQLite's bound-parameter limit in IN (...) lists.
CHUNK = 500


def chunks(ids: Iterable[str]) -> Iterator[list[str]]:
    batch: list[str] = []
    for item in ids:
        batch.append(item)
        if len(batch) == CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def delete_tracks(session: Session, track_ids: Iterable[str]) -> None:
    """Delete these tracks; one a fetched discography holds (a provider track id) only loses
    its file, and is known only from its provider again."""
    no_options = {"synchronize_session": False}
    from_provider = or_(Track.deezer_id.is_not(None), Track.spotify_uri.is_not(None))
    for batch in chunks(track_ids):
        session.execute(
            update(Track)
            .where(Track.id.in_(batch), from_provider)
            .values(file_path=None, file_size=None, file_mtime=None, release_year=None),
            execution_options=no_options,
        )
        session.execute(
            delete(Track).where(Track.id.in_(batch), Track.file_path.is_not(None)),
            execution_options=no_options,
        )


def refresh_entities(
    session: Session, *, album_ids: set[str], artist_ids: set[str]
) -> tuple[set[str], set[str]]:
    """Recompute the local-files flags of these entities; delete those left with nothing.

    An entity is deleted when it has no tracks (local or not), no albums (for an artist) and no
    provider link; a linked one is kept with has_local_files false. Returns the deleted
    (album ids, artist ids).
    """
    no_options = {"synchronize_session": False}
    album_local = exists().where(Track.album_id == Album.id, Track.file_path.is_not(None))
    deleted_albums: set[str] = set()
    for batch in chunks(album_ids):
        session.execute(
            update(Album)
            .where(Album.id.in_(batch), Album.has_local_files != album_local)
            .values(has_local_files=album_local),
            execution_options=no_options,
        )
        empty = select(Album.id, Album.artist_id).where(
            Album.id.in_(batch),
            Album.spotify_uri.is_(None),
            Album.deezer_id.is_(None),
            Album.musicbrainz_id.is_(None),
            ~exists().where(Track.album_id == Album.id),
        )
        for album_id, artist_id in session.execute(empty).all():
            deleted_albums.add(album_id)
            artist_ids = artist_ids | {artist_id}
    for batch in chunks(deleted_albums):
        session.execute(delete(Album).where(Album.id.in_(batch)), execution_options=no_options)

    artist_local = exists().where(Track.artist_id == Artist.id, Track.file_path.is_not(None))
    deleted_artists: set[str] = set()
    for batch in chunks(artist_ids):
        session.execute(
            update(Artist)
            .where(Artist.id.in_(batch), Artist.has_local_files != artist_local)
            .values(has_local_files=artist_local),
            execution_options=no_options,
        )
        empty = select(Artist.id).where(
            Artist.id.in_(batch),
            Artist.spotify_uri.is_(None),
            Artist.deezer_id.is_(None),
            Artist.musicbrainz_id.is_(None),
            ~exists().where(Album.artist_id == Artist.id),
            ~exists().where(Track.artist_id == Artist.id),
        )
        deleted_artists.update(session.scalars(empty).all())
    for batch in chunks(deleted_artists):
        session.execute(delete(Artist).where(Artist.id.in_(batch)), execution_options=no_options)
    return deleted_albums, deleted_artists
