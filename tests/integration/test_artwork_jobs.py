"""The ARTWORK_REPAIR job, background fetches after a link, and stale batches."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask import Flask

from soulspot.extensions import db
from soulspot.jobs.runners import build_work_handlers
from soulspot.models import Album, Artist, JobStatus, WorkKind
from soulspot.models.kinds import EntityKind
from soulspot.services import work_queue
from soulspot.services.artwork.records import find_missing
from soulspot.services.artwork.repair import KindCounts, process_targets, repair_artwork
from soulspot.wiring import artwork
from tests.factories import add_album, add_artist
from tests.fakes.server import FakeProviders
from tests.support.artwork import (
    assert_only_images,
    image_bytes,
    run_job,
    scheduler_app,
    served_image,
)

AppFactory = Callable[..., Flask]


def library(app: Flask, fake: FakeProviders, with_url: int, without_url: int) -> None:
    served = served_image(fake)
    with app.app_context():
        for n in range(with_url + without_url):
            url = served if n < with_url else None
            artist = add_artist(db.session, f"artist {n}", image_url=url)
            add_album(db.session, artist, f"album {n}", cover_url=url)
        db.session.commit()


def test_the_scheduled_job_repairs_the_whole_library_in_batches(
    artwork_app: AppFactory, fake_providers: FakeProviders
) -> None:
    app = scheduler_app(artwork_app, ARTWORK_REPAIR_BATCH=2)
    library(app, fake_providers, with_url=5, without_url=2)
    job = run_job(app, {"triggered_by": "schedule"})
    assert job.status is JobStatus.COMPLETED, job.error
    assert job.result["summary"]["mode"] == "cdn_only"
    assert job.result["artists"] == {"processed": 7, "repaired": 5, "skipped": 2, "failed": 0}
    assert job.result["albums"] == {"processed": 7, "repaired": 5, "skipped": 2, "failed": 0}
    assert (job.processed, job.total) == (14, 14)
    assert len(assert_only_images(app.config["ARTWORK_DIR"])) == 10


def test_a_job_payload_can_limit_and_filter(
    artwork_app: AppFactory, fake_providers: FakeProviders
) -> None:
    app = scheduler_app(artwork_app, ARTWORK_REPAIR_BATCH=2)
    library(app, fake_providers, with_url=5, without_url=0)
    job = run_job(app, {"use_api": False, "entity_type": "album", "limit": 3})
    assert job.status is JobStatus.COMPLETED, job.error
    assert job.result["albums"]["repaired"] == 3
    assert job.result["artists"]["processed"] == 0


def test_a_bad_job_payload_fails_the_job(artwork_app: AppFactory) -> None:
    app = scheduler_app(artwork_app)
    job = run_job(app, {"entity_type": "bogus"})
    assert job.status is JobStatus.FAILED and "entity_type" in (job.error or "")


def _fetch_queued(app, kind: EntityKind, entity_id: str) -> int:
    """Queue an ARTWORK_FETCH follow-up and work it off as the serving process would."""
    with app.app_context():
        work_queue.enqueue(db.session, WorkKind.ARTWORK_FETCH, kind, entity_id)
        db.session.commit()
        return work_queue.drain(db.session, build_work_handlers(app, db.session)).done


def test_queued_fetch_after_a_link(artwork_app: AppFactory, fake_providers: FakeProviders) -> None:
    fake_providers.cdn.put("/cdn/old.png", image_bytes("PNG"))
    fake_providers.cdn.put("/cdn/new.jpg", image_bytes("JPEG"))
    app = artwork_app()
    with app.app_context():
        artist = add_artist(db.session, "A", image_url=f"{fake_providers.url}/cdn/old.png")
        album = add_album(db.session, artist, "X")  # no URL: nothing to fetch
        db.session.commit()
        artist_id, album_id = artist.id, album.id
    assert _fetch_queued(app, EntityKind.ARTIST, artist_id) == 1
    assert _fetch_queued(app, EntityKind.ALBUM, album_id) == 1
    with app.app_context():
        assert db.session.get(Artist, artist_id).image_path == f"artists/{artist_id}.png"

    with app.app_context():  # a new link brings a new URL: the image is replaced
        db.session.get(Artist, artist_id).image_url = f"{fake_providers.url}/cdn/new.jpg"
        db.session.commit()
    assert _fetch_queued(app, EntityKind.ARTIST, artist_id) == 1
    with app.app_context():
        assert db.session.get(Artist, artist_id).image_path == f"artists/{artist_id}.jpg"
        assert db.session.get(Album, album_id).cover_path is None
    files = assert_only_images(app.config["ARTWORK_DIR"])
    assert [path.name for path in files] == [f"{artist_id}.jpg"]


def test_a_stale_batch_does_not_download_again(
    artwork_app: AppFactory, fake_providers: FakeProviders
) -> None:
    app = artwork_app()
    library(app, fake_providers, with_url=3, without_url=0)
    context = artwork(app)
    with app.app_context():
        kind = EntityKind.ARTIST
        stale = list(find_missing(db.session, context.store, kind, 10))
        db.session.commit()
        # Another run completes these artists after the stale batch was read...
        repair_artwork(db.session, context, entity_type="artist")
        before = fake_providers.count("cdn")
        counts = KindCounts()
        process_targets(db.session, context, kind, stale, counts)
    # ...so working on the stale batch re-checks and skips them.
    assert counts == KindCounts(processed=3, repaired=0, skipped=3, failed=0)
    assert fake_providers.count("cdn") == before
    assert len(list(Path(app.config["ARTWORK_DIR"]).rglob("*.jpg"))) == 3
