"""Album-level matching: which discography entry a local album is, and per-album scores."""

from __future__ import annotations

from collections.abc import Sequence

from soulspot.matching.normalize import (
    SURE,
    is_various_artists,
    key_similarity,
    name_similarity,
    title_key,
    tokens,
)
from soulspot.matching.types import LocalAlbum, Scored
from soulspot.providers.types import AlbumInfo

TITLE_MATCH = 0.88  # title similarity from which a local album counts as found
#: MusicBrainz secondary types of a release group that is another record than the studio
#: album of the same title, with the local title words that say a local album is one.
OTHER_RECORDINGS = {
    "Live": ("live", "unplugged", "concert"),
    "Remix": ("remix", "remixes", "remixed"),
    "Demo": ("demo", "demos"),
    "DJ-mix": ("mix", "mixed"),
    "Mixtape/Street": ("mixtape",),
    "Interview": ("interview", "interviews"),
    "Spokenword": ("spoken",),
    "Audiobook": ("audiobook",),
    "Audio drama": ("drama",),
    "Field recording": ("field",),
}


def another_recording(local_title: str, album: AlbumInfo) -> bool:
    """The group is a live, remix, demo (...) release that the local title does not name.

    Such a group never stands in for the studio album, whatever its title: a local
    "Nevermind" is not MusicBrainz's live "Nevermind", a local "Nevermind (Live)" may be.
    """
    kinds = [kind for kind in album.secondary_types if kind in OTHER_RECORDINGS]
    if not kinds:
        return False
    words = set(tokens(local_title))
    return not any(words & set(OTHER_RECORDINGS[kind]) for kind in kinds)


def _album_year(album: AlbumInfo) -> int | None:
    if album.year is not None:
        return album.year
    head = (album.release_date or "")[:4]
    return int(head) if head.isdigit() else None


def years_agree(year: int | None, album: AlbumInfo) -> bool | None:
    """Whether a local year and an album's agree within a year; None when one is unknown."""
    other = _album_year(album)
    return None if year is None or other is None else abs(year - other) <= 1


def _type_fit(album_type: str | None, track_count: int | None) -> float:
    """How well a release type fits: albums for albums, singles for 1-3 local tracks."""
    fit = {"album": 1.0, "ep": 0.5, "compilation": 0.5, None: 0.5}.get(album_type, 0.0)
    return 1.0 - fit if track_count is not None and track_count <= 3 else fit


def _track_gap(track_count: int | None, total: int | None) -> int:
    return 0 if track_count is None or total is None else abs(track_count - total)


def match_albums(
    local_albums: Sequence[LocalAlbum], discography: Sequence[AlbumInfo]
) -> dict[int, AlbumInfo]:
    """Index of each local album -> the discography entry that is it (one-to-one).

    Among entries with the same title, the best fit wins in this order: release type (an
    "album" before an EP/compilation before a single, reversed for a 1-3 track local album),
    then the same edition (a plain local title takes the plain entry, a local "Deluxe" the
    deluxe one), then year agreement, then the closest track count.
    """
    disc_keys = [title_key(album.title) for album in discography]
    ranked = []
    for i, local in enumerate(local_albums):
        local_key = title_key(local.title)
        for j, (album, key) in enumerate(zip(discography, disc_keys, strict=True)):
            similarity = key_similarity(local_key, key, floor=TITLE_MATCH)
            if similarity < TITLE_MATCH or another_recording(local.title, album):
                continue
            rank = (
                round(similarity, 3),
                _type_fit(album.album_type, local.track_count),
                local_key.edition == key.edition,
                bool(years_agree(local.year, album)),
                -_track_gap(local.track_count, album.total_tracks),
                -j,
                -i,
            )
            ranked.append((rank, i, j))
    ranked.sort(reverse=True)
    matches: dict[int, AlbumInfo] = {}
    taken: set[int] = set()
    for _, i, j in ranked:
        if i not in matches and j not in taken:
            matches[i] = discography[j]
            taken.add(j)
    return matches


def _artist_similarity(name: str, credited: Sequence[str]) -> float | None:
    if not credited:
        return None
    if is_various_artists(name) or any(is_various_artists(c) for c in credited):
        return 1.0 if is_various_artists(name) and any(map(is_various_artists, credited)) else 0.0
    return max(name_similarity(name, c) for c in credited)


def score_album(local: LocalAlbum, artist_name: str, candidate: AlbumInfo) -> Scored:
    """Score a provider album for a local one (the per-album search fallback).

    score = title * artist * (0.55 + 0.15 * year + 0.15 * tracks + 0.10 * same edition
    + 0.05 * release type); unknown year/tracks count 0.5, unknown artists 0.75.
    """
    local_key, key = title_key(local.title), title_key(candidate.title)
    title = key_similarity(local_key, key)
    artist = _artist_similarity(artist_name, candidate.artists)
    agree = years_agree(local.year, candidate)
    year = None if agree is None else float(agree)
    tracks = None
    if local.track_count and candidate.total_tracks:
        gap = _track_gap(local.track_count, candidate.total_tracks)
        tracks = max(0.0, 1.0 - gap / max(local.track_count, candidate.total_tracks))
    edition = local_key.edition == key.edition
    fit = _type_fit(candidate.album_type, local.track_count)
    rest = (
        0.55 + 0.15 * (0.5 if year is None else year) + 0.15 * (0.5 if tracks is None else tracks)
    )
    score = title * (0.75 if artist is None else artist) * (rest + 0.10 * edition + 0.05 * fit)
    corroborated = year == 1.0 or tracks == 1.0
    other = another_recording(local.title, candidate)
    eligible = title >= SURE and (artist or 0.0) >= SURE and corroborated and not other
    reasons = [f"title similarity {title:.2f}"]
    if not edition:
        reasons.append("another edition than the local one")
    if other:
        reasons.append(f"a {'/'.join(candidate.secondary_types).lower()} release, not the album")
    if not eligible:
        reasons.append("not enough evidence to link without review")
    breakdown = {
        "title": round(title, 3),
        "artist": None if artist is None else round(artist, 3),
        "year": year,
        "tracks": None if tracks is None else round(tracks, 3),
        "same_edition": edition,
        "album_type": candidate.album_type,
        "secondary_types": list(candidate.secondary_types),
        "auto_eligible": eligible,
        "reasons": reasons,
    }
    return Scored(round(score, 4), breakdown, candidate, eligible)
