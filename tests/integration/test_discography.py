"""POST /api/enrichment/auto-fetch-discography and the DISCOGRAPHY_FETCH job, on the fake."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from soulspot.extensions import db
from soulspot.jobs import get_queue
from soulspot.jobs.queue import run_job, submit_job
from soulspot.jobs.runners import build_runners
from soulspot.models import Album, Artist, Job, JobStatus, JobType, Track
from soulspot.models.base import utcnow
from soulspot.services.discography import fetch_discography
from soulspot.services.enrichment import EnrichmentSettings
from soulspot.services.scanning import scan_library
from soulspot.wiring import providers
from tests.audio import make_audio
from tests.factories import add_album, add_artist
from tests.fakes.catalog import FakeAlbum, FakeArtist
from tests.fakes.server import FakeProviders

AppFactory = Callable[..., Flask]
URL = "/api/enrichment/auto-fetch-discography"
FRAGMENT = re.compile(
    r'^<div id="auto-fetch-result" data-albums="(\d+)" data-tracks="(\d+)" hidden></div>$'
)


@pytest.fixture
def discography_app(make_app: AppFactory, fake_providers: FakeProviders) -> AppFactory:
    def factory(**overrides: Any) -> Flask:
        return make_app(**fake_providers.config(**overrides))

    return factory


def _twelve_albums(fake: FakeProviders) -> tuple[FakeArtist, list[FakeAlbum]]:
    artist = fake.catalog.add_artist("Sleater-Kinney", fans=300_000)
    titles = [
        "Call the Doctor",
        "Dig Me Out",
        "The Hot Rock",
        "All Hands on the Bad One",
        "One Beat",
        "The Woods",
        "No Cities to Love",
        "The Center Won't Hold",
        "Path of Wellness",
        "Little Rope",
        "Sleater-Kinney",
        "Live in Paris",
    ]
    albums = [
        fake.catalog.add_album(artist, title, year=1995 + index * 2, tracks=8 + index)
        for index, title in enumerate(titles)
    ]
    return artist, albums


def _local_artist(app: Flask, name: str, albums: list[tuple[str, int, int]], **fields: Any) -> str:
    with app.app_context():
        artist = add_artist(db.session, name, **fields)
        for title, year, tracks in albums:
            add_album(db.session, artist, title, tracks=tracks, release_year=year)
        db.session.commit()
        return artist.id


def _post(app: Flask, query: str, **headers: str) -> Any:
    return app.test_client().post(f"{URL}?{query}", headers=headers)


def _counts(response: Any) -> tuple[int, int]:
    match = FRAGMENT.match(response.get_data(as_text=True))
    assert match, response.get_data(as_text=True)
    return int(match[1]), int(match[2])


def _albums(app: Flask, artist_id: str) -> dict[str, dict[str, Any]]:
    """title -> what the album is: local or not, its links and its tracks."""
    with app.app_context():
        found = {}
        for album in db.session.scalars(select(Album).where(Album.artist_id == artist_id)):
            tracks = sorted(album.tracks, key=lambda t: (t.disc_number or 1, t.track_number or 0))
            found[album.title] = {
                "local": album.has_local_files,
                "year": album.release_year,
                "deezer_id": album.deezer_id,
                "spotify_uri": album.spotify_uri,
                "files": sum(track.file_path is not None for track in tracks),
                "tracks": [(t.track_number, t.title, t.deezer_id or t.spotify_uri) for t in tracks],
                "source": (album.link_sources or {}),
            }
        return found


def test_twelve_albums_four_local_give_twelve_albums_and_a_second_call_adds_none(
    discography_app: AppFactory, fake_providers: FakeProviders
) -> None:
    remote, albums = _twelve_albums(fake_providers)
    app = discography_app()
    local = [(a.title, a.year, len(a.tracks)) for a in albums[:4]]
    artist_id = _local_artist(app, remote.name, local, deezer_id=str(remote.deezer_id))
    with app.app_context():
        unenriched_before = app.test_client().get("/api/enrichment/status").json

    first = _post(app, f"artist_id={artist_id}&include_tracks=true")

    provider_only = albums[4:]
    assert first.status_code == 200
    assert _counts(first) == (8, sum(len(a.tracks) for a in provider_only))
    stored = _albums(app, artist_id)
    assert len(stored) == 12
    for album in albums[:4]:  # the local ones are linked, their tracks untouched
        row = stored[album.title]
        assert row["local"] and row["deezer_id"] == str(album.deezer_id)
        assert row["files"] == len(row["tracks"]) == len(album.tracks)
        assert row["source"]["deezer"]["source"] == "discography"
    for album in provider_only:
        row = stored[album.title]
        assert not row["local"] and row["files"] == 0
        assert (row["deezer_id"], row["year"]) == (str(album.deezer_id), album.year)
        assert row["tracks"] == [(t.number, t.title, str(t.deezer_id)) for t in album.tracks]
        assert row["source"]["deezer"]["source"] == "discography"
    # One page of albums and one of tracks per album stored: no album lookups.
    assert fake_providers.count("deezer") == 1 + len(provider_only)
    assert fake_providers.count("spotify") == 0
    # NOTES 2: albums and tracks known only from a provider never count as unenriched.
    status = app.test_client().get("/api/enrichment/status").json
    assert status["albums_unenriched"] == unenriched_before["albums_unenriched"] == 4

    second = _post(app, f"artist_id={artist_id}")
    assert (second.status_code, second.get_data(as_text=True)) == (200, "")
    assert _albums(app, artist_id) == stored


def test_the_library_api_filters_albums_by_local_files(
    discography_app: AppFactory, fake_providers: FakeProviders
) -> None:
    remote, albums = _twelve_albums(fake_providers)
    app = discography_app()
    local = [(a.title, a.year, 1) for a in albums[:4]]
    artist_id = _local_artist(app, remote.name, local, deezer_id=str(remote.deezer_id))
    _post(app, f"artist_id={artist_id}")
    client = app.test_client()

    def titles(query: str) -> set[str]:
        body = client.get(f"/api/library/albums?limit=50&{query}").json
        return {album["title"] for album in body["albums"]}

    assert titles("has_local_files=true") == {a.title for a in albums[:4]}
    assert titles("has_local_files=false") == {a.title for a in albums[4:]}
    assert len(titles("")) == 12
    assert client.get("/api/library/albums?has_local_files=maybe").status_code == 400


def test_an_unlinked_artist_is_fetched_only_after_a_confident_match(
    discography_app: AppFactory, fake_providers: FakeProviders
) -> None:
    remote, albums = _twelve_albums(fake_providers)
    fake_providers.catalog.add_artist("Unknown Namesakes")
    app = discography_app(SPOTIFY_ENABLED=False)
    local = [(a.title, a.year, len(a.tracks)) for a in albums[:3]]
    matched = _local_artist(app, remote.name, local)
    unmatched = _local_artist(app, "Unknown Namesakes", [("Nothing Alike", 2001, 5)])

    assert _counts(_post(app, f"artist_id={matched}&include_tracks=false")) == (9, 0)
    with app.app_context():
        artist = db.session.get(Artist, matched)
        assert artist.deezer_id == str(remote.deezer_id)
        assert artist.link_sources["deezer"]["source"] == "discography"
    assert all(not row["tracks"] for row in _albums(app, matched).values() if not row["local"])

    fake_providers.requests.clear()
    response = _post(app, f"artist_id={unmatched}")
    assert (response.status_code, response.get_data(as_text=True)) == (200, "")
    assert len(_albums(app, unmatched)) == 1
    with app.app_context():
        assert db.session.get(Artist, unmatched).deezer_id is None
    assert fake_providers.count("deezer", path_contains="/albums") <= 3  # namesakes only

    # Fetched before without tracks: a later call with tracks completes those albums.
    again = _post(app, f"artist_id={matched}&include_tracks=true")
    assert _counts(again) == (0, sum(len(a.tracks) for a in albums[3:]))


@pytest.mark.parametrize(
    "local_title, deezer_title",
    [("Nevermind (Remastered)", "Nevermind"), ("Nevermind", "Nevermind (Remastered)")],
)
def test_an_edition_joins_the_local_album_it_is(
    discography_app: AppFactory, fake_providers: FakeProviders, local_title, deezer_title
) -> None:
    nirvana = fake_providers.catalog.add_artist("Nirvana")
    nevermind = fake_providers.catalog.add_album(nirvana, deezer_title, year=1991, tracks=13)
    fake_providers.catalog.add_album(nirvana, "In Utero", year=1993, tracks=12)
    app = discography_app()
    artist_id = _local_artist(
        app, "Nirvana", [(local_title, 1991, 13)], deezer_id=str(nirvana.deezer_id)
    )

    assert _counts(_post(app, f"artist_id={artist_id}")) == (1, 12)

    stored = _albums(app, artist_id)
    assert set(stored) == {local_title, "In Utero"}
    assert stored[local_title]["deezer_id"] == str(nevermind.deezer_id)
    assert stored[local_title]["files"] == 13 == len(stored[local_title]["tracks"])


def test_other_editions_and_years_of_one_title(
    discography_app: AppFactory, fake_providers: FakeProviders
) -> None:
    weezer = fake_providers.catalog.add_artist("Weezer")
    blue = fake_providers.catalog.add_album(weezer, "Weezer", year=1994, tracks=10)
    fake_providers.catalog.add_album(weezer, "Weezer (Deluxe Edition)", year=1994, tracks=35)
    green = fake_providers.catalog.add_album(weezer, "Weezer", year=2001, tracks=10)
    red = fake_providers.catalog.add_album(weezer, "Weezer", year=2008, tracks=10)
    app = discography_app()
    artist_id = _local_artist(
        app, "Weezer", [("Weezer", 1994, 10)], deezer_id=str(weezer.deezer_id)
    )

    assert _counts(_post(app, f"artist_id={artist_id}"))[0] == 2
    assert _post(app, f"artist_id={artist_id}").get_data(as_text=True) == ""

    with app.app_context():
        rows = db.session.execute(
            select(Album.release_year, Album.deezer_id, Album.has_local_files)
            .where(Album.artist_id == artist_id)
            .order_by(Album.release_year)
        ).all()
    # The deluxe edition of the local 1994 album joins it; other years are other albums.
    assert [tuple(row) for row in rows] == [
        (1994, str(blue.deezer_id), True),
        (2001, str(green.deezer_id), False),
        (2008, str(red.deezer_id), False),
    ]


def test_concurrent_fetches_of_one_artist_store_nothing_twice(
    discography_app: AppFactory, fake_providers: FakeProviders
) -> None:
    remote, albums = _twelve_albums(fake_providers)
    fake_providers.faults.add("deezer", "slow", delay=0.01)  # so the two fetches interleave
    app = discography_app()
    local = [(a.title, a.year, len(a.tracks)) for a in albums[:4]]
    artist_id = _local_artist(app, remote.name, local, deezer_id=str(remote.deezer_id))
    start = threading.Barrier(2)
    results: list[Any] = []

    def fetch() -> None:
        with app.app_context():
            clients = providers(app)
            start.wait()
            results.append(
                fetch_discography(
                    db.session,
                    artist_id,
                    deezer=clients.deezer,
                    spotify=clients.spotify,
                    settings=EnrichmentSettings.from_config(app.config),
                )
            )
            db.session.remove()

    threads = [threading.Thread(target=fetch) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert len(results) == 2
    assert sum(result.albums_added for result in results) == 8
    assert len(_albums(app, artist_id)) == 12
    with app.app_context():
        per_album = db.session.execute(
            select(Track.album_id, Track.deezer_id, func.count())
            .where(Track.deezer_id.is_not(None))
            .group_by(Track.album_id, Track.deezer_id)
            .having(func.count() > 1)
        ).all()
        stored_tracks = db.session.scalar(
            select(func.count()).select_from(Track).where(Track.file_path.is_(None))
        )
    assert per_album == []
    assert stored_tracks == sum(len(a.tracks) for a in albums[4:])


def test_a_failure_mid_fetch_leaves_whole_albums_only_and_a_retry_completes(
    discography_app: AppFactory, fake_providers: FakeProviders
) -> None:
    remote, albums = _twelve_albums(fake_providers)
    broken = albums[7]
    fake_providers.faults.add("deezer", "500", path_contains=f"/album/{broken.deezer_id}/tracks")
    app = discography_app(SPOTIFY_ENABLED=False)
    local = [(a.title, a.year, len(a.tracks)) for a in albums[:4]]
    artist_id = _local_artist(app, remote.name, local, deezer_id=str(remote.deezer_id))

    first = _post(app, f"artist_id={artist_id}")

    assert first.status_code == 200  # logged, never shown
    stored = _albums(app, artist_id)
    assert broken.title not in stored
    for album in albums:
        if album.title in stored:
            assert len(stored[album.title]["tracks"]) == len(album.tracks)
    assert fake_providers.count("deezer", path_contains=f"/album/{broken.deezer_id}") == 1

    fake_providers.faults.clear()
    second = _post(app, f"artist_id={artist_id}")
    assert _counts(second)[0] == 12 - len(stored)
    stored = _albums(app, artist_id)
    assert len(stored) == 12
    assert stored[broken.title]["tracks"] == [
        (t.number, t.title, str(t.deezer_id)) for t in broken.tracks
    ]


def test_a_long_track_list_is_read_to_its_last_page(
    discography_app: AppFactory, fake_providers: FakeProviders
) -> None:
    artist = fake_providers.catalog.add_artist("The Fall")
    box = fake_providers.catalog.add_album(artist, "The Complete Peel Sessions", tracks=130)
    app = discography_app()
    artist_id = _local_artist(app, "The Fall", [], deezer_id=str(artist.deezer_id))

    assert _counts(_post(app, f"artist_id={artist_id}")) == (1, 130)
    assert fake_providers.count("deezer", path_contains=f"/album/{box.deezer_id}/tracks") == 2


def test_spotify_is_the_fallback_when_deezer_fails(
    discography_app: AppFactory, fake_providers: FakeProviders
) -> None:
    remote, albums = _twelve_albums(fake_providers)
    fake_providers.faults.add("deezer", "503", path_contains="/albums")
    app = discography_app()
    local = [(a.title, a.year, len(a.tracks)) for a in albums[:4]]
    artist_id = _local_artist(
        app, remote.name, local, deezer_id=str(remote.deezer_id), spotify_uri=None
    )

    response = _post(app, f"artist_id={artist_id}")

    assert _counts(response) == (8, sum(len(a.tracks) for a in albums[4:]))
    stored = _albums(app, artist_id)
    assert len(stored) == 12
    with app.app_context():
        artist = db.session.get(Artist, artist_id)
        assert artist.spotify_uri == f"spotify:artist:{remote.spotify_id}"
    for album in albums[4:]:
        row = stored[album.title]
        assert row["spotify_uri"] == f"spotify:album:{album.spotify_id}"
        assert row["deezer_id"] is None and not row["local"]
        assert [uri for _, _, uri in row["tracks"]] == [
            f"spotify:track:{t.spotify_id}" for t in album.tracks
        ]
    for album in albums[:4]:
        assert stored[album.title]["spotify_uri"] == f"spotify:album:{album.spotify_id}"
    # A request never waits on retries: one attempt at Deezer's album list.
    assert fake_providers.count("deezer", path_contains="/albums") == 1

    fake_providers.faults.clear()  # Deezer back: its entries join what Spotify stored
    again = _post(app, f"artist_id={artist_id}")
    assert (again.status_code, again.get_data(as_text=True)) == (200, "")
    stored = _albums(app, artist_id)
    assert len(stored) == 12
    assert all(row["deezer_id"] for row in stored.values())


def test_spotify_is_the_fallback_when_deezer_has_no_confident_match(
    discography_app: AppFactory, fake_providers: FakeProviders
) -> None:
    remote = fake_providers.catalog.add_artist("Bratmobile", providers=("spotify",))
    albums = [
        fake_providers.catalog.add_album(remote, title, year=year, tracks=11)
        for title, year in [("Pottymouth", 1993), ("Ladies, Women and Girls", 2000)]
    ]
    app = discography_app()
    artist_id = _local_artist(app, "Bratmobile", [("Pottymouth", 1993, 11)])

    assert _counts(_post(app, f"artist_id={artist_id}")) == (1, 11)

    with app.app_context():
        artist = db.session.get(Artist, artist_id)
        assert (artist.deezer_id, artist.spotify_uri) == (
            None,
            f"spotify:artist:{remote.spotify_id}",
        )
        assert artist.link_sources["spotify"]["source"] == "discography"
    stored = _albums(app, artist_id)
    assert stored["Pottymouth"]["spotify_uri"] == f"spotify:album:{albums[0].spotify_id}"
    assert (
        stored["Ladies, Women and Girls"]["spotify_uri"] == f"spotify:album:{albums[1].spotify_id}"
    )


def test_without_a_deezer_match_and_without_spotify_nothing_happens(
    discography_app: AppFactory, fake_providers: FakeProviders
) -> None:
    remote, albums = _twelve_albums(fake_providers)
    app = discography_app(SPOTIFY_CLIENT_ID=None, DEEZER_ENABLED=False)
    artist_id = _local_artist(app, remote.name, [(albums[0].title, albums[0].year, 8)])

    response = _post(app, f"artist_id={artist_id}")

    assert (response.status_code, response.get_data(as_text=True)) == (200, "")
    assert fake_providers.requests == []


@pytest.mark.parametrize(
    "query, status, code",
    [
        ("", 400, "invalid_parameter"),
        ("artist_id=", 400, "invalid_parameter"),
        ("artist_id=nope", 404, "not_found"),
        ("artist_id=ARTIST&include_tracks=maybe", 400, "invalid_parameter"),
    ],
)
def test_bad_input_is_a_json_error_or_a_fragment(
    discography_app: AppFactory, fake_providers: FakeProviders, query, status, code
) -> None:
    app = discography_app()
    artist_id = _local_artist(app, "Low", [])
    query = query.replace("ARTIST", artist_id)

    response = _post(app, query)
    assert response.status_code == status
    assert response.get_json()["error"] == code

    htmx = _post(app, query, **{"HX-Request": "true"})
    assert htmx.status_code == status
    assert f'data-error="{code}"' in htmx.get_data(as_text=True)
    assert fake_providers.requests == []


def test_the_error_fragment_escapes_what_it_repeats(discography_app: AppFactory) -> None:
    app = discography_app()
    response = _post(app, "artist_id=<script>alert(1)</script>", **{"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "<script>" not in body and "&lt;script&gt;" in body


# --- the DISCOGRAPHY_FETCH job -------------------------------------------------------------


def test_the_job_fetches_every_listed_artist_and_reports(
    discography_app: AppFactory, fake_providers: FakeProviders
) -> None:
    remote, albums = _twelve_albums(fake_providers)
    other = fake_providers.catalog.add_artist("Bikini Kill")
    fake_providers.catalog.add_album(other, "Pussy Whipped", year=1993, tracks=12)
    app = discography_app(SPOTIFY_ENABLED=False)
    first = _local_artist(app, remote.name, [], deezer_id=str(remote.deezer_id))
    second = _local_artist(app, "Bikini Kill", [], deezer_id=str(other.deezer_id))
    _local_artist(app, "Not Asked", [], deezer_id="999999")

    with app.app_context():
        job_id = submit_job(
            db.session, JobType.DISCOGRAPHY_FETCH, {"artist_ids": [first, second]}
        ).job_id
        run_job(db.session, app, job_id, build_runners()[JobType.DISCOGRAPHY_FETCH])
        job = db.session.get(Job, job_id)
        assert job.status == JobStatus.COMPLETED, job.error
        result = job.result
    assert (result["artists_processed"], result["albums_added"]) == (2, 13)
    assert result["tracks_added"] == sum(len(a.tracks) for a in albums) + 12
    assert (result["deezer"], result["spotify"]) == ("ok", "disabled")
    assert result["requests"]["deezer"] == 2 + 13 == fake_providers.count("deezer")
    assert job.processed == job.total == 2


def test_without_ids_the_job_takes_linked_artists_with_local_files(
    discography_app: AppFactory, fake_providers: FakeProviders
) -> None:
    remote, albums = _twelve_albums(fake_providers)
    app = discography_app(SPOTIFY_ENABLED=False)
    linked = _local_artist(app, remote.name, [], deezer_id=str(remote.deezer_id))
    _local_artist(app, "Never Linked", [("Some Album", 2000, 3)])

    with app.app_context():
        job_id = submit_job(db.session, JobType.DISCOGRAPHY_FETCH, {}).job_id
        run_job(db.session, app, job_id, build_runners()[JobType.DISCOGRAPHY_FETCH])
        result = db.session.get(Job, job_id).result
    assert (result["artists_total"], result["albums_added"]) == (1, 12)
    assert len(_albums(app, linked)) == 12
    assert fake_providers.count("deezer", path_contains="/search") == 0


def test_the_job_waits_out_a_rate_limit_and_records_a_failure(
    discography_app: AppFactory, fake_providers: FakeProviders
) -> None:
    remote, albums = _twelve_albums(fake_providers)
    gone = fake_providers.catalog.add_artist("Gone")
    tracks_of = f"/album/{albums[5].deezer_id}/tracks"
    fake_providers.faults.add("deezer", "429", times=1, retry_after=0.01, path_contains=tracks_of)
    fake_providers.faults.add("deezer", "500", path_contains=f"/artist/{gone.deezer_id}/")
    app = discography_app(SPOTIFY_ENABLED=False)
    ok = _local_artist(app, remote.name, [], deezer_id=str(remote.deezer_id))
    failing = _local_artist(app, "Gone", [], deezer_id=str(gone.deezer_id))

    with app.app_context():
        job_id = submit_job(
            db.session, JobType.DISCOGRAPHY_FETCH, {"artist_ids": [failing, ok]}
        ).job_id
        run_job(db.session, app, job_id, build_runners()[JobType.DISCOGRAPHY_FETCH])
        job = db.session.get(Job, job_id)
    assert job.status == JobStatus.COMPLETED
    assert job.result["albums_added"] == 12  # the job's retries waited the 429 out
    assert fake_providers.count("deezer", path_contains=tracks_of) == 2
    assert [error["artist_id"] for error in job.result["errors"]] == [failing]
    assert job.result["artists_without_discography"] == 1


def test_a_cancelled_discography_job_stops_before_the_next_artist(
    discography_app: AppFactory, fake_providers: FakeProviders
) -> None:
    remote, _ = _twelve_albums(fake_providers)
    app = discography_app()
    artist_id = _local_artist(app, remote.name, [], deezer_id=str(remote.deezer_id))
    with app.app_context():
        job_id = submit_job(
            db.session, JobType.DISCOGRAPHY_FETCH, {"artist_ids": [artist_id]}
        ).job_id
        db.session.get(Job, job_id).cancel_requested_at = utcnow()
        db.session.commit()
        run_job(db.session, app, job_id, build_runners()[JobType.DISCOGRAPHY_FETCH])
        db.session.expire_all()
        job = db.session.get(Job, job_id)
    assert job.status == JobStatus.CANCELLED
    assert job.result["cancelled"] is True and job.result["artists_processed"] == 0
    assert fake_providers.requests == []


def test_the_job_endpoint_queues_one_job_and_checks_its_input(
    discography_app: AppFactory, fake_providers: FakeProviders
) -> None:
    remote, _ = _twelve_albums(fake_providers)
    app = discography_app(
        SCHEDULER_ENABLED=True, ENRICHMENT_SCHEDULE="off", ARTWORK_REPAIR_SCHEDULE="off"
    )
    artist_id = _local_artist(app, remote.name, [], deezer_id=str(remote.deezer_id))
    client = app.test_client()
    job_url = f"{URL}/job"

    for body, status in [
        ({"artist_ids": "x"}, 400),
        ({"artist_ids": []}, 400),
        ({"artist_ids": [artist_id], "include_tracks": "yes"}, 400),
        ({"artist_ids": [artist_id, "nope"]}, 404),
    ]:
        assert client.post(job_url, json=body).status_code == status, body
    response = client.post(job_url, json={"artist_ids": [artist_id, artist_id]})

    assert response.status_code == 200 and response.json["created"] is True
    assert get_queue(app).wait(response.json["job_id"])
    job = client.get(f"/api/jobs/{response.json['job_id']}").json
    assert job["type"] == "DISCOGRAPHY_FETCH" and job["status"] == "COMPLETED"
    assert job["payload"]["artist_ids"] == [artist_id]
    assert job["result"]["albums_added"] == 12


def test_the_job_endpoint_without_a_job_runner_is_a_503(discography_app: AppFactory) -> None:
    response = discography_app().test_client().post(f"{URL}/job")
    assert response.status_code == 503


# --- scans and fetches in either order --------------------------------------------------------

SONGS = ["Smells Like Teen Spirit", "In Bloom", "Come as You Are"]


def _write_album(folder: Path, album: str, year: str, titles: list[str]) -> None:
    for number, title in enumerate(titles, 1):
        make_audio(
            folder / f"{number:02d}.mp3",
            artist="Nirvana",
            album=album,
            title=title,
            date=year,
            track=str(number),
        )


def _scan_then_link(app: Flask, root: Path, deezer_id: int) -> str:
    with app.app_context():
        scan_library(db.session, root)
        artist = db.session.scalars(select(Artist).where(Artist.name == "Nirvana")).one()
        artist.deezer_id = str(deezer_id)
        db.session.commit()
        return artist.id


@pytest.mark.parametrize("fetch_first", [True, False], ids=["fetch-then-scan", "scan-then-fetch"])
def test_a_scan_and_a_fetch_end_alike_in_either_order(
    make_app: AppFactory, fake_providers: FakeProviders, tmp_path: Path, fetch_first: bool
) -> None:
    nirvana = fake_providers.catalog.add_artist("Nirvana")
    fake_providers.catalog.add_album(nirvana, "Bleach", year=1989, tracks=["About a Girl"])
    nevermind = fake_providers.catalog.add_album(nirvana, "Nevermind", year=1991, tracks=SONGS)
    fake_providers.catalog.add_album(nirvana, "In Utero", year=1993, tracks=2)
    app = make_app(**fake_providers.config(SPOTIFY_ENABLED=False))
    _write_album(tmp_path / "music" / "Bleach", "Bleach", "1989", ["About a Girl"])
    artist_id = _scan_then_link(app, tmp_path / "music", nirvana.deezer_id)
    remaster = tmp_path / "music" / "Nevermind (Remastered)"

    if fetch_first:
        _post(app, f"artist_id={artist_id}")
        _write_album(remaster, "Nevermind (Remastered)", "1991", SONGS[:2])
        with app.app_context():
            summary = scan_library(db.session, tmp_path / "music")
        assert (summary.added, summary.albums_added) == (2, 0)
    else:
        _write_album(remaster, "Nevermind (Remastered)", "1991", SONGS[:2])
        with app.app_context():
            scan_library(db.session, tmp_path / "music")
        _post(app, f"artist_id={artist_id}")

    with app.app_context():
        state = {
            (a.title, a.release_year, a.deezer_id, a.has_local_files)
            for a in db.session.scalars(select(Album))
        }
    assert state == {
        ("Bleach", 1989, str(nirvana.albums[0].deezer_id), True),
        ("Nevermind (Remastered)", 1991, str(nevermind.deezer_id), True),
        ("In Utero", 1993, str(nirvana.albums[2].deezer_id), False),
    }
    with app.app_context():
        remastered = db.session.scalars(
            select(Album).where(Album.title == "Nevermind (Remastered)")
        ).one()
        files = sorted(t.title for t in remastered.tracks if t.file_path)
        left = [t.title for t in remastered.tracks if not t.file_path]
    assert files == sorted(SONGS[:2])
    assert left == (["Come as You Are"] if fetch_first else [])  # a track the owner lacks


def test_a_link_the_owner_undid_is_not_made_again_nor_stored_beside_it(
    discography_app: AppFactory, fake_providers: FakeProviders
) -> None:
    remote, albums = _twelve_albums(fake_providers)
    app = discography_app()
    local = [(a.title, a.year, len(a.tracks)) for a in albums[:2]]
    artist_id = _local_artist(app, remote.name, local, deezer_id=str(remote.deezer_id))
    with app.app_context():
        undone = db.session.scalars(select(Album).where(Album.title == albums[0].title)).one()
        undone.deezer_id = str(albums[0].deezer_id)
        db.session.commit()
        album_id = undone.id
    unlink = app.test_client().post(
        "/api/enrichment/unlink",
        json={"entity_type": "album", "entity_id": album_id, "provider": "deezer"},
    )
    assert unlink.status_code == 200

    assert _counts(_post(app, f"artist_id={artist_id}"))[0] == 10

    stored = _albums(app, artist_id)
    assert len(stored) == 12
    assert stored[albums[0].title]["deezer_id"] is None
    assert stored[albums[1].title]["deezer_id"] == str(albums[1].deezer_id)
