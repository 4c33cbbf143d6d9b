"""Artwork test helpers: images built with Pillow, checks on the artwork folder, repair jobs."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask
from PIL import Image

from soulspot.extensions import db
from soulspot.jobs import get_queue
from soulspot.models import Job, JobType
from tests.fakes.server import FakeProviders


def image_bytes(
    fmt: str = "JPEG",
    size: tuple[int, int] = (40, 30),
    *,
    color: tuple[int, int, int] = (200, 40, 90),
    noise: bool = False,
) -> bytes:
    """A small valid image of one colour; `noise` makes it incompressible (for size tests)."""
    image = Image.effect_noise(size, 80).convert("RGB") if noise else Image.new("RGB", size, color)
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


def served_image(fake: FakeProviders, path: str = "/cdn/a.jpg", **entry: Any) -> str:
    """Put a small JPEG on the fake CDN at `path` (FakeCdn.put options in `entry`); its URL."""
    fake.cdn.put(path, image_bytes(), **entry)
    return f"{fake.url}{path}"


def assert_only_images(root: str | Path) -> list[Path]:
    """Every file under the artwork folder is a decodable image at a layout path."""
    files = sorted(p for p in Path(root).rglob("*") if p.is_file())
    for path in files:
        assert path.parent.name in ("artists", "albums"), path
        assert path.suffix in (".jpg", ".png", ".webp"), path
        with Image.open(path) as image:
            image.load()
    return files


def scheduler_app(artwork_app: Callable[..., Flask], **overrides: Any) -> Flask:
    """An app (from the `artwork_app` fixture) with a job queue and no schedule of its own."""
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
