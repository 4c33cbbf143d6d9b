"""The library JSON API: paging, filters, details, field coverage and input validation."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from soulspot.extensions import db
from soulspot.jobs import get_queue
from soulspot.models import Album, Artist, Track
from tests.audio import make_audio
from tests.factories import add_album, add_artist

ARTIST_FIELDS = {
    "id", "name", "sort_name", "musicbrainz_id", "spotify_uri", "deezer_id", "disambiguation",
    "genres", "popularity", "image_url", "image_path", "has_local_files",
    "enrichment_attempted_at", "enrichment_outcome", "link_sources", "created_at", "updated_at",
}  # fmt: skip
ALBUM_FIELDS = {
    "id", "artist_id", "artist_name", "title", "release_year", "album_type", "musicbrainz_id",
    "spotify_uri", "deezer_id", "disambiguation", "cover_url", "cover_path", "has_local_files",
    "link_sources", "created_at", "updated_at",
}  # fmt: skip
TRACK_FIELDS = {
    "id", "album_id", "artist_id", "title", "artist_name", "track_number", "disc_number",
    "duration_ms", "isrc", "musicbrainz_recording_id", "file_path", "file_size", "file_mtime",
    "created_at", "updated_at",
}  # fmt: skip


@pytest.fixture
def catalogue(app):
    """Seven artists; two enriched, one without local files; Blur has three albums."""
    with app.app_context():
        session = db.session
        blur = add_artist(session, "Blur")
        add_album(session, blur, "Parklife", release_year=1994)
        add_album(session, blur, "Leisure", release_year=1991)
        add_album(session, blur, "Blur", release_year=1997, spotify_uri="spotify:album:1bURPV")
        add_artist(session, "The Beatles", sort_name="Beatles, The", albums=("Abbey Road",))
        add_artist(session, "Oasis", spotify_uri="spotify:artist:2DaxqgrO")
        add_artist(session, "Pulp")
        add_artist(session, "Suede")
        add_artist(session, "100%_Pure")
        session.add(Artist(name="Ghost", has_local_files=False))
        session.commit()
        return {artist.name: artist.id for artist in session.query(Artist)}


def test_artists_are_paged_in_sort_name_order(client, catalogue) -> None:
    pages = [
        client.get(f"/api/library/artists?limit=3&offset={offset}").json for offset in (0, 3, 6)
    ]

    names = [artist["name"] for page in pages for artist in page["artists"]]
    assert names == ["100%_Pure", "The Beatles", "Blur", "Ghost", "Oasis", "Pulp", "Suede"]
    assert {page["total"] for page in pages} == {7}
    assert [(page["limit"], page["offset"]) for page in pages] == [(3, 0), (3, 3), (3, 6)]


def test_default_limit_is_fifty(client, catalogue) -> None:
    body = client.get("/api/library/artists").json
    assert (body["limit"], body["offset"], len(body["artists"])) == (50, 0, 7)


@pytest.mark.parametrize(
    ("query", "expected"),
    [("bLu", ["Blur"]), ("the", ["The Beatles"]), ("%", ["100%_Pure"]), ("_", ["100%_Pure"])],
)
def test_q_is_a_literal_case_insensitive_substring(client, catalogue, query, expected) -> None:
    body = client.get("/api/library/artists", query_string={"q": query}).json
    assert [artist["name"] for artist in body["artists"]] == expected
    assert body["total"] == len(expected)


def test_unenriched_artists_have_local_files_and_no_spotify_uri(client, catalogue) -> None:
    body = client.get("/api/library/artists?unenriched=true").json

    names = {artist["name"] for artist in body["artists"]}
    assert names == {"100%_Pure", "The Beatles", "Blur", "Pulp", "Suede"}
    assert body["total"] == 5
    assert client.get("/api/library/artists?unenriched=false").json["total"] == 7


def test_artist_detail_has_every_field_and_its_albums_by_year(client, catalogue) -> None:
    body = client.get(f"/api/library/artists/{catalogue['Blur']}").json

    assert set(body) == ARTIST_FIELDS | {"albums"}
    assert [album["title"] for album in body["albums"]] == ["Leisure", "Parklife", "Blur"]
    assert all(set(album) == ALBUM_FIELDS for album in body["albums"])
    assert {album["artist_name"] for album in body["albums"]} == {"Blur"}
    assert body["spotify_uri"] is None and body["genres"] == []
    created = datetime.fromisoformat(body["created_at"])
    assert created.utcoffset() is not None and created.utcoffset().total_seconds() == 0


def test_albums_filter_by_artist_and_unenriched(client, catalogue) -> None:
    blur = catalogue["Blur"]

    by_artist = client.get(f"/api/library/albums?artist_id={blur}").json
    unenriched = client.get(f"/api/library/albums?artist_id={blur}&unenriched=1").json
    everything = client.get("/api/library/albums?limit=2").json

    assert [a["title"] for a in by_artist["albums"]] == ["Leisure", "Parklife", "Blur"]
    assert by_artist["total"] == 3
    assert [a["title"] for a in unenriched["albums"]] == ["Leisure", "Parklife"]
    assert everything["total"] == 4 and len(everything["albums"]) == 2
    assert [a["title"] for a in everything["albums"]] == ["Abbey Road", "Blur"]


def test_album_detail_lists_tracks_in_disc_and_track_order(app, client) -> None:
    with app.app_context():
        artist = add_artist(db.session, "Pink Floyd")
        album = add_album(db.session, artist, "The Wall", tracks=0)
        for disc, number, title in [(2, 1, "Hey You"), (1, 2, "The Thin Ice"), (1, 1, "In")]:
            db.session.add(
                Track(
                    album_id=album.id,
                    artist_id=artist.id,
                    title=title,
                    disc_number=disc,
                    track_number=number,
                    file_path=f"/m/{title}.flac",
                    file_mtime=0.0,
                )
            )
        db.session.commit()
        album_id = album.id

    body = client.get(f"/api/library/albums/{album_id}").json

    assert set(body) == ALBUM_FIELDS | {"tracks"}
    assert [track["title"] for track in body["tracks"]] == ["In", "The Thin Ice", "Hey You"]
    assert all(set(track) == TRACK_FIELDS for track in body["tracks"])
    assert body["tracks"][0]["file_mtime"] == "1970-01-01T00:00:00+00:00"


def test_scan_endpoint_queues_a_job_whose_result_is_the_summary(make_app, tmp_path: Path) -> None:
    make_audio(tmp_path / "lib" / "a.flac", artist="Blur", album="Parklife", title="Girls")
    (tmp_path / "lib" / "bad.mp3").write_bytes(b"junk" * 50)
    app = make_app(SCHEDULER_ENABLED=True, ENRICHMENT_SCHEDULE="off", ARTWORK_REPAIR_SCHEDULE="off")
    client = app.test_client()

    response = client.post("/api/library/scan", json={"path": str(tmp_path / "lib")})

    assert response.status_code == 202
    assert get_queue(app).wait(response.json["job_id"])
    job = client.get(f"/api/jobs/{response.json['job_id']}").json
    assert (job["type"], job["status"]) == ("LIBRARY_SCAN", "COMPLETED")
    body = job["result"]
    assert (body["files_seen"], body["added"], body["failed"]) == (2, 1, 1)
    assert body["errors"][0]["path"].endswith("bad.mp3")
    artists = client.get("/api/library/artists").json["artists"]
    assert [artist["name"] for artist in artists] == ["Blur"]


def test_scan_without_a_job_runner_is_503(client, tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    response = client.post("/api/library/scan", json={"path": str(tmp_path / "lib")})
    assert response.status_code == 503 and "soulspot serve" in response.json["detail"]


def test_scan_errors_are_json(client, tmp_path: Path) -> None:
    missing = client.post("/api/library/scan", json={"path": str(tmp_path / "nope")})
    a_file = make_audio(tmp_path / "x.mp3")
    not_dir = client.post("/api/library/scan", json={"path": str(a_file)})

    assert missing.status_code == 400 and "does not exist" in missing.json["detail"]
    assert not_dir.status_code == 400 and "not a directory" in not_dir.json["detail"]


BAD_QUERIES = [
    "/api/library/artists?limit=0",
    "/api/library/artists?limit=abc",
    "/api/library/artists?limit=501",
    "/api/library/artists?limit=-5",
    "/api/library/artists?limit=1.5",
    "/api/library/artists?limit=%20",
    "/api/library/artists?offset=-1",
    "/api/library/artists?offset=x",
    "/api/library/artists?offset=99999999999999999999999",
    "/api/library/artists?unenriched=maybe",
    "/api/library/artists/does-not-exist",
    "/api/library/albums?limit=0",
    "/api/library/albums?offset=-1",
    "/api/library/albums?unenriched=2",
    "/api/library/albums?artist_id=does-not-exist",
    "/api/library/albums/does-not-exist",
    "/api/library/albums/%00",
    "/api/library/artists?q=%00",  # PostgreSQL can neither store nor compare a NUL
]


@pytest.mark.parametrize("url", BAD_QUERIES)
def test_bad_queries_are_4xx_json(client, catalogue, url) -> None:
    response = client.get(url)

    assert 400 <= response.status_code < 500, response.data
    assert set(response.json) == {"error", "detail"}


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"data": "{not json", "content_type": "application/json"}, 400),
        ({"json": ["a", "list"]}, 400),
        ({"json": "a string"}, 400),
        ({"json": {}}, 400),
        ({"json": {"path": ""}}, 400),
        ({"json": {"path": 42}}, 400),
        ({"json": {"path": None}}, 400),
        ({"json": {"path": "with\u0000nul"}}, 400),
        ({"json": {"path": "x" * 5000}}, 400),
        ({"data": "", "content_type": "application/json"}, 400),
        ({"data": '{"path": "/tmp"}', "content_type": "text/plain"}, 400),
    ],
)
def test_bad_scan_bodies_are_4xx_json(client, kwargs, status) -> None:
    response = client.post("/api/library/scan", **kwargs)

    assert response.status_code == status, response.data
    assert set(response.json) == {"error", "detail"}


@pytest.mark.parametrize(
    "query",
    ["q=" + "a" * 200, "q=%F0%9F%8E%B8", "q=%27%3B--", "offset=", "q="],
)
def test_odd_but_valid_queries_answer_200(client, catalogue, query) -> None:
    assert client.get(f"/api/library/artists?{query}").status_code == 200
    assert client.get(f"/api/library/albums?{query}").status_code == 200


def test_unenriched_counts_match_the_model_flags(app, client, catalogue) -> None:
    with app.app_context():
        expected = (
            db.session.query(Album)
            .filter(Album.has_local_files.is_(True), Album.spotify_uri.is_(None))
            .count()
        )
    assert client.get("/api/library/albums?unenriched=true").json["total"] == expected == 3
