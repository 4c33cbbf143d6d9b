"""Provider clients under injected faults: retries save what they can, the rest is typed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from soulspot.providers.errors import BadResponse, ProviderError, RateLimited, Unavailable
from soulspot.providers.factory import ProviderClients, build_clients
from tests.fakes.clock import VirtualClock
from tests.fakes.server import FakeProviders, RequestRecord

READ_TIMEOUT = 0.25
STALL = 0.6  # a "timeout" fault outlasts the client's read timeout
MAX_RETRIES = 3
RETRYABLE = {"429", "502", "503", "timeout", "deezer_quota"}
FATAL = {"500": Unavailable, "malformed_json": BadResponse}


def clients_for(fake: FakeProviders, clock: VirtualClock, **config: Any) -> ProviderClients:
    settings = {"HTTP_READ_TIMEOUT": READ_TIMEOUT, "HTTP_MAX_RETRIES": MAX_RETRIES, **config}
    return build_clients(fake.config(**settings), clock=clock.monotonic, sleep=clock.sleep)


def test_retry_after_two_seconds_is_honoured(fake_providers) -> None:
    artist = fake_providers.catalog.add_artist("Patient")
    fake_providers.faults.add("spotify", "429", times=1, retry_after=2, path_contains="/artists/")
    clock = VirtualClock(real=True)
    clients = clients_for(fake_providers, clock)
    assert clients.spotify.get_artist(artist.spotify_id).name == "Patient"
    assert 2.0 in clock.sleeps
    assert [r.status for r in fake_providers.records("spotify") if "/artists/" in r.path] == [
        429,
        200,
    ]
    assert clients.spotify.stats["retry_after_waits"] == 1


def test_retry_after_beyond_the_maximum_defers_the_item(fake_providers) -> None:
    artist = fake_providers.catalog.add_artist("Later")
    fake_providers.faults.add("deezer", "429", retry_after=3600)
    clock = VirtualClock(real=True)
    with pytest.raises(RateLimited) as caught:
        clients_for(fake_providers, clock, MAX_RETRY_AFTER=120).deezer.get_artist(artist.deezer_id)
    assert caught.value.retry_after == 3600
    assert fake_providers.count("deezer") == 1
    assert clock.sleeps == []


def test_a_timeout_is_retried(fake_providers) -> None:
    artist = fake_providers.catalog.add_artist("Slowpoke")
    fake_providers.faults.add("musicbrainz", "timeout", times=1, delay=STALL)
    clients = clients_for(fake_providers, VirtualClock(real=True))
    assert clients.musicbrainz.get_artist(artist.mbid).name == "Slowpoke"
    assert fake_providers.count("musicbrainz") == 2


@pytest.mark.parametrize(("kind", "error"), sorted(FATAL.items()))
def test_faults_retries_cannot_fix_are_typed_at_once(fake_providers, kind, error) -> None:
    artist = fake_providers.catalog.add_artist("Broken")
    fake_providers.faults.add("deezer", kind)
    with pytest.raises(error):
        clients_for(fake_providers, VirtualClock(real=True)).deezer.get_artist(artist.deezer_id)
    assert fake_providers.count("deezer") == 1


def _attempt_groups(records: list[RequestRecord]) -> list[list[RequestRecord]]:
    """Consecutive requests for the same URL: one logical request and its retries."""
    groups: list[list[RequestRecord]] = []
    for record in records:
        if groups and _key(groups[-1][0]) == _key(record):
            groups[-1].append(record)
        else:
            groups.append([record])
    return groups


def _key(record: RequestRecord) -> tuple[Any, ...]:
    return (record.method, record.path, sorted(record.query.items()))


def _clean(record: RequestRecord) -> bool:
    return record.fault in (None, "slow")


def test_twenty_percent_faults(fake_providers) -> None:
    catalog = fake_providers.catalog
    artists = [catalog.add_artist(f"Artist {n}", popularity=n, fans=n) for n in range(6)]
    albums = [catalog.add_album(a, f"Album of {a.name}", year=2000, tracks=3) for a in artists]
    per_kind = 0.036  # seven kinds on Deezer, six elsewhere: about 20 % of requests fault
    for provider in ("spotify", "deezer", "musicbrainz"):
        for kind in ["429", "500", "502", "503", "timeout", "malformed_json"]:
            fake_providers.faults.add(
                provider, kind, probability=per_kind, retry_after=1, delay=STALL
            )
    fake_providers.faults.add("deezer", "deezer_quota", probability=per_kind)
    clients = clients_for(fake_providers, VirtualClock(real=True))

    calls: list[tuple[str, Callable[[], Any], Callable[[Any], bool]]] = []
    for artist, album in zip(artists, albums, strict=True):
        calls += [
            (
                "spotify",
                lambda a=artist: clients.spotify.get_artist(a.spotify_id),
                lambda r, a=artist: r.name == a.name,
            ),
            (
                "spotify",
                lambda al=album: clients.spotify.get_album(al.spotify_id),
                lambda r, al=album: r.title == al.title and len(r.tracks) == 3,
            ),
            (
                "deezer",
                lambda a=artist: clients.deezer.search_artists(a.name),
                lambda r, a=artist: r[0].name == a.name,
            ),
            (
                "deezer",
                lambda al=album: clients.deezer.get_album(al.deezer_id),
                lambda r, al=album: r.title == al.title and len(r.tracks) == 3,
            ),
            (
                "musicbrainz",
                lambda a=artist: clients.musicbrainz.get_artist(a.mbid),
                lambda r, a=artist: r.name == a.name,
            ),
            (
                "musicbrainz",
                lambda a=artist: clients.musicbrainz.artist_release_groups(a.mbid),
                lambda r: len(r) == 1,
            ),
        ]
    calls *= 2

    saved = failed = 0
    for provider, call, correct in calls:
        before = len(fake_providers.records(provider))
        try:
            result, error = call(), None
        except ProviderError as exc:
            result, error = None, exc
        groups = _attempt_groups(fake_providers.records(provider)[before:])
        for group in groups:
            assert len(group) <= MAX_RETRIES + 1
            # only retryable faults were retried, and nothing after a clean answer
            assert all(r.fault in RETRYABLE for r in group[:-1]), group
        last = groups[-1][-1]
        if all(_clean(group[-1]) for group in groups):
            assert error is None, (error, groups)
            assert correct(result)
            saved += any(len(group) > 1 for group in groups)
        else:
            assert error is not None, groups
            failed += 1
            if last.fault in FATAL:
                assert isinstance(error, FATAL[last.fault])
            else:
                assert len(groups[-1]) == MAX_RETRIES + 1
                assert isinstance(error, RateLimited | Unavailable)
    # the run exercised both outcomes
    assert saved >= 5 and failed >= 1, (saved, failed)
