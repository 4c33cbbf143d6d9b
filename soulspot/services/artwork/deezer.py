"""Image URLs from Deezer for entities that have none: by deezer_id, else a confident match."""

from __future__ import annotations

import logging
from contextlib import AbstractContextManager, nullcontext
from typing import Any, Protocol

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from soulspot.matching import LocalAlbum, is_various_artists
from soulspot.models import Album, Artist, Track
from soulspot.providers.types import AlbumInfo, ArtistInfo, ImageRef
from soulspot.services.artwork.records import Target
from soulspot.services.artwork.safety import ArtworkError, Reason
from soulspot.services.enrichment.lookup import MatchRules, decide_album, score_namesakes
from soulspot.services.enrichment.selection import load_work_item

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


class DeezerImageFinder:
    """Asks Deezer for the image of an entity without a stored URL (main thread only).

    Linked entities are looked up by deezer_id. Others, when `search` is on, are searched by
    name and scored with the enrichment rules (soulspot.matching): only an auto-apply decision
    counts, never the first hit, never for Various Artists. A confident match stores the
    deezer_id (unless another entity holds it) and the image URL. Provider errors propagate;
    `stopped` is set by the caller after a rate limit.
    """

    def __init__(
        self, client: DeezerCatalog, rules: MatchRules, *, search: bool = True, retries: bool = True
    ) -> None:
        self.client = client
        self.rules = rules
        self.search = search
        #: False on a user's request: fail at once rather than wait on retries or Retry-After.
        self.retries = retries
        self.stopped = False

    def image_url(self, session: Session, target: Target) -> str | None:
        """The image URL; None without a confident match; ArtworkError for the placeholder."""
        with nullcontext() if self.retries else self.client.without_retries():
            return self._image_url(session, target)

    def _image_url(self, session: Session, target: Target) -> str | None:
        info: ArtistInfo | AlbumInfo | None
        if target.deezer_id:
            if target.kind == "artist":
                info = self.client.get_artist(target.deezer_id)
            else:
                info = self.client.get_album(target.deezer_id)
        elif not self.search:
            return None
        else:
            info = self._match(session, target)
            if info is None:
                return None
        image = info.image
        self._remember(session, target, None if target.deezer_id else info.id, image)
        if image is None:  # the parser drops Deezer's empty-hash placeholder pictures
            raise ArtworkError(Reason.PLACEHOLDER, f"Deezer {target.kind} {info.id} has no image")
        return image.url

    def _match(self, session: Session, target: Target) -> ArtistInfo | AlbumInfo | None:
        if target.kind == "artist":
            return self._match_artist(session, target.id)
        return self._match_album(session, target.id)

    def _match_artist(self, session: Session, artist_id: str) -> ArtistInfo | AlbumInfo | None:
        item = load_work_item(session, artist_id)
        if item is None or is_various_artists(item.name):
            return None
        decision, _ = score_namesakes(self.client, item, self.rules)
        return decision.auto_apply.candidate if decision.auto_apply else None

    def _match_album(self, session: Session, album_id: str) -> ArtistInfo | AlbumInfo | None:
        row = session.execute(
            select(Album.title, Album.release_year, Artist.name)
            .join(Artist, Album.artist_id == Artist.id)
            .where(Album.id == album_id)
        ).first()
        if row is None:
            return None
        title, year, artist_name = row
        tracks = session.scalar(
            select(func.count()).where(Track.album_id == album_id, Track.file_path.is_not(None))
        )
        decision = decide_album(
            self.client, LocalAlbum(title, year, tracks or None), artist_name, self.rules
        )
        return decision.auto_apply.candidate if decision.auto_apply else None

    def _remember(
        self, session: Session, target: Target, deezer_id: str | None, image: ImageRef | None
    ) -> None:
        """Store a newly matched deezer_id (when free) and the found URL; commit."""
        kind = target.kind
        model = kind.model
        values: dict[Any, Any] = {}
        if deezer_id is not None:
            holder = session.scalar(select(model.id).where(model.deezer_id == deezer_id))
            if holder is None:
                values[model.deezer_id] = deezer_id
            else:
                log.info("Deezer %s %s already belongs to %s", target.kind, deezer_id, holder)
        if image is not None:
            values[kind.image_url_column] = image.url
        if values:
            session.execute(update(model).where(model.id == target.id).values(values))
            session.commit()
