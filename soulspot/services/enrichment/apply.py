"""Writing one provider's look-up for one artist: links (through the linker) and candidates."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from soulspot.matching import Scored
from soulspot.models import Album, Artist, Candidate, CandidateStatus, EntityKind
from soulspot.providers.types import AlbumInfo, ArtistInfo
from soulspot.services.enrichment.lookup import Lookup, ProviderSide
from soulspot.services.linking import LinkConflict, LinkSource, LinkTarget, link


def write_lookup(session: Session, artist: Artist, lookup: Lookup, counts: Counter[str]) -> None:
    """Apply one provider's findings to the artist and its albums (no commit)."""
    side = lookup.side
    if lookup.linked_artist is not None:
        _link(session, side, EntityKind.ARTIST, artist, lookup.linked_artist, counts)
    elif side.queues_candidates and lookup.artist_decision is not None:
        counts["candidates_created"] += _queue(
            session, EntityKind.ARTIST, artist.id, side, lookup.artist_decision.candidates
        )
    for row, info in lookup.album_links:
        album = session.get(Album, row.id)
        if album is None:  # removed by a rescan meanwhile
            counts[f"{side.name}_conflicts"] += 1
            continue
        _link(session, side, EntityKind.ALBUM, album, info, counts)
    for row, scored in lookup.album_reviews:
        counts["candidates_created"] += _queue(session, EntityKind.ALBUM, row.id, side, scored)


def _link(
    session: Session,
    side: ProviderSide,
    kind: EntityKind,
    entity: Artist | Album,
    info: ArtistInfo | AlbumInfo,
    counts: Counter[str],
) -> None:
    try:
        link(
            session,
            kind,
            entity,
            LinkTarget.from_info(side.provider, kind, info),
            source=LinkSource.AUTOMATIC,
        )
    except LinkConflict:
        counts[f"{side.name}_conflicts"] += 1
        return
    counts[f"{kind.value}s_linked_{side.name}"] += 1


def _queue(
    session: Session, kind: EntityKind, entity_id: str, side: ProviderSide, scored: list[Scored]
) -> int:
    """Store candidates not seen before for this entity; returns how many were new."""
    known = set(
        session.scalars(select(Candidate.spotify_uri).where(kind.candidate_key == entity_id))
    )
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
        setattr(candidate, kind.candidate_key_name, entity_id)
        session.add(candidate)
        known.add(uri)
        created += 1
    return created
