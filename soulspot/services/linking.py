"""The one linker: link a local artist or album to a provider entity, or undo that link.

Every writer of provider links goes through here (enrichment, apply, hand link and unlink,
artwork's API mode): the conflict check, the image URL and genres, closing the entity's
pending candidates, why the link is there (`link_sources`), and the follow-up work a link
queues (its artwork, and for an owner's artist link the matching of its albums).
Nothing here commits: the caller's transaction holds the link and its follow-ups together.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from soulspot.errors import ConflictError, InvalidStateError
from soulspot.models import (
    Album,
    Artist,
    Candidate,
    CandidateStatus,
    EntityKind,
    ProviderKind,
    WorkKind,
)
from soulspot.models.base import utcnow
from soulspot.providers.types import AlbumInfo, ArtistInfo
from soulspot.services import work_queue


class LinkSource(enum.StrEnum):
    """Who decided a link; an owner's decision replaces what an automatic one only fills."""

    AUTOMATIC = "automatic"  # enrichment's auto-apply
    CANDIDATE = "candidate"  # the owner applied a candidate
    MANUAL = "manual"  # the owner linked by hand
    ARTWORK = "artwork"  # a confident Deezer match found while repairing artwork
    MUSICBRAINZ = "musicbrainz"  # MusicBrainz's own link (a URL relationship), verified
    DISCOGRAPHY = "discography"  # a discography fetch: the artist's match, its albums' entries

    @property
    def by_owner(self) -> bool:
        return self in (LinkSource.CANDIDATE, LinkSource.MANUAL)


class LinkConflict(ConflictError):
    """The provider entity is already linked to another local entity."""

    def __init__(self, kind: EntityKind, value: str, holder: str) -> None:
        super().__init__(f"{value} is already linked to {kind.value} {holder}")
        self.holder = holder


@dataclass(frozen=True)
class LinkTarget:
    """The provider entity a local one is linked to, with what the link brings along."""

    provider: ProviderKind
    value: str  # what the link column stores: spotify:artist:<id>, or a Deezer id
    image_url: str | None = None
    genres: tuple[str, ...] = ()
    popularity: int | None = None
    year: int | None = None
    album_type: str | None = None
    disambiguation: str | None = None
    aliases: tuple[str, ...] = ()

    @classmethod
    def from_info(
        cls, provider: ProviderKind, kind: EntityKind, info: ArtistInfo | AlbumInfo
    ) -> LinkTarget:
        image = info.image
        album = info if isinstance(info, AlbumInfo) else None
        return cls(
            provider=provider,
            value=provider.link_value(kind, info.id),
            image_url=image.url if image else None,
            genres=tuple(info.genres),
            popularity=info.popularity,
            year=album.year if album else None,
            album_type=album.album_type if album else None,
            disambiguation=info.disambiguation,
            aliases=() if album else (info.name, *info.aliases),
        )

    @classmethod
    def from_candidate(cls, candidate: Candidate) -> LinkTarget:
        info = candidate.extra_info or {}
        return cls(
            provider=ProviderKind.parse(candidate.provider),
            value=candidate.spotify_uri,
            image_url=candidate.spotify_image_url,
            genres=tuple(info.get("genres") or ()),
            popularity=info.get("popularity"),
            year=info.get("year"),
        )


@dataclass(frozen=True)
class Linked:
    """What a link did: whether it set an image URL (its artwork is then queued)."""

    image_changed: bool


def link(
    session: Session,
    kind: EntityKind,
    entity: Artist | Album,
    target: LinkTarget,
    *,
    source: LinkSource,
    score: float | None = None,
    keep_candidate: str = "",
) -> Linked:
    """Link `entity` to `target`; LinkConflict when another entity holds that link (no commit).

    An automatic link fills only what is empty (genres, popularity, image, album year and
    type); an owner's link replaces the image and genres, makes the artist due again and
    queues the matching of its albums against the new artist's discography.
    """
    column = kind.link_column(target.provider)
    holder = session.scalar(
        select(kind.model.id).where(column == target.value, kind.model.id != entity.id)
    )
    if holder is not None:
        raise LinkConflict(kind, target.value, holder)
    setattr(entity, target.provider.link_attribute, target.value)
    replace = source.by_owner
    image_changed = _take_image(kind, entity, target.image_url, replace=replace)
    if isinstance(entity, Artist):
        if target.genres and (replace or not entity.genres):
            entity.genres = list(target.genres)
        if target.popularity is not None and entity.popularity is None:
            entity.popularity = target.popularity
        if replace:
            entity.enrichment_attempted_at = None  # due again: its albums get matched
    else:
        entity.release_year = entity.release_year or target.year
        entity.album_type = entity.album_type or target.album_type
    if target.provider is ProviderKind.MUSICBRAINZ:  # the source of identity text
        entity.disambiguation = target.disambiguation or entity.disambiguation
        if isinstance(entity, Artist):  # every other name it goes by, its canonical one too
            names = dict.fromkeys(n for n in target.aliases if n != entity.name)
            entity.aliases = list(names) or entity.aliases
    entity.link_sources = {
        **(entity.link_sources or {}),
        target.provider.value: link_record(source, score),
    }
    if target.provider.queues_candidates:
        close_pending_candidates(session, kind, entity.id, keep=keep_candidate)
    if image_changed and source is not LinkSource.ARTWORK:  # artwork downloads it right away
        work_queue.enqueue(session, WorkKind.ARTWORK_FETCH, kind, entity.id)
    if replace and kind is EntityKind.ARTIST:
        work_queue.enqueue(session, WorkKind.ALBUM_MATCH, kind, entity.id)
    return Linked(image_changed)


def link_record(source: LinkSource, score: float | None = None) -> dict[str, Any]:
    """Why a link is there, as `link_sources` keeps it under the provider's name."""
    return {
        "source": source.value,
        "score": None if score is None else round(score, 4),
        "linked_at": utcnow().isoformat(),
    }


def unlink(
    session: Session, kind: EntityKind, entity: Artist | Album, provider: ProviderKind
) -> str:
    """Remove the link; the undone value becomes a rejected candidate, never proposed again."""
    value = getattr(entity, provider.link_attribute)
    if value is None:
        raise InvalidStateError(f"{kind.value} {entity.id} is not linked to {provider.value}")
    known = session.scalar(
        select(Candidate).where(kind.candidate_key == entity.id, Candidate.spotify_uri == value)
    )
    if known is None:
        known = Candidate(
            provider=provider.value,
            spotify_uri=value,
            spotify_name=kind.display_name(entity),
            confidence_score=0.0,
            extra_info={},
        )
        setattr(known, kind.candidate_key_name, entity.id)
        session.add(known)
    known.status = CandidateStatus.REJECTED
    known.extra_info = {**(known.extra_info or {}), "unlinked_at": utcnow().isoformat()}
    setattr(entity, provider.link_attribute, None)
    sources = dict(entity.link_sources or {})
    sources.pop(provider.value, None)
    entity.link_sources = sources
    return value


def close_pending_candidates(
    session: Session, kind: EntityKind, entity_id: str, keep: str = ""
) -> None:
    """An entity got linked: its other pending candidates are rejected (no commit)."""
    session.execute(
        update(Candidate)
        .where(
            kind.candidate_key == entity_id,
            Candidate.status == CandidateStatus.PENDING,
            Candidate.id != keep,
        )
        .values(status=CandidateStatus.REJECTED, updated_at=utcnow())
    )


def _take_image(kind: EntityKind, entity: Any, url: str | None, *, replace: bool) -> bool:
    """Store the link's image URL when there is none yet (or the owner relinked)."""
    attribute = kind.image_url_column.key
    if not url or getattr(entity, attribute) == url:
        return False
    if getattr(entity, attribute) and not replace:
        return False
    setattr(entity, attribute, url)
    return True
