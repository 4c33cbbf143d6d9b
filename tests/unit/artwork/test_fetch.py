"""The downloader: statuses, redirects re-checked per hop, size cap while streaming, budget."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import requests_mock

from soulspot.services.artwork.fetch import MAX_REDIRECTS, ImageFetcher
from soulspot.services.artwork.safety import ArtworkError, OutOfBudget, Reason, UrlPolicy
from tests.support.artwork import image_bytes

PUBLIC = {"cdn.test": ["203.0.113.10"], "other.test": ["203.0.113.11"]}
JPEG = image_bytes("JPEG", (32, 32))


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Trickle(io.RawIOBase):
    """A body arriving one byte per (virtual) second: each read gets what has arrived."""

    def __init__(self, data: bytes, clock: FakeClock) -> None:
        self._data, self._clock, self._sent = data, clock, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._sent >= len(self._data):
            return 0
        self._clock.now += 1.0
        buffer[0] = self._data[self._sent]
        self._sent += 1
        return 1

    def read1(self, size: int = -1) -> bytes:
        return self.read(size)


def fetcher(
    max_bytes: int = 1_000_000, clock: FakeClock | None = None, total_timeout: float = 30.0
) -> ImageFetcher:
    policy = UrlPolicy.from_setting("cdn.test", resolver=lambda host: PUBLIC[host])
    return ImageFetcher(
        policy,
        user_agent="SoulSpot/test",
        max_bytes=max_bytes,
        total_timeout=total_timeout,
        clock=clock or FakeClock(),
    )


@pytest.fixture
def mock() -> Iterator[requests_mock.Mocker]:
    with requests_mock.Mocker() as mocker:
        yield mocker


def reason_of(fetch: ImageFetcher, url: str) -> ArtworkError:
    with pytest.raises(ArtworkError) as caught:
        fetch.download(url, io.BytesIO())
    return caught.value


def test_downloads_with_our_user_agent(mock: requests_mock.Mocker) -> None:
    mock.get("https://cdn.test/a.jpg", content=JPEG)
    sink = io.BytesIO()
    assert fetcher().download("https://cdn.test/a.jpg", sink) == len(JPEG)
    assert sink.getvalue() == JPEG
    assert mock.last_request.headers["User-Agent"] == "SoulSpot/test"


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (404, Reason.NOT_FOUND),
        (410, Reason.NOT_FOUND),
        (401, Reason.FORBIDDEN),
        (403, Reason.FORBIDDEN),
        (500, Reason.SERVER_ERROR),
        (503, Reason.SERVER_ERROR),
        (418, Reason.SERVER_ERROR),
        (204, Reason.SERVER_ERROR),
    ],
)
def test_statuses_map_to_reasons(mock: requests_mock.Mocker, status: int, reason: Reason) -> None:
    mock.get("https://cdn.test/a.jpg", status_code=status, content=JPEG)
    assert reason_of(fetcher(), "https://cdn.test/a.jpg").reason is reason


def test_the_size_cap_holds_without_a_content_length(mock: requests_mock.Mocker) -> None:
    body = JPEG + b"\0" * 300_000
    mock.get("https://cdn.test/big.jpg", body=io.BytesIO(body))
    sink = io.BytesIO()
    with pytest.raises(ArtworkError) as caught:
        fetcher(max_bytes=100_000).download("https://cdn.test/big.jpg", sink)
    assert caught.value.reason is Reason.TOO_LARGE
    assert 0 < len(sink.getvalue()) <= 100_000  # stopped while streaming, not after


def test_a_declared_length_over_the_cap_is_refused_before_reading(
    mock: requests_mock.Mocker,
) -> None:
    mock.get("https://cdn.test/big.jpg", content=JPEG, headers={"Content-Length": "5000000"})
    sink = io.BytesIO()
    with pytest.raises(ArtworkError) as caught:
        fetcher(max_bytes=100_000).download("https://cdn.test/big.jpg", sink)
    assert caught.value.reason is Reason.TOO_LARGE
    assert sink.getvalue() == b""


def test_html_is_refused_at_the_first_bytes(mock: requests_mock.Mocker) -> None:
    page = b"<!doctype html><html>" + b"x" * 500_000
    mock.get("https://cdn.test/a.jpg", content=page, headers={"Content-Type": "image/jpeg"})
    sink = io.BytesIO()
    with pytest.raises(ArtworkError) as caught:
        fetcher().download("https://cdn.test/a.jpg", sink)
    assert caught.value.reason is Reason.NOT_AN_IMAGE
    assert sink.getvalue() == b""


def test_redirects_are_followed_and_rechecked(mock: requests_mock.Mocker) -> None:
    mock.get("https://cdn.test/r1", status_code=302, headers={"Location": "/r2"})
    mock.get("https://cdn.test/r2", status_code=301, headers={"Location": "https://cdn.test/a"})
    mock.get("https://cdn.test/a", content=JPEG)
    assert fetcher().download("https://cdn.test/r1", io.BytesIO()) == len(JPEG)


def test_a_redirect_off_the_allowlist_is_not_followed(mock: requests_mock.Mocker) -> None:
    mock.get("https://cdn.test/r", status_code=302, headers={"Location": "https://other.test/a"})
    target = mock.get("https://other.test/a", content=JPEG)
    assert reason_of(fetcher(), "https://cdn.test/r").reason is Reason.HOST_NOT_ALLOWED
    assert not target.called


def test_a_redirect_to_a_placeholder_is_not_followed(mock: requests_mock.Mocker) -> None:
    location = "https://cdn.test/images/artist//500x500-000000-80-0-0.jpg"
    mock.get("https://cdn.test/artist/27/image", status_code=302, headers={"Location": location})
    assert reason_of(fetcher(), "https://cdn.test/artist/27/image").reason is Reason.PLACEHOLDER


def test_at_most_three_redirects(mock: requests_mock.Mocker) -> None:
    for hop in range(MAX_REDIRECTS + 1):
        mock.get(f"https://cdn.test/r{hop}", status_code=302, headers={"Location": f"/r{hop + 1}"})
    final = mock.get(f"https://cdn.test/r{MAX_REDIRECTS + 1}", content=JPEG)
    assert reason_of(fetcher(), "https://cdn.test/r0").reason is Reason.SERVER_ERROR
    assert not final.called
    assert mock.call_count == MAX_REDIRECTS + 1


def test_a_redirect_without_location_is_a_server_error(mock: requests_mock.Mocker) -> None:
    mock.get("https://cdn.test/r", status_code=302)
    assert reason_of(fetcher(), "https://cdn.test/r").reason is Reason.SERVER_ERROR


def test_a_connection_error_is_a_server_error(mock: requests_mock.Mocker) -> None:
    mock.get("https://cdn.test/a.jpg", exc=requests.ConnectionError("refused"))
    assert reason_of(fetcher(), "https://cdn.test/a.jpg").reason is Reason.SERVER_ERROR


def test_a_request_timeout_is_a_timeout_with_a_marker(mock: requests_mock.Mocker) -> None:
    mock.get("https://cdn.test/a.jpg", exc=requests.ReadTimeout("slow"))
    error = reason_of(fetcher(), "https://cdn.test/a.jpg")
    assert error.reason is Reason.TIMEOUT and not error.transient


def test_an_exhausted_caller_budget_is_a_transient_timeout(mock: requests_mock.Mocker) -> None:
    clock = FakeClock()
    mock.get("https://cdn.test/a.jpg", content=JPEG)
    with pytest.raises(ArtworkError) as caught:
        fetcher(clock=clock).download("https://cdn.test/a.jpg", io.BytesIO(), deadline=clock.now)
    assert caught.value.reason is Reason.TIMEOUT and caught.value.transient
    assert not mock.called


def test_a_trickling_body_ends_at_the_total_deadline(mock: requests_mock.Mocker) -> None:
    clock = FakeClock()
    started = clock.now
    mock.get("https://cdn.test/a.jpg", body=Trickle(JPEG, clock))
    sink = io.BytesIO()
    with pytest.raises(ArtworkError) as caught:
        fetcher(clock=clock, total_timeout=30).download("https://cdn.test/a.jpg", sink)
    assert caught.value.reason is Reason.TIMEOUT and not caught.value.transient
    assert clock.now - started <= 31  # checked at every read, not once per 64 KiB chunk
    assert 25 <= len(sink.getvalue()) <= 31


def test_redirects_count_against_the_total_deadline(mock: requests_mock.Mocker) -> None:
    clock = FakeClock()

    def slow_redirect(request: Any, context: Any) -> bytes:
        clock.now += 12
        context.status_code = 302
        context.headers["Location"] = f"/r{int(request.path[2:]) + 1}"
        return b""

    for hop in range(3):
        mock.get(f"https://cdn.test/r{hop}", content=slow_redirect)
    error = reason_of(fetcher(clock=clock, total_timeout=30), "https://cdn.test/r0")
    assert error.reason is Reason.TIMEOUT and not error.transient
    assert mock.call_count == 3  # the fourth hop was not asked for: 36 s had passed


def test_a_read_timeout_before_the_callers_budget_is_the_servers(
    mock: requests_mock.Mocker,
) -> None:
    clock = FakeClock()
    mock.get("https://cdn.test/a.jpg", exc=requests.ReadTimeout("slow"))
    budget = clock.now + 5  # sooner than the fetcher's own 30 s
    with pytest.raises(ArtworkError) as caught:
        fetcher(clock=clock).download("https://cdn.test/a.jpg", io.BytesIO(), deadline=budget)
    assert caught.value.reason is Reason.TIMEOUT and not caught.value.transient


def test_the_callers_budget_cuts_a_trickle_short_without_a_marker(
    mock: requests_mock.Mocker,
) -> None:
    clock = FakeClock()
    mock.get("https://cdn.test/a.jpg", body=Trickle(JPEG, clock))
    budget = clock.now + 5
    with pytest.raises(OutOfBudget) as caught:
        fetcher(clock=clock).download("https://cdn.test/a.jpg", io.BytesIO(), deadline=budget)
    assert caught.value.reason is Reason.TIMEOUT and caught.value.transient
    assert clock.now - budget <= 1
