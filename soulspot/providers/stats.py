"""Thread-safe request counters: per provider client, and per unit of work (a job)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any


class RequestTally:
    """Requests per provider sent inside one `counting_requests()` block."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()

    def add(self, provider: str) -> None:
        with self._lock:
            self._counts[provider] += 1

    def counts(self, providers: tuple[str, ...] = ()) -> dict[str, int]:
        """The counts, with 0 for each of `providers` that sent nothing."""
        with self._lock:
            return {**dict.fromkeys(providers, 0), **self._counts}


_current_tally: ContextVar[RequestTally | None] = ContextVar("request_tally", default=None)


@contextmanager
def counting_requests() -> Iterator[RequestTally]:
    """Count the requests this context sends, so a job reports its own, not a process delta.

    Threads a job starts see the tally only when run in a copy of its context
    (`contextvars.copy_context().run`), as the enrichment engine does.
    """
    tally = RequestTally()
    token = _current_tally.set(tally)
    try:
        yield tally
    finally:
        _current_tally.reset(token)


def count_request(provider: str) -> None:
    """One request sent by `provider`: counted in the tally of the current context, if any."""
    tally = _current_tally.get()
    if tally is not None:
        tally.add(provider)


class RequestStats:
    """Requests sent, retries, errors by kind, and time spent waiting on rate limits."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests = 0
        self._retries = 0
        self._errors: Counter[str] = Counter()
        self._throttle_waits = 0
        self._throttle_seconds = 0.0
        self._retry_after_waits = 0
        self._retry_after_seconds = 0.0

    def sent(self) -> None:
        with self._lock:
            self._requests += 1

    def retried(self) -> None:
        with self._lock:
            self._retries += 1

    def failed(self, kind: str) -> None:
        with self._lock:
            self._errors[kind] += 1

    def throttled(self, seconds: float) -> None:
        """Our own rate limiter made a request wait."""
        with self._lock:
            self._throttle_waits += 1
            self._throttle_seconds += seconds

    def waited_retry_after(self, seconds: float) -> None:
        """The provider answered 429 and we waited as it asked."""
        with self._lock:
            self._retry_after_waits += 1
            self._retry_after_seconds += seconds

    def snapshot(self) -> dict[str, Any]:
        """A copy of the counters, safe to serialise."""
        with self._lock:
            return {
                "requests": self._requests,
                "retries": self._retries,
                "errors": dict(self._errors),
                "throttle_waits": self._throttle_waits,
                "throttle_wait_seconds": round(self._throttle_seconds, 3),
                "retry_after_waits": self._retry_after_waits,
                "retry_after_wait_seconds": round(self._retry_after_seconds, 3),
            }
