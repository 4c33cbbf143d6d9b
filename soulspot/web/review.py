"""The review page: pending candidates per entity; apply, reject, none of these, link by hand.

Each decision calls the same service function as the JSON API and answers the entity's card
as a fragment (htmx swaps it in place); without htmx a decision redirects back to the page.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for

from soulspot.api.params import MAX_OFFSET, entity_kind_arg, int_arg
from soulspot.errors import is_htmx
from soulspot.extensions import db
from soulspot.models import EntityKind
from soulspot.services import candidates as candidate_service
from soulspot.services import review as review_service
from soulspot.web.rendering import page_or_block
from soulspot.wiring import artwork, providers

bp = Blueprint("review_pages", __name__)

#: Entities (not candidate rows) per page: a page never splits one entity's candidates.
PER_PAGE = 10
#: Times an applied artist's card asks again (2 s apart) while its albums are matched.
ALBUM_POLLS = 5
CARD = "partials/_review_card.html"


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {"provider_url": review_service.provider_url}


@bp.get("/review")
def review() -> str:
    kind = entity_kind_arg("type")
    page = int_arg("page", 1, minimum=1, maximum=MAX_OFFSET // PER_PAGE)
    result = review_service.review_page(db.session, kind=kind, page=page, per_page=PER_PAGE)
    return page_or_block("pages/review.html", "cards", review=result, kind=kind)


@bp.post("/review/candidates/<candidate_id>/apply")
def apply(candidate_id: str) -> Any:
    applied = review_service.apply(db.session, candidate_id)
    return _answer(
        card=applied.card,
        applied=applied.candidate,
        closed=applied.closed,
        albums=applied.albums,
    )


@bp.post("/review/candidates/<candidate_id>/reject")
def reject(candidate_id: str) -> Any:
    candidate = candidate_service.reject_candidate(db.session, candidate_id)
    kind = EntityKind.parse(candidate.entity_type)
    return _answer(card=review_service.review_card(db.session, kind, candidate.entity_id))


@bp.post("/review/<kind>/<entity_id>/reject-all")
def reject_all(kind: str, entity_id: str) -> Any:
    entity_kind = EntityKind.parse(kind)
    review_service.reject_all(db.session, entity_kind, entity_id)
    return _answer(card=review_service.review_card(db.session, entity_kind, entity_id))


@bp.post("/review/<kind>/<entity_id>/link")
def link(kind: str, entity_id: str) -> Any:
    entity_kind = EntityKind.parse(kind)
    spotify = providers().spotify if current_app.config["SPOTIFY_ENABLED"] else None
    entity = candidate_service.link_entity(
        db.session, entity_kind, entity_id, request.form.get("link", ""), spotify=spotify
    )
    albums = (
        review_service.album_links(db.session, entity_id)
        if entity_kind is EntityKind.ARTIST
        else None
    )
    return _answer(
        card=review_service.review_card(db.session, entity_kind, entity_id),
        linked=entity.spotify_uri,
        albums=albums,
    )


@bp.get("/review/artists/<artist_id>/albums")
def artist_albums(artist_id: str) -> str:
    """The applied artist's album count, asked again while ALBUM_MATCH is queued."""
    candidate_service.get_entity(db.session, EntityKind.ARTIST, artist_id)
    tries = int_arg("tries", 1, minimum=1, maximum=ALBUM_POLLS)
    return render_template(
        "partials/_review_albums.html",
        artist_id=artist_id,
        albums=review_service.album_links(db.session, artist_id),
        tries=tries,
        polls=ALBUM_POLLS,
    )


@bp.get("/review/candidates/<candidate_id>/image")
def candidate_image(candidate_id: str) -> Any:
    found = review_service.candidate_image(db.session, artwork(), candidate_id)
    if found is None:
        abort(404, description="no image for this candidate")
    body, mimetype = found
    return current_app.response_class(
        body, mimetype=mimetype, headers={"Cache-Control": "private, max-age=86400"}
    )


def _answer(**context: Any) -> Any:
    if not is_htmx():
        return redirect(url_for("review_pages.review"), code=303)
    return render_template(CARD, polls=ALBUM_POLLS, **context)
