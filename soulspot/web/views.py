"""The health check, and signing in to the pages when an API key is set."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for

from soulspot import security
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


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> Any:
    """Without API_KEY there is nothing to sign in to: straight to the dashboard."""
    target = _local_path(request.values.get("next"))
    if not current_app.config.get("API_KEY"):
        return redirect(target, code=303)
    if request.method == "GET":
        return render_template("pages/sign_in.html", next=target, failed=False)
    if security.sign_in(request.form.get("api_key", "")):
        return redirect(target, code=303)
    return render_template("pages/sign_in.html", next=target, failed=True), 401


@bp.post("/sign-out")
def sign_out() -> Any:
    """Without API_KEY there is no session to end (and no secret to sign one)."""
    if not current_app.config.get("API_KEY"):
        return redirect(url_for("dashboard.home"), code=303)
    security.sign_out()
    return redirect(url_for("web.sign_in"), code=303)


def _local_path(value: str | None) -> str:
    """`next` only ever names a page of this server (never //host or a scheme)."""
    if value and value.startswith("/") and not value.startswith(("//", "/\\")):
        return value
    return url_for("dashboard.home")
