"""Auto-fetch: a quick, bounded pass over linked entities (deezer_id) that lack a local image."""

from __future__ import annotations

from sqlalchemy.orm import Session

from soulspot.services.artwork.context import ArtworkContext
from soulspot.services.artwork.records import find_missing, kinds_for
from soulspot.services.artwork.repair import ImageFinder, KindCounts, process_targets

#: Seconds one call may spend; work not started by then is left for the next call.
AUTO_FETCH_BUDGET = 5.0


def auto_fetch_images(
    session: Session,
    context: ArtworkContext,
    finder: ImageFinder | None,
    *,
    entity_type: str | None = None,
    limit: int = 20,
    budget: float = AUTO_FETCH_BUDGET,
) -> KindCounts:
    """Download up to `limit` images per entity type, within `budget` seconds.

    Candidates have a deezer_id and neither a valid local image nor a FAILED marker; the
    stored URL is used, else `finder` asks Deezer by id (it never searches here).
    """
    deadline = context.clock() + budget
    counts = KindCounts()
    for kind in kinds_for(entity_type):
        if context.clock() >= deadline:
            break
        targets = find_missing(session, context.store, kind, limit, with_deezer_id=True)
        if targets:
            process_targets(session, context, kind, targets, counts, finder, deadline=deadline)
    return counts
