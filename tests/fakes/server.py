"""The fake provider server: four provider APIs and an image CDN on 127.0.0.1."""

from __future__ import annotations

import contextlib
import math
import socket
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from tests.fakes import deezer_api, musicbrainz_api, spotify_api
from tests.fakes.catalog import FakeCatalog
from tests.fakes.cdn import FakeCdn
from tests.fakes.faults import Fault, Faults
from tests.fakes.responses import DEEZER_QUOTA, error_response, json_response

FAKE_CLIENT_ID = "fake-spotify-client-id"
FAKE_CLIENT_SECRET = "fake-spotify-client-secret"
MUSICBRAINZ_MIN_INTERVAL = 1.0
DEEZER_WINDOW = 5.0
DEEZER_WINDOW_MAX = 50
PROVIDERS = ("spotify", "deezer", "musicbrainz", "coverart", "cdn")


@dataclass
class RequestRecord:
    """One request as the fake saw it; `time` is time.monotonic() at arrival."""

    time: float
    provider: str
    method: str
    path: str
    query: dict[str, str]
    user_agent: str
    status: int | None = None
    fault: str | None = None  # the injected fault kind, if one fired
    headers: dict[str, str] = field(default_factory=dict, repr=False)


class _QuietHandler(WSGIRequestHandler):
    def log(self, type: str, message: str, *args: Any) -> None:  # noqa: A002 - werkzeug's name
        """Tests read fake.requests; access logs would only be noise."""


class FakeProviders:
    """A WSGI app that answers like the providers from a FakeCatalog (see README.md here)."""

    def __init__(self, seed: int = 0):
        self.catalog = FakeCatalog()
        self.cdn = FakeCdn(self.catalog)
        self.faults = Faults(seed)
        self.requests: list[RequestRecord] = []
        self.musicbrainz_strict = False
        self.musicbrainz_min_interval = MUSICBRAINZ_MIN_INTERVAL
        self.deezer_strict = False
        self.spotify_credentials = (FAKE_CLIENT_ID, FAKE_CLIENT_SECRET)
        self._seed = seed
        self._lock = threading.Lock()
        self._tokens: set[str] = set()
        self._token_count = 0
        self._expire_in: int | None = None
        self._mb_last: float | None = None
        self._deezer_window: deque[float] = deque()
        # Set on reset, so a stalled body of the last test ends at once.
        self._hangup = threading.Event()
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    # lifecycle

    def start(self) -> FakeProviders:
        """Serve on a free port of 127.0.0.1 from a daemon thread."""
        self._server = make_server(
            "127.0.0.1", 0, self, threaded=True, request_handler=_QuietHandler
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeProviders:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the fake provider server is not started")
        return f"http://127.0.0.1:{self._server.server_port}"

    def reset(self) -> None:
        """Back to an empty catalog, no faults, no records, lenient limits, no tokens."""
        with self._lock:
            self.catalog = FakeCatalog()
            self.cdn.reset(self.catalog)
            self.faults.clear()
            self.faults.seed(self._seed)
            self.requests = []
            self.musicbrainz_strict = False
            self.musicbrainz_min_interval = MUSICBRAINZ_MIN_INTERVAL
            self.deezer_strict = False
            self.spotify_credentials = (FAKE_CLIENT_ID, FAKE_CLIENT_SECRET)
            self._tokens.clear()
            self._expire_in = None
            self._mb_last = None
            self._deezer_window.clear()
            self._hangup.set()
            self._hangup = threading.Event()

    def config(self, *, real_limits: bool = False, **overrides: Any) -> dict[str, Any]:
        """Config keys pointing the clients at this fake.

        Unless `real_limits`, rate limits are lifted and timeouts and backoff shortened, so
        tests run fast; benchmarks pass real_limits=True.
        """
        base = self.url
        config: dict[str, Any] = {
            "SPOTIFY_API_URL": f"{base}/spotify/v1",
            "SPOTIFY_ACCOUNTS_URL": f"{base}/spotify/accounts",
            "DEEZER_API_URL": f"{base}/deezer",
            "MUSICBRAINZ_API_URL": f"{base}/musicbrainz/ws/2",
            "COVERART_API_URL": f"{base}/coverart",
            "SPOTIFY_CLIENT_ID": FAKE_CLIENT_ID,
            "SPOTIFY_CLIENT_SECRET": FAKE_CLIENT_SECRET,
            "IMAGE_HOSTS": "127.0.0.1",
        }
        if not real_limits:
            config.update(
                {
                    "SPOTIFY_RATE_LIMIT": 1000.0,
                    "DEEZER_RATE_LIMIT": 1000.0,
                    "MUSICBRAINZ_RATE_LIMIT": 1000.0,
                    "HTTP_CONNECT_TIMEOUT": 1.0,
                    "HTTP_READ_TIMEOUT": 1.0,
                    "HTTP_BACKOFF_BASE": 0.01,
                    "MAX_RETRY_AFTER": 5,
                }
            )
        config.update(overrides)
        return config

    # Spotify tokens

    def issue_spotify_token(self) -> str:
        with self._lock:
            self._token_count += 1
            token = f"fake-token-{self._token_count}"
            self._tokens.add(token)
            return token

    def spotify_token_valid(self, authorization: str) -> bool:
        scheme, _, token = authorization.partition(" ")
        with self._lock:
            if self._expire_in is not None:
                self._expire_in -= 1
                if self._expire_in < 0:
                    self._expire_in = None
                    self._tokens.clear()
            return scheme == "Bearer" and token in self._tokens

    def expire_spotify_tokens(self, after: int = 0) -> None:
        """Revoke every token handed out once `after` more API calls were answered (mid-run),
        so the call after them answers 401."""
        with self._lock:
            if after:
                self._expire_in = after
            else:
                self._tokens.clear()

    # request log

    def records(self, provider: str | None = None) -> list[RequestRecord]:
        with self._lock:
            return [r for r in self.requests if provider is None or r.provider == provider]

    def count(
        self,
        provider: str | None = None,
        *,
        path_contains: str | None = None,
        status: int | None = None,
    ) -> int:
        return sum(
            1
            for r in self.records(provider)
            if (path_contains is None or path_contains in r.path)
            and (status is None or r.status == status)
        )

    def min_interval(self, provider: str) -> float | None:
        """The shortest gap between two arrivals for `provider`, None with fewer than two."""
        times = sorted(r.time for r in self.records(provider))
        gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
        return min(gaps) if gaps else None

    def max_in_window(self, provider: str, window: float) -> int:
        """The most arrivals for `provider` inside any `window` seconds (half-open)."""
        times = sorted(r.time for r in self.records(provider))
        best, start = 0, 0
        for end, t in enumerate(times):
            while t - times[start] >= window:
                start += 1
            best = max(best, end - start + 1)
        return best

    # WSGI

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        provider, _, rest = request.path.lstrip("/").partition("/")
        record = RequestRecord(
            time=time.monotonic(),
            provider=provider,
            method=request.method,
            path=request.path,
            query=dict(request.args),
            user_agent=request.headers.get("User-Agent", ""),
            headers=dict(request.headers),
        )
        with self._lock:
            self.requests.append(record)
        response = self._respond(provider, f"/{rest}", request, record)
        record.status = response.status_code
        return response(environ, start_response)

    def _respond(
        self, provider: str, path: str, request: Request, record: RequestRecord
    ) -> Response:
        if provider not in PROVIDERS:
            return json_response({"error": "Not Found"}, 404)
        limited = self._strict_limit(provider, record.time)
        if limited is not None:
            return limited
        fault = self.faults.pick(provider, request.path)
        if fault is not None:
            record.fault = fault.kind
            faulty = self._fault_response(provider, fault, request)
            if faulty is not None:
                return faulty
        response = self._answer(provider, path, request)
        if fault is not None and fault.kind in ("stalled_body", "truncated"):
            return self._broken_body(response, fault, request)
        return response

    def _answer(self, provider: str, path: str, request: Request) -> Response:
        if provider == "spotify":
            return spotify_api.handle(self, request, path)
        if provider == "deezer":
            return deezer_api.handle(self, request, path)
        if provider == "musicbrainz":
            return musicbrainz_api.handle(self, request, path)
        if provider == "coverart":
            return musicbrainz_api.handle_coverart(self, request, path)
        return self.cdn.serve(request.path)

    def _strict_limit(self, provider: str, arrived: float) -> Response | None:
        """The real services' answers to clients that go too fast, when strict mode is on."""
        with self._lock:
            if provider == "musicbrainz" and self.musicbrainz_strict:
                last, self._mb_last = self._mb_last, arrived
                early = 0.0 if last is None else self.musicbrainz_min_interval - (arrived - last)
                if early > 0:
                    response = error_response("musicbrainz", 503, "busy")
                    # delta-seconds are whole seconds
                    response.headers["Retry-After"] = str(max(1, math.ceil(early)))
                    return response
            if provider == "deezer" and self.deezer_strict:
                window = self._deezer_window
                while window and arrived - window[0] >= DEEZER_WINDOW:
                    window.popleft()
                window.append(arrived)
                if len(window) > DEEZER_WINDOW_MAX:
                    return json_response(DEEZER_QUOTA)
        return None

    def _fault_response(self, provider: str, fault: Fault, request: Request) -> Response | None:
        """The injected answer, or None to answer normally (after a stall)."""
        kind = fault.kind
        if kind in ("stalled_body", "truncated"):
            return None  # the real answer, broken on its way (_broken_body)
        if kind == "dropped":  # the connection closes before any byte of an answer
            _hang_up(request)
            return Response(b"", status=502)
        if kind in ("timeout", "slow"):
            time.sleep(fault.stall)
            return None
        if kind == "429":
            retry_after = fault.retry_after if fault.retry_after is not None else 1
            response = error_response(provider, 429, "API rate limit exceeded")
            response.headers["Retry-After"] = f"{retry_after:g}"
            return response
        if kind == "malformed_json":
            return Response('{"data": [{"id": 1,', content_type="application/json")
        if kind == "deezer_quota":
            return json_response(DEEZER_QUOTA)
        return error_response(provider, int(kind), "injected fault")

    def _broken_body(self, response: Response, fault: Fault, request: Request) -> Response:
        """The answer's headers (with its Content-Length), then a stall before the body
        ("stalled_body") or half the body and a closed connection ("truncated")."""
        body = response.get_data()
        hangup = self._hangup

        def dribble() -> Iterator[bytes]:
            yield b""  # the server sends the headers with the first write
            if fault.kind == "truncated":
                yield body[: len(body) // 2]
                _hang_up(request)
                return
            if not hangup.wait(fault.stall):
                yield body

        broken = Response(dribble(), status=response.status_code, headers=response.headers)
        broken.headers["Content-Length"] = str(len(body))
        return broken


def _hang_up(request: Request) -> None:
    """Close the request's connection under the server's feet."""
    connection = request.environ.get("werkzeug.socket")
    if connection is not None:
        with contextlib.suppress(OSError):
            connection.shutdown(socket.SHUT_RDWR)
