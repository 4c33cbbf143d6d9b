"""Shared fixtures: a fresh app on a real SQLite file per test (or a PostgreSQL database of its
own, when SOULSPOT_TEST_DATABASE_URL is set: see tests/support/database.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from soulspot import create_app, database
from soulspot.extensions import db
from soulspot.lifecycle import shutdown_app
from soulspot.providers.factory import ProviderClients, build_clients
from tests.fakes.clock import VirtualClock
from tests.fakes.server import FakeProviders
from tests.support.database import POSTGRES_URL, SQLITE_ONLY, PostgresDatabases


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{SQLITE_ONLY}(reason): skipped on PostgreSQL, the test is about SQLite"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if POSTGRES_URL is None:
        return
    for item in items:
        marker = item.get_closest_marker(SQLITE_ONLY)
        if marker is not None:
            item.add_marker(pytest.mark.skip(reason=f"SQLite only: {marker.args[0]}"))


@pytest.fixture(scope="session")
def postgres_databases() -> Iterator[PostgresDatabases]:
    assert POSTGRES_URL is not None
    databases = PostgresDatabases(POSTGRES_URL)
    yield databases
    databases.close()


@pytest.fixture
def database_url(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Callable[..., str]]:
    """The URL of this test's database `name` (one per name, the same on every call): a SQLite
    file under tmp_path, or a PostgreSQL database at the schema head (empty unless `migrated`,
    which only the first call of a name decides; a SQLite file always starts empty)."""
    urls: dict[str, str] = {}
    databases = request.getfixturevalue("postgres_databases") if POSTGRES_URL else None

    def url(name: str = "soulspot", *, migrated: bool = True) -> str:
        if name not in urls:
            if databases is None:
                urls[name] = f"sqlite:///{tmp_path / f'{name}.db'}"
            else:
                urls[name] = databases.create(migrated=migrated)
        return urls[name]

    yield url
    if databases is not None:
        for created in urls.values():
            databases.drop(created)


@pytest.fixture
def make_app(tmp_path: Path, database_url: Callable[..., str]) -> Iterator[Callable[..., Flask]]:
    """Build an app on this test's database (see database_url); keyword arguments override
    config."""
    created: list[Flask] = []

    def factory(**overrides: Any) -> Flask:
        config = {
            "TESTING": True,
            "SECRET_KEY": "test-session-secret",  # never the instance folder's file
            "SQLALCHEMY_DATABASE_URI": overrides.get("SQLALCHEMY_DATABASE_URI")
            or database_url(migrated=overrides.get("AUTO_MIGRATE", True)),
            "ARTWORK_DIR": str(tmp_path / "artwork"),
            "SCHEDULER_ENABLED": False,
            "SPOTIFY_CLIENT_ID": None,
            "SPOTIFY_CLIENT_SECRET": None,
        }
        config.update(overrides)
        app = create_app(config)
        database.prepare(app)  # as `soulspot serve` does (AUTO_MIGRATE=False skips it)
        created.append(app)
        return app

    yield factory
    for app in created:
        shutdown_app(app)


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def session(app: Flask) -> Iterator[Any]:
    """The app's scoped SQLAlchemy session inside an app context."""
    with app.app_context():
        yield db.session


@pytest.fixture(scope="session")
def fake_provider_server() -> Iterator[FakeProviders]:
    """One server for the whole run (starting one per test would cost more than the tests)."""
    with FakeProviders() as fake:
        yield fake


@pytest.fixture
def fake_providers(fake_provider_server: FakeProviders) -> FakeProviders:
    """The fake server, reset: empty catalog, no faults, no recorded requests, lenient limits."""
    fake_provider_server.reset()
    return fake_provider_server


@pytest.fixture
def fake_clients(fake_providers: FakeProviders) -> Iterator[ProviderClients]:
    """Clients pointed at the fake; their waits (backoff, Retry-After) advance a virtual clock."""
    clock = VirtualClock(real=True)
    clients = build_clients(fake_providers.config(), clock=clock.monotonic, sleep=clock.sleep)
    yield clients
    clients.close()
