"""Time limits: each download's own deadline, and the budget of a repair request."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask

from soulspot.extensions import db
from soulspot.models import Artist, JobStatus
from tests.factories import add_artist
from tests.fakes.server import FakeProviders
from tests.support.artwork import assert_only_images, image_bytes, run_job, scheduler_app

AppFactory = Callable[..., Flask]


def timed_repair(app: Flask, query: str = "") -> tuple[dict[str, Any], float]:
    started = time.monotonic()
    response = app.test_client().post(f"/api/enrichment/repair-artwork{query}")
    elapsed = time.monotonic() - started
    assert response.status_code == 200, response.get_json()
    return response.get_json(), elapsed


def image_paths(app: Flask) -> dict[str, str | None]:
    with app.app_context():
        return dict(db.session.execute(db.select(Artist.name, Artist.image_path)).all())


def test_a_stalled_or_trickling_download_ends_at_the_image_deadline(
    artwork_app: AppFactory, fake_providers: FakeProviders
) -> None:
    # The read timeout alone would let the stall run 3 s and the trickle (a byte every
    # 50 ms, each one restarting it) half a minute.
    app = artwork_app(IMAGE_DEADLINE=0.5, HTTP_READ_TIMEOUT=3.0)
    body = image_bytes()
    fake_providers.cdn.put("/cdn/stalled.jpg", body, stall=5.0)
    fake_providers.cdn.put("/cdn/trickled.jpg", body, trickle=0.05)
    fake_providers.cdn.put("/cdn/fine.jpg", body, trickle=0.0001)
    with app.app_context():
        for name in ("stalled", "trickled", "fine"):
            add_artist(db.session, name, image_url=f"{fake_providers.url}/cdn/{name}.jpg")
        db.session.commit()

    result, elapsed = timed_repair(app)
    assert elapsed < 1.5
    assert result["artists"] == {"processed": 3, "repaired": 1, "skipped": 0, "failed": 2}
    assert result["summary"]["cut_short"] is False
    recorded = image_paths(app)
    assert recorded["stalled"].startswith("FAILED|timeout|")
    assert recorded["trickled"].startswith("FAILED|timeout|")
    # Only the finished image is on disk: no temporary file is left behind.
    files = [p for p in Path(app.config["ARTWORK_DIR"]).rglob("*") if p.is_file()]
    assert files == assert_only_images(app.config["ARTWORK_DIR"])
    assert [p.name for p in files] == [Path(recorded["fine"]).name]


def test_a_repair_request_stops_at_its_budget_and_the_job_finishes(
    artwork_app: AppFactory, fake_providers: FakeProviders
) -> None:
    app = scheduler_app(
        artwork_app, ARTWORK_REQUEST_BUDGET=0.3, ARTWORK_WORKERS=1, ARTWORK_REPAIR_BATCH=2
    )
    paths = [f"/cdn/slow{n}.jpg" for n in range(4)]
    for path in paths:
        fake_providers.cdn.put(path, image_bytes(), stall=5.0)
    with app.app_context():
        for n, path in enumerate(paths):
            add_artist(db.session, f"artist {n}", image_url=f"{fake_providers.url}{path}")
        db.session.commit()

    result, elapsed = timed_repair(app, "?entity_type=artist")
    assert elapsed < 1.5
    # One download stopped at the budget, one queued behind it, a batch never started.
    assert result["artists"] == {"processed": 4, "repaired": 0, "skipped": 4, "failed": 0}
    assert result["summary"]["cut_short"] is True
    assert "Cut short after 0.3 s" in result["summary"]["note"]
    assert set(image_paths(app).values()) == {None}  # no marker: nothing was wrong with them

    for path in paths:
        fake_providers.cdn.put(path, image_bytes())
    job = run_job(app, {"triggered_by": "schedule"})
    assert job.status is JobStatus.COMPLETED, job.error
    assert job.result["artists"] == {"processed": 4, "repaired": 4, "skipped": 0, "failed": 0}
    assert job.result["summary"]["cut_short"] is False
    assert len(assert_only_images(app.config["ARTWORK_DIR"])) == 4


def test_a_repair_request_never_waits_on_a_deezer_retry_after(
    artwork_app: AppFactory, fake_providers: FakeProviders
) -> None:
    app = scheduler_app(artwork_app)  # MAX_RETRY_AFTER is 5 s: a patient client waits 4 s
    bands = [fake_providers.catalog.add_artist(f"Band {n}") for n in range(4)]
    with app.app_context():
        for band in bands:
            add_artist(db.session, band.name, deezer_id=str(band.deezer_id))
        db.session.commit()
    fake_providers.faults.add("deezer", "429", retry_after=4)

    result, elapsed = timed_repair(app, "?use_api=true")
    assert elapsed < 2
    assert fake_providers.count("deezer") == 1
    assert result["artists"] == {"processed": 4, "repaired": 0, "skipped": 4, "failed": 0}
    assert result["summary"]["cut_short"] is True
    assert "Deezer asked us to wait" in result["summary"]["note"]
    assert set(image_paths(app).values()) == {None}

    fake_providers.faults.clear()
    job = run_job(app, {"use_api": True})
    assert job.status is JobStatus.COMPLETED, job.error
    assert job.result["artists"] == {"processed": 4, "repaired": 4, "skipped": 0, "failed": 0}
