"""The artwork collaborators of one app, and background image fetches after a request."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor

from flask import Flask

from soulspot.extensions import db, providers
from soulspot.services.artwork.deezer import DeezerImageFinder
from soulspot.services.artwork.download import build_context, fetch_entity_image, positive_seconds
from soulspot.services.artwork.records import Outcome
from soulspot.services.enrichment.lookup import MatchRules

log = logging.getLogger(__name__)

EXTENSION_KEY = "soulspot.artwork"
BACKGROUND_WORKERS = 2
_create_lock = threading.Lock()


class ArtworkRuntime:
    """One per app: the shared ArtworkContext and a small pool for background fetches."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        #: Seconds a repair on a user's request may take (ARTWORK_REQUEST_BUDGET).
        self.request_budget = positive_seconds(app.config, "ARTWORK_REQUEST_BUDGET")
        self.context = build_context(app.config)
        self._pool = ThreadPoolExecutor(BACKGROUND_WORKERS, thread_name_prefix="artwork-bg")

    def finder(self, *, search: bool, retries: bool = True) -> DeezerImageFinder | None:
        """A Deezer image finder, or None when Deezer is disabled in the settings."""
        if not self.app.config["DEEZER_ENABLED"]:
            return None
        rules = MatchRules(
            float(self.app.config["AUTO_APPLY_THRESHOLD"]),
            float(self.app.config["AUTO_APPLY_MARGIN"]),
        )
        return DeezerImageFinder(providers(self.app).deezer, rules, search=search, retries=retries)

    def submit(self, entity_type: str, entity_id: str) -> Future[Outcome | None]:
        """Fetch this entity's image in the background (a LinkHook: call after the commit)."""
        return self._pool.submit(self._fetch, entity_type, entity_id)

    def shutdown(self, wait: bool = True) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=not wait)
        self.context.fetcher.close()

    def _fetch(self, entity_type: str, entity_id: str) -> Outcome | None:
        with self.app.app_context():
            try:
                return fetch_entity_image(db.session, self.context, entity_type, entity_id)
            except Exception:  # a background task has nobody to raise to
                log.exception("background artwork fetch of %s %s failed", entity_type, entity_id)
                return None
            finally:
                db.session.remove()


def artwork_runtime(app: Flask) -> ArtworkRuntime:
    """The app's ArtworkRuntime, built on first use."""
    runtime: ArtworkRuntime | None = app.extensions.get(EXTENSION_KEY)
    if runtime is None:
        with _create_lock:
            runtime = app.extensions.get(EXTENSION_KEY)
            if runtime is None:
                runtime = app.extensions[EXTENSION_KEY] = ArtworkRuntime(app)
    return runtime
