"""Download one entity's image: the collaborators every artwork use case shares, and the fetch."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from soulspot.models.kinds import EntityKind
from soulspot.providers.http import user_agent
from soulspot.services.artwork.fetch import ImageFetcher
from soulspot.services.artwork.records import Outcome, is_failed_marker, record_outcome
from soulspot.services.artwork.safety import ArtworkError, Reason, UrlPolicy
from soulspot.services.artwork.store import ArtworkStore

log = logging.getLogger(__name__)


class Claims:
    """Entities whose image a thread of this process is fetching right now.

    A second caller that cannot claim an entity skips it, so concurrent repairs never
    download the same file twice or race on it.
    """

    def __init__(self) -> None:
        self._held: set[tuple[EntityKind, str]] = set()
        self._lock = threading.Lock()

    def claim(self, kind: EntityKind, entity_id: str) -> bool:
        with self._lock:
            if (kind, entity_id) in self._held:
                return False
            self._held.add((kind, entity_id))
            return True

    def release(self, kind: EntityKind, entity_id: str) -> None:
        with self._lock:
            self._held.discard((kind, entity_id))


@dataclass
class ArtworkContext:
    """Store, fetcher, claims, pool size and request budget; one per app (`build_context`)."""

    store: ArtworkStore
    fetcher: ImageFetcher
    workers: int = 8
    #: Seconds a repair on a user's request may take (ARTWORK_REQUEST_BUDGET).
    request_budget: float = 30.0
    claims: Claims = field(default_factory=Claims)
    clock: Callable[[], float] = time.monotonic
    now: Callable[[], datetime] = lambda: datetime.now(UTC)


def positive_seconds(config: Mapping[str, Any], key: str) -> float:
    """A duration setting, refused by name when it is not a positive number."""
    try:
        seconds = float(config[key])
    except (TypeError, ValueError):
        seconds = 0.0
    if not seconds > 0:
        raise ValueError(f"SOULSPOT_{key} must be a positive number of seconds: {config[key]!r}")
    return seconds


def build_context(config: Mapping[str, Any]) -> ArtworkContext:
    """An ArtworkContext from the app config (ARTWORK_DIR, IMAGE_HOSTS, IMAGE_DEADLINE, ...)."""
    workers = max(1, int(config["ARTWORK_WORKERS"]))
    fetcher = ImageFetcher(
        UrlPolicy.from_setting(config["IMAGE_HOSTS"]),
        user_agent=user_agent(config["MUSICBRAINZ_CONTACT"]),
        max_bytes=int(config["MAX_IMAGE_BYTES"]),
        connect_timeout=float(config["HTTP_CONNECT_TIMEOUT"]),
        read_timeout=float(config["HTTP_READ_TIMEOUT"]),
        total_timeout=positive_seconds(config, "IMAGE_DEADLINE"),
        pool_size=workers,
    )
    return ArtworkContext(
        store=ArtworkStore(config["ARTWORK_DIR"]),
        fetcher=fetcher,
        workers=workers,
        request_budget=positive_seconds(config, "ARTWORK_REQUEST_BUDGET"),
    )


def download_image(
    context: ArtworkContext,
    kind: EntityKind,
    entity_id: str,
    url: str,
    *,
    deadline: float | None = None,
) -> Outcome:
    """Fetch `url` into the store as this entity's image. Touches no database: runs on workers."""
    try:
        image = context.store.save(
            kind, entity_id, lambda sink: context.fetcher.download(url, sink, deadline=deadline)
        )
    except ArtworkError as error:
        log.info("artwork %s %s: %s (%s)", kind, entity_id, error.reason.value, error.detail)
        return Outcome(kind, entity_id, error=error)
    except OSError as exc:  # our disk, not the image: no marker, the next run tries again
        log.warning("artwork %s %s: cannot write: %s", kind, entity_id, exc)
        error = ArtworkError(Reason.SERVER_ERROR, f"local write failed: {exc}", transient=True)
        return Outcome(kind, entity_id, error=error)
    log.info(
        "artwork %s %s: stored %s %dx%d (%d bytes)",
        kind,
        entity_id,
        image.format,
        image.width,
        image.height,
        image.size,
    )
    return Outcome(kind, entity_id, image=image)


def fetch_entity_image(
    session: Session,
    context: ArtworkContext,
    entity_type: EntityKind | str,
    entity_id: str,
    *,
    replace: bool = True,
) -> Outcome:
    """Download the entity's stored image URL into the store and record the result.

    For an entity just linked (enrichment, apply). With `replace` (a new link means a new
    URL) an existing image or FAILED marker is overwritten; without it such an entity is
    skipped. Skipped too: an unknown entity, no URL, or another thread fetching this entity
    right now. Runs on the calling thread.
    """
    kind = EntityKind(entity_type)
    skipped = Outcome(kind, entity_id)
    if not context.claims.claim(kind, entity_id):
        return skipped
    try:
        session.commit()  # a fresh transaction sees what a concurrent fetch committed
        row = session.execute(
            select(kind.image_url_column, kind.image_path_column).where(kind.model.id == entity_id)
        ).first()
        if row is None or not row[0]:
            return skipped
        url, path = row
        if not replace and (is_failed_marker(path) or context.store.locate(kind, entity_id, path)):
            return skipped
        outcome = download_image(context, kind, entity_id, url)
        record_outcome(session, outcome, context.now())
        return outcome
    finally:
        context.claims.release(kind, entity_id)
