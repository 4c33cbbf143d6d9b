"""Thread-safe request counters for one provider client."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any


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
