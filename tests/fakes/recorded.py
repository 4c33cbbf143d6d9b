"""The shared recorded provider responses (../shared/fixtures), read in place, never copied."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

SHARED_FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures"
#: CI always has ../shared beside the clone: there a missing fixture is a failure, not a skip.
RUNNING_IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def recorded(relative: str) -> Any:
    """The JSON body at `relative` (e.g. "recorded/deezer/artist_27.json"); skip when absent."""
    path = SHARED_FIXTURES / relative
    if not path.exists():
        if RUNNING_IN_CI:
            pytest.fail(f"shared fixtures missing under CI: {path}")
        pytest.skip(f"shared fixtures not available: {path}")
    return json.loads(path.read_text(encoding="utf-8"))
