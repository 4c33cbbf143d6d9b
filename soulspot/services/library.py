"""Read queries behind the library API and pages: paged, filtered artists and albums."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, exists, func, or_, select
from sqlalchemy.orm import Session, joinedload

from soulspot.errors import NotFoundError
from soulspot.models import Album, Artist, Candidate, CandidateStatus, Track
from soulspot.models.library import IMAGE_FAILED_PREFIX, unenriched_filter

T = TypeVar("T")


class ArtistFilter(enum.StrEnum):
    """The artist list's filters; linked means a Spotify or a Deezer link."""

    UNLINKED = "unlinked"
    LINKED = "linked"
    REVIEW = "review"  # pending candidates wait for the owner
    FAILED_IMAGE = "failed_image"  # the image download failed (a FAILED marker)


class ArtistSort(enum.StrEnum):
    NAME = "name"
    ENRICHED = "enriched"  # most recently looked at by enrichment first, never last


@dataclass(frozen=True, slots=True)
class ArtistRow:
    """An artist of a list page with what its row shows beside the columns."""

    artist: Artist
    albums: int
    pending: bool


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


def _page(
    session: Session,
    model: type[T],
    where: list[ColumnElement[bool]],
    order: Sequence[ColumnElement[Any]],
    *,
    limit: int,
    offset: int,
    options: Sequence[Any] = (),
) -> Page[T]:
    """One page in `order`. The offset is skipped on ids alone (each list's default order has
    an index), and only the page's rows are loaded and joined, so a deep page costs about
    what the first does."""
    total = session.scalar(select(func.count()).select_from(model).where(*where)) or 0
    page = select(model.id).where(*where).order_by(*order).limit(limit).offset(offset).subquery()
    query = select(model).join(page, page.c.id == model.id).options(*options).order_by(*order)
    return Page(list(session.scalars(query)), total, limit, offset)


def list_artists(
    session: Session,
    *,
    limit: int,
    offset: int,
    q: str | None = None,
    unenriched: bool = False,
    filter: ArtistFilter | None = None,
    sort: ArtistSort = ArtistSort.NAME,
) -> Page[Artist]:
    """Artists by sort name (or `sort`); `q` matches a name substring, `unenriched` keeps
    local, unlinked ones, `filter` one of ArtistFilter."""
    where: list[ColumnElement[bool]] = []
    if q:
        where.append(Artist.name.icontains(q, autoescape=True))
    if unenriched:
        where.append(unenriched_filter(Artist))
    if filter is not None:
        where.append(_artist_filter(filter))
    by_name = (
        func.lower(func.coalesce(Artist.sort_name, Artist.name)),
        func.lower(Artist.name),
        Artist.id,
    )
    order: list[ColumnElement[Any]] = []
    if sort is ArtistSort.ENRICHED:
        order += [Artist.enrichment_attempted_at.is_(None), Artist.enrichment_attempted_at.desc()]
    return _page(session, Artist, where, [*order, *by_name], limit=limit, offset=offset)


def _artist_filter(chosen: ArtistFilter) -> ColumnElement[bool]:
    linked = or_(Artist.spotify_uri.is_not(None), Artist.deezer_id.is_not(None))
    if chosen is ArtistFilter.UNLINKED:
        return ~linked
    if chosen is ArtistFilter.LINKED:
        return linked
    if chosen is ArtistFilter.REVIEW:
        # IN, not a correlated EXISTS: SQLite would scan the pending candidates per artist.
        return Artist.id.in_(
            select(Candidate.artist_id).where(Candidate.status == CandidateStatus.PENDING)
        )
    return Artist.image_path.startswith(IMAGE_FAILED_PREFIX)


def artist_rows(session: Session, artists: Sequence[Artist]) -> list[ArtistRow]:
    """The artists with their album counts and whether candidates wait (two queries)."""
    ids = [artist.id for artist in artists]
    albums = dict(
        session.execute(
            select(Album.artist_id, func.count())
            .where(Album.artist_id.in_(ids))
            .group_by(Album.artist_id)
        ).all()
    )
    pending = set(
        session.scalars(
            select(Candidate.artist_id)
            .where(Candidate.artist_id.in_(ids), Candidate.status == CandidateStatus.PENDING)
            .distinct()
        )
    )
    return [ArtistRow(artist, albums.get(artist.id, 0), artist.id in pending) for artist in artists]


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


def has_pending_candidates(session: Session, artist_id: str) -> bool:
    return bool(
        session.scalar(
            select(
                exists().where(
                    Candidate.artist_id == artist_id, Candidate.status == CandidateStatus.PENDING
                )
            )
        )
    )


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
    order: list[ColumnElement[Any]] = []
    if artist_id is not None:
        get_artist(session, artist_id)
        where.append(Album.artist_id == artist_id)
        order += [Album.release_year.is_(None), Album.release_year]
    if q:
        where.append(Album.title.icontains(q, autoescape=True))
    if unenriched:
        where.append(unenriched_filter(Album))
    if has_local_files is not None:
        where.append(Album.has_local_files.is_(has_local_files))
    order += [func.lower(Album.title), Album.id]
    return _page(
        session,
        Album,
        where,
        order,
        limit=limit,
        offset=offset,
        options=[joinedload(Album.artist)],
    )


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
