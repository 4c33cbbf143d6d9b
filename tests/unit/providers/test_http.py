"""The shared HTTP layer: headers, timeouts, retries, Retry-After, typed errors, counters."""

from __future__ import annotations

import pytest
import requests

from soulspot.providers.errors import (
    AuthError,
    BadResponse,
    ProviderError,
    ProviderNotFound,
    RateLimited,
    Unavailable,
)
from soulspot.providers.http import user_agent
from soulspot.providers.statuses import TransientError, parse_retry_after
from tests.support.providers import BASE, UA

URL = f"{BASE}/things/1"


def ident(data):  # noqa: ANN001, ANN201
    return data


def test_sends_user_agent_timeouts_and_params(requests_mock, make_http) -> None:
    requests_mock.get(URL, json={"ok": 1})
    http = make_http(connect_timeout=1.5, read_timeout=7.0)
    assert http.get_json("things/1", {"q": "x y"}, parse=ident) == {"ok": 1}
    sent = requests_mock.request_history[0]
    assert sent.headers["User-Agent"] == UA
    assert sent.timeout == (1.5, 7.0)
    assert sent.qs == {"q": ["x y"]}


def test_user_agent_names_the_contact() -> None:
    agent = user_agent("mailto:me@example.org")
    assert agent.startswith("SoulSpot/")
    assert agent.endswith(" ( mailto:me@example.org )")


def test_absolute_urls_are_used_as_given(requests_mock, make_http) -> None:
    requests_mock.get("https://elsewhere.test/page2", json=[1])
    assert make_http().get_json("https://elsewhere.test/page2", parse=ident) == [1]


@pytest.mark.parametrize("status", [502, 503, 504])
def test_retries_gateway_errors_with_backoff(requests_mock, make_http, clock, status) -> None:
    requests_mock.get(URL, [{"status_code": status}, {"status_code": status}, {"json": {"ok": 1}}])
    http = make_http(backoff_base=0.5)
    assert http.get_json(URL, parse=ident) == {"ok": 1}
    assert requests_mock.call_count == 3
    first, second = clock.sleeps
    assert 0.25 <= first <= 0.5  # half fixed, half jitter
    assert 0.5 <= second <= 1.0
    assert http.stats["retries"] == 2
    assert http.stats["requests"] == 3


def test_gives_up_after_max_retries_with_unavailable(requests_mock, make_http, clock) -> None:
    requests_mock.get(URL, status_code=503, json={"error": "busy"})
    http = make_http(max_retries=3)
    with pytest.raises(Unavailable) as caught:
        http.get_json(URL, parse=ident)
    assert caught.value.status == 503
    assert requests_mock.call_count == 4
    assert len(clock.sleeps) == 3
    assert http.stats["errors"] == {"unavailable": 1}


def test_backoff_is_capped(requests_mock, make_http, clock) -> None:
    requests_mock.get(URL, status_code=502)
    with pytest.raises(Unavailable):
        make_http(max_retries=6, backoff_base=1.0, backoff_cap=4.0).get_json(URL, parse=ident)
    assert max(clock.sleeps) <= 4.0


def test_500_is_not_retried(requests_mock, make_http, clock) -> None:
    requests_mock.get(URL, status_code=500)
    with pytest.raises(Unavailable):
        make_http().get_json(URL, parse=ident)
    assert requests_mock.call_count == 1
    assert clock.sleeps == []


@pytest.mark.parametrize(
    "exc",
    [requests.ConnectionError("refused"), requests.ReadTimeout("slow"), requests.ConnectTimeout()],
)
def test_retries_network_errors_then_succeeds(requests_mock, make_http, exc) -> None:
    requests_mock.get(URL, [{"exc": exc}, {"json": {"ok": 1}}])
    assert make_http().get_json(URL, parse=ident) == {"ok": 1}
    assert requests_mock.call_count == 2


def test_network_errors_exhausted_raise_unavailable(requests_mock, make_http) -> None:
    requests_mock.get(URL, exc=requests.ReadTimeout("slow"))
    with pytest.raises(Unavailable, match="ReadTimeout"):
        make_http(max_retries=2).get_json(URL, parse=ident)
    assert requests_mock.call_count == 3


def test_429_retry_after_two_seconds_is_honoured(requests_mock, make_http, clock) -> None:
    requests_mock.get(
        URL, [{"status_code": 429, "headers": {"Retry-After": "2"}}, {"json": {"ok": 1}}]
    )
    http = make_http()
    before = clock.monotonic()
    assert http.get_json(URL, parse=ident) == {"ok": 1}
    assert clock.sleeps == [2.0]
    assert clock.monotonic() - before == pytest.approx(2.0)
    stats = http.stats
    assert stats["retry_after_waits"] == 1
    assert stats["retry_after_wait_seconds"] == 2.0


def test_429_beyond_max_retry_after_raises_at_once(requests_mock, make_http, clock) -> None:
    requests_mock.get(URL, status_code=429, headers={"Retry-After": "3600"})
    http = make_http(max_retry_after=120)
    with pytest.raises(RateLimited) as caught:
        http.get_json(URL, parse=ident)
    assert caught.value.retry_after == 3600
    assert requests_mock.call_count == 1
    assert clock.sleeps == []
    assert http.stats["errors"] == {"rate_limited": 1}


def test_429_every_time_ends_in_rate_limited(requests_mock, make_http, clock) -> None:
    requests_mock.get(URL, status_code=429, headers={"Retry-After": "1"})
    with pytest.raises(RateLimited) as caught:
        make_http(max_retries=2).get_json(URL, parse=ident)
    assert caught.value.retry_after == 1
    assert clock.sleeps == [1.0, 1.0]


def test_429_without_retry_after_backs_off(requests_mock, make_http, clock) -> None:
    requests_mock.get(URL, [{"status_code": 429}, {"json": {}}])
    make_http(backoff_base=0.5).get_json(URL, parse=ident)
    assert 0.25 <= clock.sleeps[0] <= 0.5


def test_503_retry_after_is_used_when_reasonable(requests_mock, make_http, clock) -> None:
    requests_mock.get(URL, [{"status_code": 503, "headers": {"Retry-After": "3"}}, {"json": {}}])
    make_http().get_json(URL, parse=ident)
    assert clock.sleeps == [3.0]


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (404, {"error": {"status": 404, "message": "non existing id"}}, ProviderNotFound),
        (410, {"error": {"status": 410, "message": "Gone"}}, ProviderNotFound),
        (401, {"error": {"status": 401, "message": "The access token expired"}}, AuthError),
        (403, {"error": {"status": 403, "message": "Forbidden"}}, AuthError),
        (400, {"error": "invalid_client", "error_description": "Invalid client"}, AuthError),
    ],
)
def test_error_statuses_are_typed(requests_mock, make_http, status, body, error) -> None:
    requests_mock.get(URL, status_code=status, json=body)
    with pytest.raises(error) as caught:
        make_http().get_json(URL, parse=ident)
    assert caught.value.status == status
    assert requests_mock.call_count == 1


def test_other_client_errors_are_plain_provider_errors(requests_mock, make_http) -> None:
    requests_mock.get(
        URL, status_code=400, json={"error": {"status": 400, "message": "Invalid limit"}}
    )
    with pytest.raises(ProviderError, match="Invalid limit") as caught:
        make_http().get_json(URL, parse=ident)
    assert type(caught.value) is ProviderError


def test_invalid_json_is_a_bad_response_and_not_retried(requests_mock, make_http) -> None:
    requests_mock.get(URL, text='{"data": [', headers={"Content-Type": "application/json"})
    http = make_http()
    with pytest.raises(BadResponse, match="invalid JSON"):
        http.get_json(URL, parse=ident)
    assert requests_mock.call_count == 1
    assert http.stats["errors"] == {"bad_response": 1}


def test_unexpected_shape_is_a_bad_response(requests_mock, make_http) -> None:
    requests_mock.get(URL, json={"items": None})
    with pytest.raises(BadResponse, match="shape"):
        make_http().get_json(URL, parse=lambda data: [item["id"] for item in data["items"]])


def test_a_parser_can_ask_for_a_retry(requests_mock, make_http) -> None:
    requests_mock.get(URL, [{"json": {"busy": True}}, {"json": {"busy": False}}])

    def parse(data):  # noqa: ANN001, ANN202
        if data["busy"]:
            raise TransientError(Unavailable("busy"))
        return "done"

    assert make_http().get_json(URL, parse=parse) == "done"
    assert requests_mock.call_count == 2


def test_post_is_not_retried_unless_idempotent(requests_mock, make_http) -> None:
    requests_mock.post(URL, [{"status_code": 503}, {"json": {"ok": 1}}])
    with pytest.raises(Unavailable):
        make_http().post_form(URL, {"a": "b"}, parse=ident)
    assert requests_mock.call_count == 1
    assert make_http().post_form(URL, {"a": "b"}, parse=ident, idempotent=True) == {"ok": 1}


def test_rate_limit_applies_to_every_request(requests_mock, make_http, clock) -> None:
    requests_mock.get(URL, json={})
    http = make_http(rate=1.0)
    stamps = []
    for _ in range(3):
        http.get_json(URL, parse=ident)
        stamps.append(clock.monotonic())
    assert stamps[1] - stamps[0] >= 1.0
    assert stamps[2] - stamps[1] >= 1.0
    stats = http.stats
    assert stats["throttle_waits"] == 2
    assert stats["throttle_wait_seconds"] >= 2.0


def test_retries_also_wait_for_the_rate_limit(requests_mock, make_http, clock) -> None:
    requests_mock.get(URL, [{"status_code": 503}, {"json": {}}])
    http = make_http(rate=1.0, backoff_base=0.01)
    http.get_json(URL, parse=ident)
    assert clock.slept >= 1.0  # the backoff was tiny; the limiter held the retry back


def test_get_location_returns_redirect_target_without_following(requests_mock, make_http) -> None:
    requests_mock.get(URL, status_code=307, headers={"Location": "https://img.test/front.jpg"})
    requests_mock.get("https://img.test/front.jpg", content=b"jpeg")
    assert make_http().get_location(URL) == "https://img.test/front.jpg"
    assert requests_mock.call_count == 1


def test_get_location_resolves_relative_targets_and_404(requests_mock, make_http) -> None:
    requests_mock.get(URL, status_code=302, headers={"Location": "/img/1.jpg"})
    requests_mock.get(f"{BASE}/missing", status_code=404)
    http = make_http()
    assert http.get_location(URL) == "https://provider.test/img/1.jpg"
    assert http.get_location(f"{BASE}/missing") is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, None), ("", None), ("2", 2.0), ("0.5", 0.5), ("-3", 0.0), ("soon", None)],
)
def test_parse_retry_after(value, expected) -> None:
    assert parse_retry_after(value) == expected


def test_parse_retry_after_http_date() -> None:
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    future = parse_retry_after("Fri, 01 Jan 2100 00:00:00 GMT")
    assert future is not None and future > 1e9


def test_without_retries_fails_at_once_in_this_thread_only(requests_mock, make_http, clock) -> None:
    requests_mock.get(URL, [{"status_code": 503}, {"json": {"ok": 1}}] * 2)
    http = make_http()
    with http.without_retries(), pytest.raises(Unavailable):
        http.get_json(URL, parse=ident)
    assert requests_mock.call_count == 1 and clock.sleeps == []
    requests_mock.get(URL, status_code=429, headers={"Retry-After": "2"})
    with http.without_retries(), pytest.raises(RateLimited) as raised:
        http.get_json(URL, parse=ident)
    assert raised.value.retry_after == 2 and clock.sleeps == []
    requests_mock.get(URL, [{"status_code": 503}, {"json": {"ok": 1}}])
    assert http.get_json(URL, parse=ident) == {"ok": 1}  # retries are back outside the block
