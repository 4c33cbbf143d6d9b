"""The JSON API under /api: one parent blueprint that holds the API-key check."""

from __future__ import annotations

import hmac

from flask import Blueprint, current_app, request

from soulspot.errors import UnauthorizedError

api_bp = Blueprint("api", __name__, url_prefix="/api")


@api_bp.before_request
def require_api_key() -> None:
    """When API_KEY is set, every /api call must carry it (X-API-Key or Bearer)."""
    expected = current_app.config.get("API_KEY")
    if not expected:
        return
    given = request.headers.get("X-API-Key") or ""
    authorization = request.headers.get("Authorization", "")
    if not given and authorization.startswith("Bearer "):
        given = authorization.removeprefix("Bearer ")
    if not hmac.compare_digest(given.encode(), str(expected).encode()):
        raise UnauthorizedError("missing or wrong API key (send it as X-API-Key)")


def _register_children() -> None:
    from soulspot.api import artwork, enrichment, jobs, library

    api_bp.register_blueprint(library.bp)
    api_bp.register_blueprint(enrichment.bp)
    api_bp.register_blueprint(jobs.bp)
    api_bp.register_blueprint(artwork.bp)


_register_children()
