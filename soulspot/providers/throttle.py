"""Per-provider request rate limit shared by every thread, built on the `ratelimit` package."""

from __future__ import annotations

import time
from collections.abc import Callable

from ratelimit import RateLimitDecorator
from ratelimit.exception import RateLimitException

#: The provider measures when our requests arrive, not when we let them go: a thread
#: descheduled between permit and send, or network jitter, shortens the gap it sees. A 5 %
#: longer period absorbs that (1.05 s for MusicBrainz, 105 ms for Deezer).
SAFETY_MARGIN = 1.05


class RateLimiter:
    """At most one request per `period` seconds, across all threads using this instance.

    One call per period (instead of N calls per window) keeps bursts from ever exceeding
    the provider's window. Waiting uses the injected `sleep`, so tests never really sleep.
    """

    def __init__(
        self,
        rate: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        margin: float = SAFETY_MARGIN,
    ):
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.period = margin / rate
        self._sleep = sleep
        decorator = RateLimitDecorator(calls=1, period=self.period, clock=clock)
        # ratelimit anchors its first window at construction time, which would let the first
        # two calls through less than a period apart; start with a window that has expired.
        decorator.last_reset = float("-inf")
        self._permit = decorator(lambda: None)

    def acquire(self) -> float:
        """Block until the calling thread may send one request; return the seconds waited."""
        waited = 0.0
        while True:
            try:
                self._permit()
                return waited
            except RateLimitException as exc:
                waited += exc.period_remaining
                self._sleep(exc.period_remaining)
