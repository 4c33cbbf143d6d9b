"""Failure reasons of an image download and the FAILED|reason|timestamp marker that records them."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

MARKER_PREFIX = "FAILED"


class Reason(enum.StrEnum):
    """Why an image could not be stored; each one ends in its own marker."""

    NOT_FOUND = "not_found"  # 404, 410
    FORBIDDEN = "forbidden"  # 401, 403
    SERVER_ERROR = "server_error"  # 5xx, other HTTP errors, broken redirects
    TIMEOUT = "timeout"
    INVALID_URL = "invalid_url"
    HOST_NOT_ALLOWED = "host_not_allowed"
    NOT_AN_IMAGE = "not_an_image"
    TOO_LARGE = "too_large"
    PLACEHOLDER = "placeholder"


class ArtworkError(Exception):
    """An image could not be fetched or stored, for `reason`.

    `transient` failures (an exhausted time budget, a network hiccup on our side) are not the
    image's fault: callers count them but write no marker, so the next run tries again.
    """

    def __init__(self, reason: Reason, detail: str = "", *, transient: bool = False) -> None:
        super().__init__(f"{reason.value}: {detail}" if detail else reason.value)
        self.reason = reason
        self.detail = detail
        self.transient = transient


class OutOfBudget(ArtworkError):
    """The caller's time budget ran out mid-download: not done, rather than failed."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(Reason.TIMEOUT, detail, transient=True)


def failed_marker(reason: Reason, now: datetime | None = None) -> str:
    """`FAILED|<reason>|<UTC timestamp to the second, Z suffix>`."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    return f"{MARKER_PREFIX}|{reason.value}|{moment.strftime('%Y-%m-%dT%H:%M:%SZ')}"


def is_failed_marker(value: str | None) -> bool:
    """True for any value reset would clear (every value starting with FAILED)."""
    return value is not None and value.startswith(MARKER_PREFIX)
