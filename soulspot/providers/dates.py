"""Partial release dates ("YYYY", "YYYY-MM", "YYYY-MM-DD") as providers send them."""

from __future__ import annotations

PRECISIONS = {4: "year", 7: "month", 10: "day"}


def clean_date(date: str | None) -> str | None:
    """The date, or None when absent or all zeros (Deezer sends "0000-00-00" for unknown)."""
    if not date or not date[:4].isdigit() or int(date[:4]) == 0:
        return None
    return date


def release_year(date: str | None) -> int | None:
    """The year of a partial date, or None."""
    date = clean_date(date)
    return int(date[:4]) if date else None


def date_precision(date: str | None) -> str | None:
    """ "year", "month" or "day", from how much of the date is present."""
    date = clean_date(date)
    return PRECISIONS.get(len(date)) if date else None
