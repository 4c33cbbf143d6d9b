"""Fixtures of the reliability suites: apps on their own database each, virtual waits."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from soulspot import create_app, database
from soulspot.lifecycle import shutdown_app
from soulspot.providers.factory import build_clients
from soulspot.wiring import PROVIDERS_KEY
from tests.fakes.clock import VirtualClock
from tests.fakes.server import FakeProviders

READ_TIMEOUT = 1.0  # well above what a loaded 2-core CI takes to answer at once
#: A stalled answer outlasts the read timeout by a little only.
STALL = 1.2
FAST = {
    "HTTP_READ_TIMEOUT": READ_TIMEOUT,
    "HTTP_MAX_RETRIES": 1,
    "HTTP_BACKOFF_BASE": 0.001,
    "MAX_RETRY_AFTER": 5,
    "IMAGE_DEADLINE": 3.0,
    "ARTWORK_WORKERS": 4,
}


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty database at the head revision, copied for each app (migrating costs 0.4 s)."""
    path = tmp_path_factory.mktemp("template") / "soulspot.db"
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "ARTWORK_DIR": str(path.parent),
        }
    )
    database.prepare(app)
    shutdown_app(app)
    return path


@pytest.fixture
def world_app(
    tmp_path: Path, fake_providers: FakeProviders, migrated_database: Path
) -> Iterator[Callable[..., Flask]]:
    """Build an app on its own SQLite file and artwork folder (`name`), pointed at the fake;
    its provider clients wait on a virtual clock, so Retry-After and backoff cost nothing."""
    created: list[Flask] = []

    def factory(name: str, **overrides: Any) -> Flask:
        root = tmp_path / name
        root.mkdir()
        shutil.copyfile(migrated_database, root / "soulspot.db")
        config = {
            **fake_providers.config(**FAST),
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{root / 'soulspot.db'}",
            "ARTWORK_DIR": str(root / "artwork"),
            "SCHEDULER_ENABLED": False,
            **overrides,
        }
        app = create_app(config)
        database.prepare(app)
        created.append(app)
        clock = VirtualClock(real=True)
        app.extensions[PROVIDERS_KEY].close()
        app.extensions[PROVIDERS_KEY] = build_clients(
            app.config, clock=clock.monotonic, sleep=clock.sleep
        )
        return app

    yield factory
    for app in created:
        shutdown_app(app)
