"""MusicBrainz web service JSON (fmt=json) to provider-neutral results."""

from __future__ import annotations

from typing import Any

from soulspot.providers.dates import clean_date, date_precision, release_year
from soulspot.providers.types import AlbumInfo, ArtistInfo

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


def parse_artist(data: dict[str, Any]) -> ArtistInfo:
    """An artist from a lookup (inc=aliases+genres) or a search hit (score, tags)."""
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
    )


def album_type(data: dict[str, Any]) -> str | None:
    """The primary type in lower case, except that a compilation is a "compilation"."""
    if "Compilation" in (data.get("secondary-types") or ()):
        return "compilation"
    primary = data.get("primary-type")
    return primary.lower() if primary else None


def parse_release_group(data: dict[str, Any]) -> AlbumInfo:
    """A release group from a lookup, a search hit or a browse page."""
    credits = [credit for credit in data.get("artist-credit") or () if "artist" in credit]
    date = clean_date(data.get("first-release-date"))
    return AlbumInfo(
        provider=PROVIDER,
        id=data["id"],
        title=data["title"],
        uri=f"{SITE}/release-group/{data['id']}",
        artists=tuple(credit.get("name") or credit["artist"]["name"] for credit in credits),
        artist_ids=tuple(credit["artist"]["id"] for credit in credits),
        release_date=date,
        release_date_precision=date_precision(date),
        year=release_year(date),
        album_type=album_type(data),
        secondary_types=tuple(data.get("secondary-types") or ()),
        genres=parse_genres(data),
        disambiguation=data.get("disambiguation") or None,
        score=parse_score(data.get("score")),
    )


def parse_search(data: dict[str, Any], key: str) -> list[Any]:
    """Hits of an artist (`key="artists"`) or release-group (`"release-groups"`) search."""
    parse = parse_artist if key == "artists" else parse_release_group
    return [parse(item) for item in data[key]]


def parse_browse(data: dict[str, Any]) -> tuple[list[AlbumInfo], int]:
    """One page of an artist's release groups and the total count."""
    groups = [parse_release_group(item) for item in data["release-groups"]]
    return groups, int(data["release-group-count"])
