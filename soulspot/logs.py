"""Logging set-up: a readable line per record by default, one JSON object per line for machines."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
FORMATS = ("text", "json")
#: Alembic says these on every upgrade, migration or not; "Running upgrade ..." still shows.
_ALEMBIC_CHATTER = ("Context impl ", "Will assume ")


class JsonFormatter(logging.Formatter):
    """{"time", "level", "logger", "message"} plus "exc_info" (the traceback text) if any."""

    def format(self, record: logging.LogRecord) -> str:
        document = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            document["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            document["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(document, ensure_ascii=False)


def configure(level: str, log_format: str) -> None:
    """Root logging to stderr (once per process, as logging.basicConfig does)."""
    if log_format not in FORMATS:
        raise ValueError(f"SOULSPOT_LOG_FORMAT must be one of {', '.join(FORMATS)}: {log_format!r}")
    handler = logging.StreamHandler()
    handler.setFormatter(
        JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)
    )
    logging.basicConfig(level=level, handlers=[handler])
    logging.getLogger("alembic.runtime.migration").addFilter(_without_alembic_chatter)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)  # "setup plugin"


def _without_alembic_chatter(record: logging.LogRecord) -> bool:
    return not str(record.msg).startswith(_ALEMBIC_CHATTER)
