"""Engine settings and schema upgrades applied at start."""

from __future__ import annotations

import sqlite3
from typing import Any

import flask_migrate
from sqlalchemy import Engine, event


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


def upgrade_database() -> None:
    """Apply pending migrations, so a user's database survives upgrades."""
    flask_migrate.upgrade()
