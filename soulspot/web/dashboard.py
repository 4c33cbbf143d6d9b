"""The dashboard: library counts, coverage, the enrichment card, jobs and next runs.

The enrichment card and the actions card each poll themselves only while one of their jobs
runs, and answer STOP_POLLING with the outcome once none does.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template, request
from jinja2_fragments.flask import render_block

from soulspot.errors import ValidationError
from soulspot.extensions import db
from soulspot.jobs import next_runs, require_queue
from soulspot.models import JobType, ProviderKind
from soulspot.models.base import utcnow
from soulspot.services import artwork as artwork_service
from soulspot.services import status as status_service
from soulspot.services.jobs import active_job, last_finished_job
from soulspot.services.settings import ENABLED_KEYS, PROVIDER_NAMES
from soulspot.web.rendering import STOP_POLLING

bp = Blueprint("dashboard", __name__)

TEMPLATE = "pages/dashboard.html"
ENRICHMENT = JobType.LIBRARY_SPOTIFY_ENRICHMENT
#: The job types of the actions card, each with its own button.
ACTION_JOBS = (JobType.ARTWORK_REPAIR, JobType.MUSICBRAINZ_DISAMBIGUATION)
TRIGGERED_BY = {"triggered_by": "manual_web"}
#: The event (HX-Trigger) on which the library counts reload.
LIBRARY_CHANGED = "library-changed"


@bp.get("/")
def home() -> str:
    now = utcnow()
    return render_template(
        TEMPLATE,
        **_enrichment_context(),
        **_actions_context(),
        recent_jobs=[
            (job, status_service.job_timing(job, now), status_service.job_errors(job))
            for job in status_service.recent_jobs(db.session)
        ],
        next_runs=next_runs(),
    )


@bp.get("/dashboard/library")
def library_summary() -> Any:
    """The counts and coverage: the page loads them after itself, and again when a job of a
    card has ended."""
    return render_block(TEMPLATE, "library_summary", **_library_context())


@bp.get("/dashboard/enrichment-card")
def enrichment_card() -> Any:
    return _card("enrichment_card", _enrichment_context())


@bp.post("/dashboard/enrich")
def enrich() -> Any:
    """Queue enrichment (or find the running job) and answer the card, which then polls."""
    require_queue().submit(ENRICHMENT, TRIGGERED_BY)
    return _card("enrichment_card", _enrichment_context())


@bp.get("/dashboard/actions")
def actions() -> Any:
    return _card("actions_card", _actions_context())


@bp.post("/dashboard/repair-artwork")
def repair_artwork() -> Any:
    """An artwork repair job of the whole library: fast (the stored CDN URLs) or thorough
    (`use_api`: Deezer is asked for the missing URLs first)."""
    mode = request.form.get("mode", "fast")
    if mode not in ("fast", "thorough"):
        raise ValidationError(f"mode must be 'fast' or 'thorough', got {mode[:64]!r}")
    require_queue().submit(JobType.ARTWORK_REPAIR, {**TRIGGERED_BY, "use_api": mode == "thorough"})
    return _card("actions_card", _actions_context())


@bp.post("/dashboard/reset-failed-images")
def reset_failed_images() -> Any:
    reset = artwork_service.reset_failed(db.session, None)
    return _card("actions_card", _actions_context(reset=reset))


@bp.post("/dashboard/musicbrainz")
def musicbrainz() -> Any:
    """Queue the disambiguation job; its result fragment shows when it ends."""
    if current_app.config["MUSICBRAINZ_ENABLED"]:
        require_queue().submit(JobType.MUSICBRAINZ_DISAMBIGUATION, TRIGGERED_BY)
    return _card("actions_card", _actions_context())


def _card(block: str, context: dict[str, Any]) -> Any:
    """The block; STOP_POLLING once none of its jobs is active (the block then polls no more),
    with the event that makes the library counts refresh themselves."""
    body = render_block(TEMPLATE, block, **context)
    if context[f"{block}_polling"]:
        return body, 200
    return body, STOP_POLLING, {"HX-Trigger": LIBRARY_CHANGED}


def _library_context() -> dict[str, Any]:
    return {
        "coverage": status_service.coverage(db.session),
        "tracks": status_service.library_counts(db.session)["tracks"],
        "providers": [
            (provider, name, bool(current_app.config[ENABLED_KEYS[provider]]))
            for provider, name in PROVIDER_NAMES.items()
        ],
    }


def _enrichment_context() -> dict[str, Any]:
    running = active_job(db.session, ENRICHMENT)
    now = utcnow()
    if running is not None:
        job = running
        started = running.started_at
        outcomes = (
            status_service.run_outcomes(db.session, started)
            if started is not None
            else status_service.result_outcomes(None)
        )
    else:
        job = last_finished_job(db.session, ENRICHMENT)
        outcomes = status_service.result_outcomes(job.result if job else None)
    return {
        "enrichment_job": job,
        "enrichment_timing": None if job is None else status_service.job_timing(job, now),
        "outcomes": outcomes,
        "enrichment_card_polling": running is not None,
    }


def _actions_context(reset: dict[str, int] | None = None) -> dict[str, Any]:
    active = {job_type: active_job(db.session, job_type) for job_type in ACTION_JOBS}
    last = {job_type: last_finished_job(db.session, job_type) for job_type in ACTION_JOBS}
    return {
        "active": active,
        "last": last,
        "reset": reset,
        "musicbrainz_enabled": bool(current_app.config[ENABLED_KEYS[ProviderKind.MUSICBRAINZ]]),
        "musicbrainz_outcome": status_service.disambiguation_outcome(
            last[JobType.MUSICBRAINZ_DISAMBIGUATION]
        ),
        "actions_card_polling": any(job is not None for job in active.values()),
    }
