"""The library pages (being built)."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("library_pages", __name__)


@bp.get("/artists")
def artists() -> str:
    return render_template("errors/error.html", status="Coming soon", detail="")
