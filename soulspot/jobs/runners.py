"""The runner of each job type: adapts a JobContext to one service call."""

from __future__ import annotations

from soulspot.jobs.queue import Runner
from soulspot.models import JobType


def build_runners() -> dict[JobType, Runner]:
    return {}
