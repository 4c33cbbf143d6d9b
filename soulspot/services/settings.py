"""Settings a user may change while the app runs: their checks, the saved values, which applies.

A saved value (a row of `settings`) overrides the configuration (the defaults, then the
environment, then the mapping given to create_app). Saved values are written over app.config,
which every reader reads at use time; removing one gives back the value it replaced.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, inspect, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from soulspot.config import DEFAULTS, ENV_PREFIX, in_environment
from soulspot.errors import NotFoundError, ServiceUnavailableError, ValidationError
from soulspot.models import ProviderKind, Setting
from soulspot.providers.errors import (
    AuthError,
    BadResponse,
    NotConfigured,
    ProviderError,
    RateLimited,
    Unavailable,
)
from soulspot.providers.factory import ProviderClients
from soulspot.schedules import schedule_trigger
from soulspot.services.enrichment import EnrichmentSettings

log = logging.getLogger(__name__)

MAX_TEXT = 200
#: Where the value that applies comes from.
DEFAULT, ENVIRONMENT, DATABASE = "default", "environment", "database"

#: Checks one value of a setting (key, value, the current config); the value to save.
Check = Callable[[str, Any, Mapping[str, Any]], Any]


@dataclass(frozen=True)
class Field:
    check: Check
    #: Write-only: reported as {"set": bool}, never returned, logged or quoted in an error.
    secret: bool = False


def _flag(key: str, value: Any, config: Mapping[str, Any]) -> bool:
    if not isinstance(value, bool):
        raise ValidationError(f"{key} must be true or false")
    return value


def _text(key: str, value: Any, config: Mapping[str, Any]) -> str:
    # Never quotes the value: this check also guards the secret.
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{key} must be a non-empty string (null removes the saved value)")
    value = value.strip()
    if len(value) > MAX_TEXT:
        raise ValidationError(f"{key} must be at most {MAX_TEXT} characters")
    # Every one of these values ends up in an HTTP header (User-Agent, Basic auth).
    if not (value.isascii() and value.isprintable()):
        raise ValidationError(f"{key} must be printable ASCII text")
    return value


def _schedule(key: str, value: Any, config: Mapping[str, Any]) -> str:
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        raise ValidationError(f"{key} must be a cron expression (UTC) or 'off'")
    try:
        schedule_trigger(key, value)
    except ValueError as error:
        raise ValidationError(_named(error)) from None
    value = value.strip()
    return "off" if value.lower() in ("", "off") else value


def _score(key: str, value: Any, config: Mapping[str, Any]) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValidationError(f"{key} must be a number")
    try:
        EnrichmentSettings.from_config({**config, key: float(value)})
    except ValueError as error:
        raise ValidationError(_named(error)) from None
    return float(value)


def _named(error: ValueError) -> str:
    """The shared validators name the variable (SOULSPOT_X); the API names the setting (X)."""
    return str(error).removeprefix(f"{ENV_PREFIX}_")


FIELDS: dict[str, Field] = {
    "SPOTIFY_ENABLED": Field(_flag),
    "DEEZER_ENABLED": Field(_flag),
    "MUSICBRAINZ_ENABLED": Field(_flag),
    "SPOTIFY_CLIENT_ID": Field(_text),
    "SPOTIFY_CLIENT_SECRET": Field(_text, secret=True),
    "MUSICBRAINZ_CONTACT": Field(_text),
    "ENRICHMENT_SCHEDULE": Field(_schedule),
    "ARTWORK_REPAIR_SCHEDULE": Field(_schedule),
    "AUTO_APPLY_THRESHOLD": Field(_score),
    "AUTO_APPLY_MARGIN": Field(_score),
}


def validate(changes: Mapping[str, Any], config: Mapping[str, Any]) -> dict[str, Any]:
    """The checked values of a partial update (None: remove the saved value).

    An unknown key or a bad value is a ValidationError that names it.
    """
    unknown = [key for key in changes if key not in FIELDS]
    if unknown:
        named = ", ".join(repr(key[:64]) for key in unknown)
        raise ValidationError(
            f"unknown setting {named}; the settings are {', '.join(FIELDS)}",
            code="unknown_setting",
        )
    return {
        key: None if value is None else FIELDS[key].check(key, value, config)
        for key, value in changes.items()
    }


def save(session: Session, checked: Mapping[str, Any]) -> None:
    """Write checked values in one transaction (all or nothing); None deletes the saved value."""
    try:
        for key, value in checked.items():
            if value is None:
                session.execute(delete(Setting).where(Setting.key == key))
            else:
                session.merge(Setting(key=key, value=value))
        session.commit()
    except SQLAlchemyError as error:
        session.rollback()
        # `from None`, and no driver message: it quotes the parameters, a secret among them.
        raise ServiceUnavailableError(
            f"the settings could not be saved ({type(error).__name__}); is the database "
            "schema up to date?"
        ) from None
    log.info("settings saved: %s", ", ".join(checked) or "none")


def saved_values(session: Session, config: Mapping[str, Any]) -> dict[str, Any] | None:
    """The saved values that pass their check; {} while the table does not exist yet
    (migrations not applied); None when the database cannot be read.
    """
    try:
        if not inspect(session.connection()).has_table(Setting.__tablename__):
            return {}
        rows = session.execute(select(Setting.key, Setting.value)).all()
    except SQLAlchemyError as error:
        session.rollback()
        log.warning("saved settings not read, the configured values apply: %s", error)
        return None
    values: dict[str, Any] = {}
    for key, value in rows:
        if key not in FIELDS:
            continue  # saved by another version of the app
        try:
            values[key] = FIELDS[key].check(key, value, config)
        except ValidationError as error:
            log.warning("saved setting ignored, the configured value applies: %s", error.detail)
    return values


class AppliedSettings:
    """The saved values written over one app's config, and the values they replaced."""

    def __init__(self, config: MutableMapping[str, Any]) -> None:
        self._config = config
        self._replaced: dict[str, Any] = {}
        self._lock = threading.Lock()

    def apply(self, saved: Mapping[str, Any]) -> set[str]:
        """Write `saved` over the config; a key no longer saved gets back the value it had.

        Returns the keys whose value changed.
        """
        changed: set[str] = set()
        with self._lock:
            for key in FIELDS:
                if key in saved:
                    self._replaced.setdefault(key, self._config.get(key))
                    value = saved[key]
                elif key in self._replaced:
                    value = self._replaced.pop(key)
                else:
                    continue
                if self._config.get(key) != value:
                    self._config[key] = value
                    changed.add(key)
        return changed

    def describe(self) -> dict[str, dict[str, Any]]:
        """Each setting's value and source; a secret only says whether it is set."""
        with self._lock:
            report: dict[str, dict[str, Any]] = {}
            for key, field in FIELDS.items():
                value = self._config.get(key)
                shown = {"set": bool(value)} if field.secret else {"value": value}
                report[key] = {**shown, "source": self._source(key, value)}
            return report

    def _source(self, key: str, value: Any) -> str:
        if key in self._replaced:
            return DATABASE
        if in_environment(key) or value != DEFAULTS.get(key):
            return ENVIRONMENT  # SOULSPOT_<KEY>, or the mapping given to create_app
        return DEFAULT


# --- checking a provider ------------------------------------------------------------------

PROVIDER_NAMES = {
    ProviderKind.SPOTIFY: "Spotify",
    ProviderKind.DEEZER: "Deezer",
    ProviderKind.MUSICBRAINZ: "MusicBrainz",
}
ENABLED_KEYS = {
    ProviderKind.SPOTIFY: "SPOTIFY_ENABLED",
    ProviderKind.DEEZER: "DEEZER_ENABLED",
    ProviderKind.MUSICBRAINZ: "MUSICBRAINZ_ENABLED",
}
#: Any name will do: a search with limit 1 is the cheapest request that needs no id.
PROBE_NAME = "Daft Punk"


def provider_named(name: str) -> ProviderKind:
    """The provider a check is asked for by name; NotFoundError for any other name."""
    provider = next((kind for kind in ProviderKind if kind.value == name), None)
    if provider is None or provider not in PROVIDER_NAMES:
        known = ", ".join(kind.value for kind in PROVIDER_NAMES)
        raise NotFoundError(f"no provider {name[:64]!r} to test; one of {known}")
    return provider


@dataclass(frozen=True)
class ProviderCheck:
    provider: ProviderKind
    ok: bool
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"provider": self.provider.value, "ok": self.ok, "message": self.message}


def check_provider(
    provider: ProviderKind, clients: ProviderClients, config: Mapping[str, Any]
) -> ProviderCheck:
    """One cheap request, without retries or Retry-After waits; what it showed, in plain words.

    Spotify: a token request (it checks the client id and secret); Deezer and MusicBrainz:
    an artist search with limit 1.
    """
    name = PROVIDER_NAMES[provider]
    if not config[ENABLED_KEYS[provider]]:
        return ProviderCheck(provider, False, f"{name} is disabled in the settings; nothing sent")
    probes: dict[ProviderKind, tuple[Any, Callable[[], object], str]] = {
        ProviderKind.SPOTIFY: (
            clients.spotify,
            clients.spotify.check_credentials,
            "Spotify accepted the client id and secret",
        ),
        ProviderKind.DEEZER: (
            clients.deezer,
            lambda: clients.deezer.search_artists(PROBE_NAME, limit=1),
            "Deezer answered",
        ),
        ProviderKind.MUSICBRAINZ: (
            clients.musicbrainz,
            lambda: clients.musicbrainz.search_artists(PROBE_NAME, limit=1),
            "MusicBrainz answered",
        ),
    }
    client, probe, success = probes[provider]
    try:
        with client.without_retries():
            probe()
    except ProviderError as error:
        return ProviderCheck(provider, False, _failure(provider, name, error))
    return ProviderCheck(provider, True, success)


def _failure(provider: ProviderKind, name: str, error: ProviderError) -> str:
    detail = str(error).removeprefix(f"{provider.value}: ")
    if isinstance(error, NotConfigured):
        return f"{name} has no client id and secret: set SPOTIFY_CLIENT_ID and _SECRET"
    if isinstance(error, AuthError):
        if provider is ProviderKind.SPOTIFY:
            return "Spotify refused the client id and secret"
        return f"{name} refused our request ({detail})"
    if isinstance(error, RateLimited):
        return f"{name} answered but asks us to slow down: try again in {error.retry_after:g} s"
    if isinstance(error, Unavailable):
        if error.status is None:
            return f"{name} could not be reached: {detail}"
        return f"{name} is unavailable right now: {detail}"
    if isinstance(error, BadResponse):
        return f"{name} answered something we cannot read: {detail}"
    return f"{name} answered with an error: {detail}"
