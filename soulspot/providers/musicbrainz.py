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
#: url-rels adds the url relations, where MusicBrainz links an artist's Spotify/Deezer pages;
#: release-groups embeds the first LOOKUP_RELEASE_GROUPS of them, so one request usually
#: carries the discography that decides a namesake as well.
ARTIST_INC = "aliases+genres+url-rels+release-groups"
LOOKUP_RELEASE_GROUPS = 25
RELEASE_GROUP_INC = "artist-credits+genres"
#: Streaming links sit on releases, not on their release group.
RELEASE_BROWSE_INC = "url-rels"


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
        """An artist with aliases, genres, Spotify/Deezer links and (up to 25) release groups."""
        return self._get(f"artist/{mbid}", {"inc": ARTIST_INC}, parse_artist)

    def get_release_group(self, mbid: str) -> AlbumInfo:
        """A release group with its artist credit and genres."""
        return self._get(f"release-group/{mbid}", {"inc": RELEASE_GROUP_INC}, parse_release_group)

    def artist_release_groups(self, mbid: str) -> list[AlbumInfo]:
        """Every release group of an artist with genres (browse, 100 per page, all pages)."""
        params = {"artist": mbid, "inc": RELEASE_GROUP_INC}
        return self._browse("release-group", params, "release-groups")

    def release_group_releases(self, release_group_mbid: str) -> list[AlbumInfo]:
        """Every release of a release group with its Spotify/Deezer album links (all pages)."""
        params = {"release-group": release_group_mbid, "inc": RELEASE_BROWSE_INC}
        return self._browse("release", params, "releases")

    def _browse(self, path: str, params: dict[str, Any], key: str) -> list[AlbumInfo]:
        items: list[AlbumInfo] = []
        while True:
            page_params = {**params, "limit": BROWSE_LIMIT, "offset": len(items)}
            page, total = self._get(path, page_params, lambda data: parse_browse(data, key))
            items.extend(page)
            if not page or len(items) >= total:
                return items

    def _get(self, path: str, params: dict[str, Any], parse: Callable[[Any], T]) -> T:
        return self.http.get_json(path, {**params, "fmt": "json"}, parse=parse)
