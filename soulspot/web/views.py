"""Pages: the home page and the health check."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, render_template

from soulspot.extensions import db
from soulspot.jobs import next_runs
from soulspot.services import status as status_service

web_bp = Blueprint("web", __name__)


@web_bp.get("/")
def home() -> str:
    counts = status_service.library_counts(db.session)
    return render_template("pages/home.html", counts=counts, next_runs=next_runs())


@web_bp.get("/healthz")
def healthz() -> Any:
    database_ok = status_service.database_reachable(db.session)
    body = {
        "status": "ok" if database_ok else "degraded",
        "database": "ok" if database_ok else "unreachable",
    }
    return jsonify(body), 200 if database_ok else 503
