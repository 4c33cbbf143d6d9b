"""Request guards every response passes: Host allowlist, same-origin writes, API key, headers.

The app listens on the owner's machine, so any web page the owner visits can make the
browser send requests to it. Three checks keep those pages out:

- the `Host` header must be one this server answers to (defeats DNS rebinding);
- a state-changing request must come from this server's own origin (defeats cross-site
  form posts and fetches), unless it carries the API key, which a browser never adds to a
  cross-site request by itself;
- responses forbid framing, sniffing and foreign scripts.

With API_KEY set, the pages ask for it too: the owner signs in once with the key and gets a
session cookie (SameSite=Strict), so a server reachable from the network shows its library
and settings to nobody else.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, redirect, request, session, url_for

from soulspot.errors import ForbiddenError, UnauthorizedError, ValidationError

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
ANY_HOST = "*"
#: Sec-Fetch-Site values a browser sends for requests this server's own pages made, or that
#: the user typed; "same-site" (another port of localhost) and "cross-site" are refused.
TRUSTED_FETCH_SITES = frozenset({"same-origin", "none"})

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; "
        "object-src 'none'"
    ),
}


def host_list(value: str | Iterable[str] | None) -> list[str]:
    """A host allowlist from config: a comma-separated string or a list, lower-cased."""
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else value
    return [_bare_host(str(item)) for item in items if str(item).strip()]


def allowed_hosts(config: Any) -> list[str]:
    """ALLOWED_HOSTS (default: the loopback names) plus BOUND_HOST, set by `soulspot serve`."""
    configured = host_list(config.get("ALLOWED_HOSTS"))
    bound = host_list(config.get("BOUND_HOST"))
    return configured + [host for host in bound if host not in ("0.0.0.0", "::")]


#: Endpoints a browser reaches before signing in: the sign-in page, health and assets.
OPEN_ENDPOINTS = frozenset({"web.sign_in", "web.healthz", "static"})
SESSION_KEY = "api_key_id"


def register_request_guards(app: Flask) -> None:
    """Install the Host, origin and sign-in checks before every request, the headers after it."""
    if app.config.get("API_KEY"):
        app.secret_key = app.config.get("SECRET_KEY") or _instance_secret(Path(app.instance_path))
        app.config.update(SESSION_COOKIE_SAMESITE="Strict", SESSION_COOKIE_HTTPONLY=True)
    app.before_request(check_host)
    app.before_request(check_same_origin)
    app.before_request(check_signed_in)
    app.before_request(check_no_nul)
    app.after_request(add_security_headers)


def check_host() -> None:
    """Refuse a Host header this server does not answer to (400)."""
    hosts = allowed_hosts(current_app.config)
    if ANY_HOST in hosts:
        return
    host = _bare_host(request.host)
    if host not in hosts:
        raise ValidationError(
            f"this server does not answer to the host {host!r}; add it to "
            "SOULSPOT_ALLOWED_HOSTS to reach it under that name",
            code="host_not_allowed",
        )


def check_no_nul() -> None:
    """Refuse a NUL character in the path, the ids in it (400): PostgreSQL can neither store
    nor compare one, so a look-up by such an id would fail there as a 500. Query parameters
    and JSON bodies are checked where api/params.py parses them."""
    if "\x00" in request.path:
        raise ValidationError("the path holds a NUL character")


def check_same_origin() -> None:
    """Refuse a state-changing request that a page of another origin made (403)."""
    if request.method in SAFE_METHODS or has_valid_api_key():
        return
    origin = request.headers.get("Origin")
    if origin is not None:
        if not _is_own_origin(origin):
            raise ForbiddenError(
                f"cross-origin request refused (Origin {origin!r} is not this server)",
                code="cross_origin",
            )
        return
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None and fetch_site.lower() not in TRUSTED_FETCH_SITES:
        raise ForbiddenError(
            f"cross-site request refused (Sec-Fetch-Site: {fetch_site})", code="cross_origin"
        )


def check_signed_in() -> Any:
    """With API_KEY set, a page needs a signed-in session; else to the sign-in page.

    /api checks the key itself (scripts send it on each call). An HTMX request gets a 401
    with HX-Redirect, so htmx loads the sign-in page instead of swapping in a fragment.
    """
    if not current_app.config.get("API_KEY") or request.path.startswith("/api/"):
        return None
    if request.endpoint in OPEN_ENDPOINTS or is_signed_in():
        return None
    target = url_for("web.sign_in", next=request.full_path.rstrip("?"))
    if request.headers.get("HX-Request") == "true":
        return Response(status=401, headers={"HX-Redirect": target})
    return redirect(target, code=303)


def is_signed_in() -> bool:
    """True when this browser signed in with the API key the server runs with now."""
    return hmac.compare_digest(str(session.get(SESSION_KEY, "")), _key_id())


def sign_in(given: str) -> bool:
    """Start a session when `given` is the API key; False (and no session) when it is not."""
    expected = str(current_app.config.get("API_KEY") or "")
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        return False
    session.clear()
    session[SESSION_KEY] = _key_id()
    session.permanent = True
    return True


def sign_out() -> None:
    session.clear()


def _key_id() -> str:
    """A digest of the API key: changing the key signs every browser out."""
    key = str(current_app.config.get("API_KEY") or "")
    return hashlib.sha256(f"soulspot-session:{key}".encode()).hexdigest()[:32]


def _instance_secret(instance: Path) -> str:
    """The session-signing secret kept in the instance folder (made once, owner-only)."""
    path = instance / "secret_key"
    instance.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_hex(32)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # made before, or by a second process starting at the same time
        return path.read_text().strip()
    with os.fdopen(descriptor, "w") as handle:
        handle.write(secret)
    return secret


def require_api_key() -> None:
    """When API_KEY is set, the request must carry it (X-API-Key or Bearer); else 401."""
    if current_app.config.get("API_KEY") and not has_valid_api_key():
        raise UnauthorizedError("missing or wrong API key (send it as X-API-Key)")


def has_valid_api_key() -> bool:
    """True when API_KEY is set and this request carries it."""
    expected = current_app.config.get("API_KEY")
    if not expected:
        return False
    given = request.headers.get("X-API-Key") or ""
    authorization = request.headers.get("Authorization", "")
    if not given and authorization.startswith("Bearer "):
        given = authorization.removeprefix("Bearer ")
    return hmac.compare_digest(given.encode(), str(expected).encode())


def add_security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def _is_own_origin(origin: str) -> bool:
    """Origin names this server: the same host and port as the request's Host.

    The scheme is not compared, so a TLS-terminating proxy in front does not break the
    UI; the Host allowlist is what keeps a rebinding name from posing as this server.
    """
    try:
        parts = urlsplit(origin)
        origin_port = parts.port
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False  # includes "null" (sandboxed frames, file:// pages)
    default = 443 if parts.scheme == "https" else 80
    host, port = _host_and_port(request.host)
    request_port = port if port is not None else default
    return parts.hostname.lower() == host and (origin_port or default) == request_port


def _bare_host(value: str) -> str:
    return _host_and_port(value)[0]


def _host_and_port(value: str) -> tuple[str, int | None]:
    """("example.org", 8765) from "Example.org:8765"; IPv6 literals keep no brackets."""
    value = value.strip().lower()
    if value.startswith("["):
        host, _, rest = value[1:].partition("]")
        port = rest.removeprefix(":")
    elif value.count(":") == 1:
        host, _, port = value.partition(":")
    else:  # a bare name, or an IPv6 literal without brackets (as configured)
        host, port = value, ""
    return host.rstrip("."), int(port) if port.isdigit() else None
