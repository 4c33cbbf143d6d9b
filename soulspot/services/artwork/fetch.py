"""A safe image downloader: checked URLs and redirects, a total deadline, a size cap."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO
from urllib.parse import urljoin

import requests
from urllib3.exceptions import HTTPError, ProtocolError, ReadTimeoutError

from soulspot.providers.http import http_session
from soulspot.providers.statuses import StatusClass, classify_status
from soulspot.services.artwork.safety import ArtworkError, OutOfBudget, Reason, UrlPolicy

MAX_REDIRECTS = 3
CHUNK_SIZE = 64 * 1024
SNIFF_BYTES = 12
#: Magic numbers of the formats we keep; anything else is refused at the first chunk.
SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")
ACCEPT = "image/jpeg, image/png, image/webp;q=0.9, */*;q=0.1"
#: Statuses with a reason of their own; every other failed status is a server error.
STATUS_REASONS = {StatusClass.NOT_FOUND: Reason.NOT_FOUND, StatusClass.FORBIDDEN: Reason.FORBIDDEN}
#: "Later, please" (429, 502, 503, 504): a failure of the moment, so no marker; the next run
#: tries again. Other 5xx, like a timeout, mark the image (the spec's "403/500 errors").
PASSING_STATUSES = {StatusClass.RATE_LIMITED, StatusClass.UNAVAILABLE}


def looks_like_image(head: bytes) -> bool:
    """JPEG, PNG or WebP by their first bytes (the server's Content-Type is not trusted)."""
    if head.startswith(SIGNATURES):
        return True
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


class ImageFetcher:
    """Streams one image URL into a file; every failure is an ArtworkError with its reason.

    Safe to share between threads, like the providers' HTTP layer: one session whose
    connection pool is as large as the download pool.
    """

    def __init__(
        self,
        policy: UrlPolicy,
        *,
        user_agent: str,
        max_bytes: int,
        connect_timeout: float = 5.0,
        read_timeout: float = 15.0,
        total_timeout: float = 30.0,
        pool_size: int = 8,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.policy = policy
        self.max_bytes = max_bytes
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout
        self._total_timeout = total_timeout
        self._clock = clock
        self._session = http_session(user_agent, accept=ACCEPT, pool_size=pool_size, hosts=4)

    def download(self, url: str, sink: BinaryIO, *, deadline: float | None = None) -> int:
        """Write the image at `url` into `sink`; return its size in bytes.

        The whole download, redirects included, ends within `total_timeout` seconds as a
        TIMEOUT (the image's fault: a marker). `deadline` (a `clock()` value) is the caller's
        budget; when that runs out first the download ends as OutOfBudget (no marker).
        """
        own = self._clock() + self._total_timeout
        if deadline is not None and deadline < own:
            limit = _Limit(deadline, budget=True)
        else:
            limit = _Limit(own, budget=False)
        response = self._open(url, limit)
        with response:
            return self._stream(response, sink, limit)

    def close(self) -> None:
        self._session.close()

    def set_user_agent(self, value: str) -> None:
        """Send `value` as the User-Agent from the next download on (a setting changed)."""
        self._session.headers["User-Agent"] = value

    def _open(self, url: str, limit: _Limit) -> requests.Response:
        """GET `url`, following at most MAX_REDIRECTS redirects, each hop checked again."""
        for _hop in range(MAX_REDIRECTS + 1):
            self.policy.check(url)
            remaining = limit.at - self._clock()
            if remaining <= 0:
                raise self._expired(url, limit)
            timeout = (min(self._connect_timeout, remaining), min(self._read_timeout, remaining))
            try:
                response = self._session.get(
                    url, stream=True, allow_redirects=False, timeout=timeout
                )
            except requests.Timeout as exc:
                raise self._timed_out(url, limit) from exc
            except requests.exceptions.InvalidURL as exc:
                raise ArtworkError(Reason.INVALID_URL, f"{url}: {exc}") from exc
            except requests.ConnectionError as exc:  # refused, reset, dropped: not the image
                raise ArtworkError(
                    Reason.SERVER_ERROR, f"{url}: {type(exc).__name__}", transient=True
                ) from exc
            except requests.RequestException as exc:
                raise ArtworkError(Reason.SERVER_ERROR, f"{url}: {type(exc).__name__}") from exc
            if not response.is_redirect:
                _raise_for_status(response)
                return response
            location = response.headers.get("Location")
            response.close()
            if not location:
                raise ArtworkError(Reason.SERVER_ERROR, f"{url}: redirect without Location")
            url = urljoin(url, location)
        raise ArtworkError(Reason.SERVER_ERROR, f"more than {MAX_REDIRECTS} redirects")

    def _stream(self, response: requests.Response, sink: BinaryIO, limit: _Limit) -> int:
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise ArtworkError(Reason.TOO_LARGE, f"Content-Length {declared}")
        size, head = 0, b""
        for chunk in self._chunks(response, limit):
            if len(head) < SNIFF_BYTES:
                head += chunk[:SNIFF_BYTES]
                if len(head) >= SNIFF_BYTES and not looks_like_image(head):
                    raise ArtworkError(Reason.NOT_AN_IMAGE, f"starts with {head!r}")
            size += len(chunk)
            if size > self.max_bytes:
                raise ArtworkError(Reason.TOO_LARGE, f"more than {self.max_bytes} bytes")
            sink.write(chunk)
        if not looks_like_image(head):
            raise ArtworkError(Reason.NOT_AN_IMAGE, f"starts with {head!r}")
        return size

    def _chunks(self, response: requests.Response, limit: _Limit) -> Iterator[bytes]:
        """The body as it arrives, ending at the limit however slowly it comes.

        The socket's read timeout restarts with every byte received, so a server trickling
        one byte a second never trips it, and `iter_content` waits for a whole chunk. Here
        each read takes what has arrived (`read1`) and may wait only until the limit.
        """
        raw = response.raw
        while True:
            remaining = limit.at - self._clock()
            if remaining <= 0:
                raise self._expired(response.url, limit)
            _set_read_timeout(raw, min(self._read_timeout, remaining))
            try:
                chunk = raw.read1(CHUNK_SIZE, decode_content=True)
            except ReadTimeoutError as exc:
                raise self._timed_out(response.url, limit) from exc
            except (ProtocolError, OSError) as exc:  # a reset, a short body: the connection's
                raise ArtworkError(
                    Reason.SERVER_ERROR, f"{response.url}: {exc}", transient=True
                ) from exc
            except HTTPError as exc:  # a broken encoding: the image's
                raise ArtworkError(Reason.SERVER_ERROR, f"{response.url}: {exc}") from exc
            if not chunk:
                return
            yield chunk

    def _expired(self, url: str, limit: _Limit) -> ArtworkError:
        if limit.budget:
            return OutOfBudget(url)
        return ArtworkError(Reason.TIMEOUT, f"{url}: not complete in {self._total_timeout:g} s")

    def _timed_out(self, url: str, limit: _Limit) -> ArtworkError:
        """A timeout at the limit is the limit's; one before it, the server's read timeout."""
        if self._clock() >= limit.at:
            return self._expired(url, limit)
        return ArtworkError(Reason.TIMEOUT, f"{url}: read timeout")


@dataclass(frozen=True)
class _Limit:
    """When a download must end (a `clock()` value), and whether that is the caller's budget."""

    at: float
    budget: bool


def _set_read_timeout(raw: Any, seconds: float) -> None:
    """Bound the next socket read (a response without a live socket, e.g. a mock, has none)."""
    sock = getattr(getattr(raw, "connection", None), "sock", None)
    if sock is not None:
        sock.settimeout(seconds)


def _raise_for_status(response: requests.Response) -> None:
    status = response.status_code
    kind = classify_status(status)
    if kind is StatusClass.SUCCESS and status != 204:  # 204: a success, but no image
        return
    response.close()
    reason = STATUS_REASONS.get(kind, Reason.SERVER_ERROR)
    raise ArtworkError(reason, f"HTTP {status}", transient=kind in PASSING_STATUSES)
