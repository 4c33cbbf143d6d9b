"""Shared fixtures: a fresh app on a real SQLite file per test."""

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


@pytest.fixture
def make_app(tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    """Build an app on a fresh SQLite file under tmp_path; keyword arguments override config."""
    created: list[Flask] = []

    def factory(**overrides: Any) -> Flask:
        config = {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'soulspot.db'}",
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
