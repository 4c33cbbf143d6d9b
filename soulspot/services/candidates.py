"""Reviewing matches: list, apply and reject candidates; link and unlink by hand."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

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
from soulspot.models import Album, Artist, Candidate, CandidateStatus
from soulspot.models.base import utcnow
from soulspot.providers.errors import NotConfigured, NotFound, ProviderError
from soulspot.providers.types import AlbumInfo, ArtistInfo

#: Called after an entity got linked, e.g. to fetch its artwork: (entity_type, entity_id).
LinkHook = Callable[[str, str], None]


class SpotifyLookup(Protocol):
    """What a hand link needs of the Spotify client: one lookup of the linked entity."""

    def get_artist(self, artist_id: str) -> ArtistInfo: ...

    def get_album(self, album_id: str) -> AlbumInfo: ...

    def without_retries(self) -> AbstractContextManager[None]: ...


_SPOTIFY_ID = re.compile(r"[0-9A-Za-z]{22}")
_KINDS = ("artist", "album")
SPOTIFY_WEB_HOST = "open.spotify.com"


@dataclass(frozen=True)
class CandidateRow:
    candidate: Candidate
    entity_name: str


def parse_spotify_link(value: str, entity_type: str) -> str:
    """A `spotify:<type>:<id>` URI from a URI or an open.spotify.com URL of that type.

    Scheme, host and kind are case-insensitive (as URLs are); the id is not.
    """
    text = (value or "").strip()
    parsed = _spotify_kind_and_id(text)
    if parsed is None:
        raise ValidationError(
            f"not a Spotify {entity_type} URI or URL: {value!r} "
            f"(expected spotify:{entity_type}:<22-character id> or an open.spotify.com link)"
        )
    kind, spotify_id = parsed
    if kind != entity_type:
        raise ValidationError(f"that is a Spotify {kind}, not an {entity_type}")
    return f"spotify:{kind}:{spotify_id}"


def _spotify_kind_and_id(text: str) -> tuple[str, str] | None:
    parts = text.split(":")
    if len(parts) == 3 and parts[0].lower() == "spotify":
        kind, spotify_id = parts[1].lower(), parts[2]
    else:
        try:
            url = urlsplit(text)
        except ValueError:
            return None
        if url.scheme.lower() not in ("http", "https") or url.hostname != SPOTIFY_WEB_HOST:
            return None  # urlsplit lower-cases hostname; a port or user part is refused too
        if url.port is not None or url.username is not None:
            return None
        segments = [segment for segment in url.path.split("/") if segment]
        if segments and segments[0].lower().startswith("intl-"):
            segments = segments[1:]
        if len(segments) != 2:
            return None
        kind, spotify_id = segments[0].lower(), segments[1]
    if kind not in _KINDS or not _SPOTIFY_ID.fullmatch(spotify_id):
        return None
    return kind, spotify_id


def _model(entity_type: str) -> type[Artist] | type[Album]:
    if entity_type == "artist":
        return Artist
    if entity_type == "album":
        return Album
    raise ValidationError(f"entity_type must be 'artist' or 'album', got {entity_type!r}")


def _get_entity(session: Session, entity_type: str, entity_id: str) -> Artist | Album:
    entity = session.get(_model(entity_type), entity_id)
    if entity is None:
        raise NotFoundError(f"no {entity_type} with id {entity_id!r}")
    return entity


def list_candidates(
    session: Session, *, entity_type: str | None, limit: int, offset: int
) -> tuple[list[CandidateRow], int]:
    """Pending candidates, confidence descending, each with its entity's name (one query)."""
    query = select(Candidate).where(Candidate.status == CandidateStatus.PENDING)
    if entity_type == "artist":
        query = query.where(Candidate.artist_id.is_not(None))
    elif entity_type == "album":
        query = query.where(Candidate.album_id.is_not(None))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    # Two primary-key joins fetch every entity name in the same query (no N+1).
    rows = session.execute(
        query.add_columns(func.coalesce(Artist.name, Album.title, literal("")))
        .outerjoin(Artist, Artist.id == Candidate.artist_id)
        .outerjoin(Album, Album.id == Candidate.album_id)
        .order_by(Candidate.confidence_score.desc(), Candidate.created_at, Candidate.id)
        .limit(limit)
        .offset(offset)
    )
    return [CandidateRow(candidate, name) for candidate, name in rows], total


def close_pending_candidates(
    session: Session, entity_type: str, entity_id: str, keep: str = ""
) -> None:
    """An entity got linked: its other pending candidates are rejected (no commit)."""
    column = Candidate.artist_id if entity_type == "artist" else Candidate.album_id
    session.execute(
        update(Candidate)
        .where(
            column == entity_id, Candidate.status == CandidateStatus.PENDING, Candidate.id != keep
        )
        .values(status=CandidateStatus.REJECTED, updated_at=utcnow())
    )


def _assert_uri_free(session: Session, entity_type: str, entity_id: str, uri: str) -> None:
    model = _model(entity_type)
    owner = session.scalar(select(model.id).where(model.spotify_uri == uri, model.id != entity_id))
    if owner is not None:
        raise ConflictError(f"{uri} is already linked to {entity_type} {owner}")


def _set_link(entity: Artist | Album, uri: str, image_url: str | None, genres: Any) -> None:
    entity.spotify_uri = uri
    # Due again on the next run, so a newly linked artist's albums get matched.
    entity.enrichment_attempted_at = None
    if isinstance(entity, Artist):
        if image_url:
            entity.image_url = image_url
        if genres:
            entity.genres = list(genres)
    elif image_url:
        entity.cover_url = image_url


def apply_candidate(
    session: Session, candidate_id: str, *, after_link: LinkHook | None = None
) -> Candidate:
    """Link the candidate's entity; 404 unknown, 400 not pending, 409 uri taken elsewhere."""
    candidate = session.get(Candidate, candidate_id)
    if candidate is None:
        raise NotFoundError(f"no candidate with id {candidate_id!r}")
    if candidate.status != CandidateStatus.PENDING:
        raise InvalidStateError(f"candidate is already {candidate.status.value}")
    entity = _get_entity(session, candidate.entity_type, candidate.entity_id)
    _assert_uri_free(session, candidate.entity_type, entity.id, candidate.spotify_uri)
    # The conditional update is the lock: of two concurrent applies only one sees a pending row.
    claimed = session.execute(
        update(Candidate)
        .where(Candidate.id == candidate_id, Candidate.status == CandidateStatus.PENDING)
        .values(status=CandidateStatus.APPLIED, updated_at=utcnow())
    ).rowcount
    if not claimed:
        session.rollback()
        raise InvalidStateError("candidate was applied or rejected meanwhile")
    info = candidate.extra_info or {}
    _set_link(entity, candidate.spotify_uri, candidate.spotify_image_url, info.get("genres"))
    close_pending_candidates(session, candidate.entity_type, entity.id, keep=candidate.id)
    _commit_link(session, candidate.entity_type, candidate.spotify_uri)
    session.refresh(candidate)
    if after_link:
        after_link(candidate.entity_type, entity.id)
    return candidate


def _commit_link(session: Session, entity_type: str, uri: str) -> None:
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise ConflictError(f"{uri} is already linked to another {entity_type}") from None


def reject_candidate(session: Session, candidate_id: str) -> Candidate:
    """Reject a pending candidate; rejecting an applied one is a 400 (unlink undoes links)."""
    candidate = session.get(Candidate, candidate_id)
    if candidate is None:
        raise NotFoundError(f"no candidate with id {candidate_id!r}")
    if candidate.status == CandidateStatus.APPLIED:
        raise InvalidStateError("candidate is applied; use /api/enrichment/unlink to undo the link")
    if candidate.status == CandidateStatus.PENDING:
        candidate.status = CandidateStatus.REJECTED
        session.commit()
    return candidate


def link_entity(
    session: Session,
    entity_type: str,
    entity_id: str,
    link: str,
    *,
    spotify: SpotifyLookup,
    after_link: LinkHook | None = None,
) -> Artist | Album:
    """Link by hand to a Spotify URI or open.spotify.com URL; closes pending candidates.

    The Spotify entity is looked up first (one request), so a mistyped or deleted id is
    refused instead of stored, and the link gets its image and genres at once.
    """
    uri = parse_spotify_link(link, entity_type)
    entity = _get_entity(session, entity_type, entity_id)
    _assert_uri_free(session, entity_type, entity_id, uri)
    found = _look_up_spotify(spotify, entity_type, uri)
    column = Candidate.artist_id if entity_type == "artist" else Candidate.album_id
    known = session.scalar(
        select(Candidate).where(column == entity_id, Candidate.spotify_uri == uri)
    )
    if known is not None:
        known.status = CandidateStatus.APPLIED
    image = found.image.url if found.image else None
    _set_link(entity, uri, image, found.genres)
    close_pending_candidates(session, entity_type, entity_id, keep=known.id if known else "")
    _commit_link(session, entity_type, uri)
    if after_link:
        after_link(entity_type, entity_id)
    return entity


def _look_up_spotify(spotify: SpotifyLookup, entity_type: str, uri: str) -> ArtistInfo | AlbumInfo:
    spotify_id = uri.rsplit(":", 1)[1]
    lookup = spotify.get_artist if entity_type == "artist" else spotify.get_album
    try:
        with spotify.without_retries():  # a request must not wait out a Retry-After
            return lookup(spotify_id)
    except NotFound:
        raise ValidationError(
            f"Spotify has no {entity_type} {uri}", code="not_on_provider"
        ) from None
    except NotConfigured:
        raise ServiceUnavailableError(
            "Spotify is not configured (SOULSPOT_SPOTIFY_CLIENT_ID and _SECRET), so the link "
            "cannot be checked"
        ) from None
    except ProviderError as error:
        raise ServiceUnavailableError(f"Spotify could not check the link: {error}") from None


def unlink_entity(session: Session, entity_type: str, entity_id: str) -> str:
    """Remove the Spotify link; the undone uri becomes a rejected candidate, never re-applied."""
    entity = _get_entity(session, entity_type, entity_id)
    uri = entity.spotify_uri
    if uri is None:
        raise InvalidStateError(f"{entity_type} {entity_id} is not linked to Spotify")
    column = Candidate.artist_id if entity_type == "artist" else Candidate.album_id
    known = session.scalar(
        select(Candidate).where(column == entity_id, Candidate.spotify_uri == uri)
    )
    if known is None:
        name = entity.name if isinstance(entity, Artist) else entity.title
        known = Candidate(spotify_uri=uri, spotify_name=name, confidence_score=0.0, extra_info={})
        setattr(known, "artist_id" if entity_type == "artist" else "album_id", entity_id)
        session.add(known)
    known.status = CandidateStatus.REJECTED
    known.extra_info = {**(known.extra_info or {}), "unlinked_at": utcnow().isoformat()}
    entity.spotify_uri = None
    session.commit()
    return uri
