"""The database extension's setup (engine settings) and schema upgrades applied at start."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import Engine, event, text
from sqlalchemy.orm import Session

from soulspot.extensions import db

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def init_app(app: Flask) -> None:
    """Bind SQLAlchemy to the app; SQLite connections get their pragmas."""
    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])


def prepare(app: Flask) -> None:
    """Before serving or running work: apply pending migrations when AUTO_MIGRATE is on,
    then the settings saved in the database (see soulspot/services/settings.py).

    Called by `soulspot serve`, the commands that change data and the WSGI entry
    (app.py), not by every create_app(): building an app never touches the database.
    """
    from soulspot import wiring  # wiring builds on the services, which build on this module

    with app.app_context():
        if app.config["AUTO_MIGRATE"]:
            import flask_migrate

            init_migrations(app)
            flask_migrate.upgrade()
            refresh_statistics(db.session)
        wiring.apply_saved_settings(app, db.session)


#: Rows SQLite's ANALYZE reads per index: approximate statistics, in milliseconds even on
#: 1.5 million tracks.
ANALYSIS_LIMIT = 1000


def refresh_statistics(session: Session) -> None:
    """Let SQLite's planner know the tables' sizes (after migrations and scans).

    Without statistics SQLite guesses that an equality on any indexed column is selective:
    it read 150,000 albums through the has_local_files index to find one page's artists,
    and every pending candidate for each artist enrichment checked. PostgreSQL's autovacuum
    keeps its own statistics.
    """
    if session.get_bind().dialect.name != "sqlite":
        return
    session.execute(text(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}"))
    session.execute(text("ANALYZE"))
    session.commit()


def init_migrations(app: Flask) -> None:
    """Bind Alembic (Flask-Migrate and its `db` commands) to the app, once.

    Only where migrations run: importing Alembic takes a third of a second, which every
    `soulspot status` would pay otherwise.
    """
    if "migrate" not in app.extensions:
        from flask_migrate import Migrate

        Migrate(app, db, directory=str(MIGRATIONS_DIR))


def configure_engine(engine: Engine, busy_timeout_ms: int) -> None:
    """SQLite gets WAL, foreign keys and a busy timeout on every connection."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        if not isinstance(dbapi_connection, sqlite3.Connection):
            return
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
