"""Response helpers shared by the fake provider APIs."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from werkzeug.wrappers import Response

MB_BUSY = "The MusicBrainz web server is currently busy. Please try again later."
DEEZER_QUOTA = {"error": {"type": "Exception", "message": "Quota limit exceeded", "code": 4}}
DEEZER_NO_DATA = {"error": {"type": "DataException", "message": "no data", "code": 800}}


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps(data, ensure_ascii=False)
    return Response(body, status=status, headers=headers, content_type="application/json")


def error_response(provider: str, status: int, message: str) -> Response:
    """An error in the provider's own shape."""
    if provider == "spotify":
        return json_response({"error": {"status": status, "message": message}}, status)
    if provider == "musicbrainz" and status == 503:
        return json_response({"error": MB_BUSY}, status)
    return json_response({"error": message}, status)


def with_query(url: str, params: dict[str, Any]) -> str:
    return f"{url}?{urlencode(params)}" if params else url


def casefold_in(needle: str, haystack: str) -> bool:
    return needle.casefold() in haystack.casefold()
