"""Running one enrichment pass in a test, as the job would, on the app's own clients."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from soulspot.extensions import db
from soulspot.models.base import utcnow
from soulspot.services.enrichment import EnrichmentSettings, run_enrichment
from soulspot.services.identity import IdentityReport, resolve_artist
from soulspot.wiring import identity_services, providers


def enrich_once(
    app: Flask, now: Callable[[], datetime] = utcnow, *, resolve_identity: bool = False
) -> dict[str, Any]:
    """One pass over every due artist; with `resolve_identity`, MusicBrainz first, as the job."""
    with app.app_context():
        clients = providers(app)
        hook = None
        if resolve_identity:
            services, report = identity_services(app), IdentityReport()

            def hook(session: Session, artist_id: str) -> None:
                resolve_artist(session, artist_id, services, report)

        return run_enrichment(
            db.session,
            spotify=clients.spotify,
            deezer=clients.deezer,
            settings=EnrichmentSettings.from_config(app.config),
            now=now,
            resolve_identity=hook,
        )
