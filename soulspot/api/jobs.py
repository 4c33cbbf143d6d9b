"""Jobs JSON endpoints: recent jobs and one job's progress and outcome."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify

from soulspot.api.params import enum_arg, page_args
from soulspot.api.schemas import iso, page_json
from soulspot.extensions import db
from soulspot.models import Job, JobStatus, JobType
from soulspot.services import jobs as job_service

bp = Blueprint("jobs", __name__, url_prefix="/jobs")


def serialize_job(job: Job) -> dict[str, Any]:
    return {
        "id": job.id,
        "type": job.type.value,
        "status": job.status.value,
        "payload": job.payload or {},
        "progress": {"processed": job.processed, "total": job.total},
        "result": job.result,
        "error": job.error,
        "created_at": iso(job.created_at),
        "started_at": iso(job.started_at),
        "finished_at": iso(job.finished_at),
        "cancel_requested_at": iso(job.cancel_requested_at),
    }


@bp.get("")
def list_jobs() -> Any:
    limit, offset = page_args(default_limit=20, max_limit=200)
    jobs, total = job_service.list_jobs(
        db.session,
        job_type=enum_arg("type", JobType),
        status=enum_arg("status", JobStatus),
        limit=limit,
        offset=offset,
    )
    items = [serialize_job(job) for job in jobs]
    return jsonify(page_json("jobs", items, total=total, limit=limit, offset=offset))


@bp.get("/<job_id>")
def get_job(job_id: str) -> Any:
    return jsonify(serialize_job(job_service.get_job(db.session, job_id)))


@bp.post("/<job_id>/cancel")
def cancel_job(job_id: str) -> Any:
    """A PENDING job ends CANCELLED at once; a RUNNING scan stops after its current batch."""
    return jsonify(serialize_job(job_service.request_cancel(db.session, job_id)))
