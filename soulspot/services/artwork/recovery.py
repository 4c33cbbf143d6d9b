"""What a process that died mid-download leaves in the artwork folder, cleared at restart."""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from soulspot.models.kinds import EntityKind
from soulspot.services.artwork.store import ArtworkStore

log = logging.getLogger(__name__)


def recover_store(session: Session, store: ArtworkStore) -> dict[str, int]:
    """Remove the partial downloads of dead processes, and the images no row records: a
    download moved into place whose writer died before its commit (repair fetches it again).

    Run by the process that takes the scheduler lock, as it recovers interrupted jobs. A
    live writer elsewhere that is between its move and its commit just then loses its file;
    its row then names a missing file, which the next repair fetches again.
    """
    partials = store.sweep_partials()
    orphans = 0
    for kind in EntityKind:
        column = kind.image_path_column
        recorded = set(session.scalars(select(column).where(column.is_not(None))))
        for relative in store.stored_files(kind):
            if relative not in recorded:
                store.remove(relative)
                orphans += 1
    if partials or orphans:
        log.warning(
            "artwork folder: removed %d partial download(s) and %d unrecorded image(s) "
            "a stopped process left",
            partials,
            orphans,
        )
    return {"partials": partials, "orphans": orphans}
