"""SpotifyClient over real HTTP against the fake Spotify (development mode)."""

from __future__ import annotations

import io

import pytest
import requests
from PIL import Image

from soulspot.providers.errors import AuthError, NotConfigured, ProviderNotFound
from soulspot.providers.factory import build_clients


def test_search_artists_by_popularity(fake_providers, fake_clients) -> None:
    catalog = fake_providers.catalog
    catalog.add_artist("Genesis", popularity=40)
    catalog.add_artist("Genesis Tribute Band", popularity=70)
    catalog.add_artist("Yes", popularity=90)
    found = fake_clients.spotify.search_artists("genesis")
    assert [a.name for a in found] == ["Genesis Tribute Band", "Genesis"]
    assert found[0].popularity == 70


def test_search_albums_with_artist_and_year(fake_providers, fake_clients) -> None:
    catalog = fake_providers.catalog
    floyd = catalog.add_artist("Pink Floyd", popularity=80)
    other = catalog.add_artist("Animals Tribute", popularity=10)
    animals = catalog.add_album(floyd, "Animals", year=1977)
    catalog.add_album(floyd, "Animals", year=2018)
    catalog.add_album(other, "Animals", year=1977)
    found = fake_clients.spotify.search_albums("Animals", artist="Pink Floyd", year=1977)
    assert [(a.id, a.year, a.artists) for a in found] == [
        (animals.spotify_id, 1977, ("Pink Floyd",))
    ]
    query = fake_providers.records("spotify")[-1].query
    assert query["q"] == 'artist:"Pink Floyd" album:"Animals" year:1977'


def test_artist_albums_pages_ten_at_a_time(fake_providers, fake_clients) -> None:
    catalog = fake_providers.catalog
    artist = catalog.add_artist("Prolific")
    for n in range(23):
        catalog.add_album(artist, f"LP {n}", year=1990 + n)
    catalog.add_album(artist, "A Single", album_type="single")
    albums = fake_clients.spotify.artist_albums(artist.spotify_id, include_groups=("album",))
    assert len(albums) == 23
    pages = fake_providers.records("spotify")
    pages = [r for r in pages if r.path.endswith("/albums")]
    assert len(pages) == 3
    assert all(int(r.query["limit"]) <= 10 for r in pages)


def test_development_mode_refuses_limits_above_ten(fake_providers, fake_clients) -> None:
    artist = fake_providers.catalog.add_artist("X")
    fake_clients.spotify.get_artist(artist.spotify_id)  # obtains a token
    token = fake_providers.issue_spotify_token()
    answer = requests.get(
        f"{fake_providers.url}/spotify/v1/search",
        params={"q": "x", "type": "artist", "limit": 11},
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    )
    assert answer.status_code == 400
    assert answer.json() == {"error": {"status": 400, "message": "Invalid limit"}}


def test_get_album_with_more_tracks_than_one_page(fake_providers, fake_clients) -> None:
    catalog = fake_providers.catalog
    album = catalog.add_album(catalog.add_artist("Long"), "Box Set", year=2001, tracks=60)
    info = fake_clients.spotify.get_album(album.spotify_id)
    assert [t.track_number for t in info.tracks] == list(range(1, 61))
    assert info.release_date_precision == "year"
    assert len(fake_clients.spotify.album_tracks(album.spotify_id)) == 60


def test_artist_without_popularity_in_development_mode(fake_providers, fake_clients) -> None:
    artist = fake_providers.catalog.add_artist("Obscure", popularity=None, image=False)
    info = fake_clients.spotify.get_artist(artist.spotify_id)
    assert (info.popularity, info.fans, info.image) == (None, None, None)


def test_images_come_from_the_fake_cdn(fake_providers, fake_clients) -> None:
    artist = fake_providers.catalog.add_artist("Pictured", popularity=5)
    image = fake_clients.spotify.get_artist(artist.spotify_id).image
    assert image is not None and image.url.endswith(f"/cdn/spotify/{artist.spotify_id}.jpg")
    body = requests.get(image.url, timeout=5).content
    assert Image.open(io.BytesIO(body)).size == (640, 640)


def test_a_revoked_token_is_renewed_once(fake_providers, fake_clients) -> None:
    artist = fake_providers.catalog.add_artist("Token")
    fake_clients.spotify.get_artist(artist.spotify_id)
    fake_providers.expire_spotify_tokens()
    assert fake_clients.spotify.get_artist(artist.spotify_id).name == "Token"
    assert fake_providers.count("spotify", path_contains="/api/token") == 2
    assert fake_providers.count("spotify", status=401) == 1


def test_wrong_credentials_are_an_auth_error(fake_providers) -> None:
    clients = build_clients(fake_providers.config(SPOTIFY_CLIENT_SECRET="wrong"))
    with pytest.raises(AuthError):
        clients.spotify.search_artists("x")
    assert fake_providers.records("spotify")[-1].status == 400


def test_without_credentials_nothing_is_sent(fake_providers) -> None:
    clients = build_clients(fake_providers.config(SPOTIFY_CLIENT_ID=None, SPOTIFY_CLIENT_SECRET=""))
    with pytest.raises(NotConfigured):
        clients.spotify.search_artists("x")
    assert fake_providers.count("spotify") == 0


def test_unknown_album_is_not_found(fake_providers, fake_clients) -> None:
    with pytest.raises(ProviderNotFound):
        fake_clients.spotify.get_album("0" * 22)


def test_requests_carry_our_user_agent(fake_providers, fake_clients) -> None:
    fake_clients.spotify.search_artists("anyone")
    agents = {r.user_agent for r in fake_providers.records("spotify")}
    assert len(agents) == 1
    assert agents.pop().startswith("SoulSpot/")
