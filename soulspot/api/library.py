"""Library JSON endpoints (local data only)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify

from soulspot.api.params import bool_arg, json_body, page_args, str_arg, str_field
from soulspot.api.schemas import album_json, artist_json, page_json, queued_json, track_json
from soulspot.config import path_list
from soulspot.extensions import db
from soulspot.jobs import require_queue
from soulspot.models import JobType
from soulspot.services import library
from soulspot.services.scanning import allowed_root

bp = Blueprint("library", __name__, url_prefix="/library")

MAX_LIMIT = 500


@bp.get("/artists")
def list_artists() -> Any:
    limit, offset = page_args(max_limit=MAX_LIMIT)
    page = library.list_artists(
        db.session,
        limit=limit,
        offset=offset,
        q=str_arg("q"),
        unenriched=bool_arg("unenriched", False),
    )
    items = [artist_json(artist) for artist in page.items]
    return jsonify(page_json("artists", items, total=page.total, limit=limit, offset=offset))


@bp.get("/artists/<artist_id>")
def get_artist(artist_id: str) -> Any:
    artist = library.get_artist(db.session, artist_id)
    body = artist_json(artist)
    body["albums"] = [album_json(album) for album in library.artist_albums(db.session, artist)]
    return jsonify(body)


@bp.get("/albums")
def list_albums() -> Any:
    limit, offset = page_args(max_limit=MAX_LIMIT)
    page = library.list_albums(
        db.session,
        limit=limit,
        offset=offset,
        artist_id=str_arg("artist_id"),
        q=str_arg("q"),
        unenriched=bool_arg("unenriched", False),
        has_local_files=bool_arg("has_local_files", None),
    )
    items = [album_json(album) for album in page.items]
    return jsonify(page_json("albums", items, total=page.total, limit=limit, offset=offset))


@bp.get("/albums/<album_id>")
def get_album(album_id: str) -> Any:
    album = library.get_album(db.session, album_id)
    body = album_json(album)
    body["tracks"] = [track_json(track) for track in library.album_tracks(db.session, album)]
    return jsonify(body)


@bp.post("/scan")
def scan() -> Any:
    """Queue a scan of a folder as a LIBRARY_SCAN job; poll /api/jobs/<job_id> for the summary.

    Only a folder under MUSIC_DIRS when that is set, never a system folder (a 400).
    """
    music_dirs = path_list(current_app.config["MUSIC_DIRS"])
    root = allowed_root(str_field(json_body(), "path"), music_dirs)
    result = require_queue().submit(JobType.LIBRARY_SCAN, {"path": str(root)})
    body = queued_json(result, queued="Scan queued", running="A scan is already running")
    return jsonify(body), 202 if result.created else 200
