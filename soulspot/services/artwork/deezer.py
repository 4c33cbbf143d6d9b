"""Image URLs from Deezer for entities that have none: by deezer_id, else a confident match.

Matching is enrichment's (`lookup.confident_artist`/`confident_album`: the same search,
evidence, rejections and rules) and linking is the linker's: artwork never does either on
its own.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from contextlib import AbstractContextManager, nullcontext
from typing import Any, Protocol

from sqlalchemy import update
from sqlalchemy.orm import Session

from soulspot.models import Album, Artist, EntityKind, ProviderKind
from soulspot.providers.types import AlbumInfo, ArtistInfo
from soulspot.services.artwork.records import Target
from soulspot.services.artwork.safety import ArtworkError, Reason
from soulspot.services.enrichment.lookup import (
    MatchRules,
    confident_album,
    confident_artist,
    deezer_side,
)
from soulspot.services.enrichment.selection import load_work_item
from soulspot.services.linking import LinkConflict, LinkSource, LinkTarget, link

log = logging.getLogger(__name__)


class DeezerCatalog(Protocol):
    def get_artist(self, artist_id: str) -> ArtistInfo: ...

    def get_album(self, album_id: str) -> AlbumInfo: ...

    def search_artists(self, name: str, *, limit: int = ...) -> list[ArtistInfo]: ...

    def artist_albums(self, artist_id: str) -> list[AlbumInfo]: ...

    def search_albums(
        self, title: str, *, artist: str | None = None, limit: int = ...
    ) -> list[AlbumInfo]: ...

    def without_retries(self) -> AbstractContextManager[None]: ...


def image_finder(
    config: Mapping[str, Any], client: DeezerCatalog, *, search: bool, retries: bool = True
) -> DeezerImageFinder | None:
    """The finder for this configuration, or None when Deezer is disabled."""
    if not config["DEEZER_ENABLED"]:
        return None
    rules = MatchRules(float(config["AUTO_APPLY_THRESHOLD"]), float(config["AUTO_APPLY_MARGIN"]))
    return DeezerImageFinder(client, rules, search=search, retries=retries)


class DeezerImageFinder:
    """Asks Deezer for the image of an entity without a stored URL (main thread only).

    Linked entities are looked up by deezer_id. Others, when `search` is on, get enrichment's
    confident match, linked through the linker (unless another entity holds it), and its
    image URL. Provider errors propagate; `stopped` is set by the caller after a rate limit.
    """

    def __init__(
        self, client: DeezerCatalog, rules: MatchRules, *, search: bool = True, retries: bool = True
    ) -> None:
        self.side = deezer_side(client)
        self.client = client
        self.rules = rules
        self.search = search
        #: False on a user's request: fail at once rather than wait on retries or Retry-After.
        self.retries = retries
        self.stopped = False

    def image_url(self, session: Session, target: Target) -> str | None:
        """The image URL; None without a confident match; ArtworkError for the placeholder."""
        with nullcontext() if self.retries else self.client.without_retries():
            if target.deezer_id:
                return self._linked_url(session, target)
            if self.search:
                return self._matched_url(session, target)
            return None

    def _linked_url(self, session: Session, target: Target) -> str:
        if target.kind is EntityKind.ARTIST:
            info: ArtistInfo | AlbumInfo = self.client.get_artist(str(target.deezer_id))
        else:
            info = self.client.get_album(str(target.deezer_id))
        url = _image_url(target, info)
        kind = target.kind
        session.execute(
            update(kind.model)
            .where(kind.model.id == target.id)
            .values({kind.image_url_column: url})
        )
        session.commit()
        return url

    def _matched_url(self, session: Session, target: Target) -> str | None:
        entity = session.get(target.kind.model, target.id)
        info = self._match(session, entity) if entity is not None else None
        if entity is None or info is None:
            return None
        try:  # linked even when its picture is a placeholder: the match itself holds
            link(
                session,
                target.kind,
                entity,
                LinkTarget.from_info(ProviderKind.DEEZER, target.kind, info),
                source=LinkSource.ARTWORK,
            )
        except LinkConflict as conflict:
            log.info("Deezer %s %s already belongs to %s", target.kind, info.id, conflict.holder)
            if info.image is not None:
                setattr(entity, target.kind.image_url_column.key, info.image.url)
        session.commit()
        return _image_url(target, info)

    def _match(self, session: Session, entity: Artist | Album) -> ArtistInfo | AlbumInfo | None:
        artist_id = entity.id if isinstance(entity, Artist) else entity.artist_id
        item = load_work_item(session, artist_id)
        if item is None:
            return None
        if isinstance(entity, Artist):
            return confident_artist(self.side, item, self.rules)
        row = next((album for album in item.albums if album.id == entity.id), None)
        return None if row is None else confident_album(self.side, row, item.name, self.rules)


def _image_url(target: Target, info: ArtistInfo | AlbumInfo) -> str:
    image = info.image
    if image is None:  # the parser drops Deezer's empty-hash placeholder pictures
        raise ArtworkError(Reason.PLACEHOLDER, f"Deezer {target.kind} {info.id} has no image")
    return image.url
