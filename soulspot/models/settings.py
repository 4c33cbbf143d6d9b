"""Settings saved through the API: one row per key, overriding the environment's value."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from soulspot.extensions import db
from soulspot.models.base import UTCDateTime, utcnow


class Setting(db.Model):
    """A saved value (JSON: true, 0.9, "0 3 * * *"); no row means the environment's applies."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
