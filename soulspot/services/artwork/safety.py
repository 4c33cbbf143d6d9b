"""Why an image is refused (Reason, ArtworkError), and which image URLs may be fetched.

A URL must be http(s), on an allowlisted host, and not resolve to a private address.
"""

from __future__ import annotations

import enum
import fnmatch
import ipaddress
import socket
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit


class Reason(enum.StrEnum):
    """Why an image could not be stored; each one ends in its own FAILED marker."""

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


#: Deezer's "no picture" stand-in: an image path with an empty hash.
PLACEHOLDER_MARKS = ("/images/artist//", "/images/cover//")

Resolver = Callable[[str], Iterable[str]]


def resolve_host(host: str) -> list[str]:
    """Every address `host` resolves to (IPv4 and IPv6)."""
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return [str(info[4][0]) for info in infos]


def is_placeholder(url: str) -> bool:
    return any(mark in url for mark in PLACEHOLDER_MARKS)


class UrlPolicy:
    """Checks one URL (every redirect hop goes through it again).

    `hosts` are host names or patterns (`*.dzcdn.net`). A host resolving to a loopback,
    private, link-local or otherwise non-public address is refused unless it is listed
    literally (not through a wildcard): tests list `127.0.0.1`, nobody lists `*`.
    """

    def __init__(self, hosts: Iterable[str], *, resolver: Resolver = resolve_host) -> None:
        patterns = [host.strip().lower().rstrip(".") for host in hosts if host.strip()]
        self._exact = {pattern for pattern in patterns if not _is_pattern(pattern)}
        self._wildcards = [pattern for pattern in patterns if _is_pattern(pattern)]
        self._resolve = resolver

    @classmethod
    def from_setting(cls, setting: str, *, resolver: Resolver = resolve_host) -> UrlPolicy:
        """From the comma-separated IMAGE_HOSTS setting."""
        return cls(str(setting or "").split(","), resolver=resolver)

    def check(self, url: str) -> None:
        """Raise ArtworkError unless `url` may be fetched."""
        if is_placeholder(url):
            raise ArtworkError(Reason.PLACEHOLDER, url)
        try:
            parts = urlsplit(url)
            host = (parts.hostname or "").lower().rstrip(".")
            parts.port  # noqa: B018 - raises ValueError on a malformed port
        except ValueError as exc:
            raise ArtworkError(Reason.INVALID_URL, f"{url!r}: {exc}") from exc
        if parts.scheme not in ("http", "https") or not host:
            raise ArtworkError(Reason.INVALID_URL, repr(url))
        if parts.username is not None or parts.password is not None:
            raise ArtworkError(Reason.INVALID_URL, f"{url!r}: credentials in URL")
        listed_exactly = host in self._exact
        if not listed_exactly and not any(fnmatch.fnmatchcase(host, p) for p in self._wildcards):
            raise ArtworkError(Reason.HOST_NOT_ALLOWED, host)
        if listed_exactly:
            return
        try:
            addresses = list(self._resolve(host))
        except (OSError, UnicodeError) as exc:
            # The host cannot be reached from here: as good as a dead link, and retried on reset.
            raise ArtworkError(Reason.SERVER_ERROR, f"{host}: cannot resolve: {exc}") from exc
        for address in addresses:
            if not _is_public(address):
                raise ArtworkError(Reason.HOST_NOT_ALLOWED, f"{host} resolves to {address}")


def _is_pattern(host: str) -> bool:
    return any(char in host for char in "*?[")


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
        or not ip.is_global
    )
