"""The review page's reads: pending candidates grouped per entity, a page of entities at a time.

Every query is bounded by the page: the entities of one page are chosen first (distinct
entity keys with pending candidates), then only their candidates, albums and track counts
are read, so neither a big library nor a long queue is ever loaded whole.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from soulspot.models import (
    Album,
    Artist,
    Candidate,
    CandidateStatus,
    EntityKind,
    ProviderKind,
    QueuedWork,
    Track,
    WorkKind,
)
from soulspot.providers.links import SPOTIFY_WEB_HOST
from soulspot.services.artwork.download import ArtworkContext
from soulspot.services.artwork.fetch import looks_like_image
from soulspot.services.artwork.safety import ArtworkError
from soulspot.services.candidates import apply_candidate, get_entity
from soulspot.services.linking import close_pending_candidates

#: Local albums listed per artist card; the card says how many more there are.
ALBUMS_SHOWN = 12
#: A candidate image fetched for the page must not hold the request long.
IMAGE_SECONDS = 5.0
IMAGE_TYPES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG": "image/png", b"RIFF": "image/webp"}


@dataclass(frozen=True)
class LocalAlbum:
    title: str
    year: int | None


@dataclass
class ReviewCard:
    """One entity under review: its local side and its candidates (pending first, best first)."""

    kind: EntityKind
    entity_id: str
    name: str
    track_count: int = 0
    artist_name: str | None = None  # an album's artist
    year: int | None = None  # an album's year
    albums: list[LocalAlbum] = field(default_factory=list)  # an artist's local albums
    album_count: int = 0
    candidates: list[Candidate] = field(default_factory=list)


@dataclass(frozen=True)
class ReviewPage:
    cards: list[ReviewCard]
    total: int  # entities with pending candidates (under the filter)
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass(frozen=True)
class AlbumLinks:
    """How far an applied artist's albums got: linked of local, and whether matching waits."""

    linked: int
    local: int
    matching: bool


def review_page(
    session: Session, *, kind: EntityKind | None, page: int, per_page: int
) -> ReviewPage:
    """The entities of `page` (best pending confidence first) with all their pending candidates.

    A page holds whole entities, never part of one's candidates.
    """
    pending = Candidate.status == CandidateStatus.PENDING
    keys = select(Candidate.artist_id, Candidate.album_id).where(pending)
    if kind is not None:
        keys = keys.where(kind.candidate_key.is_not(None))
    keys = keys.group_by(Candidate.artist_id, Candidate.album_id)
    total = session.scalar(select(func.count()).select_from(keys.subquery())) or 0
    chosen = session.execute(
        keys.order_by(
            func.max(Candidate.confidence_score).desc(), Candidate.artist_id, Candidate.album_id
        )
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    order = [
        (EntityKind.ARTIST, artist_id) if artist_id else (EntityKind.ALBUM, album_id)
        for artist_id, album_id in chosen
    ]
    cards = _cards(session, order)
    for candidate in session.scalars(
        select(Candidate)
        .where(pending, _belongs_to(order))
        .order_by(Candidate.confidence_score.desc(), Candidate.created_at, Candidate.id)
    ):
        card = cards.get((EntityKind.parse(candidate.entity_type), candidate.entity_id))
        if card is not None:
            card.candidates.append(candidate)
    return ReviewPage([cards[key] for key in order if key in cards], total, page, per_page)


@dataclass(frozen=True)
class Applied:
    """An applied candidate, its entity's card, and how many other candidates it closed."""

    candidate: Candidate
    card: ReviewCard
    closed: int
    albums: AlbumLinks | None  # an artist's albums


def apply(session: Session, candidate_id: str) -> Applied:
    """Apply the candidate (candidates.apply_candidate, which closes the entity's others)."""
    keys = session.execute(
        select(Candidate.artist_id, Candidate.album_id).where(Candidate.id == candidate_id)
    ).first()
    others = 0
    if keys is not None:
        key = Candidate.artist_id if keys.artist_id else Candidate.album_id
        others = (
            session.scalar(
                select(func.count()).where(
                    key == (keys.artist_id or keys.album_id),
                    Candidate.status == CandidateStatus.PENDING,
                    Candidate.id != candidate_id,
                )
            )
            or 0
        )
    candidate = apply_candidate(session, candidate_id)
    kind = EntityKind.parse(candidate.entity_type)
    albums = album_links(session, candidate.entity_id) if kind is EntityKind.ARTIST else None
    return Applied(candidate, review_card(session, kind, candidate.entity_id), others, albums)


def review_card(session: Session, kind: EntityKind, entity_id: str) -> ReviewCard:
    """One entity's card with its pending candidates (after a decision on one of them)."""
    get_entity(session, kind, entity_id)  # 404 for an unknown entity
    card = _cards(session, [(kind, entity_id)])[(kind, entity_id)]
    card.candidates = list(
        session.scalars(
            select(Candidate)
            .where(kind.candidate_key == entity_id, Candidate.status == CandidateStatus.PENDING)
            .order_by(Candidate.confidence_score.desc(), Candidate.created_at, Candidate.id)
        )
    )
    return card


def reject_all(session: Session, kind: EntityKind, entity_id: str) -> None:
    """ "None of these": every pending candidate of the entity is rejected."""
    get_entity(session, kind, entity_id)
    close_pending_candidates(session, kind, entity_id)
    session.commit()


def album_links(session: Session, artist_id: str) -> AlbumLinks:
    """An artist's local albums linked to Spotify, and whether their matching is still queued."""
    linked, local = session.execute(
        select(
            func.count(Album.spotify_uri),
            func.count(),
        ).where(Album.artist_id == artist_id, Album.has_local_files.is_(True))
    ).one()
    matching = session.scalar(
        select(QueuedWork.id).where(
            QueuedWork.work == WorkKind.ALBUM_MATCH,
            QueuedWork.entity_type == EntityKind.ARTIST,
            QueuedWork.entity_id == artist_id,
        )
    )
    return AlbumLinks(linked=linked, local=local, matching=matching is not None)


def candidate_image(
    session: Session, artwork: ArtworkContext, candidate_id: str
) -> tuple[bytes, str] | None:
    """A candidate's provider image through our fetcher (its URL policy and size cap).

    The page's CSP allows images of this origin only, so the browser never contacts the
    provider's CDN itself. None when the candidate has no image or it cannot be fetched now.
    """
    url = session.scalar(select(Candidate.spotify_image_url).where(Candidate.id == candidate_id))
    if not url:
        return None
    sink = io.BytesIO()
    try:
        artwork.fetcher.download(url, sink, deadline=artwork.clock() + IMAGE_SECONDS)
    except ArtworkError:
        return None
    body = sink.getvalue()
    if not looks_like_image(body[:12]):
        return None
    mimetype = next(kind for magic, kind in IMAGE_TYPES.items() if body.startswith(magic))
    return body, mimetype


def provider_url(candidate: Candidate) -> str | None:
    """The provider's web page of a candidate (open.spotify.com), None for another provider."""
    parts = candidate.spotify_uri.split(":")
    if candidate.provider != ProviderKind.SPOTIFY or len(parts) != 3:
        return None
    return f"https://{SPOTIFY_WEB_HOST}/{parts[1]}/{parts[2]}"


def _belongs_to(keys: list[tuple[EntityKind, str]]) -> Any:
    artists = [entity_id for kind, entity_id in keys if kind is EntityKind.ARTIST]
    albums = [entity_id for kind, entity_id in keys if kind is EntityKind.ALBUM]
    return or_(Candidate.artist_id.in_(artists), Candidate.album_id.in_(albums))


def _cards(
    session: Session, keys: list[tuple[EntityKind, str]]
) -> dict[tuple[EntityKind, str], ReviewCard]:
    """The local side of each entity: a fixed number of queries, whatever the page holds."""
    artist_ids = [entity_id for kind, entity_id in keys if kind is EntityKind.ARTIST]
    album_ids = [entity_id for kind, entity_id in keys if kind is EntityKind.ALBUM]
    cards: dict[tuple[EntityKind, str], ReviewCard] = {}
    if artist_ids:
        for artist_id, name in session.execute(
            select(Artist.id, Artist.name).where(Artist.id.in_(artist_ids))
        ):
            cards[(EntityKind.ARTIST, artist_id)] = ReviewCard(EntityKind.ARTIST, artist_id, name)
        _add_artist_albums(session, cards, artist_ids)
        for artist_id, tracks in session.execute(
            select(Track.artist_id, func.count())
            .where(Track.artist_id.in_(artist_ids), Track.file_path.is_not(None))
            .group_by(Track.artist_id)
        ):
            cards[(EntityKind.ARTIST, artist_id)].track_count = tracks
    if album_ids:
        tracks_of = (
            select(func.count())
            .where(Track.album_id == Album.id, Track.file_path.is_not(None))
            .scalar_subquery()
        )
        for album_id, title, year, artist_name, tracks in session.execute(
            select(Album.id, Album.title, Album.release_year, Artist.name, tracks_of)
            .join(Artist, Artist.id == Album.artist_id)
            .where(Album.id.in_(album_ids))
        ):
            cards[(EntityKind.ALBUM, album_id)] = ReviewCard(
                EntityKind.ALBUM,
                album_id,
                title,
                track_count=tracks,
                artist_name=artist_name,
                year=year,
            )
    return cards


def _add_artist_albums(
    session: Session, cards: dict[tuple[EntityKind, str], ReviewCard], artist_ids: list[str]
) -> None:
    """Up to ALBUMS_SHOWN local albums per artist (by year), and how many it has in all."""
    ranked = (
        select(
            Album.artist_id,
            Album.title,
            Album.release_year,
            func.row_number()
            .over(
                partition_by=Album.artist_id,
                order_by=(Album.release_year.is_(None), Album.release_year, Album.title),
            )
            .label("rank"),
            func.count().over(partition_by=Album.artist_id).label("total"),
        )
        .where(Album.artist_id.in_(artist_ids), Album.has_local_files.is_(True))
        .subquery()
    )
    rows = session.execute(
        select(ranked.c.artist_id, ranked.c.title, ranked.c.release_year, ranked.c.total)
        .where(ranked.c.rank <= ALBUMS_SHOWN)
        .order_by(ranked.c.artist_id, ranked.c.rank)
    )
    for artist_id, title, year, total in rows:
        card = cards.get((EntityKind.ARTIST, artist_id))
        if card is not None:
            card.albums.append(LocalAlbum(title, year))
            card.album_count = total
