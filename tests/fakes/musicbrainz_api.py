"""The fake MusicBrainz web service (fmt=json) and Cover Art Archive."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from tests.fakes.catalog import FakeAlbum, FakeArtist, FakeUrlRelation, musicbrainz_id
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
#: As recorded; other secondary types get a made-up id.
SECONDARY_TYPE_IDS = {
    "Compilation": "dd2a21e1-0c00-3729-a7a0-de60b84eb5d1",
    "DJ-mix": "0d47f47a-3fe5-3d69-ac9d-d566c23968bf",
    "Mixtape/Street": "15c1b1f5-d893-3375-a1db-e180c5ae15ed",
    "Remix": "0c60f497-ff81-3818-befd-abfc84a4858b",
    "Demo": "81598169-0d6c-3bce-b4be-866fa658eda3",
    "Live": "6fd474e2-6b58-3102-9d17-d6f7eb7da0a0",
}
#: Link types of url relations (artist-url and release-url "free streaming", as recorded and
#: in musicbrainz-server's link_type table); other types get a made-up id.
LINK_TYPE_IDS = {
    ("artist", "free streaming"): "769085a1-c2f7-4c24-a532-2375a77693bd",
    ("release", "free streaming"): "08445ccf-7b99-4438-9f9a-fb9ac18099ee",
}
#: Release values as in the recorded release lookups.
OFFICIAL_STATUS_ID = "4e304316-386d-3409-af2e-78857eec5cfe"
EUROPE = {
    "id": "89a675c2-3e37-3518-b83c-418bad59a85a",
    "name": "Europe",
    "sort-name": "Europe",
    "disambiguation": "",
    "iso-3166-1-codes": ["XE"],
    "type": None,
    "type-id": None,
}
#: A look-up embeds at most this many linked entities (browse for the rest).
LOOKUP_PAGE = 25
#: The inc values the web service accepts per request (musicbrainz-server's WS/2 definitions);
#: any other answers 400. `*-rels` are accepted everywhere; searches ignore inc.
_TAGS = ("annotation", "tags", "user-tags", "genres", "user-genres", "ratings", "user-ratings")
VALID_INC = {
    "artist": frozenset(
        ("recordings", "releases", "release-groups", "works", "aliases", "various-artists") + _TAGS
    ),
    "release_group": frozenset(("artists", "releases", "artist-credits", "aliases") + _TAGS),
    "release_groups": frozenset(("aliases", "artist-credits") + _TAGS),  # the browse
    "releases": frozenset(  # the browse
        ("aliases", "artist-credits", "labels", "recordings", "discids", "release-groups")
        + ("media", "annotation")
        + _TAGS
    ),
}
RESOURCES = {"artist": "artist", "release_group": "release-group", "releases": "release"}

ROUTES = Map(
    [
        Rule("/ws/2/artist", endpoint="artist_search"),
        Rule("/ws/2/artist/<mbid>", endpoint="artist"),
        Rule("/ws/2/release-group", endpoint="release_groups"),
        Rule("/ws/2/release-group/<mbid>", endpoint="release_group"),
        Rule("/ws/2/release", endpoint="releases"),
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
    invalid = _invalid_inc(endpoint, api.inc, browse="artist" in request.args)
    if invalid:
        resource = RESOURCES.get(endpoint, "release-group")
        message = f"{invalid} is not a valid inc parameter for the {resource} resource."
        help_text = "For usage, please see: https://musicbrainz.org/development/mmd"
        return json_response({"error": message, "help": help_text}, 400)
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
        self.inc = set(request.args.get("inc", "").replace(" ", "+").split("+")) - {""}

    def artist_search(self) -> dict[str, Any]:
        terms = _parse_query(self.args.get("query", ""))
        # only an artist whose name or an alias holds its term can score
        pool: dict[int, FakeArtist] = {}
        if "artist" in terms:
            found = self.catalog.artists_on(PROVIDER, name=[terms["artist"]])
            pool.update((artist.seq, artist) for artist in found)
        if "alias" in terms:
            found = self.catalog.artists_on(PROVIDER, alias=[terms["alias"]])
            pool.update((artist.seq, artist) for artist in found)
        hits = []
        for _, artist in sorted(pool.items()):  # in catalog order
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
        data.update(self._votes(artist.genres))
        data.update(self._relations("artist", artist.url_relations))
        if "release-groups" in self.inc:  # a look-up embeds one page, as browse items
            groups = [album for album in artist.albums if PROVIDER in album.providers]
            data["release-groups"] = [self._group(album) for album in groups[:LOOKUP_PAGE]]
        return data

    def release_groups(self) -> dict[str, Any]:
        if "artist" in self.args:
            return self._browse(self.args["artist"])
        terms = _parse_query(self.args.get("query", ""))
        hits = []
        title = terms.get("releasegroup")
        # only an album whose title (and artist's name) holds the terms can score
        pool = (
            self.catalog.albums_on(
                PROVIDER, title=[title], artist=[terms["artist"]] if "artist" in terms else []
            )
            if title is not None
            else []
        )
        for album in pool:
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
        return {**self._group(album), **self._relations("release_group", [])}

    def releases(self) -> dict[str, Any]:
        """The browse by release group; each catalog album has one release."""
        mbid = self.args.get("release-group")
        if mbid is None:
            raise ValueError("this fake browses releases by release-group only")
        album = self.catalog.find_album(PROVIDER, mbid)
        if album is None or album.mbid != mbid:
            raise _NotFound
        limit = min(int(self.args.get("limit", 25)), BROWSE_MAX)
        offset = int(self.args.get("offset", 0))
        releases = [self._release(album)]
        return {
            "release-count": len(releases),
            "release-offset": offset,
            "releases": releases[offset : offset + limit],
        }

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
        if artist.genres:  # search hits always carry tags, in no particular order
            data["tags"] = _tags(artist.genres)
        return data

    def _group(self, album: FakeAlbum, *, hit: bool = False) -> dict[str, Any]:
        secondary = list(album.secondary_types)
        if album.album_type == "compilation" and "Compilation" not in secondary:
            secondary.insert(0, "Compilation")
        data: dict[str, Any] = {
            "id": album.mbid,
            "title": album.title,
            "first-release-date": album.release_date or "",
            "primary-type": PRIMARY_TYPES.get(album.album_type, "Album"),
            "primary-type-id": ALBUM_TYPE_ID,
            "secondary-types": secondary,
            "secondary-type-ids": [_secondary_type_id(name) for name in secondary],
            "disambiguation": "",
        }
        if hit or "artist-credits" in self.inc:
            data["artist-credit"] = [_credit(album.artist)]
        if hit:
            if album.genres:
                data["tags"] = _tags(album.genres)
        else:
            data.update(self._votes(album.genres))
        return data

    def _group_hit(self, score: int, album: FakeAlbum) -> dict[str, Any]:
        data = self._group(album, hit=True)
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

    def _release(self, album: FakeAlbum) -> dict[str, Any]:
        """A release in the shape of the recorded release lookups."""
        data: dict[str, Any] = {
            "id": album.release_mbid,
            "title": album.title,
            "status": "Official",
            "status-id": OFFICIAL_STATUS_ID,
            "disambiguation": "",
            "packaging": None,
            "packaging-id": None,
            "barcode": None,
            "asin": None,
            "quality": "normal",
            "text-representation": {"language": "eng", "script": "Latn"},
            "cover-art-archive": {
                "artwork": album.image,
                "count": 1 if album.image else 0,
                "front": album.image,
                "back": False,
                "darkened": False,
            },
            "release-events": [],
        }
        if album.release_date:
            data.update(country="XE", date=album.release_date)
            data["release-events"] = [{"date": album.release_date, "area": EUROPE}]
        if "artist-credits" in self.inc:
            data["artist-credit"] = [_credit(album.artist)]
        data.update(self._votes(album.genres))
        data.update(self._relations("release", album.url_relations))
        return data

    def _relations(self, entity: str, urls: list[FakeUrlRelation]) -> dict[str, Any]:
        """`relations` when inc asks for any (empty but for url-rels: the fake has no others)."""
        if not any(value.endswith("-rels") for value in self.inc):
            return {}
        wanted = urls if "url-rels" in self.inc else []
        return {"relations": [_url_relation(entity, relation) for relation in wanted]}

    def _votes(self, genres: tuple[str, ...]) -> dict[str, Any]:
        """`genres` and `tags` of a lookup or browse, as inc asks, sorted by name as sent."""
        votes: dict[str, Any] = {}
        if "genres" in self.inc:
            votes["genres"] = sorted(
                (
                    {
                        "count": tag["count"],
                        "disambiguation": "",
                        "id": musicbrainz_id("genre", tag["name"]),
                        "name": tag["name"],
                    }
                    for tag in _tags(genres)
                ),
                key=lambda genre: genre["name"],
            )
        if "tags" in self.inc:
            votes["tags"] = sorted(_tags(genres), key=lambda tag: tag["name"])
        return votes

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


def _invalid_inc(endpoint: str, inc: set[str], *, browse: bool) -> str | None:
    """The first inc value the web service would refuse for this request, if any."""
    if endpoint == "artist_search" or (endpoint == "release_groups" and not browse):
        return None
    valid = VALID_INC[endpoint]
    return next((v for v in sorted(inc) if v not in valid and not v.endswith("-rels")), None)


def _tags(genres: tuple[str, ...]) -> list[dict[str, Any]]:
    """Votes for the catalog's genres: the first (the artist's main genre) has the most."""
    return [{"count": len(genres) - n, "name": name} for n, name in enumerate(genres)]


def _secondary_type_id(name: str) -> str:
    return SECONDARY_TYPE_IDS.get(name) or musicbrainz_id("secondary-type", name)


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


def _url_relation(entity: str, relation: FakeUrlRelation) -> dict[str, Any]:
    """A url relation with every key of the recorded ones."""
    kind = relation.relation_type
    return {
        "type": kind,
        "type-id": LINK_TYPE_IDS.get((entity, kind)) or musicbrainz_id("link-type", kind),
        "target-type": "url",
        "direction": "forward",
        "begin": None,
        "end": None,
        "ended": relation.ended,
        "attributes": [],
        "attribute-ids": {},
        "attribute-values": {},
        "source-credit": "",
        "target-credit": "",
        "url": {"id": musicbrainz_id("url", relation.url), "resource": relation.url},
    }


def _credit(artist: FakeArtist) -> dict[str, Any]:
    ref: dict[str, Any] = {"id": artist.mbid, "name": artist.name, "sort-name": artist.name}
    if artist.disambiguation:
        ref["disambiguation"] = artist.disambiguation
    return {"name": artist.name, "joinphrase": "", "artist": ref}
