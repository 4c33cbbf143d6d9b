"""Unbound Flask extensions, bound to the app in create_app()."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Flask, current_app
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase

if TYPE_CHECKING:
    from soulspot.providers.factory import ProviderClients
    from soulspot.services.artwork.download import ArtworkContext

PROVIDERS_KEY = "soulspot.providers"
ARTWORK_KEY = "soulspot.artwork"


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
migrate = Migrate()


def init_providers(app: Flask) -> None:
    """Build the provider clients once per app, so every thread shares their rate limits."""
    from soulspot.providers.factory import build_clients

    app.extensions[PROVIDERS_KEY] = build_clients(app.config)


def providers(app: Flask | None = None) -> ProviderClients:
    """The app's provider clients."""
    return (app or current_app).extensions[PROVIDERS_KEY]


def init_artwork(app: Flask) -> None:
    """The artwork store and image fetcher, built at start so a bad setting fails by name."""
    from soulspot.services.artwork.download import build_context

    app.extensions[ARTWORK_KEY] = build_context(app.config)


def artwork(app: Flask | None = None) -> ArtworkContext:
    """The app's artwork collaborators (store, fetcher, claims)."""
    return (app or current_app).extensions[ARTWORK_KEY]
