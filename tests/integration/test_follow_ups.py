"""Follow-ups of a link are queued work: an applied artist's albums and a link's artwork."""

from __future__ import annotations

import time

import pytest

from soulspot.extensions import db
from soulspot.jobs import get_queue
from soulspot.models import Album, Artist, EntityKind, QueuedWork, WorkKind
from soulspot.services import work_queue
from tests.factories import add_album, add_artist, add_candidate
from tests.support.enrichment import enrich_once

ALBUMS = [("Parklife", 1994), ("The Great Escape", 1995), ("13", 1999)]


@pytest.fixture
def scheduled_app(make_app, fake_providers):
    """An app on the fake providers whose scheduler runs, with its schedules off."""
    return make_app(
        **fake_providers.config(),
        SCHEDULER_ENABLED=True,
        ENRICHMENT_SCHEDULE="off",
        ARTWORK_REPAIR_SCHEDULE="off",
    )


def _wait_until(check, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "the follow-up did not happen in time"
        time.sleep(0.1)


def test_an_applied_artist_gets_its_albums_from_the_discography_without_a_search(
    scheduled_app, fake_providers
):
    blur = fake_providers.catalog.add_artist("Blur", genres=("britpop",))
    for title, year in ALBUMS:
        fake_providers.catalog.add_album(blur, title, year=year, tracks=1)
    with scheduled_app.app_context():
        artist = add_artist(db.session, "Blur")
        for title, year in ALBUMS:
            add_album(db.session, artist, title, release_year=year)
        candidate = add_candidate(db.session, artist, f"spotify:artist:{blur.spotify_id}")
        db.session.commit()
        artist_id, candidate_id = artist.id, candidate.id
    client = scheduled_app.test_client()

    response = client.post(f"/api/enrichment/candidates/{candidate_id}/apply")

    assert response.status_code == 200 and response.json["albums_follow_up"] == "queued"
    applied_at = len(fake_providers.records())

    def albums_linked() -> bool:
        with scheduled_app.app_context():
            albums = db.session.query(Album).filter_by(artist_id=artist_id).all()
            return all(album.spotify_uri for album in albums)

    def album_match_done() -> bool:
        # The handler commits the links, then the drain removes the work in a commit of its
        # own: the links can show before the queue is empty.
        with scheduled_app.app_context():
            return not db.session.query(QueuedWork).filter_by(work=WorkKind.ALBUM_MATCH).count()

    _wait_until(albums_linked)
    _wait_until(album_match_done)
    after = fake_providers.records()[applied_at:]
    # Spotify, whose match the owner chose, is not searched again: one discography page.
    spotify = [r.path for r in after if r.provider == "spotify" and "token" not in r.path]
    assert spotify == [f"/spotify/v1/artists/{blur.spotify_id}/albums"]
    with scheduled_app.app_context():
        assert db.session.get(Artist, artist_id).deezer_id == str(blur.deezer_id)


def test_queued_work_survives_a_restart_and_runs_in_the_next_process(
    make_app, fake_providers, tmp_path
):
    blur = fake_providers.catalog.add_artist("Blur")
    first = make_app(**fake_providers.config())  # a CLI process: no scheduler
    with first.app_context():
        artist = add_artist(
            db.session, "Blur", image_url=fake_providers.url + blur.image_paths("spotify")[0]
        )
        work_queue.enqueue(db.session, WorkKind.ARTWORK_FETCH, EntityKind.ARTIST, artist.id)
        work_queue.enqueue(db.session, WorkKind.ARTWORK_FETCH, EntityKind.ARTIST, artist.id)
        db.session.commit()
        assert work_queue.pending_counts(db.session)["ARTWORK_FETCH"] == 1  # single-flight
        artist_id = artist.id

    second = make_app(
        **fake_providers.config(),
        SCHEDULER_ENABLED=True,
        ENRICHMENT_SCHEDULE="off",
        ARTWORK_REPAIR_SCHEDULE="off",
    )
    assert get_queue(second).work_off_follow_ups() == 1

    with second.app_context():
        stored = db.session.get(Artist, artist_id).image_path
        assert stored and not stored.startswith("FAILED")
        assert work_queue.pending_counts(db.session)["ARTWORK_FETCH"] == 0


def test_a_failing_follow_up_is_retried_then_dropped(app):
    with app.app_context():
        work_queue.enqueue(db.session, WorkKind.ALBUM_MATCH, EntityKind.ARTIST, "a1")
        db.session.commit()
        calls = []

        def broken(kind, entity_id):
            calls.append(entity_id)
            raise RuntimeError("boom")

        reports = [work_queue.drain(db.session, {WorkKind.ALBUM_MATCH: broken}) for _ in range(4)]

        assert calls == ["a1"] * work_queue.MAX_ATTEMPTS
        assert [r.failed for r in reports] == [1, 1, 1, 0]
        assert reports[2].dropped == ["ALBUM_MATCH artist a1"]
        assert db.session.query(QueuedWork).count() == 0


def test_an_automatic_link_queues_its_artwork_but_no_album_match(make_app, fake_providers):
    app = make_app(**fake_providers.config())
    blur = fake_providers.catalog.add_artist("Blur")
    for title, year in ALBUMS:
        fake_providers.catalog.add_album(blur, title, year=year, tracks=1)
    with app.app_context():
        artist = add_artist(db.session, "Blur")
        for title, year in ALBUMS:
            add_album(db.session, artist, title, release_year=year)
        db.session.commit()
        artist_id = artist.id
    enrich_once(app)
    with app.app_context():
        queued = {(w.work, w.entity_type) for w in db.session.query(QueuedWork)}
        assert queued == {
            (WorkKind.ARTWORK_FETCH, EntityKind.ARTIST),
            (WorkKind.ARTWORK_FETCH, EntityKind.ALBUM),
        }
        assert db.session.query(QueuedWork).count() == 1 + len(ALBUMS)
        linked = db.session.get(Artist, artist_id)
        assert linked.link_sources["spotify"]["source"] == "automatic"
