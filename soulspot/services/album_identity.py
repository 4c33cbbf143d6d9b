"""When an album an artist has and another album are the same one: the matcher's album rules
(match_albums: title with its editions, release type, track count) among albums whose years
do not disagree by more than a year (an unknown year agrees).

The discography fetch merges provider entries into an artist's albums with it, and the
scanner files tracks into an album known only from a provider with it, so fetching before
or after a scan ends in the same albums.
"""

from __future__ import annotations

from collections.abc import Sequence

from soulspot.matching import LocalAlbum, match_albums
from soulspot.matching.albums import years_agree
from soulspot.providers.types import AlbumInfo

LIBRARY = "library"  # the provider name of library albums compared as entries


def library_entry(
    album_id: str,
    title: str,
    year: int | None,
    album_type: str | None = None,
    track_count: int | None = None,
) -> AlbumInfo:
    """An album of the library in the form the matcher compares a local album against."""
    return AlbumInfo(
        provider=LIBRARY,
        id=album_id,
        title=title,
        year=year,
        album_type=album_type,
        total_tracks=track_count,
    )


def join_albums(albums: Sequence[LocalAlbum], entries: Sequence[AlbumInfo]) -> dict[int, AlbumInfo]:
    """Index of each album -> the entry that is it, one-to-one (match_albums), years agreeing."""
    return {
        index: entry
        for index, entry in match_albums(albums, entries).items()
        if years_agree(albums[index].year, entry) is not False
    }


def same_album(album: LocalAlbum, entries: Sequence[AlbumInfo]) -> AlbumInfo | None:
    """The entry that `album` is, among those whose year agrees with it, else None."""
    fitting = [entry for entry in entries if years_agree(album.year, entry) is not False]
    return match_albums([album], fitting).get(0)
