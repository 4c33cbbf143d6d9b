"""HTTP statuses classified once; provider answers to typed errors, and the retry signal."""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import requests

from soulspot.providers.errors import (
    AuthError,
    ProviderError,
    ProviderNotFound,
    RateLimited,
    Unavailable,
)

#: OAuth 2 error codes (RFC 6749 5.2) that mean "your client credentials are wrong".
OAUTH_CLIENT_ERRORS = frozenset({"invalid_client", "unauthorized_client"})


class StatusClass(enum.Enum):
    """What an HTTP status means to us, whoever sent it (a provider API or an image CDN)."""

    SUCCESS = "success"  # 2xx
    NOT_FOUND = "not_found"  # 404, 410
    FORBIDDEN = "forbidden"  # 401, 403
    RATE_LIMITED = "rate_limited"  # 429
    UNAVAILABLE = "unavailable"  # 502, 503, 504: waiting and retrying may help
    SERVER_ERROR = "server_error"  # any other 5xx
    UNEXPECTED = "unexpected"  # any other 4xx, and 1xx or 3xx where an answer was due


_CLASSES = {
    404: StatusClass.NOT_FOUND,
    410: StatusClass.NOT_FOUND,
    401: StatusClass.FORBIDDEN,
    403: StatusClass.FORBIDDEN,
    429: StatusClass.RATE_LIMITED,
    502: StatusClass.UNAVAILABLE,
    503: StatusClass.UNAVAILABLE,
    504: StatusClass.UNAVAILABLE,
}


def classify_status(status: int) -> StatusClass:
    """The class of an HTTP status code."""
    if 200 <= status < 300:
        return StatusClass.SUCCESS
    if status in _CLASSES:
        return _CLASSES[status]
    return StatusClass.SERVER_ERROR if status >= 500 else StatusClass.UNEXPECTED


class TransientError(Exception):
    """Asks the HTTP layer for a retry after `delay` seconds (None: exponential backoff).

    Raised for retryable statuses, network errors, and by parsers for in-body errors.
    """

    def __init__(self, error: ProviderError, delay: float | None = None):
        super().__init__(str(error))
        self.error = error
        self.delay = delay


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date), None if absent."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def status_error(
    provider: str,
    response: requests.Response,
    *,
    backoff: Callable[[], float],
    max_retry_after: float,
) -> ProviderError | TransientError:
    """The error for a 4xx/5xx answer: a TransientError when waiting and retrying may help."""
    status = response.status_code
    kind = classify_status(status)
    retry_after = parse_retry_after(response.headers.get("Retry-After"))
    detail = error_detail(response)
    message = f"{provider}: HTTP {status}: {detail}"
    if kind is StatusClass.RATE_LIMITED:
        wait = retry_after if retry_after is not None else backoff()
        error = RateLimited(wait, message, provider=provider)
        if wait > max_retry_after:
            return error  # defer the item rather than block a worker for that long
        return TransientError(error, delay=wait)
    if kind is StatusClass.UNAVAILABLE:
        delay = retry_after if retry_after is not None and retry_after <= max_retry_after else None
        return TransientError(Unavailable(message, provider=provider, status=status), delay)
    if kind is StatusClass.NOT_FOUND:
        return ProviderNotFound(message, provider=provider, status=status)
    if kind is StatusClass.FORBIDDEN or (status == 400 and detail in OAUTH_CLIENT_ERRORS):
        return AuthError(message, provider=provider, status=status)
    if kind is StatusClass.SERVER_ERROR:
        return Unavailable(message, provider=provider, status=status)
    return ProviderError(message, provider=provider, status=status)


def error_detail(response: requests.Response) -> str:
    """The provider's own error message, whatever its error shape."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200] or response.reason or ""
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict):
            return str(error.get("message") or error)
        if isinstance(error, str):
            return error
    return str(body)[:200]
