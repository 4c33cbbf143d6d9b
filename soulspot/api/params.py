"""Parsing and validation of query parameters and JSON bodies; bad input is a 400."""

from __future__ import annotations

import enum
from typing import Any, TypeVar

from flask import request

from soulspot.errors import ValidationError
from soulspot.models.kinds import EntityKind

#: Offsets beyond this are refused rather than handed to the database (SQLite's 64-bit limit).
MAX_OFFSET = 2**31 - 1
MAX_INT_DIGITS = 20  # longer digit strings are refused before int() parses them
MAX_STR_ARG = 200  # `q` and ids; a longer LIKE pattern only burdens the database
MAX_JSON_DEPTH = 32  # our bodies are flat; this leaves room and stops recursion bombs
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
#: A boolean parameter's default: a bool, or None for "not asked" (no filter).
D = TypeVar("D", bool, None)


def int_arg(name: str, default: int, *, minimum: int, maximum: int) -> int:
    """An integer query parameter within [minimum, maximum] (every integer has both bounds)."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if len(raw) > MAX_INT_DIGITS:
        raise ValidationError(f"{name} must be between {minimum} and {maximum}")
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError(f"{name} must be an integer, got {raw!r}") from None
    if not minimum <= value <= maximum:
        raise ValidationError(f"{name} must be between {minimum} and {maximum}, got {value}")
    return value


def bool_arg(name: str, default: D) -> bool | D:
    """A boolean query parameter: true/false, 1/0, yes/no, on/off; absent: `default`."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValidationError(f"{name} must be true or false, got {raw!r}")


def entity_kind_arg(name: str = "entity_type") -> EntityKind | None:
    """`artist`, `album`, or None for both; anything else is rejected."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    return EntityKind.parse(raw, name=name)


E = TypeVar("E", bound=enum.Enum)


def enum_arg(name: str, enum_class: type[E], *, default: E | None = None) -> E | None:
    """A member of `enum_class` named by its value, in any letter case."""
    raw = request.args.get(name)
    if not raw:
        return default
    for member in enum_class:
        if str(member.value).lower() == raw.lower():
            return member
    allowed = ", ".join(str(member.value) for member in enum_class)
    raise ValidationError(f"{name} must be one of {allowed}, got {raw!r}")


def str_arg(name: str, *, max_length: int = MAX_STR_ARG) -> str | None:
    """A stripped text query parameter (None when blank), at most `max_length` characters."""
    raw = request.args.get(name)
    if raw is None:
        return None
    if len(raw) > max_length:
        raise ValidationError(f"{name} must be at most {max_length} characters")
    if "\x00" in raw:  # PostgreSQL refuses NUL in text: a 500 there, not a 400
        raise ValidationError(f"{name} must not hold a NUL character")
    return raw.strip() or None


def json_body(*, required: bool = True) -> dict[str, Any]:
    """The JSON object body; malformed, too deep or non-UTF-8 JSON, or no object, is a 400."""
    if not request.data:
        if required:
            raise ValidationError("a JSON object body is required")
        return {}
    try:
        payload = request.get_json(silent=True)
    except RecursionError:
        raise ValidationError(f"the body nests deeper than {MAX_JSON_DEPTH} levels") from None
    if not isinstance(payload, dict):
        raise ValidationError("the body must be a JSON object")
    _check_json_value(payload, depth=0)
    return payload


def _check_json_value(value: Any, depth: int) -> None:
    """Refuse nesting beyond MAX_JSON_DEPTH and strings no database can store (lone surrogates,
    and NUL, which PostgreSQL refuses in text)."""
    if depth > MAX_JSON_DEPTH:
        raise ValidationError(f"the body nests deeper than {MAX_JSON_DEPTH} levels")
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValidationError("the body holds a string that is not valid Unicode") from None
        if "\x00" in value:
            raise ValidationError("the body holds a NUL character")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_json_value(key, depth + 1)
            _check_json_value(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check_json_value(item, depth + 1)


def page_args(*, default_limit: int = 50, max_limit: int) -> tuple[int, int]:
    """`limit` in [1, max_limit] and `offset` in [0, MAX_OFFSET]."""
    limit = int_arg("limit", default_limit, minimum=1, maximum=max_limit)
    return limit, int_arg("offset", 0, minimum=0, maximum=MAX_OFFSET)


def bounded_int(
    payload: dict[str, Any], name: str, default: int, *, minimum: int, maximum: int
) -> int:
    """An integer field of a JSON body within [minimum, maximum]; absent: the default."""
    value = payload.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"{name!r} must be an integer, got {value!r}")
    if not minimum <= value <= maximum:
        raise ValidationError(f"{name!r} must be between {minimum} and {maximum}, got {value}")
    return value


def str_field(payload: dict[str, Any], name: str) -> str:
    """A required, non-blank string field of a JSON body."""
    value = payload.get(name)
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{name!r} must be a non-empty string")
    return value
