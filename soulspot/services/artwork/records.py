"""The artwork columns of artists and albums: missing images, outcomes and FAILED markers.

The path column holds the stored image's path, or `FAILED|<reason>|<UTC timestamp>` after a
download that failed for the image's own fault (a reset clears it).
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from soulspot.models.kinds import EntityKind
from soulspot.models.library import IMAGE_FAILED_PREFIX
from soulspot.services.artwork.safety import ArtworkError, OutOfBudget, Reason
from soulspot.services.artwork.store import ArtworkStore, StoredImage

PAGE_SIZE = 500


def failed_marker(reason: Reason, now: datetime | None = None) -> str:
    """`FAILED|<reason>|<UTC timestamp to the second, Z suffix>`."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    return f"{IMAGE_FAILED_PREFIX}|{reason.value}|{moment.strftime('%Y-%m-%dT%H:%M:%SZ')}"


def is_failed_marker(value: str | None) -> bool:
    """True for any value reset would clear (every value starting with FAILED)."""
    return value is not None and value.startswith(IMAGE_FAILED_PREFIX)


def kinds_for(entity_type: str | None) -> list[EntityKind]:
    """Both kinds for None, else the one named."""
    if entity_type is None:
        return list(EntityKind)
    try:
        return [EntityKind(entity_type)]
    except ValueError:
        raise ValueError(
            f"entity_type must be 'artist', 'album' or None, not {entity_type!r}"
        ) from None


@dataclass(frozen=True)
class Target:
    """An entity without a valid local image and without a FAILED marker."""

    kind: EntityKind
    id: str
    url: str | None
    deezer_id: str | None


@dataclass(frozen=True)
class Outcome:
    """What became of one entity: an image, the error that stopped it, or neither (skipped)."""

    kind: EntityKind
    entity_id: str
    image: StoredImage | None = None
    error: ArtworkError | None = None

    @property
    def status(self) -> str:
        """`repaired`, `failed` or `skipped` (also when the caller's budget ran out)."""
        if self.image is not None:
            return "repaired"
        if self.error is None or isinstance(self.error, OutOfBudget):
            return "skipped"
        return "failed"


class Source(enum.Enum):
    """What a target must have to be fetched without a search."""

    ANY = "any"
    DEEZER_ID = "deezer_id"
    URL_OR_DEEZER_ID = "url_or_deezer_id"


def find_missing(
    session: Session,
    store: ArtworkStore,
    kind: EntityKind,
    limit: int | None = None,
    *,
    after_id: str | None = None,
    source: Source = Source.ANY,
    artist_id: str | None = None,
) -> Iterator[Target]:
    """Up to `limit` targets (None: all) in id order after `after_id`.

    A target has no path, or a path whose file has disappeared, and what `source` asks
    for. `artist_id` keeps that artist, or its albums. Reads in pages by id, so callers may
    commit between items.
    """
    path_column = kind.image_path_column
    query = (
        select(kind.model.id, kind.image_url_column, path_column, kind.model.deezer_id)
        .where(path_column.is_(None) | ~path_column.startswith(IMAGE_FAILED_PREFIX))
        .order_by(kind.model.id)
        .limit(PAGE_SIZE)
    )
    if source is Source.DEEZER_ID:
        query = query.where(kind.model.deezer_id.is_not(None))
    elif source is Source.URL_OR_DEEZER_ID:
        query = query.where(kind.model.deezer_id.is_not(None) | kind.image_url_column.is_not(None))
    if artist_id is not None:
        owner = kind.model.id if kind is EntityKind.ARTIST else kind.model.artist_id
        query = query.where(owner == artist_id)
    return islice(_pages(session, store, kind, query, after_id), limit)


def _pages(
    session: Session, store: ArtworkStore, kind: EntityKind, query: Any, after_id: str | None
) -> Iterator[Target]:
    cursor = after_id
    while True:
        page = query if cursor is None else query.where(kind.model.id > cursor)
        rows = session.execute(page).all()
        for entity_id, url, path, deezer_id in rows:
            if _is_missing(store, kind, entity_id, path):
                yield Target(kind, entity_id, url or None, deezer_id)
        if len(rows) < PAGE_SIZE:
            return
        cursor = rows[-1][0]


def still_missing(
    session: Session, store: ArtworkStore, kind: EntityKind, ids: list[str]
) -> set[str]:
    """Which of `ids` are still targets now (another run may have finished them meanwhile)."""
    missing: set[str] = set()
    for start in range(0, len(ids), PAGE_SIZE):
        chunk = ids[start : start + PAGE_SIZE]
        rows = session.execute(
            select(kind.model.id, kind.image_path_column).where(kind.model.id.in_(chunk))
        ).all()
        missing.update(
            entity_id for entity_id, path in rows if _is_missing(store, kind, entity_id, path)
        )
    return missing


def _is_missing(store: ArtworkStore, kind: EntityKind, entity_id: str, path: str | None) -> bool:
    """No path, or a path (not a marker) whose file is not there."""
    if path is None:
        return True
    return not is_failed_marker(path) and store.locate(kind, entity_id, path) is None


def record_outcome(session: Session, outcome: Outcome, now: datetime) -> None:
    """Write the stored path, or the FAILED marker (none for a transient failure); commit."""
    if outcome.image is not None:
        value = outcome.image.path
    elif outcome.error is not None and not outcome.error.transient:
        value = failed_marker(outcome.error.reason, now)
    else:
        return
    kind = outcome.kind
    session.execute(
        update(kind.model)
        .where(kind.model.id == outcome.entity_id)
        .values({kind.image_path_column: value})
    )
    session.commit()


def reset_failed(session: Session, entity_type: str | None) -> dict[str, int]:
    """Clear every FAILED marker of the chosen kinds; return how many of each."""
    counts = {"reset_artists": 0, "reset_albums": 0}
    for kind in kinds_for(entity_type):
        result = session.execute(
            update(kind.model)
            .where(kind.image_path_column.startswith(IMAGE_FAILED_PREFIX))
            .values({kind.image_path_column: None})
        )
        counts[f"reset_{kind.value}s"] = result.rowcount or 0
    session.commit()
    return counts


def local_image(
    session: Session, store: ArtworkStore, kind: EntityKind, entity_id: str
) -> Path | None:
    """The image file of an existing entity, or None (unknown entity, no image, file gone)."""
    recorded = session.scalar(select(kind.image_path_column).where(kind.model.id == entity_id))
    return store.locate(kind, entity_id, recorded) if recorded else None
