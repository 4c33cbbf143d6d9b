"""The dashboard: library counts, coverage, the enrichment card, jobs and next runs."""

from __future__ import annotations

from flask import Blueprint, render_template

from soulspot.extensions import db
from soulspot.jobs import next_runs
from soulspot.services import status as status_service

bp = Blueprint("dashboard", __name__)


@bp.get("/")
def home() -> str:
    counts = status_service.library_counts(db.session)
    return render_template("pages/home.html", counts=counts, next_runs=next_runs())
