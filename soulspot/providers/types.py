"""Provider-neutral results returned by every provider client."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

#: The providers and kinds an ExternalLink names (the values of ProviderKind and EntityKind).
LinkProvider = Literal["spotify", "deezer"]
LinkKind = Literal["artist", "album"]


@dataclass(frozen=True)
class ImageRef:
    """One image a provider offers; sizes are None when the provider does not say."""

    url: str
    width: int | None = None
    height: int | None = None


def largest_image(images: tuple[ImageRef, ...]) -> ImageRef | None:
    """The biggest image of a list (unknown sizes count as 0), or None when there is none."""
    if not images:
        return None
    return max(images, key=lambda image: (image.width or 0) * (image.height or 0))


@dataclass(frozen=True)
class ExternalLink:
    """A Spotify or Deezer page of an artist or album, as another provider (MusicBrainz) links it.

    `id` is the provider's own id (22 base62 characters on Spotify, digits on Deezer); `url`
    is the link as sent.
    """

    provider: LinkProvider
    kind: LinkKind
    id: str
    url: str


@dataclass(frozen=True)
class TrackInfo:
    """A track as a provider describes it."""

    provider: str
    id: str
    title: str
    uri: str | None = None
    artists: tuple[str, ...] = ()
    track_number: int | None = None
    disc_number: int | None = None
    duration_ms: int | None = None
    isrc: str | None = None


@dataclass(frozen=True)
class ArtistInfo:
    """An artist as a provider describes it.

    `score` is the provider's own search relevance (MusicBrainz), `fans` Deezer's fan count.
    `links` are the artist's Spotify/Deezer pages that MusicBrainz links (its url relations).
    """

    provider: str
    id: str
    name: str
    uri: str | None = None
    sort_name: str | None = None
    genres: tuple[str, ...] = ()
    popularity: int | None = None
    fans: int | None = None
    disambiguation: str | None = None
    aliases: tuple[str, ...] = ()
    images: tuple[ImageRef, ...] = ()
    score: int | None = None
    links: tuple[ExternalLink, ...] = ()
    #: Release groups a MusicBrainz look-up carries (at most LOOKUP_RELEASE_GROUPS of them).
    albums: tuple[AlbumInfo, ...] = ()

    @property
    def image(self) -> ImageRef | None:
        return largest_image(self.images)


@dataclass(frozen=True)
class AlbumInfo:
    """An album (Spotify/Deezer) or release group (MusicBrainz) as a provider describes it.

    `release_date_precision` is "year", "month" or "day"; `album_type` is lower case
    ("album", "single", "compilation", "ep", ...). `secondary_types` are MusicBrainz's
    release-group secondary types as sent ("Live", "Remix", "Compilation", ...); Spotify and
    Deezer have none (their one type is `album_type`). `links` are the Spotify/Deezer album
    pages that MusicBrainz links from a release (or release group).
    """

    provider: str
    id: str
    title: str
    uri: str | None = None
    artists: tuple[str, ...] = ()
    artist_ids: tuple[str, ...] = ()
    release_date: str | None = None
    release_date_precision: str | None = None
    year: int | None = None
    album_type: str | None = None
    secondary_types: tuple[str, ...] = ()
    total_tracks: int | None = None
    genres: tuple[str, ...] = ()
    popularity: int | None = None
    disambiguation: str | None = None
    images: tuple[ImageRef, ...] = ()
    tracks: tuple[TrackInfo, ...] = field(default=())
    score: int | None = None
    links: tuple[ExternalLink, ...] = ()

    @property
    def image(self) -> ImageRef | None:
        return largest_image(self.images)
