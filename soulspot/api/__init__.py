"""The JSON API under /api: one parent blueprint that holds the API-key check."""

from __future__ import annotations

from flask import Blueprint, request

from soulspot.security import require_api_key

api_bp = Blueprint("api", __name__, url_prefix="/api")


@api_bp.before_request
def _check_api_key() -> None:
    from soulspot.api.openapi import PUBLIC_ENDPOINTS

    if request.endpoint not in PUBLIC_ENDPOINTS:
        require_api_key()


def _register_children() -> None:
    from soulspot.api import artwork, enrichment, jobs, library, openapi, settings

    api_bp.register_blueprint(library.bp)
    api_bp.register_blueprint(enrichment.bp)
    api_bp.register_blueprint(jobs.bp)
    api_bp.register_blueprint(artwork.bp)
    api_bp.register_blueprint(settings.bp)
    api_bp.register_blueprint(openapi.bp)


_register_children()
