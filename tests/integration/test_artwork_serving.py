"""GET /artwork/artists/<id> and /artwork/albums/<id>: stored files only, cacheable."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask

from soulspot.extensions import db
from soulspot.models import Album, Artist
from tests.factories import add_album, add_artist
from tests.support.artwork import image_bytes

ENTITY = "0b7a4a1e-7a55-4c1c-9d1e-2f0f0c6e9a01"


@pytest.fixture
def stored(make_app: Callable[..., Flask]) -> tuple[Flask, str, str]:
    """An app with one artist image and one album cover written where the store puts them."""
    app = make_app()
    root = Path(app.config["ARTWORK_DIR"])
    with app.app_context():
        artist = add_artist(db.session, "A")
        album = add_album(db.session, artist, "X")
        (root / "artists").mkdir(parents=True)
        (root / "albums").mkdir(parents=True)
        (root / "artists" / f"{artist.id}.png").write_bytes(image_bytes("PNG"))
        (root / "albums" / f"{album.id}.webp").write_bytes(image_bytes("WEBP"))
        artist.image_path = f"artists/{artist.id}.png"
        album.cover_path = f"albums/{album.id}.webp"
        db.session.commit()
        return app, artist.id, album.id


def test_images_are_served_with_validators(stored: tuple[Flask, str, str]) -> None:
    app, artist_id, album_id = stored
    client = app.test_client()
    response = client.get(f"/artwork/artists/{artist_id}")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.data == image_bytes("PNG")
    assert response.headers["ETag"]
    assert "max-age" in response.headers["Cache-Control"]
    cover = client.get(f"/artwork/albums/{album_id}")
    assert cover.status_code == 200 and cover.mimetype == "image/webp"


def test_conditional_get_answers_304(stored: tuple[Flask, str, str]) -> None:
    app, artist_id, _ = stored
    client = app.test_client()
    etag = client.get(f"/artwork/artists/{artist_id}").headers["ETag"]
    again = client.get(f"/artwork/artists/{artist_id}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    other = client.get(f"/artwork/artists/{artist_id}", headers={"If-None-Match": '"nope"'})
    assert other.status_code == 200


def test_absent_images_are_404(stored: tuple[Flask, str, str]) -> None:
    app, artist_id, album_id = stored
    client = app.test_client()
    with app.app_context():
        db.session.get(Album, album_id).cover_path = "FAILED|not_found|2026-11-24T10:30:00Z"
        db.session.commit()
    assert client.get(f"/artwork/albums/{album_id}").status_code == 404  # a marker
    assert client.get(f"/artwork/albums/{artist_id}").status_code == 404  # wrong kind
    assert client.get(f"/artwork/artists/{ENTITY}").status_code == 404  # unknown entity
    (Path(app.config["ARTWORK_DIR"]) / "artists" / f"{artist_id}.png").unlink()
    assert client.get(f"/artwork/artists/{artist_id}").status_code == 404  # file gone


@pytest.mark.parametrize(
    "recorded", ["../../soulspot.db", "/etc/passwd", "artists/../../soulspot.db", "artists"]
)
def test_a_recorded_path_cannot_leave_the_artwork_folder(
    stored: tuple[Flask, str, str], recorded: str
) -> None:
    app, artist_id, _ = stored
    with app.app_context():
        db.session.get(Artist, artist_id).image_path = recorded
        db.session.commit()
    assert app.test_client().get(f"/artwork/artists/{artist_id}").status_code == 404


@pytest.mark.parametrize("entity_id", ["..%2F..%2Fsoulspot.db", "..", "%2e%2e"])
def test_ids_cannot_traverse(stored: tuple[Flask, str, str], entity_id: str) -> None:
    app, _, _ = stored
    assert app.test_client().get(f"/artwork/artists/{entity_id}").status_code == 404
