"""Deezer API JSON to provider-neutral results, including Deezer's in-body errors."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from soulspot.providers.dates import clean_date, date_precision, release_year
from soulspot.providers.errors import BadResponse, ProviderNotFound, RateLimited, Unavailable
from soulspot.providers.statuses import TransientError
from soulspot.providers.types import AlbumInfo, ArtistInfo, ImageRef, TrackInfo

PROVIDER = "deezer"

T = TypeVar("T")

QUOTA_EXCEEDED = 4
SERVICE_BUSY = 700
NO_DATA = 800
#: Deezer's quota is 50 requests per 5 seconds: after a quota error the window is this long.
QUOTA_WINDOW = 5.0
IMAGE_SIZES = (("small", 56), ("medium", 250), ("big", 500), ("xl", 1000))
#: Entities without a picture get CDN URLs with an empty hash: ".../images/artist//500x500-...".
PLACEHOLDER = re.compile(r"/images/[a-z]+//")
RECORD_TYPES = {"compile": "compilation"}


def checked(data: Any) -> Any:
    """The document itself, unless it is one of Deezer's HTTP 200 error bodies."""
    if not isinstance(data, dict) or "error" not in data:
        return data
    error = data["error"]
    code = error.get("code") if isinstance(error, dict) else None
    message = f"deezer: {_describe_error(error)}"
    if code == QUOTA_EXCEEDED:
        limited = RateLimited(QUOTA_WINDOW, message, provider=PROVIDER, status=None)
        raise TransientError(limited)
    if code == SERVICE_BUSY:
        raise TransientError(Unavailable(message, provider=PROVIDER))
    if code == NO_DATA:
        raise ProviderNotFound(message, provider=PROVIDER)
    raise BadResponse(message, provider=PROVIDER)


def _describe_error(error: Any) -> str:
    """An in-body error as text, "error 800: DataException: no data", from the parts it has."""
    if not isinstance(error, dict):
        return str(error)
    code = error.get("code")
    parts = [f"error {code}"] if code is not None else []
    parts += [str(error[key]) for key in ("type", "message") if error.get(key)]
    return ": ".join(parts) or f"error {error}"


def parse_images(data: dict[str, Any], prefix: str) -> tuple[ImageRef, ...]:
    """The sized variants of `picture_*` or `cover_*`, without Deezer's placeholders."""
    images = []
    for suffix, size in IMAGE_SIZES:
        url = data.get(f"{prefix}_{suffix}")
        if url and not PLACEHOLDER.search(url):
            images.append(ImageRef(url=url, width=size, height=size))
    return tuple(images)


def parse_artist(data: dict[str, Any]) -> ArtistInfo:
    return ArtistInfo(
        provider=PROVIDER,
        id=str(data["id"]),
        name=data["name"],
        uri=data.get("link"),
        fans=data.get("nb_fan"),
        images=parse_images(data, "picture"),
    )


def parse_track(data: dict[str, Any]) -> TrackInfo:
    duration = data.get("duration")
    artist = data.get("artist") or {}
    return TrackInfo(
        provider=PROVIDER,
        id=str(data["id"]),
        title=data["title"],
        uri=data.get("link"),
        artists=(artist["name"],) if artist.get("name") else (),
        track_number=data.get("track_position"),
        disc_number=data.get("disk_number"),
        duration_ms=int(duration) * 1000 if duration is not None else None,
        isrc=data.get("isrc"),
    )


def parse_album(data: dict[str, Any]) -> AlbumInfo:
    """An album from a lookup, a search or an artist's album list (fewer fields there)."""
    credited = [c for c in data.get("contributors") or () if c.get("role") == "Main"]
    if not credited and data.get("artist"):
        credited = [data["artist"]]
    date = clean_date(data.get("release_date"))
    record_type = data.get("record_type")
    genres = (data.get("genres") or {}).get("data") or ()
    tracks = (data.get("tracks") or {}).get("data") or ()
    return AlbumInfo(
        provider=PROVIDER,
        id=str(data["id"]),
        title=data["title"],
        uri=data.get("link"),
        artists=tuple(artist["name"] for artist in credited),
        artist_ids=tuple(str(artist["id"]) for artist in credited if artist.get("id")),
        release_date=date,
        release_date_precision=date_precision(date),
        year=release_year(date),
        album_type=RECORD_TYPES.get(record_type, record_type) if record_type else None,
        total_tracks=data.get("nb_tracks"),
        genres=tuple(genre["name"] for genre in genres),
        images=parse_images(data, "cover"),
        tracks=tuple(parse_track(track) for track in tracks),
    )


def parse_page(data: Any, parse_item: Callable[[dict[str, Any]], T]) -> tuple[list[T], str | None]:
    """The items and the next-page URL of a list answer (`data`, `total`, `next`)."""
    page = checked(data)
    return [parse_item(item) for item in page["data"]], page.get("next")
