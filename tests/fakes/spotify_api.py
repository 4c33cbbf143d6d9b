"""The fake Spotify Web API and accounts service, in development mode."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from tests.fakes.catalog import SPOTIFY_IMAGE_SIZES, FakeAlbum, FakeArtist, FakeTrack
from tests.fakes.responses import casefold_in, error_response, json_response, with_query

if TYPE_CHECKING:
    from tests.fakes.server import FakeProviders

PROVIDER = "spotify"
SEARCH_LIMIT_MAX = 10  # development mode: search and artist albums
TRACKS_LIMIT_MAX = 50
ALBUM_TYPES = {"album": "album", "single": "single", "ep": "single", "compilation": "compilation"}
FILTER = re.compile(r'(artist|album|year):(?:"([^"]*)"|(\S+))')

ROUTES = Map(
    [
        Rule("/accounts/api/token", endpoint="token", methods=["POST"]),
        Rule("/v1/search", endpoint="search"),
        Rule("/v1/artists/<entity_id>", endpoint="artist"),
        Rule("/v1/artists/<entity_id>/albums", endpoint="artist_albums"),
        Rule("/v1/albums/<entity_id>", endpoint="album"),
        Rule("/v1/albums/<entity_id>/tracks", endpoint="album_tracks"),
    ]
)


class _Invalid(Exception):
    def __init__(self, status: int, message: str):
        self.status = status
        self.message = message


def handle(fake: FakeProviders, request: Request, path: str) -> Response:
    try:
        endpoint, args = ROUTES.bind("fake").match(path, method=request.method)
    except HTTPException as exc:
        return error_response(PROVIDER, exc.code or 404, "Service not found")
    if endpoint == "token":
        return _token(fake, request)
    if not fake.spotify_token_valid(request.headers.get("Authorization", "")):
        return error_response(PROVIDER, 401, "Invalid access token")
    api = _Api(fake, request)
    try:
        return json_response(getattr(api, endpoint)(**args))
    except _Invalid as exc:
        return error_response(PROVIDER, exc.status, exc.message)


def _token(fake: FakeProviders, request: Request) -> Response:
    auth = request.authorization
    client_id = auth.username if auth else request.form.get("client_id")
    secret = auth.password if auth else request.form.get("client_secret")
    if request.form.get("grant_type") != "client_credentials":
        return json_response({"error": "unsupported_grant_type"}, 400)
    if (client_id, secret) != fake.spotify_credentials:
        return json_response(
            {"error": "invalid_client", "error_description": "Invalid client"}, 400
        )
    token = fake.issue_spotify_token()
    return json_response({"access_token": token, "token_type": "Bearer", "expires_in": 3600})


class _Api:
    def __init__(self, fake: FakeProviders, request: Request):
        self.catalog = fake.catalog
        self.request = request
        self.root = f"{fake.url}/spotify/v1"
        self.base = fake.url

    # endpoints

    def search(self) -> dict[str, Any]:
        query = self.request.args.get("q", "")
        types = self.request.args.get("type", "").split(",")
        limit, offset = self._paging(SEARCH_LIMIT_MAX)
        filters, words = _parse_query(query)
        answer: dict[str, Any] = {}
        params = {"query": query, "type": ",".join(types)}
        if "artist" in types:
            pool = self.catalog.artists_on(PROVIDER, name=[*_needles(filters, "artist"), *words])
            artists = [a for a in pool if _artist_hit(a, filters, words)]
            artists.sort(key=lambda a: -(a.popularity or 0))
            answer["artists"] = self._page(
                artists, "search", params, limit, offset, self.artist_full
            )
        if "album" in types:
            pool = self.catalog.albums_on(
                PROVIDER,
                title=_needles(filters, "album"),
                artist=_needles(filters, "artist"),
                title_or_artist=words,
            )
            albums = [al for al in pool if _album_hit(al, filters, words)]
            albums.sort(key=lambda al: -(al.artist.popularity or 0))
            answer["albums"] = self._page(
                albums, "search", params, limit, offset, self.album_simple
            )
        if not answer:
            raise _Invalid(400, "Bad search type field")
        return answer

    def artist(self, entity_id: str) -> dict[str, Any]:
        return self.artist_full(self._artist(entity_id))

    def artist_albums(self, entity_id: str) -> dict[str, Any]:
        artist = self._artist(entity_id)
        limit, offset = self._paging(SEARCH_LIMIT_MAX)
        groups = self.request.args.get("include_groups", "album,single,compilation,appears_on")
        wanted = set(groups.split(","))
        albums = [al for al in artist.albums if PROVIDER in al.providers and _type(al) in wanted]
        params = {"include_groups": groups}
        path = f"artists/{entity_id}/albums"
        return self._page(albums, path, params, limit, offset, self.album_grouped)

    def album(self, entity_id: str) -> dict[str, Any]:
        album = self._album(entity_id)
        path = f"albums/{entity_id}/tracks"
        return {
            **self.album_simple(album),
            "copyrights": [],
            "external_ids": {"upc": f"{album.deezer_id:012d}"},
            "genres": [],
            "tracks": self._page(album.tracks, path, {}, TRACKS_LIMIT_MAX, 0, self._tracker(album)),
        }

    def album_tracks(self, entity_id: str) -> dict[str, Any]:
        album = self._album(entity_id)
        limit, offset = self._paging(TRACKS_LIMIT_MAX)
        path = f"albums/{entity_id}/tracks"
        return self._page(album.tracks, path, {}, limit, offset, self._tracker(album))

    # rendering, in the shapes of the recorded responses

    def artist_simple(self, artist: FakeArtist) -> dict[str, Any]:
        sid = artist.spotify_id
        return {
            "external_urls": {"spotify": f"https://open.spotify.com/artist/{sid}"},
            "href": f"{self.root}/artists/{sid}",
            "id": sid,
            "name": artist.name,
            "type": "artist",
            "uri": f"spotify:artist:{sid}",
        }

    def artist_full(self, artist: FakeArtist) -> dict[str, Any]:
        data = self.artist_simple(artist)
        # Development mode: popularity and followers may be missing altogether.
        if artist.popularity is not None:
            data["followers"] = {"href": None, "total": artist.fans or 0}
            data["popularity"] = artist.popularity
        data["genres"] = list(artist.genres)
        data["images"] = self._images(artist.image_paths(PROVIDER))
        return data

    def album_simple(self, album: FakeAlbum) -> dict[str, Any]:
        sid = album.spotify_id
        date = album.release_date or "0000"
        return {
            "album_type": _type(album),
            "total_tracks": len(album.tracks),
            "external_urls": {"spotify": f"https://open.spotify.com/album/{sid}"},
            "href": f"{self.root}/albums/{sid}",
            "id": sid,
            "images": self._images(album.image_paths(PROVIDER)),
            "name": album.title,
            "release_date": date,
            "release_date_precision": {4: "year", 7: "month"}.get(len(date), "day"),
            "type": "album",
            "uri": f"spotify:album:{sid}",
            "artists": [self.artist_simple(album.artist)],
        }

    def album_grouped(self, album: FakeAlbum) -> dict[str, Any]:
        return {**self.album_simple(album), "album_group": _type(album)}

    def _tracker(self, album: FakeAlbum):  # noqa: ANN202 - a render callback
        def render(track: FakeTrack) -> dict[str, Any]:
            sid = track.spotify_id
            return {
                "artists": [self.artist_simple(album.artist)],
                "disc_number": 1,
                "duration_ms": track.duration_ms,
                "explicit": False,
                "external_urls": {"spotify": f"https://open.spotify.com/track/{sid}"},
                "href": f"{self.root}/tracks/{sid}",
                "id": sid,
                "is_local": False,
                "name": track.title,
                "preview_url": None,
                "track_number": track.number,
                "type": "track",
                "uri": f"spotify:track:{sid}",
            }

        return render

    def _images(self, paths: list[str]) -> list[dict[str, Any]]:
        return [
            {"height": size, "url": f"{self.base}{path}", "width": size}
            for path, size in zip(paths, SPOTIFY_IMAGE_SIZES, strict=False)
        ]

    # helpers

    def _page(self, items, path, params, limit, offset, render) -> dict[str, Any]:  # noqa: ANN001
        url = f"{self.root}/{path}"
        end = offset + limit
        return {
            "href": with_query(url, {**params, "offset": offset, "limit": limit}),
            "items": [render(item) for item in items[offset:end]],
            "limit": limit,
            "next": with_query(url, {**params, "offset": end, "limit": limit})
            if end < len(items)
            else None,
            "offset": offset,
            "previous": with_query(
                url, {**params, "offset": max(0, offset - limit), "limit": limit}
            )
            if offset
            else None,
            "total": len(items),
        }

    def _paging(self, max_limit: int) -> tuple[int, int]:
        try:
            limit = int(self.request.args.get("limit", min(20, max_limit)))
            offset = int(self.request.args.get("offset", 0))
        except ValueError as exc:
            raise _Invalid(400, "Invalid limit") from exc
        if not 1 <= limit <= max_limit:
            raise _Invalid(400, "Invalid limit")
        if offset < 0:
            raise _Invalid(400, "Invalid offset")
        return limit, offset

    def _artist(self, entity_id: str) -> FakeArtist:
        artist = self.catalog.find_artist(PROVIDER, entity_id)
        if artist is None:
            raise _Invalid(404, "Resource not found")
        return artist

    def _album(self, entity_id: str) -> FakeAlbum:
        album = self.catalog.find_album(PROVIDER, entity_id)
        if album is None:
            raise _Invalid(404, "Resource not found")
        return album


def _type(album: FakeAlbum) -> str:
    return ALBUM_TYPES.get(album.album_type, "album")


def _parse_query(query: str) -> tuple[dict[str, str], list[str]]:
    filters = {m[1]: m[2] if m[2] is not None else m[3] for m in FILTER.finditer(query)}
    return filters, FILTER.sub(" ", query).split()


def _needles(filters: dict[str, str], key: str) -> list[str]:
    return [filters[key]] if key in filters else []


def _year_ok(album: FakeAlbum, wanted: str | None) -> bool:
    if not wanted:
        return True
    if album.year is None:
        return False
    low, _, high = wanted.partition("-")
    return int(low) <= album.year <= int(high or low)


def _artist_hit(artist: FakeArtist, filters: dict[str, str], words: list[str]) -> bool:
    if "artist" in filters and not casefold_in(filters["artist"], artist.name):
        return False
    return all(casefold_in(word, artist.name) for word in words)


def _album_hit(album: FakeAlbum, filters: dict[str, str], words: list[str]) -> bool:
    if "artist" in filters and not casefold_in(filters["artist"], album.artist.name):
        return False
    if "album" in filters and not casefold_in(filters["album"], album.title):
        return False
    text = f"{album.title} {album.artist.name}"
    return _year_ok(album, filters.get("year")) and all(casefold_in(w, text) for w in words)
