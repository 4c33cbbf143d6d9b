"""Helpers for provider unit tests: HTTP clients on a virtual clock, no real sleeping."""

from __future__ import annotations

import random
from typing import Any

import pytest

from soulspot.providers.http import HttpClient, HttpSettings
from tests.fakes.clock import VirtualClock
from tests.support.providers import BASE, UA


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
def make_http(clock: VirtualClock):  # noqa: ANN201 - a factory fixture
    """Build an HttpClient whose waits only advance the virtual clock."""

    def build(provider: str = "test", base: str = BASE, rate: float | None = None, **settings: Any):
        return HttpClient(
            provider,
            base,
            HttpSettings(user_agent=UA, **settings),
            rate=rate,
            clock=clock.monotonic,
            sleep=clock.sleep,
            rng=random.Random(1),
        )

    return build
