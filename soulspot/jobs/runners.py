"""The runner of each job type: adapts a JobContext to one service call."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace
from datetime import timedelta
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from soulspot import database
from soulspot.config import path_list
from soulspot.errors import ValidationError
from soulspot.jobs.queue import JobCancelled, JobContext, JobFailed, Runner, summarize
from soulspot.models import EntityKind, JobType, WorkKind
from soulspot.providers.stats import counting_requests
from soulspot.services.artwork import fetch_entity_image, repair_artwork
from soulspot.services.artwork.deezer import image_finder
from soulspot.services.discography import fetch_discographies
from soulspot.services.enrichment import (
    EnrichmentError,
    EnrichmentSettings,
    enrich_artist,
    run_enrichment,
)
from soulspot.services.identity import IdentityReport, resolve_artist, resolve_library
from soulspot.services.jobs import active_job
from soulspot.services.scanning import scan_library
from soulspot.services.work_queue import Handler
from soulspot.wiring import artwork, identity_services, providers

log = logging.getLogger(__name__)


def run_enrichment_job(ctx: JobContext) -> dict[str, Any]:
    """An unreachable provider fails the job, with the report of the run kept.

    `requests` counts this job's own requests, whatever else the process sends meanwhile.
    """
    clients = providers(ctx.app)
    names = tuple(clients.stats())
    identity = IdentityReport()
    resolve_identity = None
    if ctx.config["MUSICBRAINZ_ENABLED"]:
        services = identity_services(ctx.app)

        def resolve_identity(session: Session, artist_id: str) -> None:
            resolve_artist(session, artist_id, services, identity)

    with counting_requests() as tally:
        try:
            result = run_enrichment(
                ctx.session,
                spotify=clients.spotify,
                deezer=clients.deezer,
                settings=EnrichmentSettings.from_config(ctx.config),
                progress=ctx.progress,
                should_stop=ctx.cancel_requested,
                resolve_identity=resolve_identity,
            )
        except EnrichmentError as failed:
            if failed.result is None:
                raise
            report = {**failed.result, "requests": tally.counts(names)}
            raise JobFailed(str(failed), report) from failed
    result = {**result, "musicbrainz": identity.as_dict(), "requests": tally.counts(names)}
    if result["cancelled"]:
        raise JobCancelled(result)
    return result


def run_artwork_repair_job(ctx: JobContext) -> dict[str, Any]:
    """Payload {"use_api", "entity_type", "limit"}, all optional.

    Without a limit (the schedule sends none) the whole library is repaired in batches.
    """
    use_api = bool(ctx.payload.get("use_api", False))
    finder = image_finder(ctx.config, providers(ctx.app).deezer, search=True) if use_api else None
    report = repair_artwork(
        ctx.session,
        artwork(ctx.app),
        entity_type=ctx.payload.get("entity_type"),
        limit=ctx.payload.get("limit"),
        batch_size=int(ctx.config["ARTWORK_REPAIR_BATCH"]),
        use_api=use_api,
        finder=finder,
        on_progress=ctx.progress,
        should_stop=ctx.cancel_requested,
    )
    if report.cancelled:
        raise JobCancelled(report.as_dict())
    return report.as_dict()


def run_scan_job(ctx: JobContext) -> dict[str, Any]:
    """Payload {"path"}; a cancel request stops the scan after its current batch."""
    summary = scan_library(
        ctx.session,
        ctx.payload["path"],
        progress=ctx.progress,
        should_stop=ctx.cancel_requested,
        batch_size=int(ctx.config["SCAN_BATCH_SIZE"]),
    )
    database.refresh_statistics(ctx.session)  # a first scan fills empty tables
    if summary.cancelled:
        raise JobCancelled(summary.to_dict())
    return summary.to_dict()


def build_work_handlers(app: Flask, session: Session) -> dict[WorkKind, Handler]:
    """What each kind of queued follow-up does, on the draining thread's session."""
    clients = providers(app)

    def fetch_artwork(kind: EntityKind, entity_id: str) -> None:
        fetch_entity_image(session, artwork(app), kind, entity_id)

    def match_albums(kind: EntityKind, entity_id: str) -> None:
        enrich_artist(
            session,
            entity_id,
            spotify=clients.spotify,
            deezer=clients.deezer,
            settings=EnrichmentSettings.from_config(app.config),
        )

    return {WorkKind.ARTWORK_FETCH: fetch_artwork, WorkKind.ALBUM_MATCH: match_albums}


def run_disambiguation_job(ctx: JobContext) -> dict[str, Any]:
    """Every due artist (MusicBrainz at its own pace, with patient retries); cancellable."""
    if not ctx.config["MUSICBRAINZ_ENABLED"]:
        return {"musicbrainz": "disabled", "artists_checked": 0}
    with counting_requests() as tally:
        report = resolve_library(
            ctx.session,
            identity_services(ctx.app),
            limit=ctx.payload.get("limit"),  # `soulspot disambiguate --limit N`
            recheck_after=timedelta(days=float(ctx.config["MUSICBRAINZ_RECHECK_DAYS"])),
            should_stop=ctx.cancel_requested,
            progress=ctx.progress,
        )
    result = {**report.as_dict(), "requests": tally.counts(tuple(providers(ctx.app).stats()))}
    if report.cancelled:
        raise JobCancelled(result)
    return result


def run_discography_job(ctx: JobContext) -> dict[str, Any]:
    """Payload {"artist_ids": [...], "include_tracks": true}, both optional (without ids:
    every artist with local files and a provider link); patient retries; cancellable."""
    clients = providers(ctx.app)
    with counting_requests() as tally:
        result = fetch_discographies(
            ctx.session,
            ctx.payload.get("artist_ids"),
            deezer=clients.deezer,
            spotify=clients.spotify,
            settings=EnrichmentSettings.from_config(ctx.config),
            include_tracks=bool(ctx.payload.get("include_tracks", True)),
            progress=ctx.progress,
            should_stop=ctx.cancel_requested,
        )
    result = {**result, "requests": tally.counts(tuple(clients.stats()))}
    if result["cancelled"]:
        raise JobCancelled(result)
    return result


def run_nightly_chain(ctx: JobContext) -> dict[str, Any]:
    """Scan each MUSIC_DIRS folder, then enrichment, MusicBrainz disambiguation and artwork
    repair, each through its own runner; every step's outcome is recorded in `steps`.

    A failed step does not stop the next, and the chain still ends COMPLETED, naming it in
    `failed_steps`. A missing or empty music folder is skipped (nothing removed); so is a
    step whose own job is already active (a manual run), which is not waited for. A cancel
    request stops the chain between steps.
    """
    steps: list[dict[str, Any]] = []

    def report() -> dict[str, Any]:
        counts = {
            outcome: sum(step["status"] == outcome for step in steps)
            for outcome in ("completed", "failed", "skipped")
        }
        failed = [step["step"] for step in steps if step["status"] == "failed"]
        return {"steps": steps, **counts, "failed_steps": failed}

    folders = path_list(ctx.config["MUSIC_DIRS"])
    if not folders:
        steps.append({"step": "scan", "status": "skipped", "reason": "MUSIC_DIRS is not set"})
    plan: list[tuple[str, JobType, dict[str, Any], Runner]] = [
        ("scan", JobType.LIBRARY_SCAN, {"path": folder}, run_scan_job) for folder in folders
    ]
    plan += [
        ("enrichment", JobType.LIBRARY_SPOTIFY_ENRICHMENT, {}, run_enrichment_job),
        ("disambiguation", JobType.MUSICBRAINZ_DISAMBIGUATION, {}, run_disambiguation_job),
        ("artwork_repair", JobType.ARTWORK_REPAIR, {}, run_artwork_repair_job),
    ]
    for name, job_type, payload, runner in plan:
        if ctx.cancel_requested():
            raise JobCancelled(report())
        steps.append(_chain_step(ctx, name, job_type, payload, runner))
    if ctx.cancel_requested():
        raise JobCancelled(report())
    return report()


def _chain_step(
    ctx: JobContext, name: str, job_type: JobType, payload: Mapping[str, Any], runner: Runner
) -> dict[str, Any]:
    """One step's outcome: completed, failed, skipped (with a reason) or cancelled."""
    record: dict[str, Any] = {"step": name, **payload}
    label = f"job {ctx.job_id} ({ctx.job_type}) step {name}"
    active = active_job(ctx.session, job_type)
    if active is not None:
        reason = f"a {job_type.value} job ({active.id}) is already active"
        log.warning("%s skipped: %s", label, reason)
        return {**record, "status": "skipped", "reason": reason}
    step_ctx = replace(ctx, payload=dict(payload), job_type=f"{ctx.job_type}/{name}")
    try:
        result = runner(step_ctx)
    except JobCancelled as cancelled:
        ctx.session.rollback()
        return {**record, "status": "cancelled", "result": cancelled.result}
    except JobFailed as failure:
        ctx.session.rollback()
        log.warning("%s failed: %s; %s", label, summarize(failure.result), failure)
        return {**record, "status": "failed", "error": str(failure), "result": failure.result}
    except ValidationError as refused:  # a music folder that is missing, not one, or empty
        ctx.session.rollback()
        log.warning("%s skipped: %s", label, refused.detail)
        return {**record, "status": "skipped", "reason": refused.detail}
    except Exception as error:  # the next step runs whatever went wrong in this one
        ctx.session.rollback()
        log.exception("%s failed", label)
        return {**record, "status": "failed", "error": str(error) or type(error).__name__}
    log.info("%s completed: %s", label, summarize(result))
    return {**record, "status": "completed", "result": result}


def build_runners() -> dict[JobType, Runner]:
    return {
        JobType.NIGHTLY_CHAIN: run_nightly_chain,
        JobType.LIBRARY_SCAN: run_scan_job,
        JobType.LIBRARY_SPOTIFY_ENRICHMENT: run_enrichment_job,
        JobType.ARTWORK_REPAIR: run_artwork_repair_job,
        JobType.DISCOGRAPHY_FETCH: run_discography_job,
        JobType.MUSICBRAINZ_DISAMBIGUATION: run_disambiguation_job,
    }
