"""The review page (/review): cards per entity, decisions as fragments, paging, escaping."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event, select

from soulspot.extensions import db
from soulspot.models import Album, Artist, Candidate, CandidateStatus, EntityKind, WorkKind
from soulspot.services import work_queue
from soulspot.web.review import PER_PAGE
from tests.factories import add_album, add_artist, add_candidate, spotify_uri
from tests.support.enrichment import enrich_once

HTMX = {"HX-Request": "true"}
XSS = "<script>alert(1)</script>"


def cards(html: str) -> dict[str, list[str]]:
    """Card id -> the candidate ids in it, in page order."""
    found: dict[str, list[str]] = {}
    for chunk in html.split("<article")[1:]:
        card_id = re.search(r'id="(review-[a-z]+-[^"]+)"', chunk).group(1)
        found[card_id] = re.findall(r'data-candidate="([^"]+)"', chunk)
    return found


def state(html: str) -> str:
    return re.search(r'data-state="([a-z]+)"', html).group(1)


def status_of(candidate_id: str) -> CandidateStatus:
    return db.session.get(Candidate, candidate_id).status


@pytest.fixture
def enriched(make_app, fake_providers):
    """A real enrichment run on the fake: two Nirvanas for a thin library (artist review),
    and a Blur whose odd local album finds only another band's album (album review)."""
    app = make_app(**fake_providers.config())
    catalog = fake_providers.catalog
    grunge = catalog.add_artist("Nirvana", genres=("grunge",), popularity=80, fans=4_000_000)
    for year, title in enumerate(("Bleach", "Nevermind", "In Utero"), start=1989):
        catalog.add_album(grunge, title, year=year, tracks=12)
    uk = catalog.add_artist("Nirvana", genres=("psychedelic rock",), popularity=20, fans=9000)
    for year, title in enumerate(("Simon Simopath", "All of Us", "Local Anaesthetic"), start=1967):
        catalog.add_album(uk, title, year=year, tracks=10)
    blur = catalog.add_artist("Blur", genres=("britpop",), popularity=60)
    for title, year in [("Parklife", 1994), ("The Great Escape", 1995), ("Blur", 1997)]:
        catalog.add_album(blur, title, year=year, tracks=12)
    blurt = catalog.add_artist("Blurt", popularity=5)
    catalog.add_album(blurt, "Parklife Sessions", year=2001, tracks=12)
    with app.app_context():
        nirvana = add_artist(db.session, "Nirvana")
        add_album(db.session, nirvana, "Local Anaesthetic", tracks=10)
        local_blur = add_artist(db.session, "Blur")
        for title, year in [("Parklife", 1994), ("The Great Escape", 1995)]:
            add_album(db.session, local_blur, title, tracks=12, release_year=year)
        session = add_album(
            db.session, local_blur, "Parklife Session", tracks=12, release_year=2001
        )
        db.session.commit()
        ids = {"nirvana": nirvana.id, "blur": local_blur.id, "session": session.id}
    result = enrich_once(app)
    assert result["outcome_review"] == 2, result
    with app.app_context():
        ids["uk"] = db.session.scalar(
            select(Candidate.id).where(Candidate.spotify_uri == f"spotify:artist:{uk.spotify_id}")
        )
        ids["grunge"] = db.session.scalar(
            select(Candidate.id).where(
                Candidate.spotify_uri == f"spotify:artist:{grunge.spotify_id}"
            )
        )
        ids["album_candidate"] = db.session.scalar(
            select(Candidate.id).where(Candidate.album_id == session.id)
        )
    ids["uk_spotify_id"] = uk.spotify_id
    return app, ids


def test_one_card_per_entity_with_its_local_side_and_candidates(enriched):
    app, ids = enriched
    response = app.test_client().get("/review")
    assert response.status_code == 200
    html = response.text
    assert cards(html) == {
        f"review-album-{ids['session']}": [ids["album_candidate"]],
        f"review-artist-{ids['nirvana']}": [ids["uk"], ids["grunge"]],  # best first
    }
    album_card, artist_card = html.split("<article")[1:3]  # the best candidate's entity first
    assert ids["session"] in album_card
    # The local side: the artist's albums and track count; the album's artist, year, tracks.
    assert "Local Anaesthetic" in artist_card and "1 local album · 10 tracks" in artist_card
    assert "by Blur · 2001 · 12 tracks" in album_card
    # The candidate: provider page, genres, popularity, confidence and its parts, reasons.
    uk_part = artist_card.split(f'data-candidate="{ids["grunge"]}"')[0]
    assert f'href="https://open.spotify.com/artist/{ids["uk_spotify_id"]}"' in uk_part
    assert "psychedelic rock" in uk_part and "popularity 20/100" in uk_part
    assert "Albums found" in uk_part and "1 of 1 local albums" in uk_part
    assert "Found in its discography:</span>\n      Local Anaesthetic" in uk_part
    assert "name similarity 1.00" in uk_part
    assert uk_part.count("<meter") == 3  # confidence, name, albums found; years and genres unknown
    assert f"/review/candidates/{ids['uk']}/image" in uk_part
    assert "Title" in album_card and "Blurt" in album_card and "not enough evidence" in album_card


def test_the_candidate_image_comes_through_this_server(enriched):
    app, ids = enriched
    response = app.test_client().get(f"/review/candidates/{ids['uk']}/image")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert response.data.startswith(b"\xff\xd8\xff")
    assert app.test_client().get("/review/candidates/nope/image").status_code == 404


def test_apply_swaps_the_card_links_the_artist_and_rejects_the_others(enriched):
    app, ids = enriched
    response = app.test_client().post(f"/review/candidates/{ids['uk']}/apply", headers=HTMX)
    assert response.status_code == 200
    html = response.text
    assert html.lstrip().startswith("<article") and state(html) == "applied"
    assert "Applied: linked to" in html and "The other 1 candidate was rejected." in html
    assert cards(html) == {f"review-artist-{ids['nirvana']}": []}
    # Its album matching is queued (ALBUM_MATCH): the card says so and asks again.
    assert "0 of 1 local album linked so far; its albums are being matched" in html
    assert f'hx-get="/review/artists/{ids["nirvana"]}/albums?tries=1"' in html
    with app.app_context():
        artist = db.session.get(Artist, ids["nirvana"])
        assert artist.spotify_uri == f"spotify:artist:{ids['uk_spotify_id']}"
        assert status_of(ids["uk"]) == CandidateStatus.APPLIED
        assert status_of(ids["grunge"]) == CandidateStatus.REJECTED
        assert status_of(ids["album_candidate"]) == CandidateStatus.PENDING
    assert list(cards(app.test_client().get("/review").text)) == [f"review-album-{ids['session']}"]


def test_the_applied_artist_card_counts_its_linked_albums_once_matched(enriched):
    app, ids = enriched
    client = app.test_client()
    client.post(f"/review/candidates/{ids['uk']}/apply", headers=HTMX)
    enrich_once(app)  # what the ALBUM_MATCH follow-up runs: this artist's albums matched
    with app.app_context():
        work_queue.drain(db.session, {WorkKind.ALBUM_MATCH: lambda kind, entity_id: None})
    html = client.get(f"/review/artists/{ids['nirvana']}/albums?tries=2", headers=HTMX).text
    assert "1 of 1 local album linked." in html and "hx-get" not in html
    assert 'data-linked="1"' in html


def test_album_polling_gives_up_after_its_last_try(enriched):
    app, ids = enriched
    client = app.test_client()
    client.post(f"/review/candidates/{ids['uk']}/apply", headers=HTMX)
    html = client.get(f"/review/artists/{ids['nirvana']}/albums?tries=5", headers=HTMX).text
    assert "still being matched in the background" in html and "hx-get" not in html
    assert client.get("/review/artists/nope/albums").status_code == 404


def test_reject_removes_that_candidate_from_the_card(enriched):
    app, ids = enriched
    response = app.test_client().post(f"/review/candidates/{ids['grunge']}/reject", headers=HTMX)
    assert response.status_code == 200 and state(response.text) == "open"
    assert cards(response.text) == {f"review-artist-{ids['nirvana']}": [ids["uk"]]}
    with app.app_context():
        assert status_of(ids["grunge"]) == CandidateStatus.REJECTED
        assert status_of(ids["uk"]) == CandidateStatus.PENDING
    again = app.test_client().post(f"/review/candidates/{ids['grunge']}/reject", headers=HTMX)
    assert again.status_code == 400 and 'class="error-fragment"' in again.text


def test_none_of_these_rejects_every_pending_candidate_of_that_entity(enriched):
    app, ids = enriched
    response = app.test_client().post(f"/review/artist/{ids['nirvana']}/reject-all", headers=HTMX)
    assert response.status_code == 200 and state(response.text) == "closed"
    assert cards(response.text) == {f"review-artist-{ids['nirvana']}": []}
    assert "No candidates left" in response.text and 'name="link"' in response.text
    with app.app_context():
        assert status_of(ids["uk"]) == status_of(ids["grunge"]) == CandidateStatus.REJECTED
        assert status_of(ids["album_candidate"]) == CandidateStatus.PENDING
    missing = app.test_client().post("/review/artist/nope/reject-all", headers=HTMX)
    assert missing.status_code == 404
    assert app.test_client().post("/review/track/x/reject-all", headers=HTMX).status_code == 400


def test_a_pasted_spotify_url_links_by_hand_and_closes_the_candidates(enriched):
    app, ids = enriched
    url = f"https://open.spotify.com/artist/{ids['uk_spotify_id']}?si=x"
    response = app.test_client().post(
        f"/review/artist/{ids['nirvana']}/link", data={"link": url}, headers=HTMX
    )
    assert response.status_code == 200 and state(response.text) == "linked"
    assert f"spotify:artist:{ids['uk_spotify_id']}" in response.text
    with app.app_context():
        artist = db.session.get(Artist, ids["nirvana"])
        assert artist.spotify_uri == f"spotify:artist:{ids['uk_spotify_id']}"
        assert artist.link_sources["spotify"]["source"] == "manual"
        assert status_of(ids["uk"]) == CandidateStatus.APPLIED  # the known one, by hand
        assert status_of(ids["grunge"]) == CandidateStatus.REJECTED


@pytest.mark.parametrize(
    "link",
    ["https://evil.example/artist/x", "https://open.spotify.com/album/" + "a" * 22, ""],
)
def test_a_bad_pasted_url_is_a_400_error_fragment_and_links_nothing(enriched, link):
    app, ids = enriched
    response = app.test_client().post(
        f"/review/artist/{ids['nirvana']}/link", data={"link": link}, headers=HTMX
    )
    assert response.status_code == 400
    assert 'class="error-fragment"' in response.text and "<article" not in response.text
    with app.app_context():
        assert db.session.get(Artist, ids["nirvana"]).spotify_uri is None
        assert status_of(ids["uk"]) == CandidateStatus.PENDING


def test_without_htmx_a_decision_redirects_back_to_the_page(enriched):
    app, ids = enriched
    response = app.test_client().post(f"/review/candidates/{ids['grunge']}/reject")
    assert response.status_code == 303 and response.location.endswith("/review")
    with app.app_context():
        assert status_of(ids["grunge"]) == CandidateStatus.REJECTED


def test_filter_by_entity_type(enriched):
    app, ids = enriched
    client = app.test_client()
    assert list(cards(client.get("/review?type=artist").text)) == [
        f"review-artist-{ids['nirvana']}"
    ]
    assert list(cards(client.get("/review?type=album").text)) == [f"review-album-{ids['session']}"]
    bad = client.get("/review?type=track")
    assert bad.status_code == 400
    assert client.get("/review?page=0").status_code == 400


@pytest.fixture
def many(app):
    """PER_PAGE + 3 artists with three candidates each, their scores interleaved, so a page of
    candidate rows would cut through entities."""
    with app.app_context():
        expected = {}
        for n in range(PER_PAGE + 3):
            artist = add_artist(db.session, f"Artist {n:02d}", albums=(f"Album {n}",))
            made = [
                add_candidate(
                    db.session,
                    artist,
                    spotify_uri("artist", n * 10 + i),
                    score=0.9 - 0.01 * n - i * 0.2,
                )
                for i in range(3)
            ]
            expected[f"review-artist-{artist.id}"] = [c.id for c in made]
        db.session.commit()
        return expected


def test_pages_hold_whole_entities_in_order_of_their_best_candidate(app, many):
    client = app.test_client()
    first = cards(client.get("/review").text)
    second_html = client.get("/review?page=2").text
    second = cards(second_html)
    assert len(first) == PER_PAGE and len(second) == 3
    assert {**first, **second} == many  # every entity once, with all its candidates
    assert list(first) + list(second) == list(many)  # best candidate first
    assert "Page 2 of 2 · 13 to review" in second_html
    past = client.get("/review?page=3").text
    assert cards(past) == {} and "past the last one" in past


def test_a_page_costs_the_same_queries_however_many_candidates(app, many):
    with app.app_context():
        statements: list[str] = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert len(cards(app.test_client().get("/review").text)) == PER_PAGE
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
    assert len(statements) <= 6, statements


def test_an_htmx_request_for_the_page_gets_only_the_cards(app, many):
    html = app.test_client().get("/review?page=2", headers=HTMX).text
    assert "<html" not in html and len(cards(html)) == 3


def test_the_empty_state_says_what_to_do_next(client):
    html = client.get("/review").text
    assert "Nothing to review" in html and "Run enrichment from the dashboard" in html
    assert 'href="/"' in html
    assert "Nothing to review among the albums" in client.get("/review?type=album").text


def test_library_and_provider_text_is_escaped(app):
    with app.app_context():
        artist = add_artist(db.session, XSS, albums=(XSS,))
        candidate = add_candidate(
            db.session,
            artist,
            spotify_uri("artist", 1),
            name=XSS,
            extra_info={"genres": [XSS], "breakdown": {"reasons": [XSS]}},
        )
        album = db.session.scalars(select(Album).where(Album.artist_id == artist.id)).one()
        add_candidate(db.session, album, spotify_uri("album", 2), name=XSS)
        db.session.commit()
        candidate_id = candidate.id
        assert EntityKind.parse(candidate.entity_type) is EntityKind.ARTIST
    client = app.test_client()
    for html in (
        client.get("/review").text,
        client.post(f"/review/candidates/{candidate_id}/apply", headers=HTMX).text,
    ):
        assert XSS not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
