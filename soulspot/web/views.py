"""The health check."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify

from soulspot.extensions import db
from soulspot.services import status as status_service

bp = Blueprint("web", __name__)


@bp.get("/healthz")
def healthz() -> Any:
    database_ok = status_service.database_reachable(db.session)
    body = {
        "status": "ok" if database_ok else "degraded",
        "database": "ok" if database_ok else "unreachable",
    }
    return jsonify(body), 200 if database_ok else 503
