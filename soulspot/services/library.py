"""Read queries behind the library API: paged, filtered artists and albums and their children."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session, joinedload

from soulspot.errors import NotFoundError
from soulspot.models import Album, Artist, Track
from soulspot.models.library import unenriched_filter

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


def _page(
    session: Session,
    model: type[T],
    query: Select,
    where: list[ColumnElement[bool]],
    *,
    limit: int,
    offset: int,
) -> Page[T]:
    total = session.scalar(select(func.count()).select_from(model).where(*where)) or 0
    items = list(session.scalars(query.where(*where).limit(limit).offset(offset)))
    return Page(items, total, limit, offset)


def list_artists(
    session: Session,
    *,
    limit: int,
    offset: int,
    q: str | None = None,
    unenriched: bool = False,
) -> Page[Artist]:
    """Artists by sort name; `q` matches a name substring, `unenriched` keeps local, unlinked."""
    where: list[ColumnElement[bool]] = []
    if q:
        where.append(Artist.name.icontains(q, autoescape=True))
    if unenriched:
        where.append(unenriched_filter(Artist))
    query = select(Artist).order_by(
        func.lower(func.coalesce(Artist.sort_name, Artist.name)), func.lower(Artist.name), Artist.id
    )
    return _page(session, Artist, query, where, limit=limit, offset=offset)


def get_artist(session: Session, artist_id: str) -> Artist:
    artist = session.get(Artist, artist_id)
    if artist is None:
        raise NotFoundError(f"artist {artist_id!r} not found")
    return artist


def artist_albums(session: Session, artist: Artist) -> list[Album]:
    """The artist's albums, oldest first (unknown years last), then by title."""
    query = (
        select(Album)
        .where(Album.artist_id == artist.id)
        .order_by(
            Album.release_year.is_(None), Album.release_year, func.lower(Album.title), Album.id
        )
    )
    return list(session.scalars(query))


def list_albums(
    session: Session,
    *,
    limit: int,
    offset: int,
    artist_id: str | None = None,
    q: str | None = None,
    unenriched: bool = False,
    has_local_files: bool | None = None,
) -> Page[Album]:
    """Albums by title (by year within one artist); an unknown artist_id is a NotFoundError.

    `has_local_files` false keeps the albums known only from a provider (a fetched
    discography), true the local ones; None both.
    """
    where: list[ColumnElement[bool]] = []
    query = select(Album).options(joinedload(Album.artist))
    if artist_id is not None:
        get_artist(session, artist_id)
        where.append(Album.artist_id == artist_id)
        query = query.order_by(Album.release_year.is_(None), Album.release_year)
    if q:
        where.append(Album.title.icontains(q, autoescape=True))
    if unenriched:
        where.append(unenriched_filter(Album))
    if has_local_files is not None:
        where.append(Album.has_local_files.is_(has_local_files))
    query = query.order_by(func.lower(Album.title), Album.id)
    return _page(session, Album, query, where, limit=limit, offset=offset)


def get_album(session: Session, album_id: str) -> Album:
    album = session.get(Album, album_id, options=[joinedload(Album.artist)])
    if album is None:
        raise NotFoundError(f"album {album_id!r} not found")
    return album


def album_tracks(session: Session, album: Album) -> list[Track]:
    """The album's tracks in disc and track order (unnumbered last), then by title."""
    query = (
        select(Track)
        .where(Track.album_id == album.id)
        .order_by(
            func.coalesce(Track.disc_number, 1),
            Track.track_number.is_(None),
            Track.track_number,
            func.lower(Track.title),
            Track.id,
        )
    )
    return list(session.scalars(query))
