"""MusicBrainz web service client (JSON, Lucene searches, one request per second)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from soulspot.providers.http import ProviderClient
from soulspot.providers.musicbrainz_parse import (
    parse_artist,
    parse_browse,
    parse_release_group,
    parse_search,
)
from soulspot.providers.queries import phrase
from soulspot.providers.types import AlbumInfo, ArtistInfo

T = TypeVar("T")

DEFAULT_SEARCH_LIMIT = 10
BROWSE_LIMIT = 100  # the web service maximum
#: Searches take no inc (their hits carry tags); lookups and browses send genres on request.
ARTIST_INC = "aliases+genres"
RELEASE_GROUP_INC = "artist-credits+genres"


class MusicBrainzClient(ProviderClient):
    """Searches, lookups and browses on the MusicBrainz web service."""

    def search_artists(self, name: str, *, limit: int = DEFAULT_SEARCH_LIMIT) -> list[ArtistInfo]:
        """Artists matching `name`, with MusicBrainz's score, best first."""
        params = {"query": phrase("artist", name), "limit": limit}
        return self._get("artist", params, lambda data: parse_search(data, "artists"))

    def search_release_groups(
        self, title: str, *, artist: str | None = None, limit: int = DEFAULT_SEARCH_LIMIT
    ) -> list[AlbumInfo]:
        """Release groups matching `title` (and `artist` when given), with score."""
        query = phrase("releasegroup", title)
        if artist:
            query += f" AND {phrase('artist', artist)}"
        params = {"query": query, "limit": limit}
        return self._get("release-group", params, lambda data: parse_search(data, "release-groups"))

    def get_artist(self, mbid: str) -> ArtistInfo:
        """An artist with its aliases and genres."""
        return self._get(f"artist/{mbid}", {"inc": ARTIST_INC}, parse_artist)

    def get_release_group(self, mbid: str) -> AlbumInfo:
        """A release group with its artist credit and genres."""
        return self._get(f"release-group/{mbid}", {"inc": RELEASE_GROUP_INC}, parse_release_group)

    def artist_release_groups(self, mbid: str) -> list[AlbumInfo]:
        """Every release group of an artist with genres (browse, 100 per page, all pages)."""
        groups: list[AlbumInfo] = []
        while True:
            params = {
                "artist": mbid,
                "inc": RELEASE_GROUP_INC,
                "limit": BROWSE_LIMIT,
                "offset": len(groups),
            }
            page, total = self._get("release-group", params, parse_browse)
            groups.extend(page)
            if not page or len(groups) >= total:
                return groups

    def _get(self, path: str, params: dict[str, Any], parse: Callable[[Any], T]) -> T:
        return self.http.get_json(path, {**params, "fmt": "json"}, parse=parse)
