"""The settings page: the form, its save (the same service calls as PUT /api/settings), and
a connection check per provider (the same as POST /api/settings/test/<name>)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, current_app, render_template, request
from jinja2_fragments.flask import render_block

from soulspot.extensions import db
from soulspot.lifecycle import change_settings
from soulspot.models.base import utcnow
from soulspot.services import settings as settings_service
from soulspot.services import status as status_service
from soulspot.wiring import providers
from soulspot.wiring import settings as applied_settings

bp = Blueprint("settings_pages", __name__)

TEMPLATE = "pages/settings.html"
FLAGS = tuple(settings_service.ENABLED_KEYS.values())
TEXTS = ("SPOTIFY_CLIENT_ID", "MUSICBRAINZ_CONTACT")
SECRET = "SPOTIFY_CLIENT_SECRET"
SCHEDULES = ("ENRICHMENT_SCHEDULE", "ARTWORK_REPAIR_SCHEDULE")
SCORES = ("AUTO_APPLY_THRESHOLD", "AUTO_APPLY_MARGIN")


@bp.get("/settings")
def settings() -> str:
    return render_template(TEMPLATE, **_context())


@bp.post("/settings")
def save() -> Any:
    """Only what the form changed is saved; a bad value is a 400 error fragment, nothing saved."""
    described = applied_settings().describe()
    change_settings(current_app, db.session, form_changes(request.form, described))
    return render_block(TEMPLATE, "settings_form", **_context(saved=True))


@bp.post("/settings/test/<name>")
def test_provider(name: str) -> str:
    provider = settings_service.provider_named(name)
    check = settings_service.check_provider(provider, providers(), current_app.config)
    return render_template("partials/_settings_check.html", check=check)


def form_changes(form: Mapping[str, str], described: Mapping[str, Any]) -> dict[str, Any]:
    """The settings whose submitted value differs from the one that applies.

    An unticked box is false; an empty text field removes a value saved here (the configured
    one applies again); an empty secret field keeps the secret. Values are passed on as
    typed, so the service's checks word the errors.
    """
    current = {key: entry.get("value") for key, entry in described.items()}
    changes: dict[str, Any] = {}
    for key in FLAGS:
        changes[key] = key in form
    for key in TEXTS + SCHEDULES:
        value = form.get(key, "").strip()
        if value:
            changes[key] = value
        elif described[key]["source"] == settings_service.DATABASE:
            changes[key] = None
    for key in SCORES:
        raw = form.get(key, "").strip()
        try:
            changes[key] = float(raw)
        except ValueError:
            changes[key] = raw
    secret = form.get(SECRET, "").strip()
    if secret:
        changes[SECRET] = secret
    return {
        key: value
        for key, value in changes.items()
        if key == SECRET or value is None or value != current[key]
    }


def _context(saved: bool = False) -> dict[str, Any]:
    return {
        "settings": applied_settings().describe(),
        "providers": [
            (provider, name, settings_service.ENABLED_KEYS[provider])
            for provider, name in settings_service.PROVIDER_NAMES.items()
        ],
        "upcoming": status_service.upcoming_runs(current_app.config, utcnow()),
        "saved": saved,
    }
