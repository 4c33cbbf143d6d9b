"""The image of one entity, fetched right after something linked it (enrichment, apply)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from soulspot.services.artwork.context import ArtworkContext, Outcome, download_image
from soulspot.services.artwork.markers import is_failed_marker
from soulspot.services.artwork.records import KINDS, record_outcome


def fetch_entity_image(
    session: Session,
    context: ArtworkContext,
    entity_type: str,
    entity_id: str,
    *,
    replace: bool = True,
) -> Outcome:
    """Download the entity's stored image URL into the store and record the result.

    With `replace` (a new link means a new URL) an existing image or FAILED marker is
    overwritten; without it such an entity is skipped. Skipped too: an unknown entity, no
    URL, or another thread fetching this entity right now. Runs on the calling thread.
    """
    kind = KINDS[entity_type]
    skipped = Outcome(entity_type, entity_id)
    if not context.claims.claim(entity_type, entity_id):
        return skipped
    try:
        session.commit()  # a fresh transaction sees what a concurrent fetch committed
        row = session.execute(
            select(kind.url_column, kind.path_column).where(kind.model.id == entity_id)
        ).first()
        if row is None or not row[0]:
            return skipped
        url, path = row
        if not replace and (
            is_failed_marker(path) or context.store.locate(entity_type, entity_id, path)
        ):
            return skipped
        outcome = download_image(context, entity_type, entity_id, url)
        record_outcome(session, outcome, context.now())
        return outcome
    finally:
        context.claims.release(entity_type, entity_id)
