"""The quiet fetches a page asks for: missing images, and an artist's discography.

Both run on a user's request, so no provider call retries or waits out a Retry-After, and
a provider or artwork failure is only logged. The API's HTMX endpoints
(`/api/enrichment/auto-fetch-*`) and the artist page call these same functions.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from soulspot.providers.errors import ProviderError
from soulspot.providers.factory import ProviderClients
from soulspot.services import artwork as artwork_service
from soulspot.services import discography
from soulspot.services.artwork import ArtworkContext, ArtworkError
from soulspot.services.artwork.deezer import image_finder
from soulspot.services.artwork.repair import KindCounts
from soulspot.services.enrichment import EnrichmentSettings

log = logging.getLogger(__name__)


def fetch_images(
    session: Session,
    context: ArtworkContext,
    config: Mapping[str, Any],
    clients: ProviderClients,
    *,
    entity_type: str | None = None,
    limit: int = 20,
    artist_id: str | None = None,
) -> KindCounts:
    """Images of linked entities without one (`artist_id`: that artist and its albums).

    Deezer is asked by id only (never searched), when it is enabled. A failure counts as
    nothing fetched.
    """
    finder = image_finder(config, clients.deezer, search=False, retries=False)
    try:
        return artwork_service.auto_fetch_images(
            session, context, finder, entity_type=entity_type, limit=limit, artist_id=artist_id
        )
    except (ProviderError, ArtworkError) as error:  # expected: the page must not show them
        log.warning("auto-fetch of images failed: %s", error)
        session.rollback()
        return KindCounts()


def fetch_discography(
    session: Session,
    artist_id: str,
    config: Mapping[str, Any],
    clients: ProviderClients,
    *,
    include_tracks: bool = True,
) -> discography.Fetched:
    """The artist's discography (services.discography); NotFoundError for an unknown artist."""
    with clients.deezer.without_retries(), clients.spotify.without_retries():
        return discography.fetch_discography(
            session,
            artist_id,
            deezer=clients.deezer,
            spotify=clients.spotify,
            settings=EnrichmentSettings.from_config(config),
            include_tracks=include_tracks,
        )
