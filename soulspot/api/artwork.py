"""Artwork endpoints: repair missing images, reset FAILED markers, auto-fetch (HTMX)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, render_template

from soulspot.api.params import bool_arg, entity_kind_arg, int_arg
from soulspot.extensions import db
from soulspot.services import artwork as artwork_service
from soulspot.services import auto_fetch
from soulspot.services.artwork.deezer import DeezerImageFinder, image_finder
from soulspot.wiring import artwork, providers

bp = Blueprint("artwork", __name__, url_prefix="/enrichment")


@bp.post("/repair-artwork")
def repair_artwork() -> Any:
    """Bounded, as auto-fetch is: a time budget and no Deezer retries or Retry-After waits."""
    entity_type = entity_kind_arg()
    use_api = bool_arg("use_api", False)
    limit = int_arg("limit", 100, minimum=1, maximum=500)
    context = artwork()
    report = artwork_service.repair_artwork(
        db.session,
        context,
        entity_type=entity_type,
        limit=limit,
        batch_size=int(current_app.config["ARTWORK_REPAIR_BATCH"]),
        use_api=use_api,
        finder=_finder(search=True) if use_api else None,
        budget=context.request_budget,
    )
    return jsonify(report.as_dict())


@bp.post("/reset-failed-images")
def reset_failed_images() -> Any:
    entity_type = entity_kind_arg()
    return jsonify(artwork_service.reset_failed(db.session, entity_type))


@bp.post("/auto-fetch-images")
def auto_fetch_images() -> Any:
    """Quiet by design: a hidden fragment with counts, or an empty body.

    A provider or artwork failure is only logged (services.auto_fetch); anything else is a
    bug and answers 500.
    """
    entity_type = entity_kind_arg()
    limit = int_arg("limit", 20, minimum=1, maximum=100)
    counts = auto_fetch.fetch_images(
        db.session,
        artwork(),
        current_app.config,
        providers(),
        entity_type=entity_type,
        limit=limit,
    )
    if not counts.repaired and not counts.failed:
        return "", 200
    return render_template(
        "partials/_auto_fetch_result.html", repaired=counts.repaired, failed=counts.failed
    )


def _finder(*, search: bool) -> DeezerImageFinder | None:
    """A request never waits on Deezer's retries or Retry-After."""
    return image_finder(current_app.config, providers().deezer, search=search, retries=False)
