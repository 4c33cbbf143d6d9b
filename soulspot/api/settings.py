"""Settings endpoints: what applies and where from, partial updates, a provider check."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify

from soulspot.api.params import json_body
from soulspot.extensions import db
from soulspot.lifecycle import change_settings
from soulspot.services import settings as settings_service
from soulspot.wiring import providers, settings

bp = Blueprint("settings", __name__, url_prefix="/settings")


@bp.get("")
def show() -> Any:
    return jsonify({"settings": settings().describe()})


@bp.put("")
def update() -> Any:
    """Keys absent from the body keep their value; null removes the saved value."""
    change_settings(current_app, db.session, json_body())
    return jsonify({"settings": settings().describe()})


@bp.post("/test/<name>")
def test_provider(name: str) -> Any:
    """200 whatever the provider answered (`ok` and `message` say it); 404 unknown provider."""
    provider = settings_service.provider_named(name)
    check = settings_service.check_provider(provider, providers(), current_app.config)
    return jsonify(check.as_dict())
