"""MusicBrainz as the identity hub: disambiguation, exact links from tagged MBIDs, aliases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import render_template

from soulspot.extensions import db
from soulspot.jobs import get_queue
from soulspot.models import Album, Artist, Candidate, CandidateStatus
from soulspot.models.base import utcnow
from tests.factories import add_album, add_artist
from tests.fakes.catalog import deezer_url, spotify_id, spotify_url
from tests.support.enrichment import enrich_once

UK_ALBUMS = [
    ("The Story of Simon Simopath", 1967),
    ("All of Us", 1968),
    ("Local Anaesthetic", 1971),
]
GRUNGE_ALBUMS = [("Bleach", 1989), ("Nevermind", 1991), ("In Utero", 1993)]


@pytest.fixture
def app(make_app, fake_providers):
    return make_app(**fake_providers.config())


@pytest.fixture
def nirvanas(fake_providers):
    catalog = fake_providers.catalog
    grunge = catalog.add_artist(
        "Nirvana", disambiguation="90s US grunge band", fans=9_000_000, musicbrainz_links=True
    )
    for title, year in GRUNGE_ALBUMS:
        catalog.add_album(grunge, title, year=year)
    uk = catalog.add_artist("Nirvana", disambiguation="60s band from the UK", fans=9_000)
    for title, year in UK_ALBUMS:
        catalog.add_album(uk, title, year=year)
    return {"grunge": grunge, "uk": uk}


def _library(app, name, albums, **fields):
    with app.app_context():
        artist = add_artist(db.session, name, **fields)
        for title, year in albums:
            add_album(db.session, artist, title, release_year=year)
        db.session.commit()
        return artist.id


def _disambiguate(app, **body):
    response = app.test_client().post(
        "/api/enrichment/disambiguation", json=body or None, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def _artist(app, artist_id) -> Artist:
    with app.app_context():
        artist = db.session.get(Artist, artist_id)
        db.session.expunge(artist)
        return artist


def _searches(fake_providers, provider):
    return [r for r in fake_providers.records(provider) if "search" in r.path or "query" in r.query]


@pytest.mark.parametrize("which, albums", [("uk", UK_ALBUMS), ("grunge", GRUNGE_ALBUMS)])
def test_namesakes_get_the_band_whose_albums_they_hold(
    app, nirvanas, fake_providers, which, albums
):
    artist_id = _library(app, "Nirvana", albums)

    fragment = _disambiguate(app)

    band = nirvanas[which]
    artist = _artist(app, artist_id)
    assert (artist.musicbrainz_id, artist.disambiguation) == (band.mbid, band.disambiguation)
    assert 'data-outcome="success"' in fragment and 'data-artists="1"' in fragment
    assert "Enriched <strong>1</strong> artists and <strong>3</strong> albums" in fragment
    with app.app_context():
        groups = {a.title: a.musicbrainz_id for a in db.session.query(Album)}
    assert groups == {album.title: album.mbid for album in band.albums}


def test_a_tagged_artist_is_looked_up_never_searched_and_linked_from_its_relations(
    app, nirvanas, fake_providers
):
    grunge = nirvanas["grunge"]
    artist_id = _library(app, "Nirvana", GRUNGE_ALBUMS, musicbrainz_id=grunge.mbid)

    _disambiguate(app)

    assert _searches(fake_providers, "musicbrainz") == []
    artist = _artist(app, artist_id)
    assert artist.spotify_uri == f"spotify:artist:{grunge.spotify_id}"
    assert artist.deezer_id == str(grunge.deezer_id)
    assert artist.link_sources["spotify"] == {
        "source": "musicbrainz",
        "score": 1.0,
        "linked_at": artist.link_sources["spotify"]["linked_at"],
    }
    assert artist.disambiguation == grunge.disambiguation
    assert _searches(fake_providers, "spotify") == [] and _searches(fake_providers, "deezer") == []


def test_a_picard_tagged_library_searches_no_provider_for_artists_with_relations(
    app, fake_providers
):
    bands = []
    for n in range(4):
        band = fake_providers.catalog.add_artist(f"Band {n}", musicbrainz_links=True)
        fake_providers.catalog.add_album(band, f"Record {n}", year=2000 + n)
        bands.append(band)
    for band in bands:
        _library(
            app, band.name, [(band.albums[0].title, band.albums[0].year)], musicbrainz_id=band.mbid
        )

    result = enrich_once(app, resolve_identity=True)

    assert result.get("artists_linked_spotify", 0) == 0  # linked by MusicBrainz, not a search
    assert _searches(fake_providers, "spotify") == [] and _searches(fake_providers, "deezer") == []
    with app.app_context():
        linked = db.session.query(Artist).filter(Artist.spotify_uri.is_not(None)).count()
        albums = db.session.query(Album).filter(Album.spotify_uri.is_not(None)).count()
    assert linked == 4 and albums == 4  # the albums matched against the linked discography


def test_relations_to_a_deleted_or_a_different_artist_are_refused(app, fake_providers):
    other = fake_providers.catalog.add_artist("Somebody Else Entirely")
    band = fake_providers.catalog.add_artist("Lures")
    # A deleted Spotify page (no entity has seq 0), and another artist's Deezer page.
    fake_providers.catalog.add_musicbrainz_url(band, spotify_url("artist", spotify_id("artist", 0)))
    fake_providers.catalog.add_musicbrainz_url(band, deezer_url("artist", other.deezer_id))
    artist_id = _library(app, "Lures", [], musicbrainz_id=band.mbid)
    app.config.update(SCHEDULER_ENABLED=True)
    with app.app_context():
        from soulspot.jobs import start_scheduler

        queue = start_scheduler(app)
    job_id = app.test_client().post("/api/enrichment/disambiguation/job").json["job_id"]
    assert get_queue(app).wait(job_id, timeout=30)
    queue.shutdown()

    job = app.test_client().get(f"/api/jobs/{job_id}").json
    refused = {(r["provider"], r["reason"].split(" (")[0]) for r in job["result"]["links_refused"]}
    assert refused == {
        ("spotify", "the provider has no such artist"),
        ("deezer", "names another artist"),
    }
    artist = _artist(app, artist_id)
    assert artist.spotify_uri is None and artist.deezer_id is None


def test_no_match_is_remembered_and_asked_again_after_the_recheck_days(app, fake_providers):
    artist_id = _library(app, "Nobody Knows This Band", [("Demo", 2001)])

    first = _disambiguate(app)
    again = _disambiguate(app)

    assert 'data-outcome="nothing"' in first and 'data-outcome="nothing"' in again
    asked = len(fake_providers.records("musicbrainz"))
    assert asked == 1  # the second call had nothing due
    with app.app_context():
        artist = db.session.get(Artist, artist_id)
        assert artist.musicbrainz_checked_at is not None
        artist.musicbrainz_checked_at = utcnow() - timedelta(days=31)
        db.session.commit()
    _disambiguate(app)
    assert len(fake_providers.records("musicbrainz")) == asked + 1


def test_a_musicbrainz_503_is_an_error_and_the_artist_stays_due(app, fake_providers):
    artist_id = _library(app, "Blur", [("Parklife", 1994)])
    fake_providers.faults.add("musicbrainz", "503")

    fragment = _disambiguate(app)

    assert 'data-outcome="error"' in fragment and "Error: " in fragment
    assert _artist(app, artist_id).musicbrainz_checked_at is None


def test_an_undone_link_is_not_relinked_from_musicbrainz(app, nirvanas):
    grunge = nirvanas["grunge"]
    artist_id = _library(app, "Nirvana", GRUNGE_ALBUMS, musicbrainz_id=grunge.mbid)
    with app.app_context():
        db.session.add(
            Candidate(
                artist_id=artist_id,
                spotify_uri=f"spotify:artist:{grunge.spotify_id}",
                spotify_name="Nirvana",
                confidence_score=0.0,
                status=CandidateStatus.REJECTED,
            )
        )
        db.session.commit()

    _disambiguate(app)

    artist = _artist(app, artist_id)
    assert artist.spotify_uri is None and artist.deezer_id == str(grunge.deezer_id)


@pytest.mark.parametrize(
    "body, status",
    [({"limit": 0}, 400), ({"limit": 501}, 400), ({"limit": "5"}, 400), ({"limit": True}, 400)],
)
def test_bad_limits_are_400(app, body, status):
    response = app.test_client().post("/api/enrichment/disambiguation", json=body)
    assert response.status_code == status and response.json["error"] == "invalid_parameter"


def test_disabled_musicbrainz_answers_its_fragment_and_asks_nothing(make_app, fake_providers):
    app = make_app(**fake_providers.config(), MUSICBRAINZ_ENABLED=False)
    _library(app, "Blur", [("Parklife", 1994)])

    fragment = _disambiguate(app)

    assert 'data-outcome="disabled"' in fragment
    assert "MusicBrainz provider is disabled in Settings." in fragment
    assert fake_providers.records("musicbrainz") == []


def test_fragments_escape_what_they_show(app, fake_providers):
    _library(app, "<script>alert(1)</script>", [("<b>x</b>", 2000)])
    assert "<script>" not in _disambiguate(app)
    with app.test_request_context():
        html = render_template(
            "partials/_musicbrainz_result.html",
            outcome="error",
            message="<script>alert(1)</script>",
        )
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html


def test_musicbrainz_aliases_take_part_in_name_matching_on_the_other_providers(app, fake_providers):
    """A local "坂本龍一" matches Spotify's "Ryuichi Sakamoto" once MusicBrainz gave the alias."""
    catalog = fake_providers.catalog
    remote = catalog.add_artist("Ryuichi Sakamoto", aliases=("坂本龍一",))
    for title, year in [("Thousand Knives", 1978), ("B-2 Unit", 1980), ("Async", 2017)]:
        catalog.add_album(remote, title, year=year)
    albums = [("Thousand Knives", 1978), ("B-2 Unit", 1980), ("Async", 2017)]
    artist_id = _library(app, "坂本龍一", albums, musicbrainz_id=remote.mbid)

    _disambiguate(app)
    assert _artist(app, artist_id).aliases == ["Ryuichi Sakamoto"]  # its MusicBrainz name
    enrich_once(app)

    assert _artist(app, artist_id).spotify_uri == f"spotify:artist:{remote.spotify_id}"
