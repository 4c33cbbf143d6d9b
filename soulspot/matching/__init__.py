"""Pure matching of local artists and albums against provider results (no I/O)."""

from soulspot.matching.albums import match_albums, score_album
from soulspot.matching.normalize import (
    is_placeholder,
    is_various_artists,
    name_similarity,
    normalize_name,
    normalize_title,
    title_similarity,
)
from soulspot.matching.score import decide, own_releases, score_artist
from soulspot.matching.types import Decision, LocalAlbum, LocalArtist, Scored

__all__ = [
    "Decision",
    "LocalAlbum",
    "LocalArtist",
    "Scored",
    "decide",
    "is_placeholder",
    "is_various_artists",
    "match_albums",
    "name_similarity",
    "normalize_name",
    "normalize_title",
    "own_releases",
    "score_album",
    "score_artist",
    "title_similarity",
]
