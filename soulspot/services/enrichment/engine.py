"""The enrichment run: walk due artists, ask each provider, write per artist, report."""

from __future__ import annotations

import logging
from collections import Counter, deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from soulspot.models import Artist
from soulspot.models.base import utcnow
from soulspot.providers.errors import AuthError, NotConfigured, ProviderError, RateLimited
from soulspot.services.enrichment import selection
from soulspot.services.enrichment.apply import ArtworkDue, write_lookup
from soulspot.services.enrichment.lookup import (
    Lookup,
    MatchRules,
    ProviderSide,
    deezer_side,
    lookup_artist,
    spotify_side,
)
from soulspot.services.enrichment.selection import Eligibility, WorkItem

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
ArtworkHook = Callable[[str, str], None]
MAX_ERRORS_KEPT = 20


class EnrichmentFailed(Exception):
    """The run cannot work at all (e.g. Spotify refused our credentials)."""


@dataclass(frozen=True)
class EnrichmentSettings:
    threshold: float = 0.9
    margin: float = 0.1
    batch_size: int = 50
    retry_failed: timedelta = timedelta(hours=1)
    retry_other: timedelta = timedelta(days=7)
    spotify_enabled: bool = True
    deezer_enabled: bool = True

    @classmethod
    def from_config(cls, config: Any) -> EnrichmentSettings:
        """The settings from app config; a nonsensical threshold or margin is a ValueError."""
        settings = cls(
            threshold=float(config["AUTO_APPLY_THRESHOLD"]),
            margin=float(config["AUTO_APPLY_MARGIN"]),
            batch_size=int(config["ENRICHMENT_BATCH_SIZE"]),
            retry_failed=timedelta(minutes=float(config["ENRICHMENT_RETRY_FAILED_MINUTES"])),
            retry_other=timedelta(hours=float(config["ENRICHMENT_RETRY_AFTER_HOURS"])),
            spotify_enabled=bool(config["SPOTIFY_ENABLED"]),
            deezer_enabled=bool(config["DEEZER_ENABLED"]),
        )
        if not 0.5 <= settings.threshold <= 1.0:
            raise ValueError("SOULSPOT_AUTO_APPLY_THRESHOLD must be between 0.5 and 1")
        if not 0.0 <= settings.margin < 1.0:
            raise ValueError("SOULSPOT_AUTO_APPLY_MARGIN must be between 0 and 1")
        return settings


@dataclass
class _Run:
    sides: list[ProviderSide]
    notes: dict[str, str]
    counts: Counter[str]
    errors: deque[dict[str, str]]
    eligibility: Eligibility
    deferred: bool = False

    def defer(self, side: ProviderSide, reason: str) -> None:
        """Stop asking this provider in this run; artists that need it stay due."""
        self.sides = [s for s in self.sides if s.name != side.name]
        self.notes[side.name] = f"deferred to the next run: {reason}"
        self.deferred = True
        self.eligibility = replace(self.eligibility, **{side.name: False})


def _sides(
    spotify: Any, deezer: Any, settings: EnrichmentSettings
) -> tuple[list[ProviderSide], dict[str, str]]:
    sides, notes = [], {}
    if not settings.spotify_enabled:
        notes["spotify"] = "disabled"
    elif spotify is None or not spotify.configured:
        notes["spotify"] = "not configured"
    else:
        sides.append(spotify_side(spotify))
        notes["spotify"] = "ok"
    if not settings.deezer_enabled or deezer is None:
        notes["deezer"] = "disabled"
    else:
        sides.append(deezer_side(deezer))
        notes["deezer"] = "ok"
    return sides, notes


def run_enrichment(
    session: Session,
    *,
    spotify: Any,
    deezer: Any,
    settings: EnrichmentSettings,
    progress: Progress | None = None,
    on_artwork: ArtworkHook | None = None,
    now: Callable[[], datetime] = utcnow,
) -> dict[str, Any]:
    """One pass over every due artist; commits per artist; returns counts and notes."""
    sides, notes = _sides(spotify, deezer, settings)
    eligibility = Eligibility(
        run_started=now(),
        spotify=any(s.name == "spotify" for s in sides),
        deezer=any(s.name == "deezer" for s in sides),
        retry_failed=settings.retry_failed,
        retry_other=settings.retry_other,
    )
    run = _Run(sides, notes, Counter(), deque(maxlen=MAX_ERRORS_KEPT), eligibility)
    rules = MatchRules(settings.threshold, settings.margin)
    total = selection.count_eligible(session, eligibility) if sides else 0
    processed = 0
    if progress:
        progress(0, total)
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="enrich") as pool:
        while run.sides:
            batch = selection.next_batch(session, run.eligibility, settings.batch_size)
            if not batch:
                break
            for artist_id in batch:
                item = selection.load_work_item(session, artist_id)
                if item is not None:
                    _process(session, pool, item, rules, run, on_artwork, now)
                processed += 1
                if progress:
                    progress(processed, max(total, processed))
    return {
        **run.notes,
        "artists_processed": processed,
        "artists_total": total,
        **dict(sorted(run.counts.items())),
        "errors": list(run.errors),
    }


def _process(
    session: Session,
    pool: ThreadPoolExecutor,
    item: WorkItem,
    rules: MatchRules,
    run: _Run,
    on_artwork: ArtworkHook | None,
    now: Callable[[], datetime],
) -> None:
    # Providers have separate rate limits, so their look-ups for one artist run side by side.
    futures = [(side, pool.submit(lookup_artist, side, item, rules)) for side in list(run.sides)]
    lookups: list[Lookup] = []
    outcome_flags: set[str] = set()
    for side, future in futures:
        try:
            lookups.append(future.result())
        except AuthError as error:
            raise EnrichmentFailed(f"{side.name} refused our credentials: {error}") from error
        except (RateLimited, NotConfigured) as error:
            run.defer(side, str(error))
        except ProviderError as error:
            run.counts[f"{side.name}_failures"] += 1
            run.errors.append(
                {
                    "artist_id": item.artist_id,
                    "artist": item.name,
                    "provider": side.name,
                    "error": f"{type(error).__name__}: {error}",
                }
            )
            outcome_flags.add(selection.FAILED)
    artist = session.get(Artist, item.artist_id)
    if artist is None:  # removed by a rescan meanwhile
        return
    artwork_due: ArtworkDue = []
    for lookup in lookups:
        write_lookup(session, artist, lookup, run.counts, artwork_due)
    if run.deferred:
        outcome_flags.add(selection.DEFERRED)
    artist.enrichment_outcome = _outcome(artist, lookups, outcome_flags)
    artist.enrichment_attempted_at = now()
    run.counts[f"outcome_{artist.enrichment_outcome}"] += 1
    session.commit()
    if on_artwork:
        for entity_type, entity_id in artwork_due:
            on_artwork(entity_type, entity_id)


def _outcome(artist: Artist, lookups: list[Lookup], flags: set[str]) -> str:
    if selection.FAILED in flags:
        return selection.FAILED
    if selection.DEFERRED in flags:
        return selection.DEFERRED
    if any(
        lookup.album_reviews
        or (
            lookup.artist_decision
            and lookup.artist_decision.candidates
            and lookup.side.queues_candidates
        )
        for lookup in lookups
    ):
        return selection.REVIEW
    if any(lookup.albums_unmatched for lookup in lookups):
        return selection.PARTIAL
    linked = artist.spotify_uri or artist.deezer_id
    return selection.LINKED if linked else selection.NO_MATCH
