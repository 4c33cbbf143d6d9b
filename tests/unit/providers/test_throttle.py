"""The shared rate limiter, on a virtual clock."""

from __future__ import annotations

import threading

import pytest

from soulspot.providers.throttle import SAFETY_MARGIN, RateLimiter
from tests.fakes.clock import VirtualClock


def make(rate: float) -> tuple[RateLimiter, VirtualClock]:
    clock = VirtualClock()
    return RateLimiter(rate, clock=clock.monotonic, sleep=clock.sleep), clock


def test_first_call_passes_without_waiting() -> None:
    limiter, clock = make(1.0)
    assert limiter.acquire() == 0
    assert clock.sleeps == []


def test_second_call_right_after_construction_still_waits_a_full_period() -> None:
    # ratelimit anchors its window at construction; without our fix a call made just
    # before the first window ends and one just after would both pass almost together.
    limiter, clock = make(1.0)
    clock.advance(0.9)
    limiter.acquire()
    clock.advance(0.2)
    waited = limiter.acquire()
    assert waited == pytest.approx(SAFETY_MARGIN - 0.2)


def test_calls_are_spaced_by_the_period() -> None:
    limiter, clock = make(10.0)
    stamps = []
    for _ in range(20):
        limiter.acquire()
        stamps.append(clock.monotonic())
    gaps = [b - a for a, b in zip(stamps, stamps[1:], strict=False)]
    assert min(gaps) >= 0.1
    assert max(gaps) == pytest.approx(SAFETY_MARGIN / 10)


def test_no_window_of_five_seconds_holds_more_than_fifty_at_ten_per_second() -> None:
    limiter, clock = make(10.0)
    stamps = []
    for _ in range(120):
        limiter.acquire()
        stamps.append(clock.monotonic())
    most = max(sum(1 for t in stamps if start <= t < start + 5.0) for start in stamps)
    assert most <= 50


def test_no_wait_when_the_period_has_passed() -> None:
    limiter, clock = make(2.0)
    limiter.acquire()
    clock.advance(0.6)
    assert limiter.acquire() == 0


def test_threads_share_one_limit() -> None:
    limiter, clock = make(5.0)
    stamps: list[float] = []
    lock = threading.Lock()

    def work() -> None:
        for _ in range(5):
            limiter.acquire()
            with lock:
                stamps.append(clock.monotonic())

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stamps.sort()
    assert len(stamps) == 20
    assert min(b - a for a, b in zip(stamps, stamps[1:], strict=False)) >= 0.2 - 1e-9


def test_rate_must_be_positive() -> None:
    with pytest.raises(ValueError):
        RateLimiter(0)
