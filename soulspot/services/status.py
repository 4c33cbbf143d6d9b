"""Library counts and health, read cheaply from the database."""

from __future__ import annotations

import logging

from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from soulspot.models import Album, Artist, Track

log = logging.getLogger(__name__)


def library_counts(session: Session) -> dict[str, int]:
    """Artists, albums and tracks with local files."""
    return {
        "artists": session.scalar(select(func.count()).where(Artist.has_local_files.is_(True)))
        or 0,
        "albums": session.scalar(select(func.count()).where(Album.has_local_files.is_(True))) or 0,
        "tracks": session.scalar(select(func.count()).where(Track.file_path.is_not(None))) or 0,
    }


def database_reachable(session: Session) -> bool:
    try:
        session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        log.exception("database health check failed")
        session.rollback()
        return False
    return True
