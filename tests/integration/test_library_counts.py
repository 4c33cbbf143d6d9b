"""The counts the database's triggers keep equal a count of the rows, whoever wrote them.

Runs on SQLite and, in the PostgreSQL pass, on PostgreSQL, whose statement triggers append
rows of deltas that a reader folds.
"""

from __future__ import annotations

import random

from flask import Flask
from sqlalchemy import delete, func, insert, select, update

from soulspot.extensions import db
from soulspot.models import Album, Artist, LibraryCounts, ProviderKind, Track
from soulspot.models.base import new_id
from soulspot.services import status
from tests.factories import add_album, add_artist, spotify_uri


def _counted(session) -> dict[str, int]:
    """The counts, by reading every row in Python: the oracle."""
    expected: dict[str, int] = {}
    for prefix, model, image in (
        ("artists", Artist, "image_path"),
        ("albums", Album, "cover_path"),
    ):
        rows = session.scalars(select(model)).all()
        local = [row for row in rows if row.has_local_files]
        expected[f"{prefix}_local"] = len(local)
        for provider in ProviderKind:
            linked = [row for row in local if getattr(row, provider.link_attribute)]
            expected[f"{prefix}_local_{provider.value}"] = len(linked)
        paths = [getattr(row, image) for row in local]
        expected[f"{prefix}_images_cached"] = sum(
            1 for path in paths if path and not path.startswith("FAILED")
        )
        expected[f"{prefix}_images_failed"] = sum(
            1 for path in paths if path and path.startswith("FAILED")
        )
        expected[f"{prefix}_spotify"] = sum(1 for row in rows if row.spotify_uri)
        expected[f"{prefix}_deezer"] = sum(1 for row in rows if row.deezer_id)
    tracks = session.scalars(select(Track)).all()
    expected["tracks_local"] = sum(1 for track in tracks if track.file_path)
    return expected


def _check(app: Flask) -> None:
    with app.app_context():
        kept = status.kept_counts(db.session)
        assert kept == _counted(db.session)
        cover = status.coverage(db.session)
        assert (cover.artists, cover.albums) == (kept["artists_local"], kept["albums_local"])
        assert status.library_counts(db.session)["tracks"] == kept["tracks_local"]
        db.session.rollback()


def test_every_kind_of_write_keeps_the_counts(app: Flask) -> None:
    _check(app)  # an empty library counts zero
    with app.app_context():
        blur = add_artist(db.session, "Blur", albums=("Parklife", "13"))
        pulp = add_artist(db.session, "Pulp", albums=("Different Class",))
        add_album(
            db.session, pulp, "Only on Spotify", tracks=0, spotify_uri=spotify_uri("album", 1)
        )
        db.session.commit()
        blur_id, pulp_id = blur.id, pulp.id
    _check(app)

    with app.app_context():  # links, pictures and markers, through the ORM
        blur = db.session.get(Artist, blur_id)
        blur.spotify_uri = spotify_uri("artist", 1)
        blur.deezer_id = "86"
        blur.musicbrainz_id = "ba853904-ae25-4ebb-89d6-c44cfbd71bd2"
        blur.image_path = "artists/blur.jpg"
        pulp = db.session.get(Artist, pulp_id)
        pulp.image_path = "FAILED|http_404|2026-12-02T00:00:00Z"
        for album in blur.albums:
            album.cover_path = "albums/x.jpg"
            album.deezer_id = f"d{album.title}"
        db.session.commit()
    _check(app)

    with app.app_context():  # bulk statements, as the scanner and the benches write
        db.session.execute(update(Album).where(Album.artist_id == blur_id).values(cover_path=None))
        db.session.execute(
            update(Track)
            .where(Track.album_id.in_(select(Album.id).where(Album.title == "13")))
            .values(file_path=None)
        )
        album_id = new_id()
        db.session.execute(
            insert(Album),
            [
                {
                    "id": album_id,
                    "artist_id": pulp_id,
                    "title": "His 'n' Hers",
                    "has_local_files": True,
                }
            ],
        )
        db.session.execute(
            insert(Track),
            [
                {
                    "id": new_id(),
                    "album_id": album_id,
                    "artist_id": pulp_id,
                    "title": f"Track {n}",
                    "file_path": f"/music/pulp/{n}.flac",
                }
                for n in range(5)
            ],
        )
        db.session.execute(update(Artist).values(has_local_files=False))
        db.session.commit()
    _check(app)

    with app.app_context():  # deletes, with the albums and tracks they cascade to
        db.session.delete(db.session.get(Artist, blur_id))
        db.session.flush()
        db.session.execute(delete(Artist).where(Artist.id == pulp_id))
        db.session.commit()
    _check(app)


def test_a_rolled_back_write_counts_nothing(app: Flask) -> None:
    with app.app_context():
        add_artist(db.session, "Kept", albums=("One",))
        db.session.commit()
        add_artist(db.session, "Gone", albums=("Two", "Three"))
        db.session.flush()
        db.session.rollback()
    _check(app)


def test_many_small_writes_fold_into_the_same_counts(app: Flask) -> None:
    """Hundreds of one-row statements: PostgreSQL appends a row of deltas each, and a reader
    folds them (status.FOLD_AT) without changing a count."""
    rng = random.Random(7)
    with app.app_context():
        artists = [add_artist(db.session, f"Artist {n}", albums=("A",)) for n in range(20)]
        db.session.commit()
        ids = [artist.id for artist in artists]
        for step in range(status.FOLD_AT + 50):
            artist_id = rng.choice(ids)
            values = rng.choice(
                [
                    {"spotify_uri": spotify_uri("artist", step)},
                    {"spotify_uri": None},
                    {"image_path": rng.choice([None, "artists/a.jpg", "FAILED|x|y"])},
                    {"deezer_id": rng.choice([None, str(step)])},
                ]
            )
            # Toggling has_local_files changes a count every time: one row of deltas each.
            toggled = {"has_local_files": ~Artist.has_local_files, **values}
            db.session.execute(update(Artist).where(Artist.id == artist_id).values(**toggled))
            db.session.commit()
    _check(app)  # this read folds
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LibraryCounts)) == 1
    _check(app)


def test_a_database_without_the_triggers_counts_the_same_per_request(
    app: Flask, monkeypatch
) -> None:
    """Other databases (no triggers) count the rows on each request: the same figures."""
    with app.app_context():
        blur = add_artist(db.session, "Blur", albums=("Parklife", "13"))
        blur.spotify_uri = spotify_uri("artist", 1)
        blur.image_path = "artists/blur.jpg"
        add_artist(db.session, "Pulp", albums=("Different Class",)).image_path = "FAILED|x|y"
        db.session.commit()

        def figures() -> tuple:
            return (
                status.status_counts(db.session),
                status.coverage(db.session),
                status.library_counts(db.session),
            )

        kept = figures()
        monkeypatch.setattr(status, "KEPT_COUNTS_DIALECTS", frozenset())
        assert status.kept_counts(db.session) is None
        assert figures() == kept
        assert kept[0]["artists_unenriched"] == 1 and kept[2]["tracks"] == 3
