"""The enrichment job against the fake provider server over real HTTP."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from soulspot.extensions import db
from soulspot.jobs import get_queue
from soulspot.models import Album, Artist, Candidate, CandidateStatus, Job
from soulspot.models.base import utcnow
from soulspot.services.enrichment import EnrichmentSettings, run_enrichment
from soulspot.wiring import providers
from tests.factories import add_album, add_artist
from tests.support.enrichment import enrich_once

UK_ALBUMS = [
    ("The Story of Simon Simopath", 1967),
    ("All of Us", 1968),
    ("To Markos III", 1969),
    ("Local Anaesthetic", 1971),
    ("Songs of Love and Praise", 1972),
]
GRUNGE_ALBUMS = [
    ("Bleach", 1989),
    ("Nevermind", 1991),
    ("Incesticide", 1992),
    ("In Utero", 1993),
    ("MTV Unplugged in New York", 1994),
]


@pytest.fixture
def catalog(fake_providers):
    """Both Nirvanas on every provider: the famous one far more popular."""
    grunge = fake_providers.catalog.add_artist(
        "Nirvana", genres=("grunge",), popularity=80, fans=4_000_000
    )
    for title, year in GRUNGE_ALBUMS:
        fake_providers.catalog.add_album(grunge, title, year=year, tracks=12)
    uk = fake_providers.catalog.add_artist(
        "Nirvana", genres=("psychedelic rock",), popularity=20, fans=9_000
    )
    for title, year in UK_ALBUMS:
        fake_providers.catalog.add_album(uk, title, year=year, tracks=10)
    blur = fake_providers.catalog.add_artist("Blur", genres=("britpop",), popularity=60)
    for title, year in [("Parklife", 1994), ("The Great Escape", 1995), ("Blur", 1997)]:
        fake_providers.catalog.add_album(blur, title, year=year, tracks=12)
    return {"grunge": grunge, "uk": uk, "blur": blur}


@pytest.fixture
def app(make_app, fake_providers):
    return make_app(**fake_providers.config())


def _library(session, name, albums, tracks=10):
    artist = add_artist(session, name)
    for title, year in albums:
        add_album(session, artist, title, tracks=tracks, release_year=year)
    session.commit()
    return artist.id


_run = enrich_once


def test_the_uk_nirvana_library_never_gets_the_grunge_band(app, catalog, fake_providers):
    with app.app_context():
        artist_id = _library(db.session, "Nirvana", UK_ALBUMS)
    result = _run(app)
    with app.app_context():
        artist = db.session.get(Artist, artist_id)
        # Its discography, not popularity, decides: the UK band is linked on both providers.
        assert artist.spotify_uri == f"spotify:artist:{catalog['uk'].spotify_id}"
        assert artist.deezer_id == str(catalog["uk"].deezer_id)
        assert artist.genres == ["psychedelic rock"]
        assert db.session.scalar(select(func.count()).select_from(Candidate)) == 0
        albums = db.session.scalars(select(Album).where(Album.artist_id == artist_id)).all()
        assert {a.spotify_uri for a in albums} == {
            f"spotify:album:{a.spotify_id}" for a in catalog["uk"].albums
        }
    assert result["spotify"] == "ok" and result["errors"] == []


def test_a_thin_uk_nirvana_library_is_left_for_review_with_the_uk_band_first(app, catalog):
    with app.app_context():
        artist_id = _library(db.session, "Nirvana", [("Local Anaesthetic", None)])
    _run(app)
    with app.app_context():
        assert db.session.get(Artist, artist_id).spotify_uri is None
    candidates = app.test_client().get("/api/enrichment/candidates").json["candidates"]
    assert candidates[0]["spotify_uri"] == f"spotify:artist:{catalog['uk'].spotify_id}"
    grunge = [
        c
        for c in candidates
        if c["spotify_uri"] == f"spotify:artist:{catalog['grunge'].spotify_id}"
    ]
    assert not grunge or grunge[0]["confidence_score"] < candidates[0]["confidence_score"]


def test_the_grunge_library_gets_the_grunge_band_and_its_albums(app, catalog, fake_providers):
    with app.app_context():
        artist_id = _library(db.session, "Nirvana", GRUNGE_ALBUMS, tracks=12)
    result = _run(app)
    with app.app_context():
        artist = db.session.get(Artist, artist_id)
        assert artist.spotify_uri == f"spotify:artist:{catalog['grunge'].spotify_id}"
        assert artist.deezer_id == str(catalog["grunge"].deezer_id)
        assert artist.image_url and artist.genres == ["grunge"]
        albums = db.session.scalars(select(Album).where(Album.artist_id == artist_id)).all()
        expected = {a.title: f"spotify:album:{a.spotify_id}" for a in catalog["grunge"].albums}
        assert {a.title: a.spotify_uri for a in albums} == expected
        assert all(a.deezer_id and a.cover_url for a in albums)
        assert db.session.scalar(select(func.count()).select_from(Candidate)) == 0
    # Albums came from the discography: no per-album search.
    assert fake_providers.count("spotify", path_contains="/search") == 1
    assert result["artists_linked_spotify"] == 1 and result["albums_linked_spotify"] == 5
    status = app.test_client().get("/api/enrichment/status").json
    assert status["artists_unenriched"] == 0 and status["albums_unenriched"] == 0
    assert status["linked"]["artists_deezer"] == 1


def test_spotify_requests_stay_within_three_per_artist(app, catalog, fake_providers):
    with app.app_context():
        _library(
            db.session,
            "Blur",
            [("Parklife", 1994), ("The Great Escape", 1995), ("Blur", 1997)],
            tracks=12,
        )
    _run(app)
    spotify_api = [r for r in fake_providers.records("spotify") if "/accounts/" not in r.path]
    assert len(spotify_api) <= 3, [r.path for r in spotify_api]
    assert all(int(r.query.get("limit", 10)) <= 10 for r in spotify_api)


def test_an_ambiguous_artist_is_queued_once_and_not_searched_again(app, catalog, fake_providers):
    with app.app_context():
        artist_id = _library(db.session, "Nirvana", [("Some Bootleg", None)])
    first = _run(app)
    with app.app_context():
        pending = db.session.scalars(
            select(Candidate).where(Candidate.artist_id == artist_id)
        ).all()
        assert pending and all(c.status == CandidateStatus.PENDING for c in pending)
        assert db.session.get(Artist, artist_id).spotify_uri is None
        assert all("breakdown" in c.extra_info for c in pending)
    assert first["candidates_created"] == len(pending)
    fake_providers.requests.clear()
    second = _run(app)
    assert second["artists_processed"] == 0
    assert fake_providers.count("spotify") == 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Candidate)) == len(pending)


def test_rejected_candidates_are_never_proposed_again(app, catalog, fake_providers):
    with app.app_context():
        artist_id = _library(db.session, "Nirvana", [("Some Bootleg", None)])
    _run(app)
    client = app.test_client()
    for candidate in client.get("/api/enrichment/candidates").json["candidates"]:
        assert (
            client.post(f"/api/enrichment/candidates/{candidate['id']}/reject").status_code == 200
        )
    with app.app_context():
        artist = db.session.get(Artist, artist_id)
        artist.enrichment_attempted_at = utcnow() - timedelta(days=30)
        db.session.commit()
    again = _run(app)
    assert again["artists_processed"] == 1
    assert client.get("/api/enrichment/candidates").json["total"] == 0


def test_an_undone_deezer_link_is_never_applied_again(app, catalog):
    with app.app_context():
        artist_id = _library(db.session, "Blur", [("Parklife", 1994), ("The Great Escape", 1995)])
    _run(app)
    client = app.test_client()
    with app.app_context():
        assert db.session.get(Artist, artist_id).deezer_id == str(catalog["blur"].deezer_id)
    body = {"entity_type": "artist", "entity_id": artist_id, "provider": "deezer"}
    assert client.post("/api/enrichment/unlink", json=body).status_code == 200
    with app.app_context():
        artist = db.session.get(Artist, artist_id)
        artist.enrichment_attempted_at = utcnow() - timedelta(days=30)
        db.session.commit()

    _run(app)

    with app.app_context():
        assert db.session.get(Artist, artist_id).deezer_id is None


def test_without_spotify_credentials_deezer_still_links(make_app, fake_providers, catalog):
    app = make_app(**fake_providers.config(SPOTIFY_CLIENT_ID=None, SPOTIFY_CLIENT_SECRET=None))
    with app.app_context():
        artist_id = _library(db.session, "Nirvana", GRUNGE_ALBUMS, tracks=12)
    result = _run(app)
    assert result["spotify"] == "not configured"
    with app.app_context():
        artist = db.session.get(Artist, artist_id)
        assert artist.deezer_id == str(catalog["grunge"].deezer_id) and artist.spotify_uri is None
    assert fake_providers.count("spotify") == 0


def test_a_provider_failure_is_recorded_and_the_item_retried_next_run(app, catalog, fake_providers):
    with app.app_context():
        nirvana = _library(db.session, "Nirvana", GRUNGE_ALBUMS, tracks=12)
        blur = _library(
            db.session, "Blur", [("Parklife", 1994), ("The Great Escape", 1995)], tracks=12
        )
    fake_providers.faults.add("spotify", "500", path_contains="/search", times=1)
    result = _run(app)
    assert result["spotify_failures"] == 1 and len(result["errors"]) == 1
    assert result["errors"][0]["provider"] == "spotify"
    with app.app_context():
        linked = {a.id: a.spotify_uri for a in db.session.scalars(select(Artist))}
        failed = next(artist_id for artist_id, uri in linked.items() if uri is None)
        assert linked[({nirvana, blur} - {failed}).pop()] is not None
        artist = db.session.get(Artist, failed)
        assert (artist.enrichment_outcome, artist.enrichment_failures) == ("failed", 1)
    # Due again on the very next run, however soon it comes.
    retry = _run(app)
    assert retry["artists_processed"] == 1 and retry["errors"] == []
    with app.app_context():
        artist = db.session.get(Artist, failed)
        assert artist.spotify_uri is not None and artist.enrichment_failures == 0


def test_a_long_retry_after_defers_that_provider_to_the_next_run(app, catalog, fake_providers):
    with app.app_context():
        artist_id = _library(db.session, "Nirvana", GRUNGE_ALBUMS, tracks=12)
    fake_providers.faults.add("spotify", "429", retry_after=3600)
    result = _run(app)
    assert result["spotify"].startswith("deferred to the next run")
    with app.app_context():
        artist = db.session.get(Artist, artist_id)
        assert artist.spotify_uri is None and artist.deezer_id is not None
        assert artist.enrichment_outcome == "deferred"
    fake_providers.faults.clear()
    again = _run(app)
    assert again["spotify"] == "ok"
    with app.app_context():
        assert db.session.get(Artist, artist_id).spotify_uri is not None


def test_various_artists_is_never_linked_to_an_artist(app, fake_providers):
    band = fake_providers.catalog.add_artist("Various Artists Band", popularity=50)
    fake_providers.catalog.add_album(band, "Now That's What I Call Music", year=1990)
    with app.app_context():
        artist_id = _library(
            db.session, "Various Artists", [("Now That's What I Call Music", 1990)]
        )
    _run(app)
    with app.app_context():
        artist = db.session.get(Artist, artist_id)
        assert artist.spotify_uri is None and artist.deezer_id is None
        assert (
            db.session.scalar(
                select(func.count()).select_from(Candidate).where(Candidate.artist_id == artist_id)
            )
            == 0
        )
    assert fake_providers.count("spotify", path_contains="type=artist") == 0


def test_each_artist_is_committed_as_it_is_done(app, catalog, fake_providers):
    with app.app_context():
        _library(db.session, "Nirvana", GRUNGE_ALBUMS, tracks=12)
        _library(db.session, "Blur", [("Parklife", 1994), ("The Great Escape", 1995)], tracks=12)
    calls = []

    def crash_on_second(processed, total):
        calls.append(processed)
        if processed == 2:
            raise RuntimeError("power cut")

    with app.app_context(), pytest.raises(RuntimeError):
        clients = providers(app)
        run_enrichment(
            db.session,
            spotify=clients.spotify,
            deezer=clients.deezer,
            settings=EnrichmentSettings.from_config(app.config),
            progress=crash_on_second,
        )
    with app.app_context():
        db.session.rollback()
        linked = db.session.scalar(
            select(func.count()).select_from(Artist).where(Artist.spotify_uri.is_not(None))
        )
        assert linked == 2  # the crash came after both were committed
    assert calls == [0, 1, 2]


def test_the_job_through_the_api_reports_progress_and_counts(make_app, fake_providers, catalog):
    app = make_app(
        **fake_providers.config(
            SCHEDULER_ENABLED=True, ENRICHMENT_SCHEDULE="off", ARTWORK_REPAIR_SCHEDULE="off"
        )
    )
    with app.app_context():
        _library(db.session, "Nirvana", GRUNGE_ALBUMS, tracks=12)
    client = app.test_client()
    job_id = client.post("/api/enrichment/trigger").json["job_id"]
    assert get_queue(app).wait(job_id, timeout=30)
    job = client.get(f"/api/jobs/{job_id}").json
    assert job["status"] == "COMPLETED"
    assert job["progress"] == {"processed": 1, "total": 1}
    assert job["result"]["artists_linked_spotify"] == 1
    # The job's own requests, exactly: what the fake saw before any follow-up ran.
    requests = job["result"]["requests"]
    assert requests["deezer"] == len(fake_providers.records("deezer")) >= 2
    assert requests["spotify"] >= 2 and requests["musicbrainz"] == 0
    assert client.get("/api/enrichment/status").json["last_job_completed"] is True


def test_bad_spotify_credentials_fail_the_job_with_a_clear_error(make_app, fake_providers, catalog):
    app = make_app(
        **fake_providers.config(
            SPOTIFY_CLIENT_SECRET="wrong",
            SCHEDULER_ENABLED=True,
            ENRICHMENT_SCHEDULE="off",
            ARTWORK_REPAIR_SCHEDULE="off",
        )
    )
    with app.app_context():
        _library(db.session, "Nirvana", GRUNGE_ALBUMS)
    client = app.test_client()
    job_id = client.post("/api/enrichment/trigger").json["job_id"]
    assert get_queue(app).wait(job_id, timeout=30)
    with app.app_context():
        job = db.session.get(Job, job_id)
        assert job.status.value == "FAILED"
        assert "spotify" in job.error and "credentials" in job.error
    assert client.get("/api/enrichment/status").json["last_job_completed"] is False


def test_applying_an_artist_candidate_gets_its_albums_matched_next_run(app, catalog):
    with app.app_context():
        artist_id = _library(db.session, "Nirvana", [("Local Anaesthetic", None)])
    _run(app)
    client = app.test_client()
    uk_uri = f"spotify:artist:{catalog['uk'].spotify_id}"
    candidate = next(
        c
        for c in client.get("/api/enrichment/candidates").json["candidates"]
        if c["spotify_uri"] == uk_uri
    )
    assert client.post(f"/api/enrichment/candidates/{candidate['id']}/apply").status_code == 200
    result = _run(app)
    assert result["artists_processed"] == 1 and result["albums_linked_spotify"] == 1
    with app.app_context():
        album = db.session.scalars(select(Album).where(Album.artist_id == artist_id)).one()
        expected = next(a for a in catalog["uk"].albums if a.title == "Local Anaesthetic")
        assert album.spotify_uri == f"spotify:album:{expected.spotify_id}"


def test_an_automatic_link_closes_the_entity_pending_candidates(app, catalog):
    from tests.factories import add_candidate, spotify_uri

    with app.app_context():
        artist_id = _library(db.session, "Nirvana", GRUNGE_ALBUMS, tracks=12)
        album = db.session.scalars(select(Album).where(Album.title == "Nevermind")).one()
        stale = add_candidate(db.session, album, spotify_uri("album", 99), score=0.6).id
        db.session.commit()
    _run(app)
    with app.app_context():
        assert db.session.get(Artist, artist_id).spotify_uri is not None
        assert db.session.get(Candidate, stale).status == CandidateStatus.REJECTED


def test_untagged_files_under_unknown_artist_are_not_searched(app, fake_providers):
    fake_providers.catalog.add_artist("Unknown Artist", popularity=10)
    with app.app_context():
        _library(db.session, "Unknown Artist", [("Unknown Album", None)])
    assert _run(app)["artists_processed"] == 0
    assert fake_providers.count("spotify") + fake_providers.count("deezer") == 0


def test_the_enrich_command_runs_a_recorded_job(app, catalog):
    with app.app_context():
        artist_id = _library(db.session, "Nirvana", GRUNGE_ALBUMS, tracks=12)
    result = app.test_cli_runner().invoke(args=["enrich"])
    assert result.exit_code == 0, result.output
    assert "LIBRARY_SPOTIFY_ENRICHMENT job " in result.output and ": COMPLETED\n" in result.output
    with app.app_context():
        assert db.session.get(Artist, artist_id).spotify_uri is not None
        job = db.session.scalars(select(Job)).one()
        assert job.payload == {"triggered_by": "cli"} and job.result["artists_linked_spotify"] == 1


def test_the_enrich_command_refuses_to_run_beside_a_running_job(app):
    from soulspot.models import JobStatus, JobType

    with app.app_context():
        db.session.add(Job(type=JobType.LIBRARY_SPOTIFY_ENRICHMENT, status=JobStatus.RUNNING))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["enrich"])
    assert result.exit_code != 0 and "already running" in result.output


@pytest.mark.parametrize(
    ("key", "value"),
    [("AUTO_APPLY_THRESHOLD", 0.2), ("AUTO_APPLY_THRESHOLD", 1.5), ("AUTO_APPLY_MARGIN", -0.1)],
)
def test_nonsensical_matching_settings_fail_the_job_by_name(make_app, key, value):
    app = make_app(**{key: value})
    result = app.test_cli_runner().invoke(args=["enrich"])
    assert result.exit_code == 1 and f"SOULSPOT_{key}" in result.output
