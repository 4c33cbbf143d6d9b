"""Running the real `soulspot` command as a process: a free port, and waiting for it to answer."""

from __future__ import annotations

import os
import socket
import subprocess
import time

import requests


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_http(url: str, process: subprocess.Popen[str], timeout: float = 30.0) -> None:
    """Poll `url` until it answers; fail with the process's output if it exits first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.communicate()[0]
            raise AssertionError(f"the server exited with {process.returncode}:\n{output}")
        try:
            requests.get(url, timeout=1)
            return
        except (requests.ConnectionError, requests.Timeout):  # bound, still building the app
            time.sleep(0.1)
    process.kill()
    raise AssertionError(f"{url} did not answer within {timeout} s:\n{process.communicate()[0]}")


#: Every provider pointed at a closed local port: a server started by a test never leaves
#: the machine, whatever job it runs.
NO_PROVIDERS = {
    f"SOULSPOT_{key}": "http://127.0.0.1:9"
    for key in (
        "SPOTIFY_API_URL",
        "SPOTIFY_ACCOUNTS_URL",
        "DEEZER_API_URL",
        "MUSICBRAINZ_API_URL",
        "COVERART_API_URL",
    )
}


def server_env(database: str | None = None, **extra: str) -> dict[str, str]:
    """This environment without SOULSPOT_* settings, providers unreachable, the database at
    URL `database` (the `database_url` fixture's, so a PostgreSQL pass reaches the server too;
    None: the instance folder's SQLite file), plus `extra`."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("SOULSPOT_")}
    if database is not None:
        env["SOULSPOT_SQLALCHEMY_DATABASE_URI"] = database
    return {**env, **NO_PROVIDERS, **extra}
