"""The fake Deezer API: search, artists, albums and tracks, with Deezer's error habits."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from tests.fakes.catalog import DEEZER_IMAGE_SIZES, FakeAlbum, FakeArtist, FakeTrack
from tests.fakes.responses import DEEZER_NO_DATA, casefold_in, json_response, with_query

if TYPE_CHECKING:
    from tests.fakes.server import FakeProviders

PROVIDER = "deezer"
DEFAULT_LIMIT = 25
EMBEDDED_TRACKS = 25  # /album/{id} embeds only this many tracks
RECORD_TYPES = {"album": "album", "single": "single", "ep": "ep", "compilation": "compile"}
FILTER = re.compile(r'(artist|album|track|label):"([^"]*)"')
SIZE_NAMES = ("small", "medium", "big", "xl")

ROUTES = Map(
    [
        Rule("/search/artist", endpoint="search_artist"),
        Rule("/search/album", endpoint="search_album"),
        Rule("/artist/<entity_id>", endpoint="artist"),
        Rule("/artist/<entity_id>/albums", endpoint="artist_albums"),
        Rule("/album/<entity_id>", endpoint="album"),
        Rule("/album/<entity_id>/tracks", endpoint="album_tracks"),
    ]
)


class _NoData(Exception):
    pass


def handle(fake: FakeProviders, request: Request, path: str) -> Response:
    try:
        endpoint, args = ROUTES.bind("fake").match(path)
    except HTTPException:
        return json_response({"error": "Not Found"}, 404)
    api = _Api(fake, request)
    try:
        return json_response(getattr(api, endpoint)(**args))
    except _NoData:
        # As recorded: an unknown id is HTTP 200 with a "no data" body, except id 0 (404).
        return json_response(DEEZER_NO_DATA, 404 if args.get("entity_id") == "0" else 200)


class _Api:
    def __init__(self, fake: FakeProviders, request: Request):
        self.catalog = fake.catalog
        self.request = request
        self.root = f"{fake.url}/deezer"
        self.base = fake.url

    def search_artist(self) -> dict[str, Any]:
        filters, text = _parse_query(self.request.args.get("q", ""))
        name = filters.get("artist", text)
        pool = self.catalog.artists_on(PROVIDER, name=name.split())
        artists = [a for a in pool if _words_in(name, a.name)]
        artists.sort(key=lambda a: -(a.fans or 0))
        return self._page(artists, "search/artist", self._search_artist)

    def search_album(self) -> dict[str, Any]:
        filters, text = _parse_query(self.request.args.get("q", ""))
        if filters:
            pool = self.catalog.albums_on(
                PROVIDER, title=[filters.get("album", "")], artist=[filters.get("artist", "")]
            )
        else:
            pool = self.catalog.albums_on(PROVIDER, title_or_artist=text.split())
        albums = [al for al in pool if _album_hit(al, filters, text)]
        albums.sort(key=lambda al: -(al.artist.fans or 0))
        return self._page(albums, "search/album", self._search_album)

    def artist(self, entity_id: str) -> dict[str, Any]:
        artist = self._artist(entity_id)
        share = f"https://www.deezer.com/artist/{artist.deezer_id}?utm_source=deezer"
        data = self._artist_ref(artist)
        return {
            **data,
            "share": share,
            "nb_album": len(self._albums(artist)),
            "nb_fan": artist.fans or 0,
            "radio": True,
            "type": "artist",
        }

    def artist_albums(self, entity_id: str) -> dict[str, Any]:
        artist = self._artist(entity_id)
        path = f"artist/{entity_id}/albums"
        return self._page(self._albums(artist), path, self._artist_album)

    def album(self, entity_id: str) -> dict[str, Any]:
        album = self._album(entity_id)
        artist = album.artist
        genre_id = 100 + len(album.genres[0]) if album.genres else 0
        data = self._album_base(album)
        # as recorded: embedded tracks carry no track_position, disk_number or isrc
        embedded = [self._track(album, t, full=False) for t in album.tracks[:EMBEDDED_TRACKS]]
        return {
            "id": data.pop("id"),
            "title": data.pop("title"),
            "upc": f"{album.deezer_id:012d}",
            **data,
            "genre_id": genre_id,
            "genres": {
                "data": [
                    {
                        "id": genre_id,
                        "name": album.genres[0],
                        "picture": f"{self.root}/genre/{genre_id}/image",
                        "type": "genre",
                    }
                ]
                if album.genres
                else []
            },
            "label": "Fake Records",
            "nb_tracks": len(album.tracks),
            "duration": sum(t.duration_ms for t in album.tracks) // 1000,
            "fans": artist.fans or 0,
            "release_date": _date(album),
            "record_type": RECORD_TYPES.get(album.album_type, "album"),
            "available": True,
            "contributors": [
                {**self._artist_ref(artist), "radio": True, "type": "artist", "role": "Main"}
            ],
            "artist": {**self._artist_ref(artist, link=False), "type": "artist"},
            "type": "album",
            "tracks": {"data": embedded},
        }

    def album_tracks(self, entity_id: str) -> dict[str, Any]:
        album = self._album(entity_id)
        return self._page(
            album.tracks,
            f"album/{entity_id}/tracks",
            lambda track: self._track(album, track, full=True),
        )

    # rendering, in the shapes of the recorded responses

    def _artist_ref(self, artist: FakeArtist, *, link: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {"id": artist.deezer_id, "name": artist.name}
        if link:
            data["link"] = f"https://www.deezer.com/artist/{artist.deezer_id}"
        data["picture"] = f"{self.root}/artist/{artist.deezer_id}/image"
        data.update(self._sized("picture", artist.image_paths(PROVIDER)))
        data["tracklist"] = f"{self.root}/artist/{artist.deezer_id}/top?limit=50"
        return data

    def _search_artist(self, artist: FakeArtist) -> dict[str, Any]:
        return {
            **self._artist_ref(artist),
            "nb_album": len(self._albums(artist)),
            "nb_fan": artist.fans or 0,
            "radio": True,
            "type": "artist",
        }

    def _album_base(self, album: FakeAlbum) -> dict[str, Any]:
        did = album.deezer_id
        return {
            "id": did,
            "title": album.title,
            "link": f"https://www.deezer.com/album/{did}",
            "cover": f"{self.root}/album/{did}/image",
            **self._sized("cover", album.image_paths(PROVIDER)),
            "md5_image": album.deezer_md5,
        }

    def _search_album(self, album: FakeAlbum) -> dict[str, Any]:
        return {
            **self._album_base(album),
            "genre_id": 0,
            "nb_tracks": len(album.tracks),
            "record_type": RECORD_TYPES.get(album.album_type, "album"),
            "tracklist": f"{self.root}/album/{album.deezer_id}/tracks",
            "explicit_lyrics": False,
            "artist": {**self._artist_ref(album.artist), "type": "artist"},
            "type": "album",
        }

    def _artist_album(self, album: FakeAlbum) -> dict[str, Any]:
        return {
            **self._album_base(album),
            "genre_id": 0,
            "fans": album.artist.fans or 0,
            "release_date": _date(album),
            "record_type": RECORD_TYPES.get(album.album_type, "album"),
            "tracklist": f"{self.root}/album/{album.deezer_id}/tracks",
            "explicit_lyrics": False,
            "type": "album",
        }

    def _track(self, album: FakeAlbum, track: FakeTrack, *, full: bool) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": track.deezer_id,
            "readable": True,
            "title": track.title,
            "title_short": track.title,
            "title_version": "",
        }
        if full:
            data["isrc"] = track.isrc
        data["link"] = f"https://www.deezer.com/track/{track.deezer_id}"
        data["duration"] = track.duration_ms // 1000
        if full:
            data["track_position"] = track.number
            data["disk_number"] = 1
        data.update(
            {
                "rank": 100000,
                "explicit_lyrics": False,
                "explicit_content_lyrics": 0,
                "explicit_content_cover": 0,
                "preview": "",
                "artist": {
                    "id": album.artist.deezer_id,
                    "name": album.artist.name,
                    "tracklist": f"{self.root}/artist/{album.artist.deezer_id}/top?limit=50",
                    "type": "artist",
                },
                "type": "track",
            }
        )
        return data

    def _sized(self, prefix: str, paths_largest_first: list[str]) -> dict[str, str]:
        by_size = dict(
            zip(sorted(DEEZER_IMAGE_SIZES, reverse=True), paths_largest_first, strict=False)
        )
        return {
            f"{prefix}_{name}": f"{self.base}{by_size[size]}"
            for name, size in zip(SIZE_NAMES, DEEZER_IMAGE_SIZES, strict=True)
            if size in by_size
        }

    # helpers

    def _page(self, items: list[Any], path: str, render: Any) -> dict[str, Any]:
        try:
            index = int(self.request.args.get("index", 0))
            limit = int(self.request.args.get("limit", DEFAULT_LIMIT))
        except ValueError:
            index, limit = 0, DEFAULT_LIMIT
        params = {k: v for k, v in self.request.args.items() if k not in ("index",)}
        url = f"{self.root}/{path}"
        page: dict[str, Any] = {
            "data": [render(i) for i in items[index : index + limit]],
            "total": len(items),
        }
        if index > 0:
            page["prev"] = with_query(url, {**params, "index": max(0, index - limit)})
        if index + limit < len(items):
            page["next"] = with_query(url, {**params, "index": index + limit})
        return page

    def _albums(self, artist: FakeArtist) -> list[FakeAlbum]:
        return [album for album in artist.albums if PROVIDER in album.providers]

    def _artist(self, entity_id: str) -> FakeArtist:
        artist = self.catalog.find_artist(PROVIDER, entity_id)
        if artist is None:
            raise _NoData
        return artist

    def _album(self, entity_id: str) -> FakeAlbum:
        album = self.catalog.find_album(PROVIDER, entity_id)
        if album is None:
            raise _NoData
        return album


def _date(album: FakeAlbum) -> str:
    """Deezer always sends a full date; "0000-00-00" when it has none."""
    date = album.release_date
    if not date:
        return "0000-00-00"
    return (date + "-01-01")[:10] if len(date) == 4 else (date + "-01")[:10]


def _parse_query(query: str) -> tuple[dict[str, str], str]:
    """Filters and free text; once a filter is present Deezer drops the unquoted words."""
    filters = {m[1]: m[2] for m in FILTER.finditer(query)}
    return filters, "" if filters else query.strip()


def _album_hit(album: FakeAlbum, filters: dict[str, str], text: str) -> bool:
    if filters:
        return casefold_in(filters.get("artist", ""), album.artist.name) and casefold_in(
            filters.get("album", ""), album.title
        )
    return _words_in(text, f"{album.artist.name} {album.title}")


def _words_in(text: str, haystack: str) -> bool:
    words = text.split()
    return bool(words) and all(casefold_in(word, haystack) for word in words)
