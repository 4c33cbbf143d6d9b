"""Artwork: download, verify and store the images of artists and albums, and repair gaps.

safety (reasons, URL policy) -> fetch, store -> records (DB columns) -> download (one
entity) -> repair (many). deezer finds the URLs not stored, through enrichment's matcher
and the linker.
"""

from __future__ import annotations

from soulspot.services.artwork.download import ArtworkContext, build_context, fetch_entity_image
from soulspot.services.artwork.records import Outcome, failed_marker, local_image, reset_failed
from soulspot.services.artwork.repair import RepairReport, auto_fetch_images, repair_artwork
from soulspot.services.artwork.safety import ArtworkError, Reason

__all__ = [
    "ArtworkContext",
    "ArtworkError",
    "Outcome",
    "Reason",
    "RepairReport",
    "auto_fetch_images",
    "build_context",
    "failed_marker",
    "fetch_entity_image",
    "local_image",
    "repair_artwork",
    "reset_failed",
]
