"""Spotify Web API JSON to provider-neutral results."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from soulspot.providers.dates import clean_date, date_precision, release_year
from soulspot.providers.types import AlbumInfo, ArtistInfo, ImageRef, TrackInfo

PROVIDER = "spotify"

T = TypeVar("T")


def parse_images(items: list[dict[str, Any]] | None) -> tuple[ImageRef, ...]:
    return tuple(
        ImageRef(url=item["url"], width=item.get("width"), height=item.get("height"))
        for item in items or ()
        if item.get("url")
    )


def parse_artist(data: dict[str, Any]) -> ArtistInfo:
    """A full or simplified artist object; popularity and followers may be absent."""
    followers = data.get("followers") or {}
    return ArtistInfo(
        provider=PROVIDER,
        id=data["id"],
        name=data["name"],
        uri=data.get("uri"),
        genres=tuple(data.get("genres") or ()),
        popularity=data.get("popularity"),
        fans=followers.get("total"),
        images=parse_images(data.get("images")),
    )


def parse_track(data: dict[str, Any]) -> TrackInfo:
    return TrackInfo(
        provider=PROVIDER,
        id=data["id"],
        title=data["name"],
        uri=data.get("uri"),
        artists=tuple(artist["name"] for artist in data.get("artists") or ()),
        track_number=data.get("track_number"),
        disc_number=data.get("disc_number"),
        duration_ms=data.get("duration_ms"),
        isrc=(data.get("external_ids") or {}).get("isrc"),
    )


def parse_album(data: dict[str, Any]) -> AlbumInfo:
    """A full or simplified album; a full one carries the first page of its tracks."""
    artists = data.get("artists") or ()
    date = clean_date(data.get("release_date"))
    tracks = (data.get("tracks") or {}).get("items") or ()
    return AlbumInfo(
        provider=PROVIDER,
        id=data["id"],
        title=data["name"],
        uri=data.get("uri"),
        artists=tuple(artist["name"] for artist in artists),
        artist_ids=tuple(artist["id"] for artist in artists if artist.get("id")),
        release_date=date,
        release_date_precision=data.get("release_date_precision") or date_precision(date),
        year=release_year(date),
        album_type=(data.get("album_type") or "").lower() or None,
        total_tracks=data.get("total_tracks"),
        genres=tuple(data.get("genres") or ()),
        popularity=data.get("popularity"),
        images=parse_images(data.get("images")),
        tracks=tuple(parse_track(track) for track in tracks if track),
    )


def parse_page(
    data: dict[str, Any], parse_item: Callable[[dict[str, Any]], T], key: str | None = None
) -> tuple[list[T], str | None]:
    """The items and the next-page URL of a paging object (under `key` in search answers)."""
    page = data[key] if key else data
    return [parse_item(item) for item in page["items"] if item], page.get("next")
