"""The database models."""

from __future__ import annotations

from soulspot.models.enrichment import Candidate, CandidateStatus
from soulspot.models.jobs import Job, JobStatus, JobType, ProcessLock
from soulspot.models.library import Album, Artist, Track

__all__ = [
    "Album",
    "Artist",
    "Candidate",
    "CandidateStatus",
    "Job",
    "JobStatus",
    "JobType",
    "ProcessLock",
    "Track",
]
