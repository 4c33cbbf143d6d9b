"""A virtual clock for timed code: sleep() advances time instantly and records the wait."""

from __future__ import annotations

import threading
import time


class VirtualClock:
    """monotonic() + sleep() for injection; `real=True` starts from the real monotonic clock
    and keeps advancing with it, so real HTTP traffic and virtual waits can mix."""

    def __init__(self, start: float = 1000.0, *, real: bool = False):
        self._lock = threading.Lock()
        self._offset = 0.0
        self._start = start
        self._real = real
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        with self._lock:
            base = time.monotonic() if self._real else self._start
            return base + self._offset

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self._offset += max(0.0, seconds)

    def advance(self, seconds: float) -> None:
        """Let time pass without anyone sleeping."""
        with self._lock:
            self._offset += seconds

    @property
    def slept(self) -> float:
        with self._lock:
            return sum(self.sleeps)
