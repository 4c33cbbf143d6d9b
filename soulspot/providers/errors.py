"""Typed failures raised by every provider client."""

from __future__ import annotations

from typing import ClassVar


class ProviderError(Exception):
    """Base of every provider failure; `kind` names it in the request counters."""

    kind: ClassVar[str] = "error"

    def __init__(self, message: str, *, provider: str | None = None, status: int | None = None):
        super().__init__(message)
        self.provider = provider
        self.status = status


class ProviderNotFound(ProviderError):
    """The provider has no such entity."""

    kind = "not_found"


class RateLimited(ProviderError):
    """The provider asked us to wait `retry_after` seconds; the caller should defer the item."""

    kind = "rate_limited"

    def __init__(
        self,
        retry_after: float,
        message: str | None = None,
        *,
        provider: str | None = None,
        status: int | None = 429,
    ):
        super().__init__(
            message or f"rate limited, retry after {retry_after:g} s",
            provider=provider,
            status=status,
        )
        self.retry_after = retry_after


class Unavailable(ProviderError):
    """The provider could not be reached or answered 5xx (after retries where allowed)."""

    kind = "unavailable"


class AuthError(ProviderError):
    """Credentials were refused."""

    kind = "auth"


class BadResponse(ProviderError):
    """The provider answered something we cannot read: invalid JSON or an unexpected shape."""

    kind = "bad_response"


class NotConfigured(ProviderError):
    """The client lacks the configuration (credentials) it needs to make a call."""

    kind = "not_configured"
