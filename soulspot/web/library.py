"""The library pages: the artist list, an artist, an album, and their HTMX fragments.

The artist page fetches what it lacks on load: the discography (only when no provider-only
album is stored yet), then the missing images, each a POST answering the refreshed media
block. Link and unlink answer the links panel.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from jinja2_fragments.flask import render_block

from soulspot.api.params import enum_arg, int_arg, page_args, str_arg
from soulspot.errors import ValidationError, is_htmx
from soulspot.extensions import db
from soulspot.models import Album, Artist, EntityKind, ProviderKind
from soulspot.providers.links import page_url
from soulspot.services import auto_fetch, library
from soulspot.services import candidates as candidate_service
from soulspot.services.library import ArtistFilter, ArtistSort
from soulspot.web.rendering import page_or_block
from soulspot.wiring import artwork, providers

bp = Blueprint("library_pages", __name__)

PAGE_SIZE = 48
MAX_PAGE_SIZE = 200
#: Images one artist page fetches per kind (its own, its albums' covers), within 5 s.
FETCH_IMAGES_LIMIT = 50
#: Image fetches an artist page makes in all: one skipped an image (another thread of the
#: server held it, e.g. the follow-up of an apply, or time ran out), so it asks again later.
FETCH_IMAGES_TRIES = 3
COLLECTIONS = {"artists": EntityKind.ARTIST, "albums": EntityKind.ALBUM}
PROVIDER_NAMES = {
    ProviderKind.SPOTIFY: "Spotify",
    ProviderKind.DEEZER: "Deezer",
    ProviderKind.MUSICBRAINZ: "MusicBrainz",
}


@dataclass(frozen=True, slots=True)
class ProviderPage:
    provider: ProviderKind
    name: str
    url: str


def provider_pages(kind: EntityKind, entity: Artist | Album) -> list[ProviderPage]:
    """The provider pages an entity is linked to, built from its stored ids."""
    pages = []
    for provider in ProviderKind:
        value = getattr(entity, provider.link_attribute)
        if value:
            provider_id = value.rsplit(":", 1)[-1]  # a Spotify URI ends in the id
            url = page_url(provider.value, kind.value, provider_id)
            pages.append(ProviderPage(provider, PROVIDER_NAMES[provider], url))
    return pages


def duration(milliseconds: int | None) -> str:
    """m:ss (h:mm:ss from an hour), or an empty string when unknown."""
    if milliseconds is None:
        return ""
    minutes, seconds = divmod(round(milliseconds / 1000), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


bp.add_app_template_filter(duration, "duration")


def has_image(entity: Artist | Album) -> bool:
    """Whether the artwork route would serve a file (so no <img> answers 404)."""
    if isinstance(entity, Artist):
        return artwork().store.locate(EntityKind.ARTIST, entity.id, entity.image_path) is not None
    return artwork().store.locate(EntityKind.ALBUM, entity.id, entity.cover_path) is not None


@bp.get("/artists")
def artists() -> str:
    limit, offset = page_args(default_limit=PAGE_SIZE, max_limit=MAX_PAGE_SIZE)
    q = str_arg("q")
    chosen = enum_arg("filter", ArtistFilter)
    sort = enum_arg("sort", ArtistSort, default=ArtistSort.NAME)
    page = library.list_artists(
        db.session, limit=limit, offset=offset, q=q, filter=chosen, sort=sort
    )
    return page_or_block(
        "pages/artists.html",
        "results",
        page=page,
        rows=library.artist_rows(db.session, page.items),
        q=q or "",
        chosen=chosen,
        sort=sort,
        filters=ArtistFilter,
        sorts=ArtistSort,
        page_size=PAGE_SIZE,
        has_image=has_image,
    )


@bp.get("/artists/<artist_id>")
def artist(artist_id: str) -> str:
    found = library.get_artist(db.session, artist_id)
    albums = library.artist_albums(db.session, found)
    fetch_next = "images" if any(not album.has_local_files for album in albums) else "discography"
    return render_template(
        "pages/artist.html", **_artist_context(found, albums, fetch_next=fetch_next)
    )


@bp.post("/artists/<artist_id>/fetch-discography")
def fetch_discography(artist_id: str) -> str:
    """Store the discography, then answer the media block, which fetches the images next."""
    auto_fetch.fetch_discography(db.session, artist_id, current_app.config, providers())
    return _media_block(artist_id, fetch_next="images")


@bp.post("/artists/<artist_id>/fetch-images")
def fetch_images(artist_id: str) -> Any:
    """The artist's and its albums' missing images, and the media block as it stands: an
    image a follow-up job stored after the page was drawn shows too."""
    attempt = int_arg("attempt", 1, minimum=1, maximum=FETCH_IMAGES_TRIES)
    found = library.get_artist(db.session, artist_id)
    counts = auto_fetch.fetch_images(
        db.session,
        artwork(),
        current_app.config,
        providers(),
        limit=FETCH_IMAGES_LIMIT,
        artist_id=found.id,
    )
    if counts.skipped and attempt < FETCH_IMAGES_TRIES:
        return _media_block(artist_id, fetch_next="images", attempt=attempt + 1)
    return _media_block(artist_id, fetch_next=None)


def _media_block(artist_id: str, *, fetch_next: str | None, attempt: int = 1) -> str:
    found = library.get_artist(db.session, artist_id)
    albums = library.artist_albums(db.session, found)
    context = _artist_context(found, albums, fetch_next=fetch_next, attempt=attempt)
    # Fragments only (htmx posts them). The fetch may have linked the artist: its links go
    # along, swapped in by id.
    return render_block("pages/artist.html", "media", oob=True, **context)


def _artist_context(
    found: Artist, albums: list[Album], *, fetch_next: str | None, attempt: int = 1
) -> dict[str, Any]:
    return {
        "artist": found,
        "local_albums": [album for album in albums if album.has_local_files],
        "provider_albums": [album for album in albums if not album.has_local_files],
        "pending": library.has_pending_candidates(db.session, found.id),
        "fetch_next": fetch_next,
        "fetch_attempt": attempt,
        "has_image": has_image,
        **_panel_context(EntityKind.ARTIST, found),
    }


@bp.get("/albums/<album_id>")
def album(album_id: str) -> str:
    found = library.get_album(db.session, album_id)
    return render_template(
        "pages/album.html",
        album=found,
        tracks=library.album_tracks(db.session, found),
        has_image=has_image,
        **_panel_context(EntityKind.ALBUM, found),
    )


@bp.post("/<any(artists, albums):collection>/<entity_id>/link")
def link(collection: str, entity_id: str) -> Any:
    """Link by hand to a pasted Spotify URL or URI; a bad one is a 400 error fragment."""
    kind = COLLECTIONS[collection]
    value = request.form.get("url", "")
    if len(value) > 1000:
        raise ValidationError("that is too long to be a Spotify link")
    spotify = providers().spotify if current_app.config["SPOTIFY_ENABLED"] else None
    entity = candidate_service.link_entity(db.session, kind, entity_id, value, spotify=spotify)
    return _panel(kind, entity, message="Linked to Spotify.")


@bp.post("/<any(artists, albums):collection>/<entity_id>/unlink")
def unlink(collection: str, entity_id: str) -> Any:
    kind = COLLECTIONS[collection]
    provider = ProviderKind.parse(request.form.get("provider", ""))
    candidate_service.unlink_entity(db.session, kind, entity_id, provider)
    entity = candidate_service.get_entity(db.session, kind, entity_id)
    return _panel(
        kind,
        entity,
        message=f"Unlinked from {PROVIDER_NAMES[provider]}; it will not be proposed again.",
    )


def _panel_context(kind: EntityKind, entity: Artist | Album) -> dict[str, Any]:
    return {
        "kind": kind,
        "entity": entity,
        "collection": f"{kind.value}s",
        "pages": provider_pages(kind, entity),
    }


def _panel(kind: EntityKind, entity: Artist | Album, *, message: str) -> Any:
    """The links panel for htmx; without it (a plain form post), back to the page."""
    if not is_htmx():
        endpoint = "library_pages.artist" if kind is EntityKind.ARTIST else "library_pages.album"
        return redirect(url_for(endpoint, **{f"{kind.value}_id": entity.id}), code=303)
    return render_template(
        "partials/_library_links.html", message=message, **_panel_context(kind, entity)
    )
