"""Repair missing artwork: download the images of entities that have none, in parallel.

`repair_artwork` works through the library batch by batch; `auto_fetch_images` is a short,
bounded repair of linked entities for a page that asks.

Counts, per entity type (processed = repaired + skipped + failed):
- processed: entities taken up, at most `limit`: those without a valid local image (no path,
  or a path whose file has disappeared) and without a FAILED marker;
- repaired: an image was downloaded, verified and stored;
- failed: a download (or a Deezer lookup by id) was attempted and failed; the entity gets a
  FAILED marker unless the failure was ours (a full disk);
- skipped: nothing to download: no URL (and, in API mode, no confident Deezer match or a
  Deezer error or rate limit), another run was handling the entity at the same time, or the
  time budget ran out before the entity was done (no marker: the next run takes it up).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from soulspot.models.kinds import EntityKind
from soulspot.providers.errors import ProviderError, ProviderNotFound, RateLimited
from soulspot.services.artwork.deezer import DeezerImageFinder
from soulspot.services.artwork.download import ArtworkContext, download_image
from soulspot.services.artwork.records import (
    Outcome,
    Source,
    Target,
    find_missing,
    kinds_for,
    record_outcome,
    still_missing,
)
from soulspot.services.artwork.safety import ArtworkError, OutOfBudget, Reason

log = logging.getLogger(__name__)

Progress = Callable[[int, int | None], None]
DEEZER_DISABLED_NOTE = "Deezer is disabled in the settings: only stored URLs were used."
OUT_OF_TIME_NOTE = "Cut short after {budget:g} s: the skipped entities are left to the next repair."
RATE_LIMITED_NOTE = "Deezer asked us to wait: the skipped lookups are left to the next repair."
#: Seconds one auto-fetch call may spend; work not started by then is left for the next call.
AUTO_FETCH_BUDGET = 5.0


@dataclass
class KindCounts:
    processed: int = 0
    repaired: int = 0
    skipped: int = 0
    failed: int = 0

    def add(self, status: str) -> None:
        self.processed += 1
        setattr(self, status, getattr(self, status) + 1)


@dataclass
class RepairReport:
    mode: str = "cdn_only"
    artists: KindCounts = field(default_factory=KindCounts)
    albums: KindCounts = field(default_factory=KindCounts)
    #: Work was left undone (skipped) for lack of time or because Deezer asked us to wait.
    cut_short: bool = False
    #: A cancel request stopped the run between two batches.
    cancelled: bool = False
    notes: list[str] = field(default_factory=list)

    def counts(self, kind: EntityKind) -> KindCounts:
        return self.artists if kind is EntityKind.ARTIST else self.albums

    def as_dict(self) -> dict[str, Any]:
        """The documented shape plus `summary.cut_short`, and `summary.note` when there is one."""
        summary: dict[str, Any] = {
            "total_processed": self.artists.processed + self.albums.processed,
            "total_repaired": self.artists.repaired + self.albums.repaired,
            "mode": self.mode,
            "cut_short": self.cut_short,
            "cancelled": self.cancelled,
        }
        if self.notes:
            summary["note"] = " ".join(self.notes)
        return {"artists": asdict(self.artists), "albums": asdict(self.albums), "summary": summary}


def repair_artwork(
    session: Session,
    context: ArtworkContext,
    *,
    entity_type: str | None = None,
    limit: int | None = 100,
    batch_size: int = 200,
    use_api: bool = False,
    finder: DeezerImageFinder | None = None,
    on_progress: Progress | None = None,
    budget: float | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> RepairReport:
    """Repair up to `limit` entities per type (None: the whole library), batch by batch.

    API mode needs `use_api` and a `finder` (None when Deezer is disabled: the report then
    says so and only stored URLs are used, as in CDN mode). Batches advance by id, so
    entities that stay without an image never hold the run up. With a `budget` (seconds, for
    a caller who waits) downloads stop at it and what is not done by then counts as skipped.
    `should_stop()` is asked before each batch; True ends the run there, `cancelled`.
    """
    if limit is not None and limit < 1:
        raise ValueError(f"limit must be at least 1 or None, not {limit!r}")
    deadline = None if budget is None else context.clock() + budget
    finder = finder if use_api else None
    report = RepairReport(mode="api" if finder is not None else "cdn_only")
    if use_api and finder is None:
        report.notes.append(DEEZER_DISABLED_NOTE)
    kinds = kinds_for(entity_type)
    total = _count_targets(session, context, kinds, limit) if on_progress else None
    done = 0
    context.store.sweep_partials()
    for kind in kinds:
        after_id: str | None = None
        remaining = limit
        while remaining is None or remaining > 0:
            if should_stop is not None and should_stop():
                report.cancelled = True
                return report
            size = batch_size if remaining is None else min(batch_size, remaining)
            targets = list(find_missing(session, context.store, kind, size, after_id=after_id))
            if not targets:
                break
            counts = report.counts(kind)
            if process_targets(session, context, kind, targets, counts, finder, deadline=deadline):
                report.cut_short = True
            after_id = targets[-1].id
            done += len(targets)
            if remaining is not None:
                remaining -= len(targets)
            if on_progress:
                on_progress(done, max(total or 0, done))  # entities added meanwhile count too
    if report.cut_short and budget is not None:
        report.notes.append(OUT_OF_TIME_NOTE.format(budget=budget))
    if finder is not None and finder.stopped:
        report.cut_short = True
        report.notes.append(RATE_LIMITED_NOTE)
    return report


def auto_fetch_images(
    session: Session,
    context: ArtworkContext,
    finder: DeezerImageFinder | None,
    *,
    entity_type: str | None = None,
    limit: int = 20,
    budget: float = AUTO_FETCH_BUDGET,
    artist_id: str | None = None,
) -> KindCounts:
    """Download up to `limit` images per entity type, within `budget` seconds.

    Candidates have a deezer_id and neither a valid local image nor a FAILED marker; the
    stored URL is used, else `finder` asks Deezer by id (it never searches here).
    `artist_id` keeps that artist and its albums (an artist page's fetch); there a stored
    URL alone is enough too (a Spotify-only link), as the owner is looking at that artist.
    """
    deadline = context.clock() + budget
    counts = KindCounts()
    source = Source.DEEZER_ID if artist_id is None else Source.URL_OR_DEEZER_ID
    for kind in kinds_for(entity_type):
        if context.clock() >= deadline:
            break
        targets = list(
            find_missing(session, context.store, kind, limit, source=source, artist_id=artist_id)
        )
        if targets:
            process_targets(session, context, kind, targets, counts, finder, deadline=deadline)
    return counts


def process_targets(
    session: Session,
    context: ArtworkContext,
    kind: EntityKind,
    targets: list[Target],
    counts: KindCounts,
    finder: DeezerImageFinder | None = None,
    *,
    deadline: float | None = None,
) -> bool:
    """Claim, look up (main thread), download (pool), record (main thread) one batch.

    Work not started by `deadline` is skipped; downloads under way stop at it. Returns
    whether the deadline left any of this batch undone.
    """
    claimed = [t for t in targets if context.claims.claim(kind, t.id)]
    for _ in range(len(targets) - len(claimed)):
        counts.add("skipped")
    out_of_time = False
    try:
        # End the read transaction first: a run that finished these entities released its
        # claims only after committing, and a fresh transaction sees those commits.
        session.commit()
        fresh = still_missing(session, context.store, kind, [t.id for t in claimed])
        pending: list[Future[Outcome]] = []
        with ThreadPoolExecutor(context.workers, thread_name_prefix="artwork") as pool:
            for target in claimed:
                if target.id not in fresh:
                    counts.add("skipped")
                    continue
                if _past(context, deadline):
                    counts.add("skipped")
                    out_of_time = True
                    continue
                url = target.url or _find_url(session, context, target, finder, counts)
                if url is None:
                    continue
                pending.append(
                    pool.submit(download_image, context, kind, target.id, url, deadline=deadline)
                )
            if _collect(session, context, pending, counts, deadline):
                out_of_time = True
    finally:
        for target in claimed:
            context.claims.release(kind, target.id)
    return out_of_time


def _find_url(
    session: Session,
    context: ArtworkContext,
    target: Target,
    finder: DeezerImageFinder | None,
    counts: KindCounts,
) -> str | None:
    """The URL an API lookup finds, or None after counting the target as skipped or failed."""
    if finder is None or finder.stopped:
        counts.add("skipped")
        return None
    try:
        url = finder.image_url(session, target)
    except ArtworkError as error:  # e.g. Deezer only has the placeholder picture
        record_outcome(session, Outcome(target.kind, target.id, error=error), context.now())
        counts.add("failed")
        return None
    except ProviderNotFound as error:
        log.info("artwork %s %s: Deezer has no such id: %s", target.kind, target.id, error)
        outcome = Outcome(target.kind, target.id, error=ArtworkError(Reason.NOT_FOUND, str(error)))
        record_outcome(session, outcome, context.now())
        counts.add("failed")
        return None
    except RateLimited as error:
        log.warning("Deezer rate limit (retry after %gs): no more lookups", error.retry_after)
        finder.stopped = True
        counts.add("skipped")
        return None
    except ProviderError as error:
        log.warning("artwork %s %s: Deezer lookup failed: %s", target.kind, target.id, error)
        counts.add("skipped")
        return None
    if url is None:
        counts.add("skipped")
    return url


def _collect(
    session: Session,
    context: ArtworkContext,
    pending: list[Future[Outcome]],
    counts: KindCounts,
    deadline: float | None,
) -> bool:
    """Record outcomes as downloads finish; past the deadline, drop what has not started.

    Returns whether the deadline stopped any download (queued or under way).
    """
    out_of_time = False
    waiting = set(pending)
    while waiting:
        timeout = None if deadline is None else max(0.0, deadline - context.clock())
        done, waiting = wait(waiting, timeout=timeout, return_when=FIRST_COMPLETED)
        if not done:  # the budget ran out: cancel queued downloads, running ones stop soon
            still = {future for future in waiting if not _cancelled(future, counts)}
            out_of_time = out_of_time or len(still) < len(waiting)
            waiting, deadline = still, None
            continue
        for future in done:
            outcome = future.result()
            record_outcome(session, outcome, context.now())
            counts.add(outcome.status)
            out_of_time = out_of_time or isinstance(outcome.error, OutOfBudget)
    return out_of_time


def _cancelled(future: Future[Outcome], counts: KindCounts) -> bool:
    if future.cancel():
        counts.add("skipped")
        return True
    return False


def _past(context: ArtworkContext, deadline: float | None) -> bool:
    return deadline is not None and context.clock() >= deadline


def _count_targets(
    session: Session, context: ArtworkContext, kinds: list[EntityKind], limit: int | None
) -> int:
    return sum(sum(1 for _ in find_missing(session, context.store, kind, limit)) for kind in kinds)
