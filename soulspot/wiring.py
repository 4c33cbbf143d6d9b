"""The collaborators an app builds once at start and every thread shares, and their accessors.

Provider clients (so rate limits hold across threads) and the artwork store and fetcher.
Built by create_app(), closed by lifecycle.shutdown_app().
"""

from __future__ import annotations

from flask import Flask, current_app

from soulspot.providers.factory import ProviderClients, build_clients
from soulspot.services.artwork.download import ArtworkContext, build_context

PROVIDERS_KEY = "soulspot.providers"
ARTWORK_KEY = "soulspot.artwork"


def init_app(app: Flask) -> None:
    """Build the shared collaborators; a bad setting fails here, at start, by name."""
    app.extensions[PROVIDERS_KEY] = build_clients(app.config)
    app.extensions[ARTWORK_KEY] = build_context(app.config)


def providers(app: Flask | None = None) -> ProviderClients:
    """The app's provider clients."""
    return (app or current_app).extensions[PROVIDERS_KEY]


def artwork(app: Flask | None = None) -> ArtworkContext:
    """The app's artwork collaborators (store, fetcher, claims, request budget)."""
    return (app or current_app).extensions[ARTWORK_KEY]
