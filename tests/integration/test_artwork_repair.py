"""POST /api/enrichment/repair-artwork and reset-failed-images in CDN mode, on the fake CDN."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from PIL import Image

from soulspot.extensions import db
from soulspot.models import Album, Artist
from tests.factories import add_album, add_artist
from tests.fakes.server import FakeProviders
from tests.support.artwork import assert_only_images, image_bytes, served_image

MARKER = re.compile(r"^FAILED\|(?P<reason>[a-z_]+)\|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
AppFactory = Callable[..., Flask]


def repair(app: Flask, query: str = "") -> dict[str, Any]:
    response = app.test_client().post(f"/api/enrichment/repair-artwork{query}")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    for kind in ("artists", "albums"):
        counts = body[kind]
        assert counts["processed"] == counts["repaired"] + counts["skipped"] + counts["failed"]
    summary = body["summary"]
    assert summary["total_processed"] == body["artists"]["processed"] + body["albums"]["processed"]
    assert summary["total_repaired"] == body["artists"]["repaired"] + body["albums"]["repaired"]
    return body


def artists(app: Flask, **fields: Any) -> dict[str, str]:
    """Create one artist per name -> image URL (None: no URL); return name -> id."""
    with app.app_context():
        made = {name: add_artist(db.session, name, image_url=url) for name, url in fields.items()}
        db.session.commit()
        return {name: artist.id for name, artist in made.items()}


def paths(app: Flask, model: Any = Artist) -> dict[str, str | None]:
    column = model.image_path if model is Artist else model.cover_path
    label = model.name if model is Artist else model.title
    with app.app_context():
        return dict(db.session.execute(db.select(label, column)).all())


def test_jpeg_png_and_webp_are_stored_and_recorded(
    artwork_app: AppFactory, fake_providers: FakeProviders
) -> None:
    app = artwork_app()
    base = fake_providers.url
    for fmt in ("JPEG", "PNG", "WEBP"):
        # The server's Content-Type is wrong on purpose: content decides.
        fake_providers.cdn.put(f"/cdn/{fmt}", image_bytes(fmt, (120, 80)), "application/x-foo")
    ids = artists(app, jpeg=f"{base}/cdn/JPEG", png=f"{base}/cdn/PNG", webp=f"{base}/cdn/WEBP")
    body = repair(app)
    assert body["artists"] == {"processed": 3, "repaired": 3, "skipped": 0, "failed": 0}
    assert body["summary"]["mode"] == "cdn_only"
    recorded = paths(app)
    for name, extension in (("jpeg", "jpg"), ("png", "png"), ("webp", "webp")):
        assert recorded[name] == f"artists/{ids[name]}.{extension}"
        with Image.open(Path(app.config["ARTWORK_DIR"]) / recorded[name]) as image:
            assert image.size == (120, 80)
    assert len(assert_only_images(app.config["ARTWORK_DIR"])) == 3


def test_every_failure_kind_ends_in_its_own_marker_and_leaves_no_junk(
    artwork_app: AppFactory, fake_providers: FakeProviders
) -> None:
    app = artwork_app(
        MAX_IMAGE_BYTES=50_000,
        HTTP_READ_TIMEOUT=0.3,
        IMAGE_HOSTS="127.0.0.1,local*",  # localhost passes the allowlist, not the address check
    )
    base, cdn = fake_providers.url, fake_providers.cdn
    port = base.rsplit(":", 1)[1]
    big = image_bytes("JPEG", (400, 400), noise=True)
    assert len(big) > 50_000
    cdn.put("/cdn/ok.jpg", image_bytes())
    cdn.put("/cdn/forbidden.jpg", b"no", "text/plain", status=403)
    cdn.put("/cdn/broken.jpg", b"oops", "text/plain", status=500)
    cdn.put("/cdn/slow.jpg", image_bytes(), delay=0.8)
    cdn.put("/cdn/page.jpg", b"<!doctype html><title>Login</title>", "image/jpeg")
    cdn.put("/cdn/big.jpg", big)
    cdn.put("/cdn/truncated.jpg", image_bytes("JPEG", (300, 300), noise=True)[:4000])
    cdn.redirect("/cdn/away.jpg", "https://evil.example.com/x.jpg")
    cases = {
        "ok": (f"{base}/cdn/ok.jpg", None),
        "missing": (f"{base}/cdn/nothing-here.jpg", "not_found"),
        "forbidden": (f"{base}/cdn/forbidden.jpg", "forbidden"),
        "broken": (f"{base}/cdn/broken.jpg", "server_error"),
        "slow": (f"{base}/cdn/slow.jpg", "timeout"),
        "page": (f"{base}/cdn/page.jpg", "not_an_image"),
        "big": (f"{base}/cdn/big.jpg", "too_large"),
        "truncated": (f"{base}/cdn/truncated.jpg", "not_an_image"),
        "placeholder": (f"{base}/cdn/images/artist//500x500-000000-80-0-0.jpg", "placeholder"),
        "redirected": (f"{base}/cdn/away.jpg", "host_not_allowed"),
        "private": (f"http://localhost:{port}/cdn/ok.jpg", "host_not_allowed"),
        "invalid": ("ftp://127.0.0.1/x.jpg", "invalid_url"),
        "offlist": ("https://images.example.org/x.jpg", "host_not_allowed"),
    }
    artists(app, **{name: url for name, (url, _) in cases.items()})
    body = repair(app)
    assert body["artists"] == {
        "processed": len(cases),
        "repaired": 1,
        "skipped": 0,
        "failed": len(cases) - 1,
    }
    recorded = paths(app)
    for name, (_, reason) in cases.items():
        if reason is None:
            assert not MARKER.match(recorded[name])
            continue
        match = MARKER.match(recorded[name] or "")
        assert match, (name, recorded[name])
        assert match["reason"] == reason, name
    assert len(assert_only_images(app.config["ARTWORK_DIR"])) == 1
    # Nothing was fetched from a host that is not allowed, nor the placeholder.
    assert fake_providers.count("cdn", path_contains="/images/artist//") == 0


def test_marked_entities_wait_for_a_reset(
    artwork_app: AppFactory, fake_providers: FakeProviders
) -> None:
    app = artwork_app()
    url = f"{fake_providers.url}/cdn/later.jpg"
    artists(app, a=url)
    with app.app_context():
        add_album(db.session, db.session.scalars(db.select(Artist)).one(), "X", cover_url=url)
        db.session.commit()
    first = repair(app)
    assert first["summary"]["total_processed"] == 2
    assert first["artists"]["failed"] == first["albums"]["failed"] == 1

    fake_providers.cdn.put("/cdn/later.jpg", image_bytes())
    assert repair(app)["summary"]["total_processed"] == 0  # markers are left alone
    assert fake_providers.count("cdn", path_contains="later") == 2

    client = app.test_client()
    reset = client.post("/api/enrichment/reset-failed-images?entity_type=artist").get_json()
    assert reset == {"reset_artists": 1, "reset_albums": 0}
    assert paths(app)["a"] is None
    assert MARKER.match(paths(app, Album)["X"] or "")
    third = repair(app)
    assert third["artists"]["repaired"] == 1 and third["albums"]["processed"] == 0

    assert client.post("/api/enrichment/reset-failed-images").get_json() == {
        "reset_artists": 0,
        "reset_albums": 1,
    }
    assert repair(app)["albums"]["repaired"] == 1


def test_a_vanished_file_counts_as_missing(
    artwork_app: AppFactory, fake_providers: FakeProviders
) -> None:
    app = artwork_app()
    artists(app, a=served_image(fake_providers))
    assert repair(app)["artists"]["repaired"] == 1
    assert repair(app)["artists"]["processed"] == 0  # a valid image is not touched
    (Path(app.config["ARTWORK_DIR"]) / paths(app)["a"]).unlink()
    assert repair(app)["artists"]["repaired"] == 1
    assert len(assert_only_images(app.config["ARTWORK_DIR"])) == 1


def test_limit_caps_each_type_and_skipped_means_no_url(
    artwork_app: AppFactory, fake_providers: FakeProviders
) -> None:
    app = artwork_app()
    url = served_image(fake_providers)
    with app.app_context():
        for n in range(5):
            artist = add_artist(db.session, f"artist {n}", image_url=url if n % 2 else None)
            add_album(db.session, artist, f"album {n}", cover_url=url)
        db.session.commit()
    body = repair(app, "?limit=3")
    assert body["artists"]["processed"] == 3
    assert body["albums"] == {"processed": 3, "repaired": 3, "skipped": 0, "failed": 0}
    assert body["artists"]["skipped"] + body["artists"]["repaired"] == 3
    rest = repair(app, "?limit=500")
    assert rest["albums"] == {"processed": 2, "repaired": 2, "skipped": 0, "failed": 0}
    # Artists without a URL stay candidates: CDN mode skips them every time.
    assert rest["artists"]["processed"] == rest["artists"]["skipped"] + rest["artists"]["repaired"]
    assert repair(app, "?entity_type=artist")["artists"] == {
        "processed": 3,
        "repaired": 0,
        "skipped": 3,
        "failed": 0,
    }


def test_entity_type_restricts_the_repair(
    artwork_app: AppFactory, fake_providers: FakeProviders
) -> None:
    app = artwork_app()
    url = served_image(fake_providers)
    with app.app_context():
        add_album(db.session, add_artist(db.session, "a", image_url=url), "x", cover_url=url)
        db.session.commit()
    body = repair(app, "?entity_type=album")
    assert body["albums"]["repaired"] == 1
    assert body["artists"] == {"processed": 0, "repaired": 0, "skipped": 0, "failed": 0}


def test_concurrent_repairs_download_each_file_once(
    artwork_app: AppFactory, fake_providers: FakeProviders
) -> None:
    app = artwork_app(ARTWORK_WORKERS=4)
    count = 24
    for n in range(count):
        fake_providers.cdn.put(f"/cdn/c{n}.jpg", image_bytes("JPEG", (50, 50)), delay=0.03)
    artists(app, **{f"c{n}": f"{fake_providers.url}/cdn/c{n}.jpg" for n in range(count)})
    results: list[dict[str, Any]] = []
    barrier = threading.Barrier(3)

    def run() -> None:
        barrier.wait()
        results.append(repair(app))

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 3
    assert sum(r["artists"]["repaired"] for r in results) == count
    assert sum(r["artists"]["failed"] for r in results) == 0
    for n in range(count):
        assert fake_providers.count("cdn", path_contains=f"/cdn/c{n}.jpg") == 1
    assert len(assert_only_images(app.config["ARTWORK_DIR"])) == count
    assert all(not MARKER.match(path or "") and path for path in paths(app).values())


@pytest.mark.parametrize(
    "query",
    [
        "?entity_type=bogus",
        "?entity_type=artists",
        "?limit=0",
        "?limit=501",
        "?limit=abc",
        "?limit=-1",
        "?use_api=maybe",
    ],
)
def test_bad_repair_parameters_are_400_json(artwork_app: AppFactory, query: str) -> None:
    response = artwork_app().test_client().post(f"/api/enrichment/repair-artwork{query}")
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "invalid_parameter" and body["detail"]


def test_bad_reset_parameter_is_400_json(artwork_app: AppFactory) -> None:
    response = artwork_app().test_client().post("/api/enrichment/reset-failed-images?entity_type=x")
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_parameter"


def test_repair_accepts_the_documented_edges(artwork_app: AppFactory) -> None:
    client = artwork_app().test_client()
    for query in ("?limit=1", "?limit=500", "?use_api=false", "?entity_type=album&limit=50"):
        assert client.post(f"/api/enrichment/repair-artwork{query}").status_code == 200
