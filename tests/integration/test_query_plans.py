"""Query plans that must stay index seeks on a big library, on SQLite (which plans from
statistics only when something ran ANALYZE)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, select

from soulspot.__main__ import main
from soulspot.extensions import db
from soulspot.models import Artist
from soulspot.services.enrichment.selection import Eligibility, eligible_artists
from tests.audio import make_audio
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


@pytest.mark.sqlite_only("SQLite's statistics")
def test_a_scan_gives_the_planner_statistics(app: Flask, tmp_path: Path) -> None:
    """After a scan the review page finds its artists' albums by artist, not by reading every
    local album through the has_local_files index (86 ms on 150,000 albums, 19 ms after)."""
    root = tmp_path / "music"
    for artist in ("Blur", "Pulp", "Suede"):
        for album in ("One", "Two", "Three"):
            make_audio(root / artist / album / "1.mp3", artist=artist, album=album, title="x")
    result = app.test_cli_runner().invoke(main, ["scan", str(root)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        analysed = {row[0] for row in db.session.execute(db.text("SELECT tbl FROM sqlite_stat1"))}
        assert {"albums", "tracks", "artists"} <= analysed
        blur = db.session.scalars(select(Artist).where(Artist.name == "Blur")).one()
        add_candidate(db.session, blur, spotify_uri("artist", 1))
        db.session.commit()

    statements: list[tuple[str, Any]] = []
    with app.app_context():
        listen = event.listens_for(db.engine, "before_cursor_execute")
        record = listen(lambda _c, _cur, sql, params, _ctx, _many: statements.append((sql, params)))
        try:
            assert app.test_client().get("/review").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        assert any("FROM albums" in sql for sql, _ in statements)
        raw = db.engine.raw_connection()
        try:
            for sql, params in statements:
                plan = raw.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
                assert not any("ix_albums_unenriched" in row[-1] for row in plan), (sql, plan)
        finally:
            raw.close()
