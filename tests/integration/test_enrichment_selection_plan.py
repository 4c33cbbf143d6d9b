"""Enrichment's batch selection stays an index seek per artist on a big review queue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask

from soulspot.extensions import db
from soulspot.services.enrichment.selection import Eligibility, eligible_artists
from tests.factories import add_artist, add_candidate, spotify_uri


@pytest.mark.sqlite_only("SQLite's query plan")
def test_the_awaiting_review_check_seeks_the_artists_candidates(app: Flask) -> None:
    """SQLite without statistics (a fresh library: nothing runs ANALYZE) once answered "do
    this artist's candidates wait?" from the status index, walking every pending candidate
    for every artist: a 20,000-artist run slowed sevenfold (bench/scale.py)."""
    with app.app_context():
        for n in range(30):
            artist = add_artist(db.session, f"Artist {n}")
            add_candidate(db.session, artist, spotify_uri("artist", n))
        db.session.commit()
        eligibility = Eligibility(
            run_started=datetime.now(UTC),
            spotify=True,
            deezer=True,
            retry_failed=timedelta(hours=1),
            retry_failed_max=timedelta(hours=24),
            retry_other=timedelta(days=30),
        )
        statement = eligible_artists(eligibility).limit(50)
        compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
        plan = db.session.execute(db.text(f"EXPLAIN QUERY PLAN {compiled}")).all()
    candidate_steps = [row[-1] for row in plan if "enrichment_candidates" in row[-1]]
    assert candidate_steps, plan
    assert all("ix_candidates_artist_status" in step for step in candidate_steps), plan
