"""The database models."""

from __future__ import annotations

from soulspot.models.enrichment import Candidate, CandidateStatus
from soulspot.models.jobs import Job, JobStatus, JobType, ProcessLock
from soulspot.models.kinds import EntityKind, ProviderKind
from soulspot.models.library import Album, Artist, EnrichmentOutcome, LibraryCounts, Track
from soulspot.models.settings import Setting
from soulspot.models.work import QueuedWork, WorkKind

__all__ = [
    "Album",
    "Artist",
    "Candidate",
    "CandidateStatus",
    "EnrichmentOutcome",
    "EntityKind",
    "Job",
    "JobStatus",
    "JobType",
    "LibraryCounts",
    "ProcessLock",
    "ProviderKind",
    "QueuedWork",
    "Setting",
    "Track",
    "WorkKind",
]
