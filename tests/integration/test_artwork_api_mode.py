"""Repair in API mode and auto-fetch: images found on the fake Deezer, then downloaded."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from soulspot.extensions import db
from soulspot.models import Album, Artist
from soulspot.providers.errors import Unavailable
from soulspot.services.artwork import ArtworkError, Reason, auto_fetch_images
from soulspot.wiring import artwork
from tests.factories import add_album, add_artist
from tests.fakes.server import FakeProviders
from tests.support.artwork import assert_only_images, image_bytes, served_image

AppFactory = Callable[..., Flask]


def post(app: Flask, path: str, **headers: str) -> Any:
    return app.test_client().post(f"/api/enrichment/{path}", headers=headers)


def artist_row(app: Flask, name: str) -> Artist:
    with app.app_context():
        artist = db.session.scalars(db.select(Artist).where(Artist.name == name)).one()
        db.session.expunge(artist)
        return artist


def album_row(app: Flask, title: str) -> Album:
    with app.app_context():
        album = db.session.scalars(db.select(Album).where(Album.title == title)).one()
        db.session.expunge(album)
        return album


def test_api_mode_finds_linked_and_confidently_matched_entities(
    artwork_app: AppFactory, fake_providers: FakeProviders
) -> None:
    catalog = fake_providers.catalog
    daft = catalog.add_artist("Daft Punk", fans=4_000_000)
    catalog.add_album(daft, "Discovery", year=2001, tracks=14)
    linked = catalog.add_artist("Justice")
    homework = catalog.add_album(daft, "Homework", year=1997, tracks=16)
    app = artwork_app()
    with app.app_context():
        local = add_artist(db.session, "Daft Punk")
        add_album(db.session, local, "Discovery", tracks=14, release_year=2001)
        add_album(db.session, local, "Homework", tracks=16, release_year=1997)
        add_artist(db.session, "Justice", deezer_id=str(linked.deezer_id))
        db.session.commit()

    body = post(app, "repair-artwork?use_api=true").get_json()
    assert body["summary"]["mode"] == "api"
    assert body["artists"] == {"processed": 2, "repaired": 2, "skipped": 0, "failed": 0}
    assert body["albums"] == {"processed": 2, "repaired": 2, "skipped": 0, "failed": 0}
    assert artist_row(app, "Daft Punk").deezer_id == str(daft.deezer_id)
    assert album_row(app, "Homework").deezer_id == str(homework.deezer_id)
    assert artist_row(app, "Justice").image_url.endswith("1000x1000-000000-80-0-0.jpg")
    assert len(assert_only_images(app.config["ARTWORK_DIR"])) == 4


def test_api_mode_links_through_the_linker_and_respects_an_undone_link(
    artwork_app: AppFactory, fake_providers: FakeProviders
) -> None:
    catalog = fake_providers.catalog
    daft = catalog.add_artist("Daft Punk", fans=4_000_000)
    catalog.add_album(daft, "Discovery", year=2001, tracks=14)
    app = artwork_app()
    with app.app_context():
        local = add_artist(db.session, "Daft Punk")
        add_album(db.session, local, "Discovery", tracks=14, release_year=2001)
        db.session.commit()
        artist_id = local.id

    post(app, "repair-artwork?use_api=true&entity_type=artist")
    linked = artist_row(app, "Daft Punk")
    assert linked.deezer_id == str(daft.deezer_id)
    assert linked.link_sources["deezer"]["source"] == "artwork"
    body = {"entity_type": "artist", "entity_id": artist_id, "provider": "deezer"}
    assert app.test_client().post("/api/enrichment/unlink", json=body).status_code == 200
    with app.app_context():
        db.session.get(Artist, artist_id).image_path = None
        db.session.commit()

    post(app, "repair-artwork?use_api=true&entity_type=artist")

    assert artist_row(app, "Daft Punk").deezer_id is None  # the owner's undo stands


def test_api_mode_never_guesses(artwork_app: AppFactory, fake_providers: FakeProviders) -> None:
    catalog = fake_providers.catalog
    catalog.add_artist("Nirvana", fans=5_000_000)
    catalog.add_artist("Nirvana", fans=20_000)  # namesakes, and no albums to tell them apart
    band = catalog.add_artist("Some Band")
    catalog.add_album(band, "Now 50", year=2001, tracks=20)  # same title, not a compilation
    app = artwork_app()
    with app.app_context():
        add_artist(db.session, "Nirvana")
        various = add_artist(db.session, "Various Artists")
        add_album(db.session, various, "Now 50", tracks=20, release_year=2001)
        db.session.commit()
    body = post(app, "repair-artwork?use_api=true").get_json()
    assert body["artists"] == {"processed": 2, "repaired": 0, "skipped": 2, "failed": 0}
    assert body["albums"] == {"processed": 1, "repaired": 0, "skipped": 1, "failed": 0}
    assert artist_row(app, "Nirvana").deezer_id is None
    assert album_row(app, "Now 50").deezer_id is None
    searched = [r.query["q"] for r in fake_providers.records("deezer") if "/search/" in r.path]
    # Nirvana searched but neither namesake taken; the Various Artists "artist" never searched;
    # its compilation only by title, and a non-compilation of that title is not taken.
    assert searched == ["Nirvana", "Now 50"]
    assert fake_providers.count("cdn") == 0


def test_api_mode_marks_unknown_ids_and_pictureless_artists(
    artwork_app: AppFactory, fake_providers: FakeProviders
) -> None:
    bare = fake_providers.catalog.add_artist("No Face", image=False)
    app = artwork_app()
    with app.app_context():
        add_artist(db.session, "Gone", deezer_id="999999")
        add_artist(db.session, "No Face", deezer_id=str(bare.deezer_id))
        db.session.commit()
    body = post(app, "repair-artwork?use_api=true").get_json()
    assert body["artists"] == {"processed": 2, "repaired": 0, "skipped": 0, "failed": 2}
    assert artist_row(app, "Gone").image_path.startswith("FAILED|not_found|")
    assert artist_row(app, "No Face").image_path.startswith("FAILED|placeholder|")
    assert fake_providers.count("cdn") == 0


def test_a_rate_limit_stops_the_lookups_of_this_call(
    artwork_app: AppFactory, fake_providers: FakeProviders
) -> None:
    catalog = fake_providers.catalog
    ids = [catalog.add_artist(f"Band {n}").deezer_id for n in range(4)]
    fake_providers.faults.add("deezer", "429", retry_after=3600)  # beyond MAX_RETRY_AFTER
    app = artwork_app()
    with app.app_context():
        for n, deezer_id in enumerate(ids):
            add_artist(db.session, f"Band {n}", deezer_id=str(deezer_id))
        db.session.commit()
    body = post(app, "repair-artwork?use_api=true").get_json()
    assert body["artists"] == {"processed": 4, "repaired": 0, "skipped": 4, "failed": 0}
    assert fake_providers.count("deezer") == 1
    assert artist_row(app, "Band 0").image_path is None  # no marker: it was not the image


def test_deezer_errors_skip_the_entity_without_a_marker(
    artwork_app: AppFactory, fake_providers: FakeProviders
) -> None:
    band = fake_providers.catalog.add_artist("Band")
    fake_providers.faults.add("deezer", "500")
    app = artwork_app(HTTP_MAX_RETRIES=0)
    with app.app_context():
        add_artist(db.session, "Band", deezer_id=str(band.deezer_id))
        db.session.commit()
    body = post(app, "repair-artwork?use_api=true").get_json()
    assert body["artists"] == {"processed": 1, "repaired": 0, "skipped": 1, "failed": 0}
    assert artist_row(app, "Band").image_path is None


def test_api_mode_with_deezer_disabled_says_so(
    artwork_app: AppFactory, fake_providers: FakeProviders
) -> None:
    app = artwork_app(DEEZER_ENABLED=False)
    with app.app_context():
        add_artist(db.session, "Band", deezer_id="1001")
        db.session.commit()
    body = post(app, "repair-artwork?use_api=true").get_json()
    assert body["summary"]["mode"] == "cdn_only"
    assert "Deezer is disabled" in body["summary"]["note"]
    assert body["artists"]["skipped"] == 1
    assert fake_providers.count("deezer") == 0


def test_auto_fetch_returns_the_hidden_fragment(
    artwork_app: AppFactory, fake_providers: FakeProviders
) -> None:
    band = fake_providers.catalog.add_artist("Band")
    fake_providers.cdn.put("/cdn/cover.png", image_bytes("PNG"))
    app = artwork_app()
    with app.app_context():
        artist = add_artist(db.session, "Band", deezer_id=str(band.deezer_id))
        add_album(db.session, artist, "Stored", deezer_id="5", cover_url=f"{fake_providers.url}/x")
        add_album(
            db.session,
            artist,
            "Linked",
            deezer_id="6",
            cover_url=f"{fake_providers.url}/cdn/cover.png",
        )
        add_album(db.session, artist, "Unlinked", cover_url=f"{fake_providers.url}/cdn/cover.png")
        db.session.commit()
    response = post(app, "auto-fetch-images", **{"HX-Request": "true"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="auto-fetch-result"' in html
    assert 'data-repaired="2"' in html and 'data-failed="1"' in html
    assert " hidden" in html and "style=" not in html and "hx-get" not in html
    assert album_row(app, "Unlinked").cover_path is None  # no deezer_id: not auto-fetched
    # Everything linked is done or marked: the next call has nothing to do.
    again = post(app, "auto-fetch-images")
    assert again.status_code == 200 and again.get_data() == b""


def test_auto_fetch_respects_entity_type_and_limit(
    artwork_app: AppFactory, fake_providers: FakeProviders
) -> None:
    url = served_image(fake_providers)
    app = artwork_app()
    with app.app_context():
        artist = add_artist(db.session, "Band", deezer_id="77", image_url=url)
        for n in range(3):
            add_album(db.session, artist, f"A{n}", deezer_id=str(n), cover_url=url)
        db.session.commit()
    html = post(app, "auto-fetch-images?entity_type=album&limit=2").get_data(as_text=True)
    assert 'data-repaired="2"' in html
    assert artist_row(app, "Band").image_path is None


def test_auto_fetch_stops_at_its_time_budget(
    artwork_app: AppFactory, fake_providers: FakeProviders
) -> None:
    for n in range(3):
        fake_providers.cdn.put(f"/cdn/slow{n}.jpg", image_bytes(), delay=1.0)
    app = artwork_app()
    with app.app_context():
        artist = add_artist(db.session, "Band")
        for n in range(3):
            add_album(
                db.session,
                artist,
                f"A{n}",
                deezer_id=str(n),
                cover_url=f"{fake_providers.url}/cdn/slow{n}.jpg",
            )
        db.session.commit()
        counts = auto_fetch_images(
            db.session, artwork(app), None, entity_type="album", limit=10, budget=0.2
        )
        assert counts.repaired == 0 and counts.processed == 3
        paths = db.session.scalars(db.select(Album.cover_path)).all()
    assert paths == [None, None, None]  # out of time is not the image's fault: no marker


@pytest.mark.parametrize("query", ["?entity_type=bogus", "?limit=0", "?limit=101", "?limit=abc"])
def test_bad_auto_fetch_parameters_are_4xx(artwork_app: AppFactory, query: str) -> None:
    app = artwork_app()
    as_json = post(app, f"auto-fetch-images{query}")
    assert as_json.status_code == 400 and as_json.get_json()["error"] == "invalid_parameter"
    as_htmx = post(app, f"auto-fetch-images{query}", **{"HX-Request": "true"})
    assert as_htmx.status_code == 400
    assert 'class="error-fragment"' in as_htmx.get_data(as_text=True)


@pytest.mark.parametrize(
    "error",
    [Unavailable("deezer: HTTP 500", provider="deezer"), ArtworkError(Reason.SERVER_ERROR)],
)
def test_auto_fetch_hides_provider_and_artwork_failures(
    artwork_app: AppFactory, monkeypatch: pytest.MonkeyPatch, error: Exception
) -> None:
    def fail(*args: Any, **kwargs: Any) -> None:
        raise error

    monkeypatch.setattr("soulspot.services.artwork.auto_fetch_images", fail)
    response = post(artwork_app(), "auto-fetch-images", **{"HX-Request": "true"})
    assert response.status_code == 200 and response.get_data() == b""


def test_auto_fetch_lets_a_programming_error_surface(
    artwork_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr("soulspot.services.artwork.auto_fetch_images", explode)
    response = post(artwork_app(), "auto-fetch-images")
    assert response.status_code == 500
    assert response.get_json()["error"] == "internal_error"


def test_auto_fetch_never_waits_on_a_deezer_retry_after(
    artwork_app: AppFactory, fake_providers: FakeProviders
) -> None:
    band = fake_providers.catalog.add_artist("Band")
    app = artwork_app()  # MAX_RETRY_AFTER is 5 s here: a patient client would wait 4 s
    with app.app_context():
        add_artist(db.session, "Band", deezer_id=str(band.deezer_id))
        db.session.commit()
    fake_providers.faults.add("deezer", "429", retry_after=4)
    started = time.monotonic()
    response = post(app, "auto-fetch-images", **{"HX-Request": "true"})
    assert response.status_code == 200
    assert time.monotonic() - started < 2
    assert fake_providers.count("deezer") == 1
    assert artist_row(app, "Band").image_path is None  # no marker: tried again next call
