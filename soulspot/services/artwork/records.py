"""The artwork columns of artists and albums: which entities miss an image, and their updates."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from soulspot.models import Album, Artist
from soulspot.services.artwork.context import Outcome
from soulspot.services.artwork.markers import MARKER_PREFIX, failed_marker
from soulspot.services.artwork.store import ArtworkStore

PAGE_SIZE = 500


@dataclass(frozen=True)
class ArtworkKind:
    """Where an entity type keeps its image URL and its local path (or FAILED marker)."""

    name: str
    model: Any
    url_column: Any
    path_column: Any


KINDS = {
    "artist": ArtworkKind("artist", Artist, Artist.image_url, Artist.image_path),
    "album": ArtworkKind("album", Album, Album.cover_url, Album.cover_path),
}


def kinds_for(entity_type: str | None) -> list[ArtworkKind]:
    """Both kinds for None, else the one named."""
    if entity_type is None:
        return list(KINDS.values())
    if entity_type not in KINDS:
        raise ValueError(f"entity_type must be 'artist', 'album' or None, not {entity_type!r}")
    return [KINDS[entity_type]]


@dataclass(frozen=True)
class Target:
    """An entity without a valid local image and without a FAILED marker."""

    kind: str
    id: str
    url: str | None
    deezer_id: str | None


def iter_missing(
    session: Session,
    store: ArtworkStore,
    kind: ArtworkKind,
    *,
    after_id: str | None = None,
    with_deezer_id: bool = False,
) -> Iterator[Target]:
    """Targets in id order after `after_id`: no path, or a path whose file has disappeared.

    Reads in pages by id, so callers may commit between items.
    """
    model = kind.model
    cursor = after_id
    while True:
        query = (
            select(model.id, kind.url_column, kind.path_column, model.deezer_id)
            .where(kind.path_column.is_(None) | ~kind.path_column.startswith(MARKER_PREFIX))
            .order_by(model.id)
            .limit(PAGE_SIZE)
        )
        if cursor is not None:
            query = query.where(model.id > cursor)
        if with_deezer_id:
            query = query.where(model.deezer_id.is_not(None))
        rows = session.execute(query).all()
        for entity_id, url, path, deezer_id in rows:
            if _is_missing(store, kind, entity_id, path):
                yield Target(kind.name, entity_id, url or None, deezer_id)
        if len(rows) < PAGE_SIZE:
            return
        cursor = rows[-1][0]


def find_missing(
    session: Session,
    store: ArtworkStore,
    kind: ArtworkKind,
    limit: int,
    *,
    after_id: str | None = None,
    with_deezer_id: bool = False,
) -> list[Target]:
    """The first `limit` targets after `after_id`."""
    found = iter_missing(session, store, kind, after_id=after_id, with_deezer_id=with_deezer_id)
    return list(islice(found, limit))


def still_missing(
    session: Session, store: ArtworkStore, kind: ArtworkKind, ids: list[str]
) -> set[str]:
    """Which of `ids` are still targets now (another run may have finished them meanwhile)."""
    missing: set[str] = set()
    for start in range(0, len(ids), PAGE_SIZE):
        chunk = ids[start : start + PAGE_SIZE]
        rows = session.execute(
            select(kind.model.id, kind.path_column).where(kind.model.id.in_(chunk))
        ).all()
        missing.update(
            entity_id for entity_id, path in rows if _is_missing(store, kind, entity_id, path)
        )
    return missing


def _is_missing(store: ArtworkStore, kind: ArtworkKind, entity_id: str, path: str | None) -> bool:
    """No path, or a path (not a marker) whose file is not there."""
    if path is None:
        return True
    return not path.startswith(MARKER_PREFIX) and store.locate(kind.name, entity_id, path) is None


def record_outcome(session: Session, outcome: Outcome, now: datetime) -> None:
    """Write the stored path, or the FAILED marker (none for a transient failure); commit."""
    kind = KINDS[outcome.kind]
    if outcome.image is not None:
        value = outcome.image.path
    elif outcome.error is not None and not outcome.error.transient:
        value = failed_marker(outcome.error.reason, now)
    else:
        return
    model = kind.model
    session.execute(
        update(model).where(model.id == outcome.entity_id).values({kind.path_column: value})
    )
    session.commit()


def reset_failed(session: Session, entity_type: str | None) -> dict[str, int]:
    """Clear every FAILED marker of the chosen kinds; return how many of each."""
    counts = {"reset_artists": 0, "reset_albums": 0}
    for kind in kinds_for(entity_type):
        result = session.execute(
            update(kind.model)
            .where(kind.path_column.startswith(MARKER_PREFIX))
            .values({kind.path_column: None})
        )
        counts[f"reset_{kind.name}s"] = result.rowcount or 0
    session.commit()
    return counts


def local_image(session: Session, store: ArtworkStore, kind: str, entity_id: str) -> Path | None:
    """The image file of an existing entity, or None (unknown entity, no image, file gone)."""
    artwork_kind = KINDS[kind]
    recorded = session.scalar(
        select(artwork_kind.path_column).where(artwork_kind.model.id == entity_id)
    )
    return store.locate(kind, entity_id, recorded) if recorded else None
