"""Deezer API client (no auth; errors often arrive as HTTP 200 bodies)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar

from soulspot.providers.deezer_parse import (
    checked,
    parse_album,
    parse_artist,
    parse_page,
    parse_track,
)
from soulspot.providers.http import ProviderClient, follow_next
from soulspot.providers.queries import quoted
from soulspot.providers.types import AlbumInfo, ArtistInfo, TrackInfo

T = TypeVar("T")

DEFAULT_SEARCH_LIMIT = 10
#: Deezer pages default to 25 items; asking for more saves requests on long lists.
PAGE_LIMIT = 100


class DeezerClient(ProviderClient):
    """Search and lookups on api.deezer.com."""

    def search_artists(self, name: str, *, limit: int = DEFAULT_SEARCH_LIMIT) -> list[ArtistInfo]:
        """Artists matching `name` (free text), best first."""
        params = {"q": name, "limit": limit}
        return self._get("search/artist", params, lambda data: parse_page(data, parse_artist)[0])

    def search_albums(
        self, title: str, *, artist: str | None = None, limit: int = DEFAULT_SEARCH_LIMIT
    ) -> list[AlbumInfo]:
        """Albums matching `title`, and `artist` when given.

        Deezer ignores unquoted words once a query has a field filter, so a query is either
        all free text or all filters.
        """
        query = f"{quoted('artist', artist)} {quoted('album', title)}" if artist else title
        params = {"q": query, "limit": limit}
        return self._get("search/album", params, lambda data: parse_page(data, parse_album)[0])

    def get_artist(self, artist_id: str | int) -> ArtistInfo:
        return self._get(f"artist/{artist_id}", None, lambda data: parse_artist(checked(data)))

    def artist_albums(self, artist_id: str | int) -> list[AlbumInfo]:
        """Every album of an artist, following `next`."""
        return self._all_pages(f"artist/{artist_id}/albums", parse_album)

    def get_album(self, album_id: str | int, *, with_track_numbers: bool = False) -> AlbumInfo:
        """An album with all its tracks.

        The lookup embeds at most 25 tracks, without track and disc numbers (or ISRCs); the
        track list has them. It is read when tracks are missing or `with_track_numbers` is
        asked for, so a lookup for titles and durations stays one request.
        """
        album = self._get(f"album/{album_id}", None, lambda data: parse_album(checked(data)))
        missing = album.total_tracks is not None and len(album.tracks) < album.total_tracks
        if missing or with_track_numbers:
            album = replace(album, tracks=tuple(self.album_tracks(album_id)))
        return album

    def album_tracks(self, album_id: str | int) -> list[TrackInfo]:
        """Every track of an album with its track and disc number and ISRC, following `next`."""
        return self._all_pages(f"album/{album_id}/tracks", parse_track)

    def _all_pages(self, path: str, parse_item: Callable[[Any], T]) -> list[T]:
        return follow_next(
            lambda url, query: self._get(url, query, lambda data: parse_page(data, parse_item)),
            path,
            {"limit": PAGE_LIMIT},
        )

    def _get(self, path: str, params: dict[str, Any] | None, parse: Callable[[Any], T]) -> T:
        return self.http.get_json(path, params, parse=parse)
