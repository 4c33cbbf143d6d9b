"""Moving a library to another database: every row and value arrives, nothing is half-copied.

The source is always a SQLite file; the target is the test's database, so the PostgreSQL pass
copies SQLite to PostgreSQL, as an owner moving their library does.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from soulspot.errors import InvalidStateError
from soulspot.extensions import db
from soulspot.models import Job, JobStatus, JobType, ProcessLock, Setting
from soulspot.services.status import library_counts
from soulspot.services.transfer import copy_database
from tests.factories import add_artist, add_candidate, spotify_uri


@pytest.fixture
def source(make_app, tmp_path) -> Flask:
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'old.db'}")
    with app.app_context():
        blur = add_artist(db.session, "Blür", albums=("Parklife", "13"), genres=["britpop"])
        blur.enrichment_attempted_at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
        add_candidate(db.session, blur, spotify_uri("artist", 1), score=0.75)
        add_artist(db.session, "Unlinked").has_local_files = False
        db.session.add(
            Job(
                type=JobType.LIBRARY_SCAN,
                status=JobStatus.COMPLETED,
                payload={"path": "/music", "nested": [1, {"ok": True}]},
                finished_at=datetime(2026, 1, 3, tzinfo=UTC),
            )
        )
        db.session.add(Setting(key="AUTO_APPLY_MARGIN", value=0.2))
        db.session.add(
            ProcessLock(
                name="scheduler",
                owner="old-host:1:x",
                heartbeat_at=datetime.now(UTC) - timedelta(seconds=5),
            )
        )
        db.session.commit()
    return app


def _rows(app: Flask) -> dict[str, list[dict[str, Any]]]:
    with app.app_context():
        tables = [table for table in db.metadata.sorted_tables if table.name != "library_counts"]
        with db.engine.connect() as connection:
            return {
                table.name: sorted(
                    (dict(row._mapping) for row in connection.execute(select(table))),
                    key=repr,
                )
                for table in tables
            }


def _counts(app: Flask) -> dict[str, int]:
    with app.app_context():
        return library_counts(db.session)


def _engines(source: Flask, target: Flask) -> tuple[Any, Any]:
    with source.app_context():
        reading = db.engine
    with target.app_context():
        writing = db.engine
    return reading, writing


def test_every_row_arrives_with_its_values(source, make_app) -> None:
    target = make_app()

    copied = copy_database(*_engines(source, target), batch_size=2)

    before, after = _rows(source), _rows(target)
    assert copied["artists"] == 2 and copied["albums"] == 2 and copied["tracks"] == 2
    assert copied["enrichment_candidates"] == 1 and copied["jobs"] == 1
    assert "process_locks" not in copied and after["process_locks"] == []
    for name in copied:
        assert after[name] == before[name], name
    # The target's triggers counted what arrived (library_counts itself is not copied).
    assert "library_counts" not in copied
    assert _counts(target) == _counts(source)
    assert _counts(target)["artists"] == 1  # the one with local files
    with target.app_context():
        job = db.session.scalars(select(Job)).one()
        assert job.payload == {"path": "/music", "nested": [1, {"ok": True}]}
        assert job.finished_at == datetime(2026, 1, 3, tzinfo=UTC)


def test_a_target_with_rows_is_refused_and_left_as_it_was(source, make_app) -> None:
    target = make_app()
    with target.app_context():
        add_artist(db.session, "Already here")
        db.session.commit()

    with pytest.raises(InvalidStateError, match="not empty"):
        copy_database(*_engines(source, target))

    assert [row["name"] for row in _rows(target)["artists"]] == ["Already here"]


def test_a_failed_copy_leaves_the_target_empty(source, make_app, monkeypatch) -> None:
    target = make_app()
    seen: list[str] = []

    def fail_after_artists(table: str, _count: int) -> None:
        seen.append(table)
        if table == "albums":
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        copy_database(*_engines(source, target), progress=fail_after_artists)

    assert seen[-1] == "albums" and "artists" in seen
    assert all(rows == [] for rows in _rows(target).values())
    assert set(_counts(target).values()) == {0}


def test_the_copy_database_command_moves_the_library_and_says_what_it_copied(
    source, make_app, tmp_path
) -> None:
    import json

    from soulspot.__main__ import main

    target = make_app()
    runner = target.test_cli_runner()
    url = f"sqlite:///{tmp_path / 'old.db'}"

    done = runner.invoke(main, ["copy-database", url, "--json"])
    assert done.exit_code == 0, done.output
    copied = json.loads(done.stdout)["copied"]
    assert copied["artists"] == 2 and copied["enrichment_candidates"] == 1
    assert "process_locks" not in copied

    again = runner.invoke(main, ["copy-database", url, "--json"])
    assert again.exit_code == 1 and json.loads(again.stdout)["error"] == "invalid_state"
    assert runner.invoke(main, ["copy-database", "nonsense://x"]).exit_code == 2
