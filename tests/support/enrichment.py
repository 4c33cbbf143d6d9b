"""Running one enrichment pass in a test, as the job would, on the app's own clients."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import Flask

from soulspot.extensions import db
from soulspot.models.base import utcnow
from soulspot.services.enrichment import EnrichmentSettings, run_enrichment
from soulspot.wiring import providers


def enrich_once(app: Flask, now: Callable[[], datetime] = utcnow) -> dict[str, Any]:
    """One pass over every due artist; returns the run's report."""
    with app.app_context():
        clients = providers(app)
        return run_enrichment(
            db.session,
            spotify=clients.spotify,
            deezer=clients.deezer,
            settings=EnrichmentSettings.from_config(app.config),
            now=now,
        )
