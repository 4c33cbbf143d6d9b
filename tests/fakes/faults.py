"""Fault injection for the fake providers: errors, slowness and garbage on chosen requests."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass

KINDS = frozenset(
    {
        "429",
        "500",
        "502",
        "503",
        "timeout",
        "slow",
        "stalled_body",
        "dropped",
        "truncated",
        "malformed_json",
        "deezer_quota",
    }
)
#: How long "timeout" and "stalled_body" faults stall by default: longer than any test
#: client's read timeout.
TIMEOUT_STALL = 3.0
SLOW_DELAY = 0.05


@dataclass
class Fault:
    """One rule: on matching requests, `kind` fires (at most `times`, with `probability`)."""

    provider: str
    kind: str
    times: int | None = None
    probability: float | None = None
    path_contains: str | None = None
    retry_after: float | None = None
    delay: float | None = None
    fired: int = 0

    def matches(self, provider: str, path: str) -> bool:
        if self.provider not in ("*", provider):
            return False
        if self.path_contains and self.path_contains not in path:
            return False
        return self.times is None or self.fired < self.times

    @property
    def stall(self) -> float:
        """Seconds to sleep before answering (timeout and slow faults)."""
        if self.delay is not None:
            return self.delay
        return SLOW_DELAY if self.kind == "slow" else TIMEOUT_STALL


class Faults:
    """The active fault rules, checked in the order they were added; a seeded RNG decides."""

    def __init__(self, seed: int = 0):
        self._lock = threading.Lock()
        self._rules: list[Fault] = []
        self._rng = random.Random(seed)

    def add(
        self,
        provider: str,
        kind: str,
        *,
        times: int | None = None,
        probability: float | None = None,
        path_contains: str | None = None,
        retry_after: float | None = None,
        delay: float | None = None,
    ) -> Fault:
        """Inject `kind` on `provider` ("*" for all); with neither times nor probability: always."""
        if kind not in KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; known: {sorted(KINDS)}")
        fault = Fault(provider, kind, times, probability, path_contains, retry_after, delay)
        with self._lock:
            self._rules.append(fault)
        return fault

    def pick(self, provider: str, path: str) -> Fault | None:
        """The fault to apply to this request, if any (and count it as fired)."""
        with self._lock:
            for fault in self._rules:
                if not fault.matches(provider, path):
                    continue
                if fault.probability is not None and self._rng.random() >= fault.probability:
                    continue
                fault.fired += 1
                return fault
        return None

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def seed(self, seed: int) -> None:
        with self._lock:
            self._rng = random.Random(seed)
