"""Starting and stopping what an app runs besides requests: its scheduler and its sessions."""

from __future__ import annotations

from flask import Flask

from soulspot import database
from soulspot.wiring import artwork, providers


def start_jobs(app: Flask) -> None:
    """Bring the schema up to date and start this process's job scheduler."""
    from soulspot.jobs import start_scheduler

    database.prepare(app)
    start_scheduler(app)


def shutdown_app(app: Flask, *, wait: bool = True) -> None:
    """Stop the scheduler and close the HTTP sessions and database connections of an app."""
    from soulspot.jobs import get_queue

    queue = get_queue(app)
    if queue is not None:
        queue.shutdown(wait=wait)
    artwork(app).fetcher.close()
    providers(app).close()
    with app.app_context():
        database.db.engine.dispose()
