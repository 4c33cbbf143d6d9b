"""FAILED markers: exact format, UTC timestamps."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import pytest

from soulspot.services.artwork.records import failed_marker, is_failed_marker
from soulspot.services.artwork.safety import Reason

MARKER = re.compile(r"^FAILED\|[a-z_]+\|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


@pytest.mark.parametrize("reason", list(Reason))
def test_every_reason_gives_a_well_formed_marker(reason: Reason) -> None:
    marker = failed_marker(reason, datetime(2026, 11, 24, 10, 30, tzinfo=UTC))
    assert MARKER.match(marker)
    assert marker == f"FAILED|{reason.value}|2026-11-24T10:30:00Z"


def test_timestamp_is_converted_to_utc() -> None:
    berlin = timezone(timedelta(hours=1))
    moment = datetime(2026, 11, 24, 11, 30, 15, 999, tzinfo=berlin)
    assert failed_marker(Reason.TIMEOUT, moment) == "FAILED|timeout|2026-11-24T10:30:15Z"


def test_reason_values_are_the_documented_ones() -> None:
    assert {reason.value for reason in Reason} == {
        "not_found",
        "forbidden",
        "server_error",
        "timeout",
        "invalid_url",
        "host_not_allowed",
        "not_an_image",
        "too_large",
        "placeholder",
    }


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, False),
        ("artists/x.jpg", False),
        ("FAILED|not_found|2026-01-01T00:00:00Z", True),
        ("FAILED|legacy", True),
    ],
)
def test_is_failed_marker(value: str | None, expected: bool) -> None:
    assert is_failed_marker(value) is expected
