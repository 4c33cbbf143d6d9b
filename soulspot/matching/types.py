"""The matcher's inputs (local library entities) and outputs (scores, decisions)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from soulspot.providers.types import AlbumInfo, ArtistInfo


@dataclass(frozen=True)
class LocalAlbum:
    """An album of the local library, as tagged."""

    title: str
    year: int | None = None
    track_count: int | None = None


@dataclass(frozen=True)
class LocalArtist:
    """An artist of the local library with its albums and tag genres."""

    name: str
    albums: tuple[LocalAlbum, ...] = ()
    genres: tuple[str, ...] = ()
    #: Other names it is known by (MusicBrainz aliases), matched like the name itself.
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Scored:
    """A candidate with its confidence in [0, 1] and a JSON-serialisable explanation."""

    score: float
    breakdown: dict[str, Any] = field(compare=False)
    candidate: ArtistInfo | AlbumInfo
    auto_eligible: bool = False


@dataclass(frozen=True)
class Decision:
    """Either one candidate to apply, or the candidates (best first) to show the user."""

    auto_apply: Scored | None
    candidates: list[Scored]
