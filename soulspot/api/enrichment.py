"""Enrichment JSON endpoints: status, trigger, candidates review, manual link/unlink."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from flask import Blueprint, current_app, jsonify, render_template

from soulspot.api.params import (
    bool_arg,
    bounded_int,
    entity_kind_arg,
    enum_arg,
    json_body,
    page_args,
    str_arg,
)
from soulspot.api.schemas import iso, page_json, queued_json
from soulspot.errors import ValidationError
from soulspot.extensions import db
from soulspot.jobs import next_runs, require_queue
from soulspot.models import Candidate, CandidateStatus, EntityKind, JobType, ProviderKind
from soulspot.services import auto_fetch, discography
from soulspot.services import candidates as candidate_service
from soulspot.services import status as status_service
from soulspot.services.artwork.download import positive_seconds
from soulspot.services.identity import resolve_library
from soulspot.wiring import identity_services, providers

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
    return jsonify(status_service.enrichment_status(db.session, next_runs()))


@bp.post("/trigger")
def trigger() -> Any:
    """200 both when it queues a job and when one runs already (`created` says which)."""
    result = require_queue().submit(
        JobType.LIBRARY_SPOTIFY_ENRICHMENT, {"triggered_by": "manual_api"}
    )
    return jsonify(
        queued_json(
            result,
            queued="Enrichment job queued successfully",
            running="Enrichment job already running",
        )
    )


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
    spotify = providers().spotify if current_app.config["SPOTIFY_ENABLED"] else None
    entity = candidate_service.link_entity(db.session, kind, entity_id, link_value, spotify=spotify)
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
            "musicbrainz_id": value if provider is ProviderKind.MUSICBRAINZ else None,
        }
    )


@bp.post("/disambiguation/job")
def disambiguation_job() -> Any:
    """*Extra*: the same work for every due artist, as a background job (200, `created`)."""
    result = require_queue().submit(
        JobType.MUSICBRAINZ_DISAMBIGUATION, {"triggered_by": "manual_api"}
    )
    return jsonify(
        queued_json(
            result, queued="Disambiguation job queued", running="Disambiguation job already running"
        )
    )


@bp.post("/disambiguation")
def disambiguation() -> Any:
    """MusicBrainz identity for up to `limit` artists, within MUSICBRAINZ_REQUEST_BUDGET.

    Synchronous, as the contract says, but bounded: no Retry-After waits in the request, and
    what the budget leaves is left to the MUSICBRAINZ_DISAMBIGUATION job.
    """
    limit = bounded_int(json_body(required=False), "limit", 50, minimum=1, maximum=500)
    config = current_app.config
    if not config["MUSICBRAINZ_ENABLED"]:
        return render_template("partials/_musicbrainz_result.html", outcome="disabled")
    services = identity_services()
    budget = positive_seconds(config, "MUSICBRAINZ_REQUEST_BUDGET")
    ends = time.monotonic() + budget
    with services.musicbrainz.without_retries():
        report = resolve_library(
            db.session,
            services,
            limit=limit,
            recheck_after=timedelta(days=float(config["MUSICBRAINZ_RECHECK_DAYS"])),
            deadline=lambda: time.monotonic() >= ends,
        )
    if report.errors and report.artists_checked == 0:
        message = report.errors[-1]["error"]
        return render_template(
            "partials/_musicbrainz_result.html", outcome="error", message=message
        )
    outcome = "success" if report.artists_resolved or report.albums_resolved else "nothing"
    return render_template("partials/_musicbrainz_result.html", outcome=outcome, report=report)


@bp.post("/auto-fetch-discography")
def auto_fetch_discography() -> Any:
    """HTMX, quiet by design: a hidden fragment with the counts added, or an empty body.

    Provider failures are only logged; the request never waits on retries or Retry-After.
    """
    artist_id = str_arg("artist_id")
    if artist_id is None:
        raise ValidationError("artist_id is required")
    include_tracks = bool_arg("include_tracks", True)
    fetched = auto_fetch.fetch_discography(
        db.session, artist_id, current_app.config, providers(), include_tracks=include_tracks
    )
    if not fetched.albums_added and not fetched.tracks_added:
        return "", 200
    return render_template(
        "partials/_auto_fetch_discography.html",
        albums=fetched.albums_added,
        tracks=fetched.tracks_added,
    )


@bp.post("/auto-fetch-discography/job")
def auto_fetch_discography_job() -> Any:
    """*Extra*: the same fetch for many artists as a DISCOGRAPHY_FETCH job (200, `created`).

    Body (optional) {"artist_ids": [...], "include_tracks": true}; without ids, every artist
    with local files and a Deezer or Spotify link.
    """
    body = json_body(required=False)
    artist_ids = body.get("artist_ids")
    if artist_ids is not None:
        if (
            not isinstance(artist_ids, list)
            or not artist_ids
            or not all(isinstance(item, str) and item for item in artist_ids)
        ):
            raise ValidationError("'artist_ids' must be a non-empty list of artist ids")
        discography.check_artists(db.session, artist_ids)
    include_tracks = body.get("include_tracks", True)
    if not isinstance(include_tracks, bool):
        raise ValidationError(f"'include_tracks' must be true or false, got {include_tracks!r}")
    payload = {"triggered_by": "manual_api", "include_tracks": include_tracks}
    if artist_ids is not None:
        payload["artist_ids"] = list(dict.fromkeys(artist_ids))
    result = require_queue().submit(JobType.DISCOGRAPHY_FETCH, payload)
    return jsonify(
        queued_json(
            result, queued="Discography job queued", running="Discography job already running"
        )
    )
