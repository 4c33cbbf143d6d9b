"""The enrichment job: link local artists and albums to Spotify and Deezer."""

from __future__ import annotations

from soulspot.services.enrichment.engine import (
    EnrichmentError,
    EnrichmentSettings,
    enrich_artist,
    run_enrichment,
)

__all__ = ["EnrichmentError", "EnrichmentSettings", "enrich_artist", "run_enrichment"]
