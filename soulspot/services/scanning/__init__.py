"""Library scanning: read audio tags and sync artists, albums and tracks with the files."""

from __future__ import annotations

from soulspot.services.scanning.roots import allowed_root, resolve_root
from soulspot.services.scanning.scanner import (
    ProgressCallback,
    ScanError,
    ScanSummary,
    StopCallback,
    scan_library,
)

__all__ = [
    "ProgressCallback",
    "ScanError",
    "ScanSummary",
    "StopCallback",
    "allowed_root",
    "resolve_root",
    "scan_library",
]
