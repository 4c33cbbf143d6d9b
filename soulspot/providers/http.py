"""The one HTTP layer under every provider client: timeouts, User-Agent, retries, rate limit."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, replace
from importlib import metadata
from typing import Any, TypeVar
from urllib.parse import urljoin

import requests
from requests.adapters import HTTPAdapter

from soulspot.providers.errors import (
    BadResponse,
    ProviderError,
    ProviderNotFound,
    RateLimited,
    Unavailable,
)
from soulspot.providers.stats import RequestStats, count_request
from soulspot.providers.statuses import TransientError, status_error
from soulspot.providers.throttle import RateLimiter

T = TypeVar("T")

NETWORK_ERRORS = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
)
#: Parsers index into JSON; these mean the body did not have the shape we expected.
SHAPE_ERRORS = (KeyError, IndexError, TypeError, ValueError, AttributeError)


def package_version() -> str:
    """The installed soulspot version, or a marker when running from a bare checkout."""
    try:
        return metadata.version("soulspot")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def user_agent(contact: str) -> str:
    """The User-Agent MusicBrainz asks for: application/version ( contact )."""
    return f"SoulSpot/{package_version()} ( {contact} )"


def http_session(
    user_agent: str, *, accept: str, pool_size: int, hosts: int = 2
) -> requests.Session:
    """A session for threads to share: our User-Agent, `pool_size` connections per host.

    urllib3 retries nothing (`max_retries=0`): callers decide what is worth a retry.
    `hosts` is how many hosts keep a connection pool.
    """
    session = requests.Session()
    session.headers["User-Agent"] = user_agent
    session.headers["Accept"] = accept
    adapter = HTTPAdapter(pool_connections=hosts, pool_maxsize=pool_size, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def follow_next(
    fetch: Callable[[str, dict[str, Any] | None], tuple[list[T], str | None]],
    path: str,
    params: dict[str, Any] | None,
) -> list[T]:
    """Every item of a paged list: fetch a page, then follow its `next` URL until none."""
    items: list[T] = []
    url: str | None = path
    while url:
        page, url = fetch(url, params)
        params = None  # the next URL carries them
        items.extend(page)
        if not page:
            break  # never loop on a provider that keeps sending `next` with nothing in it
    return items


@dataclass(frozen=True)
class HttpSettings:
    """Timeouts and retry policy shared by every request of one client."""

    user_agent: str
    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    max_retries: int = 3
    max_retry_after: float = 120.0
    backoff_base: float = 0.5
    backoff_cap: float = 30.0


class HttpClient:
    """One provider's session: every request is rate limited, timed out, retried and typed.

    Safe to share between threads: the rate limit and counters are per instance, so build
    one per provider and share it.
    """

    def __init__(
        self,
        provider: str,
        base_url: str,
        settings: HttpSettings,
        *,
        rate: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        pool_size: int = 16,
    ):
        self.provider = provider
        self.base_url = base_url.rstrip("/")
        self.settings = settings
        self.clock = clock
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._limiter = RateLimiter(rate, clock=clock, sleep=sleep) if rate else None
        self._stats = RequestStats()
        self._impatient = threading.local()
        self._timeout = (settings.connect_timeout, settings.read_timeout)
        # Threads share this session; a pool as large as the worker count avoids reconnects.
        self.session = http_session(
            settings.user_agent, accept="application/json", pool_size=pool_size
        )

    @property
    def stats(self) -> dict[str, Any]:
        """A snapshot of this client's request counters."""
        return self._stats.snapshot()

    def url(self, path: str) -> str:
        """An absolute URL: `path` under the base URL, or `path` itself when already absolute."""
        if path.startswith(("http://", "https://")):
            return path
        return f"{self.base_url}/{path.lstrip('/')}"

    def get_json(
        self,
        path: str,
        params: dict[str, Any] | None = None,
        *,
        parse: Callable[[Any], T],
        headers: dict[str, str] | None = None,
    ) -> T:
        """GET a JSON document and return `parse(document)`; shape errors become BadResponse."""
        return self._send(
            "GET",
            path,
            lambda response: self._decode(response, parse),
            idempotent=True,
            params=params,
            headers=headers,
        )

    def post_form(
        self,
        path: str,
        data: dict[str, str],
        *,
        parse: Callable[[Any], T],
        auth: tuple[str, str] | None = None,
        idempotent: bool = False,
    ) -> T:
        """POST a form and return `parse(JSON answer)`; retried only when `idempotent`."""
        return self._send(
            "POST",
            path,
            lambda response: self._decode(response, parse),
            idempotent=idempotent,
            data=data,
            auth=auth,
        )

    def get_location(self, path: str) -> str | None:
        """Where `path` redirects to (not followed); the URL itself on 200; None on 404."""

        def location(response: requests.Response) -> str:
            if not response.is_redirect:
                return response.url
            target = response.headers.get("Location")
            if not target:
                raise BadResponse(
                    f"{self.provider}: redirect without Location", provider=self.provider
                )
            return urljoin(response.url, target)

        try:
            return self._send("GET", path, location, idempotent=True, allow_redirects=False)
        except ProviderNotFound:
            return None

    def close(self) -> None:
        self.session.close()

    def set_user_agent(self, value: str) -> None:
        """Send `value` as the User-Agent from the next request on (a setting changed)."""
        self.settings = replace(self.settings, user_agent=value)
        self.session.headers["User-Agent"] = value

    @contextmanager
    def without_retries(self) -> Iterator[None]:
        """In this thread, fail at once instead of retrying or waiting for a Retry-After.

        For calls on a user's request (a page load must not wait minutes on a 429); the
        rate limit still applies, and other threads keep their retries.
        """
        previous = getattr(self._impatient, "on", False)
        self._impatient.on = True
        try:
            yield
        finally:
            self._impatient.on = previous

    def _send(
        self,
        method: str,
        path: str,
        handle: Callable[[requests.Response], T],
        *,
        idempotent: bool,
        **kwargs: Any,
    ) -> T:
        url = self.url(path)
        attempt = 0
        while True:
            try:
                return self._attempt(method, url, handle, attempt, **kwargs)
            except ProviderError as error:
                self._stats.failed(error.kind)
                raise
            except TransientError as transient:
                impatient = getattr(self._impatient, "on", False)
                if not idempotent or impatient or attempt >= self.settings.max_retries:
                    self._stats.failed(transient.error.kind)
                    raise transient.error from transient.__cause__
                delay = transient.delay
                if delay is None:
                    delay = self._backoff(attempt)
                elif isinstance(transient.error, RateLimited):
                    self._stats.waited_retry_after(delay)
            attempt += 1
            self._stats.retried()
            self._sleep(delay)

    def _attempt(
        self,
        method: str,
        url: str,
        handle: Callable[[requests.Response], T],
        attempt: int,
        **kwargs: Any,
    ) -> T:
        if self._limiter is not None:
            waited = self._limiter.acquire()
            if waited > 0:
                self._stats.throttled(waited)
        self._stats.sent()
        count_request(self.provider)
        try:
            response = self.session.request(method, url, timeout=self._timeout, **kwargs)
        except NETWORK_ERRORS as exc:
            message = f"{self.provider}: {type(exc).__name__}: {exc}"
            raise TransientError(Unavailable(message, provider=self.provider)) from exc
        with response:
            if response.status_code >= 400:
                raise status_error(
                    self.provider,
                    response,
                    backoff=lambda: self._backoff(attempt),
                    max_retry_after=self.settings.max_retry_after,
                )
            return handle(response)

    def _decode(self, response: requests.Response, parse: Callable[[Any], T]) -> T:
        try:
            document = response.json()
        except ValueError as exc:
            raise BadResponse(
                f"{self.provider}: invalid JSON from {response.url}", provider=self.provider
            ) from exc
        try:
            return parse(document)
        except SHAPE_ERRORS as exc:
            raise BadResponse(
                f"{self.provider}: unexpected response shape from {response.url}: {exc!r}",
                provider=self.provider,
            ) from exc

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with jitter: half the step fixed, half random."""
        step = min(self.settings.backoff_cap, self.settings.backoff_base * 2**attempt)
        return step / 2 + self._rng.uniform(0, step / 2)


class ProviderClient:
    """What every provider client shares: its HttpClient and the counters kept there."""

    def __init__(self, http: HttpClient) -> None:
        self.http = http

    @property
    def provider(self) -> str:
        return self.http.provider

    @property
    def stats(self) -> dict[str, Any]:
        return self.http.stats

    def without_retries(self) -> AbstractContextManager[None]:
        """See HttpClient.without_retries."""
        return self.http.without_retries()
