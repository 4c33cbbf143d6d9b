"""Starting and stopping what an app runs besides requests: its scheduler and its sessions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from soulspot import database, wiring
from soulspot.schedules import SCHEDULE_KEYS
from soulspot.services import settings as settings_service
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


def apply_settings(app: Flask, session: Session) -> None:
    """Saved settings take effect now: clients are reconfigured, schedules moved."""
    from soulspot.jobs import get_queue

    changed = wiring.apply_saved_settings(app, session)
    queue = get_queue(app)
    if queue is not None and set(SCHEDULE_KEYS.values()) & changed:
        queue.reschedule()


def change_settings(app: Flask, session: Session, changes: Mapping[str, Any]) -> None:
    """Check, save and apply a partial update (PUT /api/settings and the settings page).

    A bad key or value is a ValidationError and saves nothing.
    """
    checked = settings_service.validate(changes, app.config)
    settings_service.save(session, checked)
    apply_settings(app, session)
