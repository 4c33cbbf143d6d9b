"""Pytest fixtures for the fake provider server; the root conftest imports them with `*`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from soulspot.providers.factory import ProviderClients, build_clients
from tests.fakes.clock import VirtualClock
from tests.fakes.server import FakeProviders

__all__ = ["fake_clients", "fake_provider_server", "fake_providers"]


@pytest.fixture(scope="session")
def fake_provider_server() -> Iterator[FakeProviders]:
    """One server for the whole run (starting one per test would cost more than the tests)."""
    with FakeProviders() as fake:
        yield fake


@pytest.fixture
def fake_providers(fake_provider_server: FakeProviders) -> FakeProviders:
    """The fake server, reset: empty catalog, no faults, no recorded requests, lenient limits."""
    fake_provider_server.reset()
    return fake_provider_server


@pytest.fixture
def fake_clients(fake_providers: FakeProviders) -> Iterator[ProviderClients]:
    """Clients pointed at the fake; their waits (backoff, Retry-After) advance a virtual clock."""
    clock = VirtualClock(real=True)
    clients = build_clients(fake_providers.config(), clock=clock.monotonic, sleep=clock.sleep)
    yield clients
    clients.close()
