"""The library pages: the artist list, an artist, an album, their fetches and link forms."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from soulspot.extensions import db
from soulspot.models import Album, Artist, Candidate, CandidateStatus, EntityKind, Track
from soulspot.wiring import artwork
from tests.factories import add_album, add_artist, add_candidate, spotify_uri
from tests.fakes.server import FakeProviders
from tests.support.artwork import image_bytes

HTMX = {"HX-Request": "true"}
XSS = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
MBID = "0383dadf-2a4e-4d10-a46a-e9e041da8eb3"


def _text(response: Any) -> str:
    return response.get_data(as_text=True)


def _names(response: Any) -> list[str]:
    """The artist names of a list page, in order."""
    return re.findall(r'<span class="artist-row-name">([^<]*)</span>', _text(response))


def _store_image(app: Flask, artist: Artist) -> None:
    """An image file where the artwork store puts it, and the column pointing at it."""
    root = Path(app.config["ARTWORK_DIR"]) / "artists"
    root.mkdir(parents=True, exist_ok=True)
    (root / f"{artist.id}.png").write_bytes(image_bytes("PNG"))
    artist.image_path = f"artists/{artist.id}.png"


@pytest.fixture
def library(app: Flask) -> dict[str, str]:
    """Five artists: linked, unlinked, in review, with a failed image, and with a picture."""
    with app.app_context():
        session = db.session
        now = datetime(2026, 1, 1, tzinfo=UTC)
        abba = add_artist(
            session,
            "ABBA",
            albums=("Arrival", "Waterloo", "Voulez-Vous"),
            spotify_uri=spotify_uri("artist", 1),
            enrichment_attempted_at=now - timedelta(days=3),
        )
        beck = add_artist(session, "Beck", albums=("Odelay",))
        cher = add_artist(
            session, "Cher", albums=("Believe",), enrichment_attempted_at=now, deezer_id="12"
        )
        add_candidate(session, cher, spotify_uri("artist", 2))
        doves = add_artist(session, "Doves", image_path="FAILED|not_found|2026-01-01T00:00:00Z")
        eels = add_artist(session, "Eels", albums=("Beautiful Freak", "Electro-Shock Blues"))
        _store_image(app, eels)
        session.commit()
        return {
            "abba": abba.id,
            "beck": beck.id,
            "cher": cher.id,
            "doves": doves.id,
            "eels": eels.id,
        }


# --- the artist list ---------------------------------------------------------------------


def test_the_list_pages_by_name_and_links_each_artist(
    client: FlaskClient, library: dict[str, str]
) -> None:
    first = client.get("/artists?limit=2")
    assert first.status_code == 200
    assert _names(first) == ["ABBA", "Beck"]
    assert "1–2 of 5 artists" in _text(first)
    assert f'href="/artists/{library["abba"]}"' in _text(first)
    assert 'href="/artists?offset=2&amp;limit=2"' in _text(first)  # next, keeping the limit
    assert 'rel="prev"' not in _text(first)

    last = client.get("/artists?limit=2&offset=4")
    assert _names(last) == ["Eels"]
    assert 'href="/artists?offset=2&amp;limit=2"' in _text(last) and 'rel="next"' not in _text(last)


def test_search_matches_a_name_substring(client: FlaskClient, library: dict[str, str]) -> None:
    assert _names(client.get("/artists?q=e")) == ["Beck", "Cher", "Doves", "Eels"]
    assert _names(client.get("/artists?q=%25")) == []  # LIKE wildcards are literal
    assert "No artists match" in _text(client.get("/artists?q=zzz"))


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        ("unlinked", ["Beck", "Doves", "Eels"]),
        ("linked", ["ABBA", "Cher"]),
        ("review", ["Cher"]),
        ("failed_image", ["Doves"]),
    ],
)
def test_filters(
    client: FlaskClient, library: dict[str, str], chosen: str, expected: list[str]
) -> None:
    response = client.get(f"/artists?filter={chosen}")
    assert _names(response) == expected
    assert f'<option value="{chosen}" selected>' in _text(response)


def test_a_decided_candidate_no_longer_needs_review(
    app: Flask, client: FlaskClient, library: dict[str, str]
) -> None:
    with app.app_context():
        for candidate in db.session.scalars(select(Candidate)):
            candidate.status = CandidateStatus.REJECTED
        db.session.commit()
    assert _names(client.get("/artists?filter=review")) == []


def test_sorts(client: FlaskClient, library: dict[str, str]) -> None:
    # Recently enriched first, never enriched last (by name).
    assert _names(client.get("/artists?sort=enriched")) == ["Cher", "ABBA", "Beck", "Doves", "Eels"]
    filtered = client.get("/artists?sort=enriched&filter=unlinked&q=e&limit=1")
    assert _names(filtered) == ["Beck"]
    # The pager keeps the search, the filter and the sort.
    assert 'href="/artists?offset=1&amp;q=e&amp;filter=unlinked&amp;sort=enriched&amp;limit=1"' in (
        _text(filtered)
    )


def test_rows_show_badges_and_album_counts(client: FlaskClient, library: dict[str, str]) -> None:
    page = _text(client.get("/artists"))
    row = {name: page.split(f">{name}<", 1)[1].split("</li>", 1)[0] for name in _names_of(page)}
    assert "3 albums" in row["ABBA"] and "Spotify" in row["ABBA"]
    assert "1 album<" in row["Beck"] and "Not linked" in row["Beck"]
    assert "Needs review" in row["Cher"] and "Deezer" in row["Cher"]
    assert "Image failed" in row["Doves"] and "0 albums" in row["Doves"]


def _names_of(page: str) -> list[str]:
    return re.findall(r'<span class="artist-row-name">([^<]*)</span>', page)


def test_only_an_artist_with_a_stored_image_gets_an_img(
    app: Flask, client: FlaskClient, library: dict[str, str]
) -> None:
    page = _text(client.get("/artists"))
    images = re.findall(r'<img class="thumb" src="([^"]+)"', page)
    assert images == [f"/artwork/artists/{library['eels']}"]
    assert client.get(images[0]).status_code == 200
    assert page.count("thumb-placeholder") == 4
    # A recorded path whose file is gone gets the placeholder too, not a request that 404s.
    (Path(app.config["ARTWORK_DIR"]) / "artists" / f"{library['eels']}.png").unlink()
    assert "<img" not in _text(client.get("/artists"))


def test_an_htmx_request_gets_only_the_results_and_the_form_pushes_the_url(
    client: FlaskClient, library: dict[str, str]
) -> None:
    page = _text(client.get("/artists"))
    assert 'hx-get="/artists"' in page and 'hx-push-url="true"' in page
    assert 'hx-target="#artist-results"' in page
    block = _text(client.get("/artists?q=abba", headers=HTMX))
    assert "<html" not in block and "<form" not in block
    assert _names_of(block) == ["ABBA"]


def test_a_history_restore_gets_the_whole_page(
    client: FlaskClient, library: dict[str, str]
) -> None:
    # htmx reloads a pushed URL it has no copy of with both headers, and swaps in the body.
    headers = {**HTMX, "HX-History-Restore-Request": "true"}
    page = _text(client.get("/artists?q=abba", headers=headers))
    assert "<html" in page and 'id="artist-results"' in page


def test_the_list_never_loads_more_than_a_page(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        for number in range(60):
            db.session.add(Artist(name=f"Artist {number:02d}", has_local_files=True))
        db.session.commit()
    page = client.get("/artists")
    assert len(_names(page)) == 48 and "1–48 of 60 artists" in _text(page)
    assert len(_names(client.get("/artists?limit=200"))) == 60


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=201",
        "limit=abc",
        "offset=-1",
        "offset=99999999999999999999999",
        "filter=bogus",
        "sort=popularity",
        "sort=albums",  # too slow on a big library: not offered
        "q=" + "x" * 201,
    ],
)
def test_bad_parameters_are_400(client: FlaskClient, query: str) -> None:
    page = client.get(f"/artists?{query}")
    assert page.status_code == 400
    assert 'data-status="400"' in _text(page)
    fragment = client.get(f"/artists?{query}", headers=HTMX)
    assert fragment.status_code == 400 and 'class="error-fragment"' in _text(fragment)


# --- the artist and album pages ----------------------------------------------------------


@pytest.fixture
def artist_page(app: Flask) -> dict[str, str]:
    """A linked artist with two local albums and one known only from its discography."""
    with app.app_context():
        session = db.session
        artist = add_artist(
            session,
            "Portishead",
            spotify_uri="spotify:artist:6liAMWkVf5LH7YR9yfFy1Y",
            deezer_id="1187",
            musicbrainz_id=MBID,
            disambiguation="Bristol trip hop band",
            genres=["trip hop", "electronic"],
        )
        dummy = add_album(session, artist, "Dummy", tracks=2, release_year=1994)
        dummy.tracks[0].duration_ms = 304_000
        dummy.tracks[1].duration_ms = 3_725_400
        add_album(session, artist, "Third", release_year=2008, deezer_id="77")
        remote = add_album(session, artist, "Roseland NYC Live", tracks=0, release_year=1998)
        session.add(Track(album_id=remote.id, artist_id=artist.id, title="Humming"))
        session.commit()
        return {"artist": artist.id, "dummy": dummy.id, "remote": remote.id}


def test_the_artist_page_shows_its_links_and_albums_split(
    client: FlaskClient, artist_page: dict[str, str]
) -> None:
    page = _text(client.get(f"/artists/{artist_page['artist']}"))
    assert "<h1" in page and "Portishead" in page and "Bristol trip hop band" in page
    assert '<li class="badge">trip hop</li>' in page
    assert 'href="https://open.spotify.com/artist/6liAMWkVf5LH7YR9yfFy1Y"' in page
    assert 'href="https://www.deezer.com/artist/1187"' in page
    assert f'href="https://musicbrainz.org/artist/{MBID}"' in page
    local, provider = page.split('id="local-albums"')[1].split('id="provider-albums"')
    assert "Dummy" in local and "Third" in local and "Roseland" not in local
    assert "Roseland NYC Live" in provider and "Not in library" in provider
    assert local.index("Dummy") < local.index("Third")  # oldest first
    assert f'href="/albums/{artist_page["remote"]}"' in provider
    assert "<img" not in page  # nothing stored yet: placeholders only


def test_on_load_the_page_fetches_the_discography_only_when_it_has_none(
    app: Flask, client: FlaskClient, artist_page: dict[str, str]
) -> None:
    artist_id = artist_page["artist"]
    page = _text(client.get(f"/artists/{artist_id}"))
    assert 'hx-trigger="load"' in page
    assert f'hx-post="/artists/{artist_id}/fetch-images"' in page  # it has a provider album
    assert "fetch-discography" not in page
    with app.app_context():
        db.session.delete(db.session.get(Album, artist_page["remote"]))
        db.session.commit()
    page = _text(client.get(f"/artists/{artist_id}"))
    assert f'hx-post="/artists/{artist_id}/fetch-discography"' in page
    assert "fetch-images" not in page  # that one comes with the discography's answer


def test_the_album_page_lists_tracks_with_durations_and_links(
    client: FlaskClient, artist_page: dict[str, str]
) -> None:
    page = _text(client.get(f"/albums/{artist_page['dummy']}"))
    assert "<h1" in page and "Dummy" in page and "1994" in page
    assert f'href="/artists/{artist_page["artist"]}"' in page
    assert ">5:04</time>" in page and ">1:02:05</time>" in page
    assert page.count('badge badge-ok">Local') == 2
    assert 'id="link-panel"' in page and 'action="/albums/' in page
    remote = _text(client.get(f"/albums/{artist_page['remote']}"))
    assert "Humming" in remote and ">Missing<" in remote and "not in your library" in remote


def test_album_links_use_release_groups_on_musicbrainz(
    app: Flask, client: FlaskClient, artist_page: dict[str, str]
) -> None:
    with app.app_context():
        album = db.session.get(Album, artist_page["dummy"])
        album.musicbrainz_id = MBID
        album.spotify_uri = "spotify:album:3539EbNgIdEDGBKkUf4wno"
        album.deezer_id = "302127"
        db.session.commit()
    page = _text(client.get(f"/albums/{artist_page['dummy']}"))
    assert f'href="https://musicbrainz.org/release-group/{MBID}"' in page
    assert 'href="https://open.spotify.com/album/3539EbNgIdEDGBKkUf4wno"' in page
    assert 'href="https://www.deezer.com/album/302127"' in page


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/artists/nope"),
        ("get", "/albums/nope"),
        ("post", "/artists/nope/fetch-images"),
        ("post", "/artists/nope/fetch-discography"),
        ("post", "/artists/nope/unlink"),
        ("post", "/albums/nope/link"),
    ],
)
def test_unknown_ids_are_404(client: FlaskClient, method: str, url: str) -> None:
    data = {"provider": "spotify", "url": "spotify:album:" + "A" * 22}
    page = getattr(client, method)(url, data=data)
    assert page.status_code == 404 and 'data-status="404"' in _text(page)
    fragment = getattr(client, method)(url, data=data, headers=HTMX)
    assert fragment.status_code == 404 and 'class="error-fragment"' in _text(fragment)


# --- the on-load fetches, against the fake providers -------------------------------------


@pytest.fixture
def provider_app(make_app: Callable[..., Flask], fake_providers: FakeProviders) -> Flask:
    return make_app(**fake_providers.config())


def _remote_artist(fake: FakeProviders, name: str = "Sleater-Kinney") -> Any:
    remote = fake.catalog.add_artist(name, fans=300_000)
    for index, title in enumerate(("Call the Doctor", "Dig Me Out", "The Hot Rock")):
        fake.catalog.add_album(remote, title, year=1996 + index, tracks=3)
    return remote


def _local(app: Flask, name: str, *titles: str, **fields: Any) -> str:
    with app.app_context():
        artist = add_artist(db.session, name, albums=titles, **fields)
        db.session.commit()
        return artist.id


def test_the_discography_fetch_answers_the_albums_and_fetches_images_next(
    provider_app: Flask, fake_providers: FakeProviders
) -> None:
    remote = _remote_artist(fake_providers)
    artist_id = _local(
        provider_app, remote.name, "Call the Doctor", deezer_id=str(remote.deezer_id)
    )
    client = provider_app.test_client()

    block = _text(client.post(f"/artists/{artist_id}/fetch-discography", headers=HTMX))

    assert "<html" not in block and 'id="provider-albums"' in block
    assert "Dig Me Out" in block.split('id="provider-albums"')[1]
    assert "The Hot Rock" in block.split('id="provider-albums"')[1]
    assert f'hx-post="/artists/{artist_id}/fetch-images"' in block
    assert "fetch-discography" not in block  # the chain never loops
    # The links the fetch made go along, out of band, for the links panel.
    links = block.split('<div id="provider-links" hx-swap-oob="true">')[1]
    assert f'href="https://www.deezer.com/artist/{remote.deezer_id}"' in links
    # The fetch asked without retries: a failing Deezer answers at once, still a block.
    fake_providers.faults.add("deezer", "503")
    fake_providers.requests.clear()
    again = client.post(f"/artists/{artist_id}/fetch-discography", headers=HTMX)
    assert again.status_code == 200 and 'id="provider-albums"' in _text(again)
    assert fake_providers.count("deezer") <= 1


def test_the_image_fetch_stores_this_artists_pictures_and_answers_them(
    provider_app: Flask, fake_providers: FakeProviders
) -> None:
    remote = _remote_artist(fake_providers)
    other = fake_providers.catalog.add_artist("Bikini Kill")
    artist_id = _local(provider_app, remote.name, deezer_id=str(remote.deezer_id))
    other_id = _local(provider_app, other.name, deezer_id=str(other.deezer_id))
    with provider_app.app_context():
        artist = db.session.get(Artist, artist_id)
        for album in remote.albums:
            add_album(db.session, artist, album.title, deezer_id=str(album.deezer_id))
        db.session.commit()
    client = provider_app.test_client()

    block = _text(client.post(f"/artists/{artist_id}/fetch-images", headers=HTMX))

    assert f'src="/artwork/artists/{artist_id}"' in block
    assert block.count('src="/artwork/albums/') == 3
    assert "fetch-" not in block  # nothing further to fetch
    assert client.get(f"/artwork/artists/{artist_id}").status_code == 200
    with provider_app.app_context():  # another artist's picture is that page's to fetch
        assert db.session.get(Artist, other_id).image_path is None
    # Nothing left to fetch (say another worker stored the images after the page was drawn):
    # the block as it stands, so the page shows them all the same.
    fake_providers.requests.clear()
    nothing = client.post(f"/artists/{artist_id}/fetch-images", headers=HTMX)
    assert nothing.status_code == 200 and fake_providers.count("deezer") == 0
    assert f'src="/artwork/artists/{artist_id}"' in _text(nothing)


def test_the_image_fetch_uses_a_stored_url_without_a_deezer_id(
    provider_app: Flask, fake_providers: FakeProviders
) -> None:
    """A Spotify-only link (an applied review candidate) has a stored picture URL and no
    Deezer id: the page the owner opened downloads it all the same."""
    remote = fake_providers.catalog.add_artist("Only on Spotify", providers=("spotify",))
    artist_id = _local(
        provider_app,
        remote.name,
        spotify_uri=f"spotify:artist:{remote.spotify_id}",
        image_url=f"{fake_providers.url}/cdn/spotify/{remote.spotify_id}.jpg",
    )
    client = provider_app.test_client()
    block = _text(client.post(f"/artists/{artist_id}/fetch-images", headers=HTMX))
    assert f'src="/artwork/artists/{artist_id}"' in block
    assert "fetch-" not in block


def test_an_image_another_thread_holds_is_asked_for_again_later(
    provider_app: Flask, fake_providers: FakeProviders
) -> None:
    remote = _remote_artist(fake_providers)
    artist_id = _local(provider_app, remote.name, deezer_id=str(remote.deezer_id))
    claims = artwork(provider_app).claims
    assert claims.claim(EntityKind.ARTIST, artist_id)  # say the follow-up of an apply has it
    client = provider_app.test_client()

    first = _text(client.post(f"/artists/{artist_id}/fetch-images", headers=HTMX))
    assert "thumb-placeholder" in first
    assert f'hx-post="/artists/{artist_id}/fetch-images?attempt=2"' in first
    assert 'hx-trigger="load delay:2s"' in first
    last = _text(client.post(f"/artists/{artist_id}/fetch-images?attempt=3", headers=HTMX))
    assert "fetch-images" not in last  # the tries are bounded
    assert client.post(f"/artists/{artist_id}/fetch-images?attempt=9").status_code == 400

    claims.release(EntityKind.ARTIST, artist_id)  # the other thread gave up on it
    again = _text(client.post(f"/artists/{artist_id}/fetch-images?attempt=2", headers=HTMX))
    assert f'src="/artwork/artists/{artist_id}"' in again and "fetch-images" not in again


def test_a_failing_image_fetch_is_quiet(provider_app: Flask, fake_providers: FakeProviders) -> None:
    remote = _remote_artist(fake_providers)
    artist_id = _local(provider_app, remote.name, deezer_id=str(remote.deezer_id))
    fake_providers.faults.add("*", "500")
    response = provider_app.test_client().post(f"/artists/{artist_id}/fetch-images", headers=HTMX)
    assert response.status_code == 200 and "thumb-placeholder" in _text(response)


# --- link and unlink by hand -------------------------------------------------------------


def test_link_by_a_pasted_url_then_unlink(
    provider_app: Flask, fake_providers: FakeProviders
) -> None:
    remote = fake_providers.catalog.add_artist("Sleater-Kinney", providers=("spotify",))
    artist_id = _local(provider_app, remote.name)
    client = provider_app.test_client()
    url = f"https://open.spotify.com/intl-de/artist/{remote.spotify_id}?si=x"

    linked = client.post(f"/artists/{artist_id}/link", data={"url": url}, headers=HTMX)

    assert linked.status_code == 200
    panel = _text(linked)
    assert panel.startswith('<section id="link-panel"') and "Linked to Spotify." in panel
    assert f'href="https://open.spotify.com/artist/{remote.spotify_id}"' in panel
    with provider_app.app_context():
        artist = db.session.get(Artist, artist_id)
        assert artist.spotify_uri == f"spotify:artist:{remote.spotify_id}"
        assert artist.link_sources["spotify"]["source"] == "manual"

    unlinked = client.post(
        f"/artists/{artist_id}/unlink", data={"provider": "spotify"}, headers=HTMX
    )

    assert unlinked.status_code == 200 and "Unlinked from Spotify" in _text(unlinked)
    assert "open.spotify.com/artist/" + remote.spotify_id + '"' not in _text(unlinked)
    with provider_app.app_context():
        assert db.session.get(Artist, artist_id).spotify_uri is None
        rejected = db.session.scalars(select(Candidate)).one()
        assert rejected.status == CandidateStatus.REJECTED


def test_without_htmx_a_form_post_returns_to_the_page(
    client: FlaskClient, artist_page: dict[str, str]
) -> None:
    artist_id = artist_page["artist"]
    response = client.post(f"/artists/{artist_id}/unlink", data={"provider": "deezer"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/artists/{artist_id}"
    assert 'data-provider="deezer"' not in _text(client.get(f"/artists/{artist_id}"))


def test_link_an_album_by_hand(provider_app: Flask, fake_providers: FakeProviders) -> None:
    remote = fake_providers.catalog.add_artist("Sleater-Kinney", providers=("spotify",))
    remote_album = fake_providers.catalog.add_album(remote, "Dig Me Out", year=1997, tracks=3)
    with provider_app.app_context():
        album = add_album(db.session, add_artist(db.session, remote.name), "Dig Me Out")
        db.session.commit()
        album_id = album.id
    url = f"spotify:album:{remote_album.spotify_id}"
    response = provider_app.test_client().post(
        f"/albums/{album_id}/link", data={"url": url}, headers=HTMX
    )
    assert response.status_code == 200
    assert f'href="https://open.spotify.com/album/{remote_album.spotify_id}"' in _text(response)


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/artist/6liAMWkVf5LH7YR9yfFy1Y",
        "https://open.spotify.com/album/6liAMWkVf5LH7YR9yfFy1Y",  # an album, not an artist
        "",
        "x" * 1001,
    ],
)
def test_a_bad_pasted_url_is_a_400_fragment(
    provider_app: Flask, fake_providers: FakeProviders, url: str
) -> None:
    artist_id = _local(provider_app, "Sleater-Kinney")
    client = provider_app.test_client()
    response = client.post(f"/artists/{artist_id}/link", data={"url": url}, headers=HTMX)
    assert response.status_code == 400
    assert _text(response).startswith('<div class="error-fragment" role="alert"')
    assert fake_providers.count("spotify") == 0
    assert (
        client.post(f"/artists/{artist_id}/unlink", data={"provider": "tidal"}).status_code == 400
    )


def test_a_link_spotify_does_not_know_is_refused(
    provider_app: Flask, fake_providers: FakeProviders
) -> None:
    artist_id = _local(provider_app, "Sleater-Kinney")
    url = "https://open.spotify.com/artist/" + "Z" * 22
    response = provider_app.test_client().post(
        f"/artists/{artist_id}/link", data={"url": url}, headers=HTMX
    )
    assert response.status_code == 400 and "Spotify has no artist" in _text(response)


def test_cross_site_posts_are_refused(client: FlaskClient, artist_page: dict[str, str]) -> None:
    response = client.post(
        f"/artists/{artist_page['artist']}/unlink",
        data={"provider": "spotify"},
        headers={"Origin": "https://evil.example"},
    )
    assert response.status_code == 403


# --- escaping ----------------------------------------------------------------------------


def test_names_render_escaped_on_every_page_and_fragment(
    provider_app: Flask, fake_providers: FakeProviders
) -> None:
    remote = fake_providers.catalog.add_artist(XSS, providers=("spotify", "deezer"))
    fake_providers.catalog.add_album(remote, f"Rarities {XSS}", year=2001, tracks=[XSS])
    with provider_app.app_context():
        artist = add_artist(
            db.session,
            XSS,
            albums=(XSS,),
            disambiguation=XSS,
            genres=[XSS],
            deezer_id=str(remote.deezer_id),
        )
        album = artist.albums[0]
        album.disambiguation = XSS
        for track in album.tracks:
            track.title = XSS
            track.artist_name = XSS
        db.session.commit()
        artist_id, album_id = artist.id, album.id
    client = provider_app.test_client()
    answers = {
        "list": client.get(f"/artists?q={XSS}"),
        "list block": client.get("/artists", headers=HTMX),
        "artist": client.get(f"/artists/{artist_id}"),
        "album": client.get(f"/albums/{album_id}"),
        "discography": client.post(f"/artists/{artist_id}/fetch-discography", headers=HTMX),
        "images": client.post(f"/artists/{artist_id}/fetch-images", headers=HTMX),
        "link": client.post(
            f"/artists/{artist_id}/link",
            data={"url": f"https://open.spotify.com/artist/{remote.spotify_id}"},
            headers=HTMX,
        ),
        "bad link": client.post(f"/albums/{album_id}/link", data={"url": XSS}, headers=HTMX),
        "unlink": client.post(
            f"/artists/{artist_id}/unlink", data={"provider": "deezer"}, headers=HTMX
        ),
    }
    for name, response in answers.items():
        body = _text(response)
        assert response.status_code in (200, 400), name
        assert XSS not in body, name
        assert "<script>alert" not in body, name
    for name in ("list", "list block", "artist", "album", "discography", "bad link"):
        assert ESCAPED in _text(answers[name]), name
    assert 'id="provider-albums"' in _text(answers["discography"])  # the fake's XSS album
