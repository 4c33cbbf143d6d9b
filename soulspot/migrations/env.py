"""Alembic environment: runs migrations on the Flask app's engine, online only."""

from __future__ import annotations

from alembic import context
from flask import current_app

import soulspot.models  # noqa: F401  (registers every table on the metadata)
from soulspot.extensions import db


def run_migrations_online() -> None:
    connectable = db.engine
    with connectable.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # A batch migration rebuilds a table by copy, drop and rename; with foreign keys on,
            # dropping `albums` would cascade and delete every track. The pragma only takes
            # effect outside a transaction, so it is set before the migration's own.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        context.configure(
            connection=connection,
            target_metadata=db.metadata,
            render_as_batch=sqlite,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run them against a database")
current_app.logger.debug("running migrations")
run_migrations_online()
