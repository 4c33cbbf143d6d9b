"""MusicBrainz web service JSON (fmt=json) to provider-neutral results."""

from __future__ import annotations

from typing import Any

from soulspot.providers.dates import clean_date, date_precision, release_year
from soulspot.providers.links import parse_link
from soulspot.providers.types import AlbumInfo, ArtistInfo, ExternalLink, LinkKind

PROVIDER = "musicbrainz"
SITE = "https://musicbrainz.org"


def parse_score(value: Any) -> int | None:
    """Search relevance 0..100; the web service sends it as an int or as a string."""
    if value is None or value == "":
        return None
    return int(value)


def _names(items: list[dict[str, Any]] | None) -> tuple[str, ...]:
    return tuple(item["name"] for item in items or () if item.get("name"))


def parse_genres(data: dict[str, Any]) -> tuple[str, ...]:
    """`genres` (lookups and browses with inc=genres), else `tags` (search hits), most votes first.

    A count of 0 or less is a tag voted down; the web service itself leaves those out now.
    """
    voted = [
        item
        for item in data.get("genres") or data.get("tags") or ()
        if item.get("name") and (item.get("count") is None or item["count"] > 0)
    ]
    voted.sort(key=lambda item: -(item.get("count") or 0))
    return tuple(item["name"] for item in voted)


def parse_links(data: dict[str, Any], kind: LinkKind) -> tuple[ExternalLink, ...]:
    """The Spotify/Deezer pages of `kind` among the url relations (inc=url-rels), in order.

    The relation type is not read: the same link type was "streaming music" and is "free
    streaming" now; the URL itself says what it is. An ended relation (MusicBrainz's mark
    that the page no longer stands for the entity) is left out, and so is a second link to
    the same id (http and https, a locale path).
    """
    links: dict[tuple[str, str], ExternalLink] = {}
    for relation in data.get("relations") or ():
        url = relation.get("url")
        if relation.get("ended") or not isinstance(url, dict):
            continue  # not a url relation (artist, label, ...) or not current
        link = parse_link(url.get("resource") or "")
        if link is not None and link.kind == kind:
            links.setdefault((link.provider, link.id), link)
    return tuple(links.values())


def parse_artist(data: dict[str, Any]) -> ArtistInfo:
    """An artist from a lookup (aliases, genres, url-rels, release groups) or a search hit."""
    return ArtistInfo(
        provider=PROVIDER,
        id=data["id"],
        name=data["name"],
        uri=f"{SITE}/artist/{data['id']}",
        sort_name=data.get("sort-name"),
        genres=parse_genres(data),
        disambiguation=data.get("disambiguation") or None,
        aliases=_names(data.get("aliases")),
        score=parse_score(data.get("score")),
        links=parse_links(data, "artist"),
        albums=tuple(parse_release_group(group) for group in data.get("release-groups") or ()),
    )


def album_type(data: dict[str, Any]) -> str | None:
    """The primary type in lower case, except that a compilation is a "compilation"."""
    if "Compilation" in (data.get("secondary-types") or ()):
        return "compilation"
    primary = data.get("primary-type")
    return primary.lower() if primary else None


def _credited(data: dict[str, Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The credited names and artist ids of an artist credit (inc=artist-credits)."""
    credits = [credit for credit in data.get("artist-credit") or () if "artist" in credit]
    names = tuple(credit.get("name") or credit["artist"]["name"] for credit in credits)
    return names, tuple(credit["artist"]["id"] for credit in credits)


def parse_release_group(data: dict[str, Any]) -> AlbumInfo:
    """A release group from a lookup, a search hit or a browse page."""
    return _album(data, "release-group", data.get("first-release-date"), typed=data)


def parse_release(data: dict[str, Any]) -> AlbumInfo:
    """A release from a lookup or a browse page; inc=url-rels adds its Spotify/Deezer links.

    The type comes from the embedded release group, when the request asked for it.
    """
    return _album(data, "release", data.get("date"), typed=data.get("release-group") or {})


def _album(data: dict[str, Any], entity: str, raw_date: Any, *, typed: dict[str, Any]) -> AlbumInfo:
    """What release groups and releases share; `typed` holds the primary/secondary types."""
    artists, artist_ids = _credited(data)
    date = clean_date(raw_date)
    return AlbumInfo(
        provider=PROVIDER,
        id=data["id"],
        title=data["title"],
        uri=f"{SITE}/{entity}/{data['id']}",
        artists=artists,
        artist_ids=artist_ids,
        release_date=date,
        release_date_precision=date_precision(date),
        year=release_year(date),
        album_type=album_type(typed),
        secondary_types=tuple(typed.get("secondary-types") or ()),
        genres=parse_genres(data),
        disambiguation=data.get("disambiguation") or None,
        score=parse_score(data.get("score")),
        links=parse_links(data, "album"),
    )


def parse_search(data: dict[str, Any], key: str) -> list[Any]:
    """Hits of an artist (`key="artists"`) or release-group (`"release-groups"`) search."""
    parse = parse_artist if key == "artists" else parse_release_group
    return [parse(item) for item in data[key]]


def parse_browse(data: dict[str, Any], key: str = "release-groups") -> tuple[list[AlbumInfo], int]:
    """One browse page of release groups (`key="release-groups"`) or releases (`"releases"`)
    and the total count."""
    parse = parse_release_group if key == "release-groups" else parse_release
    items = [parse(item) for item in data[key]]
    return items, int(data[f"{key.removesuffix('s')}-count"])
