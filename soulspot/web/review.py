"""The review pages (being built)."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("review_pages", __name__)


@bp.get("/review")
def review() -> str:
    return render_template("errors/error.html", status="Coming soon", detail="")
