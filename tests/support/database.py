"""The database under test: SQLite files by default, PostgreSQL when SOULSPOT_TEST_DATABASE_URL
names a server (.ci/postgres-pass sets it).

On PostgreSQL every test gets a database of its own, copied from a template migrated once per
run (`CREATE DATABASE ... TEMPLATE` copies files: much faster than migrating each time).
"""

from __future__ import annotations

import itertools
import os
import tempfile

from sqlalchemy import Engine, create_engine, make_url, text

#: The PostgreSQL server's URL (a database on it the tests may connect to), or None for SQLite.
POSTGRES_URL = os.environ.get("SOULSPOT_TEST_DATABASE_URL")

SQLITE_ONLY = "sqlite_only"


class PostgresDatabases:
    """Creates and drops the per-test databases on one server."""

    def __init__(self, url: str) -> None:
        # One template per test process: pytest-xdist runs several on one server.
        self.template = f"soulspot_template_{os.getpid()}"
        self._url = make_url(url)
        self._admin: Engine = create_engine(self._url, isolation_level="AUTOCOMMIT")
        self._names = (f"soulspot_test_{os.getpid()}_{n}" for n in itertools.count(1))
        self._template_ready = False

    def create(self, *, migrated: bool) -> str:
        """A new database's URL: at the schema head when `migrated`, else empty."""
        name = next(self._names)
        template = self._template() if migrated else "template0"
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY FILE_COPY')
        return self._url.set(database=name).render_as_string(hide_password=False)

    def drop(self, url: str) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')

    def close(self) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
        self._admin.dispose()

    def _template(self) -> str:
        if not self._template_ready:
            self._execute(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
            self._execute(f'CREATE DATABASE "{self.template}" TEMPLATE template0')
            _migrate(self._url.set(database=self.template).render_as_string(hide_password=False))
            self._template_ready = True
        return self.template

    def _execute(self, statement: str) -> None:
        with self._admin.connect() as connection:
            connection.execute(text(statement))


def _migrate(url: str) -> None:
    """Bring the database at `url` to the schema head, as `soulspot serve` would, and let go of
    it (a template may have no connections while it is copied)."""
    from soulspot import create_app, database
    from soulspot.lifecycle import shutdown_app

    with tempfile.TemporaryDirectory() as artwork:
        app = create_app(
            {
                "TESTING": True,
                "SQLALCHEMY_DATABASE_URI": url,
                "ARTWORK_DIR": artwork,
                "SCHEDULER_ENABLED": False,
            }
        )
        try:
            database.prepare(app)
        finally:
            shutdown_app(app)
