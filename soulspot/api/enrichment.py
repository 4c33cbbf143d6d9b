"""Enrichment JSON endpoints: status, trigger, candidates review, manual link/unlink."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify

from soulspot.api.params import entity_type_arg, json_body, page_args
from soulspot.api.schemas import iso, page_json
from soulspot.errors import ValidationError
from soulspot.extensions import db, providers
from soulspot.jobs import require_queue
from soulspot.models import Candidate, JobType
from soulspot.services import candidates as candidate_service
from soulspot.services import status as status_service
from soulspot.services.artwork.runtime import artwork_runtime

bp = Blueprint("enrichment", __name__, url_prefix="/enrichment")


def serialize_candidate(candidate: Candidate, entity_name: str) -> dict[str, Any]:
    return {
        "id": candidate.id,
        "entity_type": candidate.entity_type,
        "entity_id": candidate.entity_id,
        "entity_name": entity_name,
        "provider": candidate.provider,
        "spotify_uri": candidate.spotify_uri,
        "spotify_name": candidate.spotify_name,
        "spotify_image_url": candidate.spotify_image_url,
        "confidence_score": round(candidate.confidence_score, 4),
        "extra_info": candidate.extra_info or {},
        "status": candidate.status.value,
        "created_at": iso(candidate.created_at),
    }


@bp.get("/status")
def status() -> Any:
    return jsonify(status_service.enrichment_status(db.session))


@bp.post("/trigger")
def trigger() -> Any:
    result = require_queue().submit(
        JobType.LIBRARY_SPOTIFY_ENRICHMENT, {"triggered_by": "manual_api"}
    )
    message = (
        "Enrichment job queued successfully" if result.created else "Enrichment job already running"
    )
    return jsonify({"job_id": result.job_id, "message": message, "created": result.created}), (
        202 if result.created else 200
    )


@bp.get("/candidates")
def list_candidates() -> Any:
    entity_type = entity_type_arg()
    limit, offset = page_args(max_limit=200)
    rows, total = candidate_service.list_candidates(
        db.session, entity_type=entity_type, limit=limit, offset=offset
    )
    items = [serialize_candidate(row.candidate, row.entity_name) for row in rows]
    return jsonify(page_json("candidates", items, total=total, limit=limit, offset=offset))


@bp.post("/candidates/<candidate_id>/apply")
def apply_candidate(candidate_id: str) -> Any:
    candidate = candidate_service.apply_candidate(
        db.session, candidate_id, after_link=artwork_runtime(current_app).submit
    )
    return jsonify(
        {
            "success": True,
            "message": "Successfully applied Spotify match",
            "spotify_uri": candidate.spotify_uri,
            "entity_type": candidate.entity_type,
            "entity_id": candidate.entity_id,
        }
    )


@bp.post("/candidates/<candidate_id>/reject")
def reject_candidate(candidate_id: str) -> Any:
    candidate_service.reject_candidate(db.session, candidate_id)
    return jsonify({"success": True, "message": "Candidate rejected"})


def _entity_from_body(body: dict[str, Any]) -> tuple[str, str]:
    entity_type, entity_id = body.get("entity_type"), body.get("entity_id")
    if entity_type not in ("artist", "album"):
        raise ValidationError("entity_type must be 'artist' or 'album'")
    if not isinstance(entity_id, str) or not entity_id:
        raise ValidationError("entity_id must be a non-empty string")
    return entity_type, entity_id


@bp.post("/link")
def link() -> Any:
    body = json_body()
    entity_type, entity_id = _entity_from_body(body)
    link_value = body.get("spotify_uri")
    if not isinstance(link_value, str):
        raise ValidationError("spotify_uri must be a Spotify URI or open.spotify.com URL")
    entity = candidate_service.link_entity(
        db.session,
        entity_type,
        entity_id,
        link_value,
        spotify=providers().spotify,
        after_link=artwork_runtime(current_app).submit,
    )
    return jsonify({"success": True, "message": "Linked", "spotify_uri": entity.spotify_uri})


@bp.post("/unlink")
def unlink() -> Any:
    entity_type, entity_id = _entity_from_body(json_body())
    uri = candidate_service.unlink_entity(db.session, entity_type, entity_id)
    return jsonify(
        {
            "success": True,
            "message": "Unlinked; the link will not be proposed again",
            "spotify_uri": uri,
        }
    )
