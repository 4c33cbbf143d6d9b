"""The collaborators an app builds once at start and every thread shares, and their accessors.

Provider clients (so rate limits hold across threads), the artwork store and fetcher, and
the saved settings applied over the config. Built by create_app(), brought in line with
changed settings by reconfigure(), closed by lifecycle.shutdown_app().
"""

from __future__ import annotations

import logging
from collections.abc import Collection

from flask import Flask, current_app
from sqlalchemy.orm import Session

from soulspot.providers.factory import ProviderClients, build_clients
from soulspot.providers.http import user_agent
from soulspot.services import settings as settings_service
from soulspot.services.artwork.download import ArtworkContext, build_context
from soulspot.services.enrichment.lookup import MatchRules
from soulspot.services.identity import IdentityServices

log = logging.getLogger(__name__)

PROVIDERS_KEY = "soulspot.providers"
ARTWORK_KEY = "soulspot.artwork"
SETTINGS_KEY = "soulspot.settings"


def init_app(app: Flask) -> None:
    """Build the shared collaborators; a bad setting fails here, at start, by name."""
    app.extensions[PROVIDERS_KEY] = build_clients(app.config)
    app.extensions[ARTWORK_KEY] = build_context(app.config)
    app.extensions[SETTINGS_KEY] = settings_service.AppliedSettings(app.config)


def providers(app: Flask | None = None) -> ProviderClients:
    """The app's provider clients."""
    return (app or current_app).extensions[PROVIDERS_KEY]


def artwork(app: Flask | None = None) -> ArtworkContext:
    """The app's artwork collaborators (store, fetcher, claims, request budget)."""
    return (app or current_app).extensions[ARTWORK_KEY]


def settings(app: Flask | None = None) -> settings_service.AppliedSettings:
    """The saved settings applied over the app's config."""
    return (app or current_app).extensions[SETTINGS_KEY]


def apply_saved_settings(app: Flask, session: Session) -> set[str]:
    """Write the saved settings over app.config and bring the clients in line.

    Returns the keys that changed; rescheduling the jobs is the lifecycle's part.
    """
    saved = settings_service.saved_values(session, app.config)
    if saved is None:
        return set()
    changed = set(settings(app).apply(saved))
    reconfigure(app, changed)
    return changed


def reconfigure(app: Flask, changed: Collection[str]) -> None:
    """After a change of these settings: clients and fetcher take the new values.

    Toggles and thresholds need nothing: they are read from app.config at use time. Clients
    are changed in place, not rebuilt, so a running job keeps the same instances: each
    provider keeps one rate limit, and no session in use is closed.
    """
    if not changed:
        return
    config = app.config
    if {"SPOTIFY_CLIENT_ID", "SPOTIFY_CLIENT_SECRET"} & set(changed):
        providers(app).spotify.set_credentials(
            config["SPOTIFY_CLIENT_ID"], config["SPOTIFY_CLIENT_SECRET"]
        )
    if "MUSICBRAINZ_CONTACT" in changed:
        agent = user_agent(str(config["MUSICBRAINZ_CONTACT"]))
        for client in providers(app).all():
            client.http.set_user_agent(agent)
        artwork(app).fetcher.set_user_agent(agent)
    log.info("settings now in effect: %s", ", ".join(sorted(changed)))


def identity_services(app: Flask | None = None) -> IdentityServices:
    """MusicBrainz plus the providers that verify its links, as the settings allow now."""
    app = app or current_app
    config, clients = app.config, providers(app)
    spotify_on = config["SPOTIFY_ENABLED"] and clients.spotify.configured
    return IdentityServices(
        musicbrainz=clients.musicbrainz,
        spotify=clients.spotify if spotify_on else None,
        deezer=clients.deezer if config["DEEZER_ENABLED"] else None,
        rules=MatchRules(float(config["AUTO_APPLY_THRESHOLD"]), float(config["AUTO_APPLY_MARGIN"])),
    )
