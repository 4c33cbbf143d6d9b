"""The artwork time settings are refused by name when they make no sense."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from soulspot.config import DEFAULTS
from soulspot.services.artwork.download import build_context


@pytest.mark.parametrize("value", [0, -1, "abc", None])
def test_an_image_deadline_must_be_positive(tmp_path: Path, value: Any) -> None:
    config = {**DEFAULTS, "ARTWORK_DIR": str(tmp_path), "IMAGE_DEADLINE": value}
    with pytest.raises(ValueError, match="SOULSPOT_IMAGE_DEADLINE"):
        build_context(config)


def test_a_request_budget_must_be_positive(make_app: Callable[..., Flask]) -> None:
    with pytest.raises(ValueError, match="SOULSPOT_ARTWORK_REQUEST_BUDGET"):
        make_app(ARTWORK_REQUEST_BUDGET=0)  # refused at start, not on the first request
