"""Configuration defaults and the SOULSPOT_* environment: the only place the environment is read."""

from __future__ import annotations

import os
import re
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
    # One `soulspot serve` per database runs jobs; another takes over after this long
    # without a heartbeat (at once when the holder was a process of this machine that died).
    "SCHEDULER_LOCK_STALE_SECONDS": 60,
    "API_KEY": None,
    # Host names this server answers to (comma-separated; "*" for any, behind your own proxy).
    # `soulspot serve --host X` adds X. Anything else gets a 400 (DNS rebinding).
    "ALLOWED_HOSTS": "127.0.0.1,localhost,::1",
    "MAX_CONTENT_LENGTH": 1024 * 1024,  # request bodies beyond this get a 413 unread
    "LOG_LEVEL": "INFO",
    "LOG_FORMAT": "text",  # "json": one JSON object per line (time, level, logger, message)
    "ENRICHMENT_SCHEDULE": "0 3 * * *",  # the nightly chain (cron), "off" disables
    "ARTWORK_REPAIR_SCHEDULE": "0 4 * * *",  # periodic CDN repair (cron), "off" disables
    # Library
    # Folders POST /api/library/scan may scan (a JSON list, or separated by commas or
    # os.pathsep); empty allows any folder but the system ones.
    "MUSIC_DIRS": None,
    "SCAN_BATCH_SIZE": 200,  # files per committed batch; a cancel takes effect between batches
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
    "MUSICBRAINZ_RECHECK_DAYS": 30,  # an artist MusicBrainz had nothing for is asked again after
    "MUSICBRAINZ_REQUEST_BUDGET": 30.0,  # seconds POST /disambiguation works before it answers
    "MAX_RETRY_AFTER": 120,
    "HTTP_CONNECT_TIMEOUT": 5.0,
    "HTTP_READ_TIMEOUT": 15.0,
    "HTTP_MAX_RETRIES": 3,
    "HTTP_BACKOFF_BASE": 0.5,  # seconds; doubled per retry, with jitter
    # Matching
    "AUTO_APPLY_THRESHOLD": 0.9,
    "AUTO_APPLY_MARGIN": 0.1,
    "ENRICHMENT_BATCH_SIZE": 50,
    # A failed look-up is due on the next run; if it fails again, after this many minutes,
    # doubled per further failure in a row, up to the maximum.
    "ENRICHMENT_RETRY_FAILED_MINUTES": 60,
    "ENRICHMENT_RETRY_FAILED_MAX_HOURS": 24,
    "ENRICHMENT_RETRY_AFTER_HOURS": 168,  # no match / albums missing: look again after
    # Artwork
    "MAX_IMAGE_BYTES": 10 * 1024 * 1024,
    "IMAGE_HOSTS": "i.scdn.co,*.scdn.co,*.spotifycdn.com,*.dzcdn.net,api.deezer.com,"
    "coverartarchive.org,*.archive.org",
    "IMAGE_DEADLINE": 30.0,  # seconds one image download may take in all, redirects included
    "ARTWORK_WORKERS": 8,
    "ARTWORK_REPAIR_BATCH": 200,
    "ARTWORK_REQUEST_BUDGET": 30.0,  # seconds POST repair-artwork works before it answers
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


def in_environment(key: str) -> bool:
    """True when the variable SOULSPOT_<KEY> is set."""
    return f"{ENV_PREFIX}_{key}" in os.environ


def path_list(value: Any) -> list[str]:
    """The folders of a list setting: a list (JSON in the environment) or a string separated
    by commas or os.pathsep; blanks dropped."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        parts = [str(item) for item in value]
    else:
        parts = re.split(f"[,{re.escape(os.pathsep)}]", str(value))
    return [part.strip() for part in parts if part.strip()]


def is_reloader_parent(debug: bool) -> bool:
    """True in the watching parent of Werkzeug's reloader, which must not own a scheduler."""
    return debug and os.environ.get("WERKZEUG_RUN_MAIN") != "true"


def instance_path() -> str:
    """The instance folder: SOULSPOT_INSTANCE_PATH, else `./instance` in the working directory.

    Flask's own default depends on how the package was installed (`<venv>/var/...` for a
    wheel), so it is never used: the folder is where the README says, whatever the install.
    """
    chosen = os.environ.get(f"{ENV_PREFIX}_INSTANCE_PATH") or "instance"
    return str(Path(chosen).expanduser().resolve())
