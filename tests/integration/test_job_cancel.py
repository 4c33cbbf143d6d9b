"""Cancelling a running enrichment or artwork repair, and a finish that respects another writer."""

from __future__ import annotations

from soulspot.extensions import db
from soulspot.jobs.queue import INTERRUPTED, run_job, submit_job
from soulspot.jobs.runners import build_runners
from soulspot.models import Artist, Job, JobStatus, JobType
from soulspot.models.base import utcnow
from soulspot.services.enrichment import EnrichmentSettings, run_enrichment
from soulspot.wiring import providers
from tests.factories import add_artist


def _artists(app, *names):
    with app.app_context():
        ids = [add_artist(db.session, name, albums=(f"{name} I",)).id for name in names]
        db.session.commit()
        return ids


def test_enrichment_stops_at_the_next_artist_once_asked(make_app, fake_providers):
    app = make_app(**fake_providers.config())
    for name in ("Blur", "Oasis", "Pulp"):
        fake_providers.catalog.add_artist(name)
    ids = _artists(app, "Blur", "Oasis", "Pulp")
    asked: list[int] = []

    def after_the_first_artist() -> bool:
        asked.append(1)
        return len(asked) > 1

    with app.app_context():
        clients = providers(app)
        result = run_enrichment(
            db.session,
            spotify=clients.spotify,
            deezer=clients.deezer,
            settings=EnrichmentSettings.from_config(app.config),
            should_stop=after_the_first_artist,
        )
        attempted = [db.session.get(Artist, i).enrichment_attempted_at for i in ids]
    assert result["cancelled"] is True and result["artists_processed"] == 1
    assert sum(when is not None for when in attempted) == 1  # the others stay due


def _cancelled_as_it_starts(app, job_type: JobType, payload: dict) -> Job:
    """A job whose cancel arrives right after a worker claimed it: its runner must stop."""
    with app.app_context():
        job_id = submit_job(db.session, job_type, payload).job_id
        db.session.get(Job, job_id).cancel_requested_at = utcnow()
        db.session.commit()
        run_job(db.session, app, job_id, build_runners()[job_type])
        db.session.expire_all()
        return db.session.get(Job, job_id)


def test_a_cancelled_enrichment_job_ends_cancelled_with_its_report(make_app, fake_providers):
    app = make_app(**fake_providers.config())
    fake_providers.catalog.add_artist("Blur")
    (artist_id,) = _artists(app, "Blur")

    job = _cancelled_as_it_starts(app, JobType.LIBRARY_SPOTIFY_ENRICHMENT, {})

    assert (job.status, job.error) == (JobStatus.CANCELLED, "cancelled")
    assert job.result["cancelled"] is True and job.result["artists_processed"] == 0
    assert "requests" in job.result
    with app.app_context():
        assert db.session.get(Artist, artist_id).enrichment_attempted_at is None
    assert fake_providers.records("spotify") == []


def test_a_cancelled_artwork_repair_ends_cancelled_with_its_report(app):
    _artists(app, "Blur")

    job = _cancelled_as_it_starts(app, JobType.ARTWORK_REPAIR, {})

    assert job.status == JobStatus.CANCELLED
    assert job.result["summary"]["cancelled"] is True
    assert job.result["summary"]["total_processed"] == 0


def test_a_job_marked_interrupted_by_another_process_is_not_overwritten(app):
    with app.app_context():
        job_id = submit_job(db.session, JobType.ARTWORK_REPAIR, {}).job_id

        def taken_over_meanwhile(ctx):
            # The lock holder decided this process was dead while the job ran.
            other = db.session.get(Job, job_id)
            other.status, other.error = JobStatus.FAILED, INTERRUPTED
            db.session.commit()
            return {"done": True}

        run_job(db.session, app, job_id, taken_over_meanwhile)
        db.session.expire_all()
        job = db.session.get(Job, job_id)
        assert (job.status, job.error, job.result) == (JobStatus.FAILED, INTERRUPTED, None)
