"""The enrichment run: walk due artists, ask each provider, write per artist, report."""

from __future__ import annotations

import logging
from collections import Counter, deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextvars import copy_context
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from soulspot.models import Artist, ProviderKind
from soulspot.models.base import utcnow
from soulspot.models.library import EnrichmentOutcome
from soulspot.providers.errors import AuthError, NotConfigured, ProviderError, RateLimited
from soulspot.services.enrichment import selection
from soulspot.services.enrichment.apply import write_lookup
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
#: (session, artist_id): resolve the artist's identity first (see services/identity.py).
IdentityHook = Callable[[Session, str], None]
MAX_ERRORS_KEPT = 20
#: A provider that failed for this many artists of a run, and for none less, is unreachable.
UNREACHABLE_AFTER = 5


class EnrichmentError(Exception):
    """The run cannot work (Spotify refused our credentials) or a provider is unreachable.

    `result` is the run's report when the run got to its end (the work done is committed).
    """

    def __init__(self, message: str, *, result: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.result = result


@dataclass(frozen=True)
class EnrichmentSettings:
    threshold: float = 0.9
    margin: float = 0.1
    batch_size: int = 50
    retry_failed: timedelta = timedelta(hours=1)
    retry_failed_max: timedelta = timedelta(days=1)
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
            retry_failed_max=timedelta(hours=float(config["ENRICHMENT_RETRY_FAILED_MAX_HOURS"])),
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
    #: Per provider: artists asked, artists it failed for, and why it is unreachable.
    asked: Counter[str] = field(default_factory=Counter)
    failed: Counter[str] = field(default_factory=Counter)
    unreachable: dict[str, str] = field(default_factory=dict)

    def defer(self, side: ProviderSide, note: str) -> None:
        """Stop asking this provider in this run; artists that need it stay due."""
        self.sides = [s for s in self.sides if s.name != side.name]
        self.notes[side.name] = note
        self.deferred = True
        self.eligibility = replace(self.eligibility, **{side.name: False})

    def fail(self, side: ProviderSide, item: WorkItem, error: ProviderError) -> None:
        """Record a failed look-up; a provider that has only failed so far is given up."""
        message = f"{type(error).__name__}: {error}"
        self.counts[f"{side.name}_failures"] += 1
        self.errors.append(
            {
                "artist_id": item.artist_id,
                "artist": item.name,
                "provider": side.name,
                "error": message,
            }
        )
        self.failed[side.name] += 1
        if self.failed[side.name] == self.asked[side.name] >= UNREACHABLE_AFTER:
            # Asking the rest would only add failures (and retries) to every artist.
            self.unreachable[side.name] = message
            self.defer(side, f"unreachable: {message}")


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


def _eligibility(
    settings: EnrichmentSettings, sides: list[ProviderSide], now: Callable[[], datetime]
) -> Eligibility:
    """Which artists a run may take up, given the providers it can ask."""
    return Eligibility(
        run_started=now(),
        spotify=any(side.provider is ProviderKind.SPOTIFY for side in sides),
        deezer=any(side.provider is ProviderKind.DEEZER for side in sides),
        retry_failed=settings.retry_failed,
        retry_failed_max=settings.retry_failed_max,
        retry_other=settings.retry_other,
    )


def run_enrichment(
    session: Session,
    *,
    spotify: Any,
    deezer: Any,
    settings: EnrichmentSettings,
    progress: Progress | None = None,
    now: Callable[[], datetime] = utcnow,
    should_stop: Callable[[], bool] | None = None,
    resolve_identity: IdentityHook | None = None,
) -> dict[str, Any]:
    """One pass over every due artist; commits per artist; returns counts and notes.

    `should_stop()` is asked before each artist; True ends the pass there with
    `"cancelled": True` in the result. `resolve_identity(session, artist_id)` (MusicBrainz)
    runs first for an artist whose MusicBrainz id is tagged but never checked: the links it
    verifies spare the searches.
    """
    sides, notes = _sides(spotify, deezer, settings)
    run = _Run(
        sides, notes, Counter(), deque(maxlen=MAX_ERRORS_KEPT), _eligibility(settings, sides, now)
    )
    rules = MatchRules(settings.threshold, settings.margin)
    total = selection.count_eligible(session, run.eligibility) if sides else 0
    processed = 0
    cancelled = False
    if progress:
        progress(0, total)
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="enrich") as pool:
        while run.sides and not cancelled:
            batch = selection.next_batch(session, run.eligibility, settings.batch_size)
            if not batch:
                break
            for artist_id in batch:
                if not run.sides:  # every provider deferred or given up mid-batch
                    break
                if should_stop is not None and should_stop():
                    cancelled = True
                    break
                item = selection.load_work_item(session, artist_id)
                if item is not None and resolve_identity and _identity_due(session, item):
                    resolve_identity(session, artist_id)
                    item = selection.load_work_item(session, artist_id)
                if item is not None:
                    _process(session, pool, item, rules, run, now)
                processed += 1
                if progress:
                    progress(processed, max(total, processed))
    result = {
        **run.notes,
        "artists_processed": processed,
        "artists_total": total,
        **dict(sorted(run.counts.items())),
        "errors": list(run.errors),
        "cancelled": cancelled,
    }
    if run.unreachable:
        message = "; ".join(f"{name} unreachable: {why}" for name, why in run.unreachable.items())
        raise EnrichmentError(message, result=result)
    return result


def enrich_artist(
    session: Session,
    artist_id: str,
    *,
    spotify: Any,
    deezer: Any,
    settings: EnrichmentSettings,
    now: Callable[[], datetime] = utcnow,
) -> dict[str, Any]:
    """One artist, at once, whatever its schedule: the follow-up of an owner's link.

    A linked artist is not searched again: its albums are matched against the linked
    artist's discography (one request per provider), exactly as a run would.
    """
    sides, notes = _sides(spotify, deezer, settings)
    run = _Run(
        sides, notes, Counter(), deque(maxlen=MAX_ERRORS_KEPT), _eligibility(settings, sides, now)
    )
    item = selection.load_work_item(session, artist_id)
    if item is not None and sides:
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="enrich") as pool:
            _process(session, pool, item, MatchRules(settings.threshold, settings.margin), run, now)
    return {**run.notes, **dict(sorted(run.counts.items())), "errors": list(run.errors)}


def _identity_due(session: Session, item: WorkItem) -> bool:
    if item.musicbrainz_id is None:
        return False
    checked = session.scalar(
        select(Artist.musicbrainz_checked_at).where(Artist.id == item.artist_id)
    )
    return checked is None


def _process(
    session: Session,
    pool: ThreadPoolExecutor,
    item: WorkItem,
    rules: MatchRules,
    run: _Run,
    now: Callable[[], datetime],
) -> None:
    # Providers have separate rate limits, so their look-ups for one artist run side by side.
    # Each look-up runs in a copy of this context, so a job's request tally counts it.
    futures = [
        (side, pool.submit(copy_context().run, lookup_artist, side, item, rules))
        for side in list(run.sides)
    ]
    lookups: list[Lookup] = []
    outcome_flags: set[EnrichmentOutcome] = set()
    for side, future in futures:
        run.asked[side.name] += 1
        try:
            lookups.append(future.result())
        except AuthError as error:
            raise EnrichmentError(f"{side.name} refused our credentials: {error}") from error
        except (RateLimited, NotConfigured) as error:
            run.defer(side, f"deferred to the next run: {error}")
        except ProviderError as error:
            run.fail(side, item, error)
            outcome_flags.add(EnrichmentOutcome.FAILED)
    artist = session.get(Artist, item.artist_id)
    if artist is None:  # removed by a rescan meanwhile
        return
    for lookup in lookups:
        write_lookup(session, artist, lookup, run.counts)
    if run.deferred:
        outcome_flags.add(EnrichmentOutcome.DEFERRED)
    artist.enrichment_outcome = _outcome(artist, item, lookups, outcome_flags)
    artist.enrichment_attempted_at = now()
    # Only a streak of failures backs off; anything else starts it over.
    failed = artist.enrichment_outcome == EnrichmentOutcome.FAILED
    artist.enrichment_failures = artist.enrichment_failures + 1 if failed else 0
    run.counts[f"outcome_{artist.enrichment_outcome.value}"] += 1
    session.commit()


def _outcome(
    artist: Artist, item: WorkItem, lookups: list[Lookup], flags: set[EnrichmentOutcome]
) -> EnrichmentOutcome:
    if EnrichmentOutcome.FAILED in flags:
        return EnrichmentOutcome.FAILED
    if EnrichmentOutcome.DEFERRED in flags:
        return EnrichmentOutcome.DEFERRED
    if item.awaiting_review or any(
        lookup.album_reviews
        or (
            lookup.artist_decision
            and lookup.artist_decision.candidates
            and lookup.side.queues_candidates
        )
        for lookup in lookups
    ):
        return EnrichmentOutcome.REVIEW
    if any(lookup.albums_unmatched for lookup in lookups):
        return EnrichmentOutcome.PARTIAL
    linked = artist.spotify_uri or artist.deezer_id
    return EnrichmentOutcome.LINKED if linked else EnrichmentOutcome.NO_MATCH
