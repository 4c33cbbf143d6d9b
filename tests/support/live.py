"""A real `soulspot serve` process on a seeded SQLite file, pointed at the fake providers.

Shared by the browser tests (tests/e2e/conftest.py) and bench/screenshots.py, so both start
the server one way.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from soulspot import create_app, database
from soulspot.extensions import db
from soulspot.lifecycle import shutdown_app
from tests.fakes.server import FakeProviders
from tests.support.processes import free_port, server_env, wait_for_http

#: Builds the library before the server starts; returns ids (or anything) the caller wants back.
Seed = Callable[[Session, FakeProviders], Mapping[str, Any]]

#: No cron job fires during a test; the screenshots pass the real schedules.
QUIET_SCHEDULES = {"ENRICHMENT_SCHEDULE": "off", "ARTWORK_REPAIR_SCHEDULE": "off"}


@dataclass
class LiveServer:
    """A running server: where it answers, the fake behind it, its files and seeded ids."""

    base_url: str
    fake: FakeProviders
    db_path: Path
    artwork_dir: Path
    music_dir: Path
    log_path: Path
    seeded: Mapping[str, Any] = field(default_factory=dict)

    @property
    def catalog(self) -> Any:
        return self.fake.catalog

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def log(self) -> str:
        """What the server printed so far (stdout and stderr)."""
        return self.log_path.read_text(errors="replace")


def _env_value(value: Any) -> str:
    # config.py parses SOULSPOT_* values as JSON when they are JSON, else keeps the text
    return value if isinstance(value, str) else json.dumps(value)


def server_config(fake: FakeProviders, directory: Path, **overrides: Any) -> dict[str, Any]:
    """The config of a live server under `directory`: fake providers, its own files."""
    return {
        **fake.config(),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{directory / 'soulspot.db'}",
        "ARTWORK_DIR": str(directory / "artwork"),
        "MUSIC_DIRS": str(directory / "music"),
        "INSTANCE_PATH": str(directory / "instance"),
        **QUIET_SCHEDULES,
        **overrides,
    }


def seed_database(config: Mapping[str, Any], fake: FakeProviders, seed: Seed | None) -> dict:
    """Migrate the database file and run `seed` on it in this process, before any server."""
    app_config = {key: value for key, value in config.items() if key != "INSTANCE_PATH"}
    app = create_app({**app_config, "SCHEDULER_ENABLED": False})
    try:
        database.prepare(app)
        with app.app_context():
            seeded = dict(seed(db.session, fake)) if seed else {}
            db.session.commit()
    finally:
        shutdown_app(app)
    return seeded


@contextmanager
def live_server(
    directory: Path, fake: FakeProviders, *, seed: Seed | None = None, **overrides: Any
) -> Iterator[LiveServer]:
    """Seed a fresh database under `directory`, start `soulspot serve` on it, stop it after.

    The scheduler runs (serve enables it), so triggered jobs run; cron schedules are off
    unless `overrides` set them. Config `overrides` become SOULSPOT_* variables.
    """
    directory.mkdir(parents=True, exist_ok=True)
    config = server_config(fake, directory, **overrides)
    (directory / "music").mkdir(exist_ok=True)
    seeded = seed_database(config, fake, seed)
    port = free_port()
    env = server_env(**{f"SOULSPOT_{key}": _env_value(value) for key, value in config.items()})
    log_path = directory / "server.log"
    with log_path.open("w") as log:
        # a file, not a pipe: a pipe nobody reads would block the server once full
        process = subprocess.Popen(
            [sys.executable, "-m", "soulspot", "serve", "--port", str(port), "--threads", "8"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
    server = LiveServer(
        base_url=f"http://127.0.0.1:{port}",
        fake=fake,
        db_path=directory / "soulspot.db",
        artwork_dir=directory / "artwork",
        music_dir=directory / "music",
        log_path=log_path,
        seeded=seeded,
    )
    try:
        try:
            wait_for_http(server.url("/healthz"), process, timeout=60)
        except AssertionError as error:
            raise AssertionError(f"{error}\nserver log:\n{server.log()}") from None
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
