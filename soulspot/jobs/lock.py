"""The scheduler lock: one row per database naming the process that runs jobs.

A row with a heartbeat works on every database SQLAlchemy speaks (an OS file lock would
only cover SQLite on one machine). The owner refreshes it; another process takes it over
when the heartbeat is older than `stale_after`, or at once when the owner is a process of
this machine that no longer exists (a restart after a crash need not wait).
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from soulspot.models import ProcessLock
from soulspot.models.base import utcnow
from soulspot.processes import is_gone

SCHEDULER_LOCK = "scheduler"


def process_identity() -> str:
    """host:pid:token, unique per process start even where pids repeat (containers)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class ProcessLockHolder:
    """Takes, refreshes and releases one named lock for this process."""

    def __init__(
        self,
        name: str = SCHEDULER_LOCK,
        *,
        stale_after: timedelta,
        owner: str | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.name = name
        self.owner = owner or process_identity()
        self.stale_after = stale_after
        self._clock = clock

    def acquire(self, session: Session) -> bool:
        """Take the lock if it is free, stale, or ours; True when this process holds it."""
        now = self._clock()
        session.add(
            ProcessLock(name=self.name, owner=self.owner, acquired_at=now, heartbeat_at=now)
        )
        try:
            session.commit()
            return True
        except IntegrityError:
            session.rollback()
        current = session.get(ProcessLock, self.name)
        if current is None:  # released between our insert and this read
            return self.acquire(session)
        takeover = (
            current.owner == self.owner
            or current.heartbeat_at < now - self.stale_after
            or _owner_is_gone(current.owner)
        )
        if not takeover:
            return False
        # Conditional on what we read, so of two processes taking over one lock only one wins.
        taken = session.execute(
            update(ProcessLock)
            .where(
                ProcessLock.name == self.name,
                ProcessLock.owner == current.owner,
                ProcessLock.heartbeat_at == current.heartbeat_at,
            )
            .values(owner=self.owner, acquired_at=now, heartbeat_at=now)
        )
        session.commit()
        return taken.rowcount == 1

    def refresh(self, session: Session) -> bool:
        """Renew the heartbeat; False when another process has taken the lock meanwhile."""
        renewed = session.execute(
            update(ProcessLock)
            .where(ProcessLock.name == self.name, ProcessLock.owner == self.owner)
            .values(heartbeat_at=self._clock())
        )
        session.commit()
        return renewed.rowcount == 1

    def release(self, session: Session) -> None:
        session.execute(
            delete(ProcessLock).where(
                ProcessLock.name == self.name, ProcessLock.owner == self.owner
            )
        )
        session.commit()

    def holder(self, session: Session) -> str | None:
        """Who holds the lock now, if anyone."""
        current = session.get(ProcessLock, self.name)
        return current.owner if current else None


def _owner_is_gone(owner: str) -> bool:
    """True when `owner` names a process of this machine that is not running any more."""
    host, _, rest = owner.partition(":")
    pid_text = rest.partition(":")[0]
    if host == socket.gethostname() and pid_text == str(os.getpid()):
        return True  # our own pid with another token: a previous life of this container
    return is_gone(host, pid_text)
