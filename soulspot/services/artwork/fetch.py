"""A safe image downloader: checked URLs and redirects, timeouts, a size cap while streaming."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import BinaryIO
from urllib.parse import urljoin

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ReadTimeoutError

from soulspot.services.artwork.markers import ArtworkError, Reason
from soulspot.services.artwork.safety import UrlPolicy

MAX_REDIRECTS = 3
CHUNK_SIZE = 64 * 1024
SNIFF_BYTES = 12
#: Magic numbers of the formats we keep; anything else is refused at the first chunk.
SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")


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
        total_timeout: float = 60.0,
        pool_size: int = 8,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.policy = policy
        self.max_bytes = max_bytes
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout
        self._total_timeout = total_timeout
        self._clock = clock
        self._session = requests.Session()
        self._session.headers["User-Agent"] = user_agent
        self._session.headers["Accept"] = "image/jpeg, image/png, image/webp;q=0.9, */*;q=0.1"
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=pool_size, max_retries=0)
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)

    def download(self, url: str, sink: BinaryIO, *, deadline: float | None = None) -> int:
        """Write the image at `url` into `sink`; return its size in bytes.

        `deadline` (a `clock()` value) bounds the whole download; running past it is a
        transient timeout, because it is the caller's budget that ran out, not the image.
        """
        own_deadline = self._clock() + self._total_timeout
        budget_deadline = deadline is not None and deadline < own_deadline
        limit = deadline if budget_deadline else own_deadline
        response = self._open(url, limit, transient_timeout=budget_deadline)
        with response:
            return self._stream(response, sink, limit, transient_timeout=budget_deadline)

    def close(self) -> None:
        self._session.close()

    def _open(self, url: str, deadline: float, *, transient_timeout: bool) -> requests.Response:
        """GET `url`, following at most MAX_REDIRECTS redirects, each hop checked again."""
        for _hop in range(MAX_REDIRECTS + 1):
            self.policy.check(url)
            remaining = deadline - self._clock()
            if remaining <= 0:
                raise ArtworkError(Reason.TIMEOUT, url, transient=transient_timeout)
            timeout = (min(self._connect_timeout, remaining), min(self._read_timeout, remaining))
            try:
                response = self._session.get(
                    url, stream=True, allow_redirects=False, timeout=timeout
                )
            except requests.Timeout as exc:
                raise ArtworkError(Reason.TIMEOUT, url, transient=transient_timeout) from exc
            except requests.exceptions.InvalidURL as exc:
                raise ArtworkError(Reason.INVALID_URL, f"{url}: {exc}") from exc
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

    def _stream(
        self,
        response: requests.Response,
        sink: BinaryIO,
        deadline: float,
        *,
        transient_timeout: bool,
    ) -> int:
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise ArtworkError(Reason.TOO_LARGE, f"Content-Length {declared}")
        size, head = 0, b""
        try:
            for chunk in response.iter_content(CHUNK_SIZE):
                if len(head) < SNIFF_BYTES:
                    head += chunk[:SNIFF_BYTES]
                    if len(head) >= SNIFF_BYTES and not looks_like_image(head):
                        raise ArtworkError(Reason.NOT_AN_IMAGE, f"starts with {head!r}")
                size += len(chunk)
                if size > self.max_bytes:
                    raise ArtworkError(Reason.TOO_LARGE, f"more than {self.max_bytes} bytes")
                if self._clock() > deadline:
                    raise ArtworkError(Reason.TIMEOUT, response.url, transient=transient_timeout)
                sink.write(chunk)
        except requests.exceptions.ConnectionError as exc:
            # requests reports a read timeout in the middle of the body as a ConnectionError.
            if exc.args and isinstance(exc.args[0], ReadTimeoutError):
                raise ArtworkError(
                    Reason.TIMEOUT, response.url, transient=transient_timeout
                ) from exc
            raise ArtworkError(Reason.SERVER_ERROR, f"{response.url}: {exc}") from exc
        except requests.RequestException as exc:
            raise ArtworkError(Reason.SERVER_ERROR, f"{response.url}: {exc}") from exc
        if not looks_like_image(head):
            raise ArtworkError(Reason.NOT_AN_IMAGE, f"starts with {head!r}")
        return size


def _raise_for_status(response: requests.Response) -> None:
    status = response.status_code
    if 200 <= status < 300 and status != 204:
        return
    response.close()
    if status in (404, 410):
        raise ArtworkError(Reason.NOT_FOUND, f"HTTP {status}")
    if status in (401, 403):
        raise ArtworkError(Reason.FORBIDDEN, f"HTTP {status}")
    raise ArtworkError(Reason.SERVER_ERROR, f"HTTP {status}")
