"""Typed entity and provider kinds: what each kind's model, columns and foreign keys are.

Parse a kind once at the edge (`EntityKind.parse`, `ProviderKind.parse`) and pass the typed
value inward: a typo fails there, it never falls into another kind's branch.
"""

from __future__ import annotations

import enum
from typing import Any

from soulspot.errors import ValidationError
from soulspot.models.enrichment import Candidate
from soulspot.models.library import Album, Artist


class EntityKind(enum.StrEnum):
    ARTIST = "artist"
    ALBUM = "album"

    @classmethod
    def parse(cls, raw: object, *, name: str = "entity_type") -> EntityKind:
        """The kind named by `raw` (exactly `artist` or `album`); anything else is a 400."""
        try:
            return cls(raw)
        except ValueError:
            raise ValidationError(f"{name} must be 'artist' or 'album', got {raw!r}") from None

    @property
    def model(self) -> type[Artist] | type[Album]:
        return Artist if self is EntityKind.ARTIST else Album

    @property
    def candidate_key(self) -> Any:
        """The Candidate column that points at an entity of this kind."""
        return Candidate.artist_id if self is EntityKind.ARTIST else Candidate.album_id

    @property
    def candidate_key_name(self) -> str:
        return "artist_id" if self is EntityKind.ARTIST else "album_id"

    @property
    def image_url_column(self) -> Any:
        return Artist.image_url if self is EntityKind.ARTIST else Album.cover_url

    @property
    def image_path_column(self) -> Any:
        return Artist.image_path if self is EntityKind.ARTIST else Album.cover_path

    def link_column(self, provider: ProviderKind) -> Any:
        """The column holding this kind's link to `provider` (spotify_uri, deezer_id)."""
        return getattr(self.model, provider.link_attribute)

    def display_name(self, entity: Artist | Album) -> str:
        return entity.name if isinstance(entity, Artist) else entity.title


class ProviderKind(enum.StrEnum):
    """A provider we link entities to."""

    SPOTIFY = "spotify"
    DEEZER = "deezer"
    MUSICBRAINZ = "musicbrainz"

    @classmethod
    def parse(cls, raw: object, *, name: str = "provider") -> ProviderKind:
        try:
            return cls(raw)
        except ValueError:
            allowed = ", ".join(f"'{member.value}'" for member in cls)
            raise ValidationError(f"{name} must be one of {allowed}, got {raw!r}") from None

    @property
    def link_attribute(self) -> str:
        """The attribute name of the link on Artist and Album (an album's MBID: its group)."""
        return {
            ProviderKind.SPOTIFY: "spotify_uri",
            ProviderKind.DEEZER: "deezer_id",
            ProviderKind.MUSICBRAINZ: "musicbrainz_id",
        }[self]

    def link_value(self, kind: EntityKind, provider_id: str) -> str:
        """What the link column stores for a provider id: a Spotify URI, else the id itself."""
        if self is ProviderKind.SPOTIFY:
            return f"spotify:{kind.value}:{provider_id}"
        return str(provider_id)

    @property
    def queues_candidates(self) -> bool:
        """Spotify's uncertain matches wait for review; Deezer links only confident ones."""
        return self is ProviderKind.SPOTIFY
