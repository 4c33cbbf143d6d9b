"""Fixtures of the integration tests, in one block per area."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from tests.fakes.server import FakeProviders

# --- artwork -------------------------------------------------------------------------------


@pytest.fixture
def artwork_app(
    make_app: Callable[..., Flask], fake_providers: FakeProviders
) -> Callable[..., Flask]:
    """Build an app pointed at the fake providers (make_app shuts its pools down)."""

    def factory(**overrides: Any) -> Flask:
        return make_app(**fake_providers.config(**overrides))

    return factory


# --- end of artwork ------------------------------------------------------------------------
