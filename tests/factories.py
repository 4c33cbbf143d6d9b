"""Small builders of library rows for tests that do not need real audio files."""

from __future__ import annotations

from itertools import count
from typing import Any

from sqlalchemy.orm import Session

from soulspot.models import Album, Artist, Candidate, CandidateStatus, Track

_paths = count(1)


def add_artist(
    session: Session, name: str, *, albums: tuple[str, ...] = (), **fields: Any
) -> Artist:
    """An artist with local files, and one local album (with one track) per title."""
    artist = Artist(name=name, has_local_files=True, **fields)
    session.add(artist)
    session.flush()
    for title in albums:
        add_album(session, artist, title)
    return artist


def add_album(
    session: Session, artist: Artist, title: str, *, tracks: int = 1, **fields: Any
) -> Album:
    album = Album(artist_id=artist.id, title=title, has_local_files=tracks > 0, **fields)
    session.add(album)
    session.flush()
    for number in range(1, tracks + 1):
        session.add(
            Track(
                album_id=album.id,
                artist_id=artist.id,
                title=f"{title} {number}",
                track_number=number,
                file_path=f"/music/{next(_paths)}.flac",
            )
        )
    return album


def add_candidate(
    session: Session,
    entity: Artist | Album,
    uri: str,
    *,
    score: float = 0.7,
    status: CandidateStatus = CandidateStatus.PENDING,
    **fields: Any,
) -> Candidate:
    candidate = Candidate(
        spotify_uri=uri,
        spotify_name=fields.pop("name", getattr(entity, "name", None) or entity.title),
        confidence_score=score,
        status=status,
        **fields,
    )
    if isinstance(entity, Artist):
        candidate.artist_id = entity.id
    else:
        candidate.album_id = entity.id
    session.add(candidate)
    session.flush()
    return candidate


def spotify_uri(kind: str, seed: int) -> str:
    """A well-formed Spotify URI (22 base62 characters) that differs per seed."""
    return f"spotify:{kind}:{seed:022d}"
