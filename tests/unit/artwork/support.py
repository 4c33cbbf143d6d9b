"""Helpers shared by the artwork tests: images built with Pillow, an app on the fake, checks."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from PIL import Image

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
