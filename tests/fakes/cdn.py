"""The fake image CDN: catalog images generated as JPEGs, plus entries tests put or redirect."""

from __future__ import annotations

import functools
import io
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from PIL import Image
from werkzeug.wrappers import Response

from tests.fakes.catalog import FakeCatalog


@functools.lru_cache(maxsize=256)
def make_jpeg(
    width: int, height: int | None = None, color: tuple[int, int, int] = (90, 60, 30)
) -> bytes:
    """A small valid JPEG of one colour."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height or width), color).save(buffer, "JPEG", quality=70)
    return buffer.getvalue()


@dataclass
class CdnEntry:
    body: bytes = b""
    content_type: str = "image/jpeg"
    status: int = 200
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    stall: float = 0.0
    trickle: float = 0.0


class FakeCdn:
    """Serves `/cdn/...`: explicit entries first, then the catalog's generated images, else 404."""

    def __init__(self, catalog: FakeCatalog):
        self.catalog = catalog
        self._entries: dict[str, CdnEntry] = {}
        self._lock = threading.Lock()
        # Set on reset, so a stalled or trickling answer of the last test ends at once.
        self._hangup = threading.Event()

    def put(
        self,
        path: str,
        body: bytes,
        content_type: str = "image/jpeg",
        status: int = 200,
        delay: float = 0.0,
        headers: dict[str, str] | None = None,
        *,
        stall: float = 0.0,
        trickle: float = 0.0,
    ) -> None:
        """Serve `body` at `path` (a path under the server, e.g. "/cdn/x.jpg"), after `delay` s.

        `stall`: seconds between sending the headers (with the Content-Length) and the body;
        `trickle`: send the body one byte at a time, this many seconds apart.
        """
        entry = CdnEntry(body, content_type, status, delay, dict(headers or {}), stall, trickle)
        with self._lock:
            self._entries[_normal(path)] = entry

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        """Answer `path` with a redirect to `location`."""
        self.put(
            path, b"", content_type="text/plain", status=status, headers={"Location": location}
        )

    def remove(self, path: str) -> None:
        with self._lock:
            self._entries.pop(_normal(path), None)

    def reset(self, catalog: FakeCatalog) -> None:
        with self._lock:
            self._entries.clear()
            self.catalog = catalog
            self._hangup.set()
            self._hangup = threading.Event()

    def serve(self, path: str) -> Response:
        with self._lock:
            entry = self._entries.get(path)
        if entry is None:
            size = self.catalog.image_size(path)
            if size is None:
                return Response(b"Not Found", status=404, content_type="text/plain")
            # A colour per path, so two images never compare equal by accident.
            tint = zlib.crc32(path.encode())
            color = (tint & 0xFF, (tint >> 8) & 0xFF, (tint >> 16) & 0xFF)
            entry = CdnEntry(make_jpeg(size, size, color))
        if entry.delay:
            time.sleep(entry.delay)
        if entry.stall or entry.trickle:
            response = Response(
                self._dribble(entry, self._hangup),
                status=entry.status,
                content_type=entry.content_type,
            )
            response.headers["Content-Length"] = str(len(entry.body))
        else:
            response = Response(entry.body, status=entry.status, content_type=entry.content_type)
        for name, value in entry.headers.items():
            response.headers[name] = value
        return response

    @staticmethod
    def _dribble(entry: CdnEntry, hangup: threading.Event) -> Iterator[bytes]:
        yield b""  # the server sends the headers with the first write
        if entry.stall and hangup.wait(entry.stall):
            return
        for byte in entry.body:
            yield bytes([byte])
            if entry.trickle and hangup.wait(entry.trickle):
                return


def _normal(path: str) -> str:
    return path if path.startswith("/") else f"/{path}"
