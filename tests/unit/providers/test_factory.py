"""build_clients: configuration to clients, shared counters, defaults in step with config.py."""

from __future__ import annotations

import pytest

from soulspot.config import DEFAULTS
from soulspot.providers.factory import build_clients
from soulspot.providers.throttle import SAFETY_MARGIN
from tests.fakes.clock import VirtualClock


def test_clients_take_their_urls_limits_and_timeouts_from_config() -> None:
    clients = build_clients(
        {
            "SPOTIFY_API_URL": "http://fake/spotify/v1/",
            "DEEZER_API_URL": "http://fake/deezer",
            "MUSICBRAINZ_API_URL": "http://fake/mb/ws/2",
            "COVERART_API_URL": "http://fake/caa",
            "MUSICBRAINZ_CONTACT": "mailto:ops@example.org",
            "HTTP_CONNECT_TIMEOUT": 1,
            "HTTP_READ_TIMEOUT": "4.5",
            "HTTP_MAX_RETRIES": 7,
            "MAX_RETRY_AFTER": 30,
            "MUSICBRAINZ_RATE_LIMIT": 0.5,
        }
    )
    assert clients.spotify.http.base_url == "http://fake/spotify/v1"
    assert clients.deezer.http.url("artist/1") == "http://fake/deezer/artist/1"
    assert clients.musicbrainz.http.base_url == "http://fake/mb/ws/2"
    assert clients.coverart.http.base_url == "http://fake/caa"
    settings = clients.musicbrainz.http.settings
    assert settings.user_agent.endswith("( mailto:ops@example.org )")
    assert (settings.connect_timeout, settings.read_timeout) == (1.0, 4.5)
    assert (settings.max_retries, settings.max_retry_after) == (7, 30.0)
    assert clients.musicbrainz.http._limiter.period == pytest.approx(2.0 * SAFETY_MARGIN)
    assert clients.coverart.http._limiter is None
    assert not clients.spotify.configured


def test_missing_and_none_values_take_the_defaults() -> None:
    clients = build_clients(
        {"DEEZER_API_URL": None, "SPOTIFY_CLIENT_ID": "id", "SPOTIFY_CLIENT_SECRET": "s"}
    )
    assert clients.deezer.http.base_url == DEFAULTS["DEEZER_API_URL"]
    assert clients.spotify.configured


def test_stats_are_keyed_by_provider() -> None:
    stats = build_clients({}).stats()
    assert set(stats) == {"spotify", "deezer", "musicbrainz", "coverart"}
    assert stats["deezer"]["requests"] == 0


def test_a_client_built_with_a_virtual_clock_waits_on_it() -> None:
    clock = VirtualClock()
    clients = build_clients({}, clock=clock.monotonic, sleep=clock.sleep)
    limiter = clients.musicbrainz.http._limiter
    limiter.acquire()
    limiter.acquire()
    assert clock.slept == pytest.approx(SAFETY_MARGIN)
