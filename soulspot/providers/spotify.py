"""Spotify Web API client (client-credentials auth, development-mode limits)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any, TypeVar

from soulspot.providers.errors import AuthError, BadResponse, NotConfigured
from soulspot.providers.http import HttpClient, ProviderClient, follow_next
from soulspot.providers.queries import quoted
from soulspot.providers.spotify_parse import (
    parse_album,
    parse_artist,
    parse_page,
    parse_track,
)
from soulspot.providers.types import AlbumInfo, ArtistInfo, TrackInfo

T = TypeVar("T")

#: Development mode caps `limit` at 10 for search and artist albums (400 "Invalid limit").
MAX_SEARCH_LIMIT = 10
ALBUM_TRACKS_LIMIT = 50
DEFAULT_GROUPS = ("album", "single", "compilation")
#: Renew a token this long before Spotify says it expires, so no request carries a stale one.
TOKEN_MARGIN = 60.0


class SpotifyClient(ProviderClient):
    """Catalog lookups with an app token (OAuth 2 client credentials); no user login."""

    def __init__(
        self,
        http: HttpClient,
        *,
        accounts_url: str,
        client_id: str | None,
        client_secret: str | None,
    ):
        super().__init__(http)
        self._token_url = f"{accounts_url.rstrip('/')}/api/token"
        self._credentials = (client_id or "", client_secret or "")
        self._token_lock = threading.Lock()
        self._token: str | None = None
        self._token_expires = 0.0

    @property
    def configured(self) -> bool:
        return all(self._credentials)

    def set_credentials(self, client_id: str | None, client_secret: str | None) -> None:
        """Use these credentials from the next request on; a token of the old ones is dropped."""
        with self._token_lock:
            credentials = (client_id or "", client_secret or "")
            if credentials != self._credentials:
                self._credentials = credentials
                self._token = None

    def check_credentials(self) -> None:
        """Ask for a new token now (one request): AuthError when Spotify refuses the credentials."""
        with self._token_lock:
            self._token = None
        self._access_token()

    def search_artists(self, name: str, *, limit: int = MAX_SEARCH_LIMIT) -> list[ArtistInfo]:
        """Artists matching `name` (field filter), best first."""
        params = {"q": quoted("artist", name), "type": "artist", "limit": _search_limit(limit)}
        return self._get(
            "search", params, lambda data: parse_page(data, parse_artist, "artists")[0]
        )

    def search_albums(
        self,
        title: str,
        *,
        artist: str | None = None,
        year: int | None = None,
        limit: int = MAX_SEARCH_LIMIT,
    ) -> list[AlbumInfo]:
        """Albums matching `title`, optionally narrowed by artist and release year."""
        terms = [quoted("album", title)]
        if artist:
            terms.insert(0, quoted("artist", artist))
        if year:
            terms.append(f"year:{int(year)}")
        params = {"q": " ".join(terms), "type": "album", "limit": _search_limit(limit)}
        return self._get("search", params, lambda data: parse_page(data, parse_album, "albums")[0])

    def get_artist(self, artist_id: str) -> ArtistInfo:
        return self._get(f"artists/{artist_id}", None, parse_artist)

    def artist_albums(
        self, artist_id: str, *, include_groups: Iterable[str] = DEFAULT_GROUPS
    ) -> list[AlbumInfo]:
        """Every album of an artist in the given groups, all pages."""
        params = {"include_groups": ",".join(include_groups), "limit": MAX_SEARCH_LIMIT}
        return self._all_pages(f"artists/{artist_id}/albums", params, parse_album)

    def get_album(self, album_id: str) -> AlbumInfo:
        """An album with all its tracks (the album object embeds only the first page)."""
        album, next_url = self._get(f"albums/{album_id}", None, _album_and_next)
        if next_url:
            more = self._all_pages(next_url, None, parse_track)
            album = replace(album, tracks=album.tracks + tuple(more))
        return album

    def album_tracks(self, album_id: str) -> list[TrackInfo]:
        """Every track of an album, all pages."""
        params = {"limit": ALBUM_TRACKS_LIMIT}
        return self._all_pages(f"albums/{album_id}/tracks", params, parse_track)

    def _all_pages(
        self, path: str, params: dict[str, Any] | None, parse_item: Callable[[Any], T]
    ) -> list[T]:
        return follow_next(
            lambda url, query: self._get(url, query, lambda data: parse_page(data, parse_item)),
            path,
            params,
        )

    def _get(self, path: str, params: dict[str, Any] | None, parse: Callable[[Any], T]) -> T:
        token = self._access_token()
        try:
            return self.http.get_json(path, params, parse=parse, headers=_bearer(token))
        except AuthError as exc:
            if exc.status != 401:
                raise
            # A token can be revoked before it expires: refresh once, then give up.
            self._drop_token(token)
            token = self._access_token()
            return self.http.get_json(path, params, parse=parse, headers=_bearer(token))

    def _access_token(self) -> str:
        if not self.configured:
            raise NotConfigured(
                "SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET are not set", provider=self.provider
            )
        with self._token_lock:
            if self._token and self.http.clock() < self._token_expires:
                return self._token
            started = self.http.clock()
            token, lifetime = self.http.post_form(
                self._token_url,
                {"grant_type": "client_credentials"},
                parse=_token,
                auth=self._credentials,
                idempotent=True,  # a client-credentials grant has no side effect
            )
            self._token = token
            self._token_expires = started + max(0.0, lifetime - TOKEN_MARGIN)
            return token

    def _drop_token(self, token: str) -> None:
        with self._token_lock:
            if self._token == token:  # another thread may have renewed it already
                self._token = None


def _search_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_SEARCH_LIMIT:
        raise ValueError(f"Spotify search limit must be 1..{MAX_SEARCH_LIMIT}, got {limit}")
    return limit


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _token(data: dict[str, Any]) -> tuple[str, float]:
    token = data["access_token"]
    if not isinstance(token, str) or not token:
        raise BadResponse("spotify: token response without access_token", provider="spotify")
    return token, float(data.get("expires_in") or 3600)


def _album_and_next(data: dict[str, Any]) -> tuple[AlbumInfo, str | None]:
    return parse_album(data), (data.get("tracks") or {}).get("next")
