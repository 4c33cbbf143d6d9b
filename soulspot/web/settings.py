"""The settings pages (being built)."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("settings_pages", __name__)


@bp.get("/settings")
def settings() -> str:
    return render_template("errors/error.html", status="Coming soon", detail="")
