"""Application errors and the one place that maps them (and HTTP errors) to responses."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class AppError(Exception):
    """An error a user can act on; `status` is its HTTP status, `code` a short machine code."""

    status = 400
    code = "bad_request"

    def __init__(self, detail: str, *, code: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        if code:
            self.code = code


class ValidationError(AppError):
    status = 400
    code = "invalid_parameter"


class NotFoundError(AppError):
    status = 404
    code = "not_found"


class ConflictError(AppError):
    status = 409
    code = "conflict"


class InvalidStateError(AppError):
    """The entity exists but is not in a state that allows the action (e.g. already applied)."""

    status = 400
    code = "invalid_state"


class UnauthorizedError(AppError):
    status = 401
    code = "unauthorized"


class ForbiddenError(AppError):
    status = 403
    code = "forbidden"


class ServiceUnavailableError(AppError):
    status = 503
    code = "unavailable"


def _wants_json() -> bool:
    return request.path.startswith("/api") and not is_htmx()


def is_htmx() -> bool:
    """True for a request htmx made (it sends HX-Request)."""
    return request.headers.get("HX-Request") == "true"


def _render(status: int, code: str, detail: str) -> tuple[Response | str, int]:
    if _wants_json():
        return jsonify({"error": code, "detail": detail}), status
    if is_htmx():
        return render_template("partials/_error.html", code=code, detail=detail), status
    return render_template("errors/error.html", status=status, code=code, detail=detail), status


def register_error_handlers(app: Flask) -> None:
    """JSON under /api, an error fragment for HTMX requests, an HTML page elsewhere."""

    @app.errorhandler(AppError)
    def handle_app_error(error: AppError) -> Any:
        return _render(error.status, error.code, error.detail)

    @app.errorhandler(HTTPException)
    def handle_http_error(error: HTTPException) -> Any:
        code = (error.name or "error").lower().replace(" ", "_")
        body, status = _render(error.code or 500, code, error.description or error.name)
        allowed = getattr(error, "valid_methods", None)
        return body, status, ({"Allow": ", ".join(allowed)} if allowed else {})

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception) -> Any:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return _render(500, "internal_error", "An unexpected error occurred; see the server log.")
