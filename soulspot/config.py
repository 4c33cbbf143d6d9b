"""Configuration defaults and the SOULSPOT_* environment: the only place the environment is read."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the provider layer reads DEFAULTS and must not import Flask
    from flask import Flask

PROJECT_URL = "https://github.com/soulspot/soulspot-enrichment"

#: Every key, with its default. Each one can be overridden by the environment variable
#: SOULSPOT_<KEY> (JSON-typed values are parsed: 10 -> int, false -> bool) and by the mapping
#: passed to create_app(). None means "derived at start" (paths under the instance folder).
DEFAULTS: dict[str, Any] = {
    # Storage
    "SQLALCHEMY_DATABASE_URI": None,  # sqlite:///<instance>/soulspot.db
    "ARTWORK_DIR": None,  # <instance>/artwork
    "SQLITE_BUSY_TIMEOUT_MS": 15000,
    "AUTO_MIGRATE": True,  # apply pending schema migrations at start
    # Process
    "SCHEDULER_ENABLED": False,  # `soulspot serve` turns it on for its own process
    "JOB_WORKERS": 2,
    "API_KEY": None,
    "LOG_LEVEL": "INFO",
    "ENRICHMENT_SCHEDULE": "0 3 * * *",  # nightly enrichment (cron), "off" disables
    "ARTWORK_REPAIR_SCHEDULE": "0 4 * * *",  # periodic CDN repair (cron), "off" disables
    # Providers
    "SPOTIFY_ENABLED": True,
    "DEEZER_ENABLED": True,
    "MUSICBRAINZ_ENABLED": True,
    "SPOTIFY_CLIENT_ID": None,
    "SPOTIFY_CLIENT_SECRET": None,
    "SPOTIFY_API_URL": "https://api.spotify.com/v1",
    "SPOTIFY_ACCOUNTS_URL": "https://accounts.spotify.com",
    "DEEZER_API_URL": "https://api.deezer.com",
    "MUSICBRAINZ_API_URL": "https://musicbrainz.org/ws/2",
    "COVERART_API_URL": "https://coverartarchive.org",
    "SPOTIFY_RATE_LIMIT": 5.0,
    "DEEZER_RATE_LIMIT": 10.0,
    "MUSICBRAINZ_RATE_LIMIT": 1.0,
    "MUSICBRAINZ_CONTACT": PROJECT_URL,
    "MAX_RETRY_AFTER": 120,
    "HTTP_CONNECT_TIMEOUT": 5.0,
    "HTTP_READ_TIMEOUT": 15.0,
    "HTTP_MAX_RETRIES": 3,
    "HTTP_BACKOFF_BASE": 0.5,  # seconds; doubled per retry, with jitter
    # Matching
    "AUTO_APPLY_THRESHOLD": 0.9,
    "AUTO_APPLY_MARGIN": 0.1,
    "ENRICHMENT_BATCH_SIZE": 50,
    "ENRICHMENT_RETRY_FAILED_MINUTES": 60,  # a provider failed on an artist: retry after
    "ENRICHMENT_RETRY_AFTER_HOURS": 168,  # no match / albums missing: look again after
    # Artwork
    "MAX_IMAGE_BYTES": 10 * 1024 * 1024,
    "IMAGE_HOSTS": "i.scdn.co,*.scdn.co,*.spotifycdn.com,*.dzcdn.net,api.deezer.com,"
    "coverartarchive.org,*.archive.org",
    "ARTWORK_WORKERS": 8,
    "ARTWORK_REPAIR_BATCH": 200,
}

ENV_PREFIX = "SOULSPOT"


def load_config(app: Flask, overrides: Mapping[str, Any] | None = None) -> None:
    """Fill app.config: defaults, then SOULSPOT_* variables, then `overrides`."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env(ENV_PREFIX)
    if overrides:
        app.config.from_mapping(overrides)
    instance = Path(app.instance_path)
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        instance.mkdir(parents=True, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'soulspot.db'}"
    if not app.config["ARTWORK_DIR"]:
        app.config["ARTWORK_DIR"] = str(instance / "artwork")
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})


def is_reloader_parent(debug: bool) -> bool:
    """True in the watching parent of Werkzeug's reloader, which must not own a scheduler."""
    return debug and os.environ.get("WERKZEUG_RUN_MAIN") != "true"


def instance_path_from_env() -> str | None:
    """The instance folder chosen by SOULSPOT_INSTANCE_PATH, if any."""
    return os.environ.get(f"{ENV_PREFIX}_INSTANCE_PATH") or None
