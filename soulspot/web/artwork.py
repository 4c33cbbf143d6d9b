"""Stored artwork served by entity id, with ETag and Cache-Control (conditional GET: 304)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, send_file

from soulspot.extensions import db
from soulspot.models.kinds import EntityKind
from soulspot.services.artwork import local_image
from soulspot.wiring import artwork

bp = Blueprint("artwork_files", __name__, url_prefix="/artwork")

#: Browsers revalidate after this; the ETag makes that a cheap 304.
MAX_AGE = 3600
MIMETYPES = {".jpg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}


@bp.get("/artists/<entity_id>")
def artist_image(entity_id: str) -> Any:
    return _serve(EntityKind.ARTIST, entity_id)


@bp.get("/albums/<entity_id>")
def album_image(entity_id: str) -> Any:
    return _serve(EntityKind.ALBUM, entity_id)


def _serve(kind: EntityKind, entity_id: str) -> Any:
    store = artwork().store
    path = local_image(db.session, store, kind, entity_id)
    if path is None:
        abort(404, description=f"no stored image for {kind} {entity_id}")
    return send_file(
        path, mimetype=MIMETYPES[path.suffix], etag=True, conditional=True, max_age=MAX_AGE
    )
