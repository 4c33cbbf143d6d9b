"""Enrichment JSON endpoints: status, trigger, candidates review, manual link/unlink."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify

from soulspot.api.params import entity_kind_arg, enum_arg, json_body, page_args
from soulspot.api.schemas import iso, page_json
from soulspot.errors import ValidationError
from soulspot.extensions import db
from soulspot.jobs import require_queue
from soulspot.models import Candidate, CandidateStatus, EntityKind, JobType, ProviderKind
from soulspot.services import candidates as candidate_service
from soulspot.services import status as status_service
from soulspot.wiring import providers

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
    """200 both when it queues a job and when one runs already (`created` says which)."""
    result = require_queue().submit(
        JobType.LIBRARY_SPOTIFY_ENRICHMENT, {"triggered_by": "manual_api"}
    )
    message = (
        "Enrichment job queued successfully" if result.created else "Enrichment job already running"
    )
    return jsonify({"job_id": result.job_id, "message": message, "created": result.created})


@bp.get("/candidates")
def list_candidates() -> Any:
    kind = entity_kind_arg()
    status = enum_arg("status", CandidateStatus, default=CandidateStatus.PENDING)
    limit, offset = page_args(max_limit=200)
    rows, total = candidate_service.list_candidates(
        db.session, kind=kind, status=status, limit=limit, offset=offset
    )
    items = [serialize_candidate(row.candidate, row.entity_name) for row in rows]
    return jsonify(page_json("candidates", items, total=total, limit=limit, offset=offset))


@bp.post("/candidates/<candidate_id>/apply")
def apply_candidate(candidate_id: str) -> Any:
    candidate = candidate_service.apply_candidate(db.session, candidate_id)
    body = {
        "success": True,
        "message": "Successfully applied Spotify match",
        "spotify_uri": candidate.spotify_uri,
        "entity_type": candidate.entity_type,
        "entity_id": candidate.entity_id,
    }
    if candidate.entity_type == EntityKind.ARTIST:
        body["albums_follow_up"] = "queued"  # its albums are matched within a minute
    return jsonify(body)


@bp.post("/candidates/<candidate_id>/reject")
def reject_candidate(candidate_id: str) -> Any:
    candidate_service.reject_candidate(db.session, candidate_id)
    return jsonify({"success": True, "message": "Candidate rejected"})


@bp.post("/candidates/<candidate_id>/reopen")
def reopen_candidate(candidate_id: str) -> Any:
    candidate = candidate_service.reopen_candidate(db.session, candidate_id)
    return jsonify(
        {
            "success": True,
            "message": "Candidate is pending again",
            "candidate": serialize_candidate(candidate, _entity_name(candidate)),
        }
    )


def _entity_name(candidate: Candidate) -> str:
    kind = EntityKind.parse(candidate.entity_type)
    return kind.display_name(candidate_service.get_entity(db.session, kind, candidate.entity_id))


def _entity_from_body(body: dict[str, Any]) -> tuple[EntityKind, str]:
    kind = EntityKind.parse(body.get("entity_type"))
    entity_id = body.get("entity_id")
    if not isinstance(entity_id, str) or not entity_id:
        raise ValidationError("entity_id must be a non-empty string")
    return kind, entity_id


@bp.post("/link")
def link() -> Any:
    body = json_body()
    kind, entity_id = _entity_from_body(body)
    link_value = body.get("spotify_uri")
    if not isinstance(link_value, str):
        raise ValidationError("spotify_uri must be a Spotify URI or open.spotify.com URL")
    entity = candidate_service.link_entity(
        db.session, kind, entity_id, link_value, spotify=providers().spotify
    )
    return jsonify({"success": True, "message": "Linked", "spotify_uri": entity.spotify_uri})


@bp.post("/unlink")
def unlink() -> Any:
    body = json_body()
    kind, entity_id = _entity_from_body(body)
    provider = ProviderKind.parse(body.get("provider", ProviderKind.SPOTIFY.value))
    value = candidate_service.unlink_entity(db.session, kind, entity_id, provider)
    return jsonify(
        {
            "success": True,
            "message": "Unlinked; the link will not be proposed again",
            "provider": provider.value,
            "spotify_uri": value if provider is ProviderKind.SPOTIFY else None,
            "deezer_id": value if provider is ProviderKind.DEEZER else None,
        }
    )
