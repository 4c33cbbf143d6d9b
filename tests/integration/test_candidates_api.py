"""Candidates review endpoints: listing, apply, reject, manual link and unlink."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import event

from soulspot.extensions import db
from soulspot.models import Album, Artist, Candidate, CandidateStatus, QueuedWork
from tests.factories import add_album, add_artist, add_candidate, spotify_uri


@pytest.fixture
def seeded(app):
    """One artist with two pending candidates, one album with one, one rejected candidate."""
    with app.app_context():
        s = db.session
        nirvana = add_artist(s, "Nirvana", albums=("Local Anaesthetic",))
        album = s.query(Album).filter_by(artist_id=nirvana.id).one()
        best = add_candidate(
            s,
            nirvana,
            spotify_uri("artist", 1),
            score=0.8,
            name="Nirvana (UK)",
            spotify_image_url="http://127.0.0.1/img.jpg",
            extra_info={"genres": ["psychedelic rock"]},
        )
        other = add_candidate(s, nirvana, spotify_uri("artist", 2), score=0.6, name="Nirvana")
        on_album = add_candidate(s, album, spotify_uri("album", 3), score=0.7)
        add_candidate(
            s, nirvana, spotify_uri("artist", 4), score=0.99, status=CandidateStatus.REJECTED
        )
        s.commit()
        return {
            "artist": nirvana.id,
            "album": album.id,
            "best": best.id,
            "other": other.id,
            "album_candidate": on_album.id,
        }


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=201",
        "limit=abc",
        "offset=-1",
        "offset=x",
        "entity_type=track",
        "entity_type=ARTIST",
    ],
)
def test_list_rejects_bad_parameters_with_json_400(client, query):
    response = client.get(f"/api/enrichment/candidates?{query}")
    assert response.status_code == 400
    assert set(response.json) == {"error", "detail"}


def test_list_orders_pending_by_confidence_with_names_and_total(client, seeded):
    body = client.get("/api/enrichment/candidates").json
    assert body["total"] == 3
    assert [c["confidence_score"] for c in body["candidates"]] == [0.8, 0.7, 0.6]
    assert [c["entity_name"] for c in body["candidates"]] == [
        "Nirvana",
        "Local Anaesthetic",
        "Nirvana",
    ]
    first = body["candidates"][0]
    for field in (
        "id",
        "entity_type",
        "entity_id",
        "spotify_uri",
        "spotify_name",
        "spotify_image_url",
        "extra_info",
    ):
        assert field in first
    assert first["entity_type"] == "artist" and first["entity_id"] == seeded["artist"]


def test_list_filters_by_entity_type_and_pages(client, seeded):
    albums = client.get("/api/enrichment/candidates?entity_type=album").json
    assert albums["total"] == 1 and albums["candidates"][0]["entity_type"] == "album"
    page = client.get("/api/enrichment/candidates?entity_type=artist&limit=1&offset=1").json
    assert page["total"] == 2 and [c["id"] for c in page["candidates"]] == [seeded["other"]]


def test_list_costs_the_same_queries_for_many_candidates(app, client, seeded):
    with app.app_context():
        artist = db.session.get(Artist, seeded["artist"])
        for n in range(10, 40):
            add_candidate(db.session, artist, spotify_uri("artist", n), score=0.55)
        db.session.commit()
        statements: list[str] = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert len(client.get("/api/enrichment/candidates?limit=200").json["candidates"]) == 33
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
    assert len(statements) <= 3, statements


def test_apply_links_entity_and_closes_the_other_candidates(app, client, seeded):
    response = client.post(f"/api/enrichment/candidates/{seeded['best']}/apply")
    assert response.status_code == 200
    assert response.json == {
        "success": True,
        "message": "Successfully applied Spotify match",
        "spotify_uri": spotify_uri("artist", 1),
        "entity_type": "artist",
        "entity_id": seeded["artist"],
        "albums_follow_up": "queued",
    }
    with app.app_context():
        artist = db.session.get(Artist, seeded["artist"])
        assert artist.spotify_uri == spotify_uri("artist", 1)
        assert artist.link_sources["spotify"]["source"] == "candidate"
        queued = {(w.work.value, w.entity_id) for w in db.session.query(QueuedWork)}
        assert queued == {("ARTWORK_FETCH", artist.id), ("ALBUM_MATCH", artist.id)}
        assert artist.image_url == "http://127.0.0.1/img.jpg"
        assert artist.genres == ["psychedelic rock"]
        assert db.session.get(Candidate, seeded["other"]).status == CandidateStatus.REJECTED
        # The album's own candidate is another entity's and stays open.
        assert (
            db.session.get(Candidate, seeded["album_candidate"]).status == CandidateStatus.PENDING
        )
    status = client.get("/api/enrichment/status").json
    assert status["artists_unenriched"] == 0 and status["pending_candidates"] == 1
    assert status["queued_work"] == {"ARTWORK_FETCH": 1, "ALBUM_MATCH": 1}


def test_apply_errors(app, client, seeded):
    assert client.post("/api/enrichment/candidates/nope/apply").status_code == 404
    assert client.post(f"/api/enrichment/candidates/{seeded['best']}/apply").status_code == 200
    again = client.post(f"/api/enrichment/candidates/{seeded['best']}/apply")
    assert again.status_code == 400 and again.json["error"] == "invalid_state"
    assert client.post(f"/api/enrichment/candidates/{seeded['other']}/apply").status_code == 400


def test_apply_answers_409_when_the_uri_belongs_to_another_entity(app, client, seeded):
    with app.app_context():
        add_artist(db.session, "Somebody", spotify_uri=spotify_uri("artist", 1))
        db.session.commit()
    response = client.post(f"/api/enrichment/candidates/{seeded['best']}/apply")
    assert response.status_code == 409
    with app.app_context():
        assert db.session.get(Artist, seeded["artist"]).spotify_uri is None
        assert db.session.get(Candidate, seeded["best"]).status == CandidateStatus.PENDING


def test_concurrent_applies_of_one_candidate_give_one_200_and_one_400(app, seeded):
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def apply() -> None:
        client = app.test_client()
        barrier.wait()
        statuses.append(
            client.post(f"/api/enrichment/candidates/{seeded['best']}/apply").status_code
        )

    threads = [threading.Thread(target=apply) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 400]


def test_reject(app, client, seeded):
    assert client.post("/api/enrichment/candidates/nope/reject").status_code == 404
    response = client.post(f"/api/enrichment/candidates/{seeded['other']}/reject")
    assert response.json == {"success": True, "message": "Candidate rejected"}
    assert seeded["other"] not in [
        c["id"] for c in client.get("/api/enrichment/candidates").json["candidates"]
    ]
    assert client.post(f"/api/enrichment/candidates/{seeded['other']}/apply").status_code == 400
    client.post(f"/api/enrichment/candidates/{seeded['best']}/apply")
    applied = client.post(f"/api/enrichment/candidates/{seeded['best']}/reject")
    assert applied.status_code == 400 and "unlink" in applied.json["detail"]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"entity_type": "artist", "spotify_uri": "spotify:artist:" + "a" * 22}, 400),
        (
            {"entity_type": "track", "entity_id": "x", "spotify_uri": "spotify:artist:" + "a" * 22},
            400,
        ),
        (
            {
                "entity_type": "artist",
                "entity_id": "missing",
                "spotify_uri": "spotify:artist:" + "a" * 22,
            },
            404,
        ),
        (
            {
                "entity_type": "artist",
                "entity_id": "ARTIST",
                "spotify_uri": "spotify:album:" + "a" * 22,
            },
            400,
        ),
        (
            {"entity_type": "artist", "entity_id": "ARTIST", "spotify_uri": "spotify:artist:short"},
            400,
        ),
        ({"entity_type": "artist", "entity_id": "ARTIST", "spotify_uri": 12}, 400),
    ],
)
def test_link_validates_its_body(client, seeded, body, status):
    body = {k: (seeded["artist"] if v == "ARTIST" else v) for k, v in body.items()}
    response = client.post("/api/enrichment/link", json=body)
    assert response.status_code == status
    assert set(response.json) == {"error", "detail"}


def test_link_rejects_malformed_json(client):
    response = client.post("/api/enrichment/link", data="{nope", content_type="application/json")
    assert response.status_code == 400


@pytest.fixture
def linkable(make_app, fake_providers):
    """An app on the fake providers, one local artist, and its Spotify twin in the catalog."""
    app = make_app(**fake_providers.config())
    twin = fake_providers.catalog.add_artist("Nirvana", genres=("grunge",))
    with app.app_context():
        local = add_artist(db.session, "Nirvana", albums=("Nevermind",))
        db.session.commit()
        return app, local.id, twin.spotify_id


def test_link_by_open_spotify_url_then_unlink_rejects_the_uri(linkable, fake_providers):
    app, artist_id, spotify_id = linkable
    client = app.test_client()
    url = f"https://open.spotify.com/intl-de/artist/{spotify_id}?si=abc"
    response = client.post(
        "/api/enrichment/link",
        json={"entity_type": "artist", "entity_id": artist_id, "spotify_uri": url},
    )
    assert (
        response.status_code == 200
        and response.json["spotify_uri"] == f"spotify:artist:{spotify_id}"
    )
    with app.app_context():
        linked = db.session.get(Artist, artist_id)
        assert linked.genres == ["grunge"] and linked.image_url  # from the one lookup
    assert [r.path for r in fake_providers.records("spotify") if "/artists/" in r.path] == [
        f"/spotify/v1/artists/{spotify_id}"
    ]

    response = client.post(
        "/api/enrichment/unlink", json={"entity_type": "artist", "entity_id": artist_id}
    )
    assert response.status_code == 200
    with app.app_context():
        assert db.session.get(Artist, artist_id).spotify_uri is None
        undone = (
            db.session.query(Candidate).filter_by(spotify_uri=f"spotify:artist:{spotify_id}").one()
        )
        assert undone.status == CandidateStatus.REJECTED
    again = client.post(
        "/api/enrichment/unlink", json={"entity_type": "artist", "entity_id": artist_id}
    )
    assert again.status_code == 400


@pytest.mark.parametrize(
    "template",
    [
        "HTTPS://OPEN.SPOTIFY.COM/artist/{id}",
        "https://Open.Spotify.Com/Artist/{id}/",
        "http://open.spotify.com/intl-pt-BR/artist/{id}",
        "Spotify:Artist:{id}",
    ],
)
def test_link_reads_urls_case_insensitively(linkable, template):
    app, artist_id, spotify_id = linkable
    response = app.test_client().post(
        "/api/enrichment/link",
        json={
            "entity_type": "artist",
            "entity_id": artist_id,
            "spotify_uri": template.format(id=spotify_id),
        },
    )
    assert response.status_code == 200, response.json
    assert response.json["spotify_uri"] == f"spotify:artist:{spotify_id}"


@pytest.mark.parametrize(
    "template",
    [
        "https://open.spotify.com.evil.example/artist/{id}",
        "https://evil.example/open.spotify.com/artist/{id}",
        "https://user@open.spotify.com/artist/{id}",
        "https://open.spotify.com:8443/artist/{id}",
        "ftp://open.spotify.com/artist/{id}",
        "https://open.spotify.com/artist/{id}/extra",
        "https://open.spotify.com/track/{id}",
        "spotify:artist:{id}:x",
        "https://[::1/artist/{id}",
    ],
)
def test_link_refuses_urls_that_are_not_open_spotify(linkable, fake_providers, template):
    app, artist_id, spotify_id = linkable
    response = app.test_client().post(
        "/api/enrichment/link",
        json={
            "entity_type": "artist",
            "entity_id": artist_id,
            "spotify_uri": template.format(id=spotify_id),
        },
    )
    assert response.status_code == 400
    assert fake_providers.records("spotify") == []


def test_link_to_an_id_spotify_does_not_know_is_refused(linkable):
    app, artist_id, _ = linkable
    response = app.test_client().post(
        "/api/enrichment/link",
        json={
            "entity_type": "artist",
            "entity_id": artist_id,
            "spotify_uri": "spotify:artist:" + "Z" * 22,
        },
    )
    assert response.status_code == 400 and response.json["error"] == "not_on_provider"
    with app.app_context():
        assert db.session.get(Artist, artist_id).spotify_uri is None


def test_link_without_spotify_credentials_is_503(client, seeded):
    response = client.post(
        "/api/enrichment/link",
        json={
            "entity_type": "artist",
            "entity_id": seeded["artist"],
            "spotify_uri": "spotify:artist:" + "a" * 22,
        },
    )
    assert response.status_code == 503
    assert "cannot be checked" in response.json["detail"]


def test_candidates_go_with_their_deleted_entity(app, seeded):
    with app.app_context():
        db.session.delete(db.session.get(Artist, seeded["artist"]))
        db.session.commit()
        assert db.session.query(Candidate).count() == 0


def test_a_candidate_uri_is_unique_per_entity(app, seeded):
    from sqlalchemy.exc import IntegrityError

    with app.app_context():
        artist = db.session.get(Artist, seeded["artist"])
        with pytest.raises(IntegrityError):
            add_candidate(db.session, artist, spotify_uri("artist", 1))
        db.session.rollback()
        album = add_album(db.session, artist, "Another")
        add_candidate(db.session, album, spotify_uri("artist", 1))  # another entity may share it
        db.session.commit()


@pytest.mark.parametrize(
    ("model", "uri"),
    [
        (Artist, "spotify:album:" + "a" * 22),
        (Artist, "https://open.spotify.com/artist/x"),
        (Album, "spotify:artist:" + "a" * 22),
        (Album, "spotify:album:"),
    ],
)
def test_spotify_uri_only_ever_holds_its_own_kind(model, uri):
    with pytest.raises(ValueError, match="spotify_uri"):
        model(spotify_uri=uri)


def test_candidates_list_by_status(client, seeded):
    pending = client.get("/api/enrichment/candidates").json
    rejected = client.get("/api/enrichment/candidates?status=rejected").json
    assert pending["total"] == 3 and all(c["status"] == "pending" for c in pending["candidates"])
    assert rejected["total"] == 1 and rejected["candidates"][0]["status"] == "rejected"
    client.post(f"/api/enrichment/candidates/{seeded['best']}/apply")
    applied = client.get("/api/enrichment/candidates?status=APPLIED").json
    assert [c["id"] for c in applied["candidates"]] == [seeded["best"]]
    bad = client.get("/api/enrichment/candidates?status=maybe")
    assert bad.status_code == 400 and "pending, applied, rejected" in bad.json["detail"]


def test_a_rejected_candidate_can_be_reopened_once(client, seeded):
    url = f"/api/enrichment/candidates/{seeded['other']}"
    assert client.post(f"{url}/reject").status_code == 200
    again = client.post(f"{url}/reject")
    assert again.status_code == 400 and again.json["error"] == "invalid_state"

    reopened = client.post(f"{url}/reopen")

    assert reopened.status_code == 200
    assert reopened.json["candidate"]["status"] == "pending"
    assert reopened.json["candidate"]["entity_name"] == "Nirvana"
    assert client.post(f"{url}/reopen").status_code == 400  # pending, not rejected
    assert client.post("/api/enrichment/candidates/nope/reopen").status_code == 404
    assert client.post(f"{url}/apply").status_code == 200


def test_a_deezer_link_can_be_undone_and_is_never_proposed_again(app, client, seeded):
    with app.app_context():
        db.session.get(Artist, seeded["artist"]).deezer_id = "1234"
        db.session.commit()
    body = {"entity_type": "artist", "entity_id": seeded["artist"], "provider": "deezer"}

    response = client.post("/api/enrichment/unlink", json=body)

    assert response.status_code == 200
    assert (response.json["deezer_id"], response.json["spotify_uri"]) == ("1234", None)
    with app.app_context():
        assert db.session.get(Artist, seeded["artist"]).deezer_id is None
        undone = db.session.query(Candidate).filter_by(spotify_uri="1234").one()
        assert (undone.provider, undone.status) == ("deezer", CandidateStatus.REJECTED)
    assert client.post("/api/enrichment/unlink", json=body).status_code == 400
    wrong = client.post("/api/enrichment/unlink", json={**body, "provider": "tidal"})
    assert wrong.status_code == 400 and "'spotify', 'deezer', 'musicbrainz'" in wrong.json["detail"]
