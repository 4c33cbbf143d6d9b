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
from tests.fakes.fixtures import *  # noqa: F403  (fake_providers, fake_clients, ...)


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
