"""Parsing and validation of query parameters and JSON bodies; bad input is a 400."""

from __future__ import annotations

from typing import Any

from flask import request

from soulspot.errors import ValidationError

ENTITY_TYPES = ("artist", "album")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def int_arg(name: str, default: int, *, minimum: int, maximum: int | None = None) -> int:
    """An integer query parameter within [minimum, maximum]."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError(f"{name} must be an integer, got {raw!r}") from None
    if value < minimum or (maximum is not None and value > maximum):
        upper = f" and {maximum}" if maximum is not None else ""
        raise ValidationError(f"{name} must be between {minimum}{upper}, got {value}")
    return value


def bool_arg(name: str, default: bool) -> bool:
    """A boolean query parameter: true/false, 1/0, yes/no, on/off."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValidationError(f"{name} must be true or false, got {raw!r}")


def entity_type_arg(name: str = "entity_type") -> str | None:
    """`artist`, `album`, or None for both; anything else is rejected."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    if raw not in ENTITY_TYPES:
        raise ValidationError(f"{name} must be 'artist' or 'album', got {raw!r}")
    return raw


def str_arg(name: str) -> str | None:
    raw = request.args.get(name)
    return raw.strip() or None if raw is not None else None


def json_body(*, required: bool = True) -> dict[str, Any]:
    """The request's JSON object; malformed JSON or a non-object is a 400."""
    if not request.data:
        if required:
            raise ValidationError("a JSON object body is required")
        return {}
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        raise ValidationError("the body must be a JSON object")
    return payload


#: Offsets beyond this are refused rather than handed to the database (SQLite's 64-bit limit).
MAX_OFFSET = 2**31 - 1


def page_args(*, default_limit: int = 50, max_limit: int) -> tuple[int, int]:
    """`limit` in [1, max_limit] and `offset` in [0, MAX_OFFSET]."""
    limit = int_arg("limit", default_limit, minimum=1, maximum=max_limit)
    return limit, int_arg("offset", 0, minimum=0, maximum=MAX_OFFSET)


def str_field(payload: dict[str, Any], name: str) -> str:
    """A required, non-blank string field of a JSON body."""
    value = payload.get(name)
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{name!r} must be a non-empty string")
    return value
