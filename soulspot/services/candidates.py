"""Reviewing matches: list, apply, reject and reopen candidates; link and unlink by hand.

Every link and unlink goes through the one linker (services/linking.py).
"""

from __future__ import annotations

import re
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import func, literal, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from soulspot.errors import (
    ConflictError,
    InvalidStateError,
    NotFoundError,
    ServiceUnavailableError,
    ValidationError,
)
from soulspot.models import Album, Artist, Candidate, CandidateStatus, EntityKind, ProviderKind
from soulspot.models.base import utcnow
from soulspot.providers.errors import NotConfigured, ProviderError, ProviderNotFound
from soulspot.providers.links import parse_link
from soulspot.providers.types import AlbumInfo, ArtistInfo
from soulspot.services import linking
from soulspot.services.linking import LinkSource, LinkTarget


class SpotifyLookup(Protocol):
    """What a hand link needs of the Spotify client: one lookup of the linked entity."""

    def get_artist(self, artist_id: str) -> ArtistInfo: ...

    def get_album(self, album_id: str) -> AlbumInfo: ...

    def without_retries(self) -> AbstractContextManager[None]: ...


_SPOTIFY_ID = re.compile(r"[0-9A-Za-z]{22}")


@dataclass(frozen=True)
class CandidateRow:
    candidate: Candidate
    entity_name: str


def parse_spotify_link(value: str, kind: EntityKind) -> str:
    """A `spotify:<type>:<id>` URI from a URI or an open.spotify.com URL of that type.

    Scheme, host and kind are case-insensitive (as URLs are); the id is not.
    """
    text = (value or "").strip()
    parsed = _spotify_kind_and_id(text)
    if parsed is None:
        raise ValidationError(
            f"not a Spotify {kind.value} URI or URL: {value!r} "
            f"(expected spotify:{kind.value}:<22-character id> or an open.spotify.com link)"
        )
    found, spotify_id = parsed
    if found != kind.value:
        raise ValidationError(f"that is a Spotify {found}, not an {kind.value}")
    return ProviderKind.SPOTIFY.link_value(kind, spotify_id)


def _spotify_kind_and_id(text: str) -> tuple[str, str] | None:
    """(kind, id) of a spotify:<kind>:<id> URI or an open.spotify.com page (providers/links)."""
    parts = text.split(":")
    if len(parts) == 3 and parts[0].lower() == "spotify":
        kind, spotify_id = parts[1].lower(), parts[2]
        if kind in ("artist", "album") and _SPOTIFY_ID.fullmatch(spotify_id):
            return kind, spotify_id
        return None
    page = parse_link(text)
    if page is None or page.provider != ProviderKind.SPOTIFY.value:
        return None
    return page.kind, page.id


def get_entity(session: Session, kind: EntityKind, entity_id: str) -> Artist | Album:
    entity = session.get(kind.model, entity_id)
    if entity is None:
        raise NotFoundError(f"no {kind.value} with id {entity_id!r}")
    return entity


def list_candidates(
    session: Session,
    *,
    kind: EntityKind | None,
    status: CandidateStatus = CandidateStatus.PENDING,
    limit: int,
    offset: int,
) -> tuple[list[CandidateRow], int]:
    """Candidates of one status, confidence descending, each with its entity's name (one query)."""
    where = [Candidate.status == status]
    if kind is not None:
        where.append(kind.candidate_key.is_not(None))
    total = session.scalar(select(func.count()).select_from(Candidate).where(*where)) or 0
    order = (Candidate.confidence_score.desc(), Candidate.created_at, Candidate.id)
    # The offset is skipped on ids alone, which ix_candidates_review_order holds in this
    # order, so a deep page reads no row it does not return; only the page's rows are joined.
    page = (
        select(Candidate.id).where(*where).order_by(*order).limit(limit).offset(offset).subquery()
    )
    # Two primary-key joins fetch every entity name in the same query (no N+1).
    rows = session.execute(
        select(Candidate, func.coalesce(Artist.name, Album.title, literal("")))
        .join(page, page.c.id == Candidate.id)
        .outerjoin(Artist, Artist.id == Candidate.artist_id)
        .outerjoin(Album, Album.id == Candidate.album_id)
        .order_by(*order)
    )
    return [CandidateRow(candidate, name) for candidate, name in rows], total


def _candidate(session: Session, candidate_id: str) -> Candidate:
    candidate = session.get(Candidate, candidate_id)
    if candidate is None:
        raise NotFoundError(f"no candidate with id {candidate_id!r}")
    return candidate


def apply_candidate(session: Session, candidate_id: str) -> Candidate:
    """Link the candidate's entity; 404 unknown, 400 not pending, 409 uri taken elsewhere."""
    candidate = _candidate(session, candidate_id)
    if candidate.status != CandidateStatus.PENDING:
        raise InvalidStateError(f"candidate is already {candidate.status.value}")
    kind = EntityKind.parse(candidate.entity_type)
    entity = get_entity(session, kind, candidate.entity_id)
    # The conditional update is the lock: of two concurrent applies only one sees a pending row.
    claimed = session.execute(
        update(Candidate)
        .where(Candidate.id == candidate_id, Candidate.status == CandidateStatus.PENDING)
        .values(status=CandidateStatus.APPLIED, updated_at=utcnow())
    ).rowcount
    if not claimed:
        session.rollback()
        raise InvalidStateError("candidate was applied or rejected meanwhile")
    try:
        linking.link(
            session,
            kind,
            entity,
            LinkTarget.from_candidate(candidate),
            source=LinkSource.CANDIDATE,
            score=candidate.confidence_score,
            keep_candidate=candidate.id,
        )
    except ConflictError:
        session.rollback()
        raise
    _commit_link(session, kind, candidate.spotify_uri)
    session.refresh(candidate)
    return candidate


def _commit_link(session: Session, kind: EntityKind, value: str) -> None:
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise ConflictError(f"{value} is already linked to another {kind.value}") from None


def reject_candidate(session: Session, candidate_id: str) -> Candidate:
    """Reject a pending candidate; any other status is a 400 (unlink undoes an applied one)."""
    candidate = _candidate(session, candidate_id)
    if candidate.status == CandidateStatus.APPLIED:
        raise InvalidStateError("candidate is applied; use /api/enrichment/unlink to undo the link")
    rejected = session.execute(
        update(Candidate)
        .where(Candidate.id == candidate_id, Candidate.status == CandidateStatus.PENDING)
        .values(status=CandidateStatus.REJECTED, updated_at=utcnow())
    ).rowcount
    session.commit()
    if not rejected:
        raise InvalidStateError("candidate is already rejected")
    session.refresh(candidate)
    return candidate


def reopen_candidate(session: Session, candidate_id: str) -> Candidate:
    """A rejected candidate becomes pending again (a mistaken reject undone); else a 400."""
    candidate = _candidate(session, candidate_id)
    reopened = session.execute(
        update(Candidate)
        .where(Candidate.id == candidate_id, Candidate.status == CandidateStatus.REJECTED)
        .values(status=CandidateStatus.PENDING, updated_at=utcnow())
    ).rowcount
    session.commit()
    session.refresh(candidate)
    if not reopened:
        raise InvalidStateError(
            f"only a rejected candidate can be reopened, this one is {candidate.status.value}"
        )
    return candidate


def link_entity(
    session: Session,
    kind: EntityKind,
    entity_id: str,
    link: str,
    *,
    spotify: SpotifyLookup | None,
) -> Artist | Album:
    """Link by hand to a Spotify URI or open.spotify.com URL; closes pending candidates.

    The Spotify entity is looked up first (one request), so a mistyped or deleted id is
    refused instead of stored, and the link gets its image and genres at once. `spotify`
    None means Spotify is disabled in the settings: nothing is linked.
    """
    if spotify is None:
        raise ServiceUnavailableError("Spotify is disabled in the settings, so nothing is linked")
    uri = parse_spotify_link(link, kind)
    entity = get_entity(session, kind, entity_id)
    holder = session.scalar(
        select(kind.model.id).where(kind.model.spotify_uri == uri, kind.model.id != entity_id)
    )
    if holder is not None:  # checked before the lookup, which a conflict would waste
        raise linking.LinkConflict(kind, uri, holder)
    found = _look_up_spotify(spotify, kind, uri)
    known = session.scalar(
        select(Candidate).where(kind.candidate_key == entity_id, Candidate.spotify_uri == uri)
    )
    if known is not None:
        known.status = CandidateStatus.APPLIED
    linking.link(
        session,
        kind,
        entity,
        LinkTarget.from_info(ProviderKind.SPOTIFY, kind, found),
        source=LinkSource.MANUAL,
        keep_candidate=known.id if known else "",
    )
    _commit_link(session, kind, uri)
    return entity


def _look_up_spotify(spotify: SpotifyLookup, kind: EntityKind, uri: str) -> ArtistInfo | AlbumInfo:
    spotify_id = uri.rsplit(":", 1)[1]
    lookup = spotify.get_artist if kind is EntityKind.ARTIST else spotify.get_album
    try:
        with spotify.without_retries():  # a request must not wait out a Retry-After
            return lookup(spotify_id)
    except ProviderNotFound:
        raise ValidationError(
            f"Spotify has no {kind.value} {uri}", code="not_on_provider"
        ) from None
    except NotConfigured:
        raise ServiceUnavailableError(
            "Spotify is not configured (SOULSPOT_SPOTIFY_CLIENT_ID and _SECRET), so the link "
            "cannot be checked"
        ) from None
    except ProviderError as error:
        raise ServiceUnavailableError(f"Spotify could not check the link: {error}") from None


def unlink_entity(
    session: Session, kind: EntityKind, entity_id: str, provider: ProviderKind
) -> str:
    """Remove the link; the undone value becomes a rejected candidate, never re-applied."""
    entity = get_entity(session, kind, entity_id)
    value = linking.unlink(session, kind, entity, provider)
    session.commit()
    return value
