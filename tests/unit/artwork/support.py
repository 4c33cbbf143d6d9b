"""Helpers shared by the artwork tests: images built with Pillow, an app on the fake, checks."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from PIL import Image

from soulspot.extensions import db
from soulspot.jobs import get_queue
from soulspot.models import Job, JobType
from tests.fakes.server import FakeProviders


def image_bytes(
    fmt: str = "JPEG", size: tuple[int, int] = (40, 30), *, noise: bool = False
) -> bytes:
    """A small valid image; `noise` makes it incompressible (for size tests)."""
    if noise:
        image = Image.effect_noise(size, 80).convert("RGB")
    else:
        image = Image.new("RGB", size, (200, 40, 90))
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


def assert_only_images(root: str | Path) -> list[Path]:
    """Every file under the artwork folder is a decodable image at a layout path."""
    files = sorted(p for p in Path(root).rglob("*") if p.is_file())
    for path in files:
        assert path.parent.name in ("artists", "albums"), path
        assert path.suffix in (".jpg", ".png", ".webp"), path
        with Image.open(path) as image:
            image.load()
    return files


@pytest.fixture
def artwork_app(
    make_app: Callable[..., Flask], fake_providers: FakeProviders
) -> Callable[..., Flask]:
    """Build an app pointed at the fake providers (make_app shuts its pools down)."""

    def factory(**overrides: Any) -> Flask:
        return make_app(**fake_providers.config(**overrides))

    return factory


def scheduler_app(artwork_app: Callable[..., Flask], **overrides: Any) -> Flask:
    """An app with a job queue, and no schedule firing on its own."""
    return artwork_app(
        SCHEDULER_ENABLED=True,
        ENRICHMENT_SCHEDULE="off",
        ARTWORK_REPAIR_SCHEDULE="off",
        **overrides,
    )


def run_job(app: Flask, payload: dict[str, object]) -> Job:
    """Queue an ARTWORK_REPAIR job, wait for it, return it detached."""
    queue = get_queue(app)
    assert queue is not None
    with app.app_context():
        submitted = queue.submit(JobType.ARTWORK_REPAIR, payload)
        db.session.remove()
    assert queue.wait(submitted.job_id, timeout=20)
    with app.app_context():
        job = db.session.get(Job, submitted.job_id)
        db.session.expunge(job)
        return job
