"""The periodic jobs' schedules: which setting holds each cron expression, and its check."""

from __future__ import annotations

from typing import Any

from apscheduler.triggers.cron import CronTrigger

from soulspot.models.jobs import JobType

#: The setting that holds each periodic job's cron expression. ENRICHMENT_SCHEDULE fires the
#: nightly chain, whose enrichment step is one of four.
SCHEDULE_KEYS = {
    JobType.NIGHTLY_CHAIN: "ENRICHMENT_SCHEDULE",
    JobType.ARTWORK_REPAIR: "ARTWORK_REPAIR_SCHEDULE",
}


def schedule_trigger(key: str, value: Any) -> CronTrigger | None:
    """The trigger of a schedule setting, None for "off"; a ValueError names the setting."""
    expression = str(value or "off").strip()
    if expression.lower() == "off":
        return None
    try:
        return CronTrigger.from_crontab(expression, timezone="UTC")
    except ValueError as error:
        message = f"SOULSPOT_{key} must be a cron expression or 'off', got {expression!r}"
        raise ValueError(f"{message}: {error}") from None
