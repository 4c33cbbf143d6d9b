"""The fake MusicBrainz web service (fmt=json) and Cover Art Archive."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from tests.fakes.catalog import FakeAlbum, FakeArtist
from tests.fakes.responses import json_response

if TYPE_CHECKING:
    from tests.fakes.server import FakeProviders

PROVIDER = "musicbrainz"
BROWSE_MAX = 100
GROUP_TYPE_ID = "e431f5f6-b5d2-343d-8b36-72607fffb74b"
ALBUM_TYPE_ID = "f529b476-6e62-324f-b0aa-1f3e33d313fc"
PRIMARY_TYPES = {"album": "Album", "single": "Single", "ep": "EP", "compilation": "Album"}
TERM = re.compile(r'(\w[\w-]*):"((?:[^"\\]|\\.)*)"')
ESCAPED = re.compile(r"\\(.)")
CREATED = "2026-11-20T10:12:31.482Z"

ROUTES = Map(
    [
        Rule("/ws/2/artist", endpoint="artist_search"),
        Rule("/ws/2/artist/<mbid>", endpoint="artist"),
        Rule("/ws/2/release-group", endpoint="release_groups"),
        Rule("/ws/2/release-group/<mbid>", endpoint="release_group"),
    ]
)
CAA_ROUTES = Map(
    [
        Rule("/release-group/<mbid>/<front>", endpoint="release-group"),
        Rule("/release/<mbid>/<front>", endpoint="release"),
    ]
)


class _NotFound(Exception):
    pass


def handle(fake: FakeProviders, request: Request, path: str) -> Response:
    try:
        endpoint, args = ROUTES.bind("fake").match(path)
    except HTTPException:
        return json_response({"error": "Not Found"}, 404)
    if request.args.get("fmt") != "json":
        return json_response({"error": "this fake serves fmt=json only"}, 400)
    api = _Api(fake, request)
    try:
        return json_response(getattr(api, endpoint)(**args))
    except _NotFound:
        return json_response({"error": "Not Found"}, 404)
    except ValueError as exc:
        return json_response({"error": str(exc)}, 400)


def handle_coverart(fake: FakeProviders, request: Request, path: str) -> Response:
    """307 to the image on the CDN, 404 when the release (group) has no front image."""
    try:
        entity, args = CAA_ROUTES.bind("fake").match(path)
    except HTTPException:
        return Response("Not Found", status=404, content_type="text/plain")
    album = fake.catalog.find_album(PROVIDER, args["mbid"])
    front = args["front"]
    size = front.removeprefix("front-") if front.startswith("front-") else None
    if album is None or not album.image or not (front == "front" or size in ("250", "500", "1200")):
        return Response("Not Found", status=404, content_type="text/plain")
    suffix = f"-{size}" if size else ""
    location = f"{fake.url}/cdn/caa/{album.mbid}{suffix}.jpg"
    return Response("See: " + location, status=307, headers={"Location": location})


class _Api:
    def __init__(self, fake: FakeProviders, request: Request):
        self.catalog = fake.catalog
        self.args = request.args
        self.inc = set(request.args.get("inc", "").replace(" ", "+").split("+"))

    def artist_search(self) -> dict[str, Any]:
        terms = _parse_query(self.args.get("query", ""))
        hits = []
        for artist in self.catalog.artists_on(PROVIDER):
            # as on MusicBrainz: `artist:` searches names, `alias:` the aliases
            score = max(
                _score(terms.get("artist"), [artist.name]),
                _score(terms.get("alias"), artist.aliases),
            )
            if score:
                hits.append((score, artist))
        return self._search("artists", hits, self._artist_hit)

    def artist(self, mbid: str) -> dict[str, Any]:
        artist = self.catalog.find_artist(PROVIDER, mbid)
        if artist is None:
            raise _NotFound
        data = self._artist_core(artist)
        data["disambiguation"] = artist.disambiguation or ""
        if "aliases" in self.inc:
            data["aliases"] = [_alias(name) for name in artist.aliases]
        return data

    def release_groups(self) -> dict[str, Any]:
        if "artist" in self.args:
            return self._browse(self.args["artist"])
        terms = _parse_query(self.args.get("query", ""))
        hits = []
        for album in self.catalog.albums_on(PROVIDER):
            score = _score(terms.get("releasegroup"), [album.title])
            if score and "artist" in terms:
                score = min(score, _score(terms["artist"], [album.artist.name]))
            if score:
                hits.append((score, album))
        return self._search("release-groups", hits, self._group_hit)

    def release_group(self, mbid: str) -> dict[str, Any]:
        album = self.catalog.find_album(PROVIDER, mbid)
        if album is None or album.mbid != mbid:
            raise _NotFound
        return self._group(album)

    # rendering, in the shapes of the recorded lookups and synthesized searches

    def _artist_core(self, artist: FakeArtist) -> dict[str, Any]:
        return {
            "id": artist.mbid,
            "type": "Group",
            "type-id": GROUP_TYPE_ID,
            "name": artist.name,
            "sort-name": artist.name,
            "life-span": {"ended": None},
        }

    def _artist_hit(self, score: int, artist: FakeArtist) -> dict[str, Any]:
        data = self._artist_core(artist)
        data = {
            "id": data.pop("id"),
            "type": data.pop("type"),
            "type-id": data.pop("type-id"),
            "score": score,
            **data,
        }
        if artist.disambiguation:  # search hits leave it out when empty
            data["disambiguation"] = artist.disambiguation
        if artist.aliases:
            data["aliases"] = [_alias(name) for name in artist.aliases]
        if artist.genres:
            data["tags"] = [{"count": 1, "name": genre} for genre in artist.genres]
        return data

    def _group(self, album: FakeAlbum, *, credit: bool | None = None) -> dict[str, Any]:
        secondary = ["Compilation"] if album.album_type == "compilation" else []
        data: dict[str, Any] = {
            "id": album.mbid,
            "title": album.title,
            "first-release-date": album.release_date or "",
            "primary-type": PRIMARY_TYPES.get(album.album_type, "Album"),
            "primary-type-id": ALBUM_TYPE_ID,
            "secondary-types": secondary,
            "secondary-type-ids": [],
            "disambiguation": "",
        }
        if credit if credit is not None else "artist-credits" in self.inc:
            data["artist-credit"] = [_credit(album.artist)]
        return data

    def _group_hit(self, score: int, album: FakeAlbum) -> dict[str, Any]:
        data = self._group(album, credit=True)
        data.pop("disambiguation")
        release = {"id": album.release_mbid, "title": album.title, "status": "Official"}
        return {
            "id": data.pop("id"),
            "type-id": ALBUM_TYPE_ID,
            "score": score,
            "count": 1,
            **data,
            "releases": [release],
        }

    def _search(self, key: str, hits: list[tuple[int, Any]], render: Any) -> dict[str, Any]:
        hits.sort(key=lambda hit: -hit[0])
        limit = min(int(self.args.get("limit", 25)), BROWSE_MAX)
        offset = int(self.args.get("offset", 0))
        return {
            "created": CREATED,
            "count": len(hits),
            "offset": offset,
            key: [render(score, item) for score, item in hits[offset : offset + limit]],
        }

    def _browse(self, mbid: str) -> dict[str, Any]:
        artist = self.catalog.find_artist(PROVIDER, mbid)
        if artist is None:
            raise _NotFound
        groups = [album for album in artist.albums if PROVIDER in album.providers]
        limit = min(int(self.args.get("limit", 25)), BROWSE_MAX)
        offset = int(self.args.get("offset", 0))
        return {
            "release-group-count": len(groups),
            "release-group-offset": offset,
            "release-groups": [self._group(album) for album in groups[offset : offset + limit]],
        }


def _parse_query(query: str) -> dict[str, str]:
    """Lucene-ish: field:"phrase" terms joined by AND, with backslash escapes."""
    terms = {m[1].replace("-", ""): ESCAPED.sub(r"\1", m[2]) for m in TERM.finditer(query)}
    if not terms and query.strip():
        raise ValueError('this fake understands only field:"phrase" queries')
    return terms


def _score(wanted: str | None, names: list[str]) -> int:
    """100 for an exact (casefolded) match, 80 for a substring, else 0."""
    if wanted is None:
        return 0
    folded = [name.casefold() for name in names]
    if wanted.casefold() in folded:
        return 100
    return 80 if any(wanted.casefold() in name for name in folded) else 0


def _alias(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "sort-name": name,
        "type": None,
        "primary": None,
        "locale": None,
        "begin": None,
        "end": None,
        "ended": False,
        "type-id": None,
    }


def _credit(artist: FakeArtist) -> dict[str, Any]:
    ref: dict[str, Any] = {"id": artist.mbid, "name": artist.name, "sort-name": artist.name}
    if artist.disambiguation:
        ref["disambiguation"] = artist.disambiguation
    return {"name": artist.name, "joinphrase": "", "artist": ref}
