"""Writing one provider's look-up for one artist: links, candidates, outcomes."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from soulspot.matching import Scored
from soulspot.models import Album, Artist, Candidate, CandidateStatus
from soulspot.providers.types import AlbumInfo, ArtistInfo
from soulspot.services.candidates import close_pending_candidates
from soulspot.services.enrichment.lookup import Lookup, ProviderSide
from soulspot.services.enrichment.selection import LocalAlbumRow

#: (entity_type, entity_id) of what got an image URL by linking, so its artwork is fetched.
ArtworkDue = list[tuple[str, str]]


def _link_column(side: ProviderSide, model: type[Artist] | type[Album]) -> Any:
    return model.spotify_uri if side.name == "spotify" else model.deezer_id


def _taken(
    session: Session, side: ProviderSide, model: type[Artist] | type[Album], value: str
) -> bool:
    return session.scalar(select(model.id).where(_link_column(side, model) == value)) is not None


def write_lookup(
    session: Session, artist: Artist, lookup: Lookup, counts: Counter[str], artwork_due: ArtworkDue
) -> None:
    """Apply one provider's findings to the artist and its albums (no commit)."""
    side = lookup.side
    if lookup.linked_artist is not None:
        _link_artist(session, side, artist, lookup.linked_artist, counts, artwork_due)
    elif side.queues_candidates and lookup.artist_decision is not None:
        counts["candidates_created"] += _queue(
            session, "artist", artist.id, side, lookup.artist_decision.candidates
        )
    for row, info in lookup.album_links:
        _link_album(session, side, row, info, counts, artwork_due)
    for row, scored in lookup.album_reviews:
        counts["candidates_created"] += _queue(session, "album", row.id, side, scored)


def _link_artist(
    session: Session,
    side: ProviderSide,
    artist: Artist,
    info: ArtistInfo,
    counts: Counter[str],
    artwork_due: ArtworkDue,
) -> None:
    value = side.link_of(info)
    if _taken(session, side, Artist, value):
        counts[f"{side.name}_conflicts"] += 1
        return
    setattr(artist, "spotify_uri" if side.name == "spotify" else "deezer_id", value)
    if side.queues_candidates:
        close_pending_candidates(session, "artist", artist.id)
    if info.genres and not artist.genres:
        artist.genres = list(info.genres)
    if info.popularity is not None and artist.popularity is None:
        artist.popularity = info.popularity
    if info.image is not None and not artist.image_url:
        artist.image_url = info.image.url
        artwork_due.append(("artist", artist.id))
    counts[f"artists_linked_{side.name}"] += 1


def _link_album(
    session: Session,
    side: ProviderSide,
    row: LocalAlbumRow,
    info: AlbumInfo,
    counts: Counter[str],
    artwork_due: ArtworkDue,
) -> None:
    value = side.link_of(info)
    album = session.get(Album, row.id)
    if album is None or _taken(session, side, Album, value):
        counts[f"{side.name}_conflicts"] += 1
        return
    setattr(album, "spotify_uri" if side.name == "spotify" else "deezer_id", value)
    if side.queues_candidates:
        close_pending_candidates(session, "album", album.id)
    album.release_year = album.release_year or info.year
    album.album_type = album.album_type or info.album_type
    if info.image is not None and not album.cover_url:
        album.cover_url = info.image.url
        artwork_due.append(("album", album.id))
    counts[f"albums_linked_{side.name}"] += 1


def _queue(
    session: Session, entity_type: str, entity_id: str, side: ProviderSide, scored: list[Scored]
) -> int:
    """Store candidates not seen before for this entity; returns how many were new."""
    column = Candidate.artist_id if entity_type == "artist" else Candidate.album_id
    known = set(session.scalars(select(Candidate.spotify_uri).where(column == entity_id)))
    created = 0
    for item in scored:
        info = item.candidate
        uri = side.link_of(info)
        if uri in known:
            continue
        image = info.image
        candidate = Candidate(
            provider=side.name,
            spotify_uri=uri,
            spotify_name=getattr(info, "name", None) or getattr(info, "title", ""),
            spotify_image_url=image.url if image else None,
            confidence_score=round(item.score, 4),
            extra_info={
                "breakdown": item.breakdown,
                "genres": list(info.genres),
                "popularity": info.popularity,
                "artists": list(getattr(info, "artists", ()) or ()),
                "year": getattr(info, "year", None),
                "disambiguation": info.disambiguation,
            },
            status=CandidateStatus.PENDING,
        )
        setattr(candidate, "artist_id" if entity_type == "artist" else "album_id", entity_id)
        session.add(candidate)
        known.add(uri)
        created += 1
    return created
