"""Artwork: download, verify and store the images of artists and albums, and repair gaps."""

from __future__ import annotations

from soulspot.services.artwork.autofetch import auto_fetch_images
from soulspot.services.artwork.context import ArtworkContext, Outcome, build_context
from soulspot.services.artwork.entity import fetch_entity_image
from soulspot.services.artwork.markers import ArtworkError, Reason, failed_marker
from soulspot.services.artwork.records import local_image, reset_failed
from soulspot.services.artwork.repair import RepairReport, repair_artwork

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
