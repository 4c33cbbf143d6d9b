"""SpotifyClient against requests-mock: auth, queries, paging, development-mode rules."""

from __future__ import annotations

import threading

import pytest

from soulspot.providers.errors import AuthError, NotConfigured, ProviderNotFound
from soulspot.providers.spotify import SpotifyClient
from tests.fakes.recorded import recorded

API = "https://api.spotify.test/v1"
ACCOUNTS = "https://accounts.spotify.test"
TOKEN_URL = f"{ACCOUNTS}/api/token"


@pytest.fixture
def make_client(make_http):  # noqa: ANN001, ANN201
    def build(client_id: str | None = "id", client_secret: str | None = "secret") -> SpotifyClient:
        return SpotifyClient(
            make_http("spotify", API),
            accounts_url=ACCOUNTS,
            client_id=client_id,
            client_secret=client_secret,
        )

    return build


@pytest.fixture
def token(requests_mock):  # noqa: ANN001, ANN201
    return requests_mock.post(
        TOKEN_URL,
        [
            {"json": {"access_token": "t1", "token_type": "Bearer", "expires_in": 3600}},
            {"json": {"access_token": "t2", "token_type": "Bearer", "expires_in": 3600}},
        ],
    )


def auth_of(request) -> str:  # noqa: ANN001
    return request.headers["Authorization"]


def test_not_configured_raises_before_any_request(requests_mock, make_client) -> None:
    client = make_client(client_id=None)
    assert not client.configured
    with pytest.raises(NotConfigured):
        client.get_artist("x")
    assert requests_mock.call_count == 0


def test_token_is_fetched_with_client_credentials_and_cached(
    requests_mock, make_client, token
) -> None:
    artist = recorded("recorded/spotify/artist_0OdUWJ0sBjDrqHygGUXeCF.json")
    calls = requests_mock.get(f"{API}/artists/0OdUWJ0sBjDrqHygGUXeCF", json=artist)
    client = make_client()
    assert client.configured
    client.get_artist("0OdUWJ0sBjDrqHygGUXeCF")
    client.get_artist("0OdUWJ0sBjDrqHygGUXeCF")
    assert token.call_count == 1
    sent = token.request_history[0]
    assert sent.text == "grant_type=client_credentials"
    assert sent.headers["Authorization"].startswith("Basic ")  # id:secret
    assert [auth_of(r) for r in calls.request_history] == ["Bearer t1", "Bearer t1"]


def test_token_is_renewed_when_it_expires(requests_mock, make_client, token, clock) -> None:
    requests_mock.get(f"{API}/artists/a", json={"id": "a", "name": "A"})
    client = make_client()
    client.get_artist("a")
    clock.advance(3600)
    client.get_artist("a")
    assert token.call_count == 2


def test_a_401_refreshes_the_token_once(requests_mock, make_client, token) -> None:
    calls = requests_mock.get(
        f"{API}/artists/a",
        [
            {"status_code": 401, "json": {"error": {"status": 401, "message": "expired"}}},
            {"json": {"id": "a", "name": "A"}},
        ],
    )
    assert make_client().get_artist("a").name == "A"
    assert token.call_count == 2
    assert [auth_of(r) for r in calls.request_history] == ["Bearer t1", "Bearer t2"]


def test_a_second_401_is_an_auth_error(requests_mock, make_client, token) -> None:
    requests_mock.get(f"{API}/artists/a", status_code=401, json={"error": {"status": 401}})
    with pytest.raises(AuthError):
        make_client().get_artist("a")
    assert token.call_count == 2


def test_a_403_does_not_refresh_the_token(requests_mock, make_client, token) -> None:
    requests_mock.get(f"{API}/artists/a", status_code=403, json={"error": {"status": 403}})
    with pytest.raises(AuthError):
        make_client().get_artist("a")
    assert token.call_count == 1


def test_bad_credentials_are_an_auth_error(requests_mock, make_client) -> None:
    body = recorded("recorded/spotify/error_token_invalid_client_400.json")
    requests_mock.post(TOKEN_URL, status_code=400, json=body)
    with pytest.raises(AuthError, match="invalid_client"):
        make_client().search_artists("Blur")
    assert requests_mock.call_count == 1


def test_threads_share_one_token(requests_mock, make_client, token) -> None:
    requests_mock.get(f"{API}/artists/a", json={"id": "a", "name": "A"})
    client = make_client()
    threads = [threading.Thread(target=client.get_artist, args=("a",)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert token.call_count == 1


def test_search_artists_uses_a_quoted_field_filter(requests_mock, make_client, token) -> None:
    body = recorded("recorded/spotify/search_artist_gorillaz.json")
    search = requests_mock.get(f"{API}/search", json=body)
    artists = make_client().search_artists('Gorillaz "Live"', limit=5)
    assert search.last_request.qs == {
        "q": ['artist:"gorillaz live"'],
        "type": ["artist"],
        "limit": ["5"],
    }
    assert [a.id for a in artists] == [item["id"] for item in body["artists"]["items"]]
    assert artists[0].provider == "spotify"


def test_search_albums_combines_artist_album_and_year(requests_mock, make_client, token) -> None:
    body = recorded("recorded/spotify/search_album_yeezus.json")
    search = requests_mock.get(f"{API}/search", json=body)
    albums = make_client().search_albums("Animals", artist="Pink Floyd", year=1977)
    sent = search.last_request
    assert sent.qs["q"] == ['artist:"pink floyd" album:"animals" year:1977']
    assert sent.qs["limit"] == ["10"]
    assert albums[0].title == "Yeezus"
    assert albums[0].year == 2013


@pytest.mark.parametrize("limit", [0, 11, 50])
def test_search_limit_is_capped_by_development_mode(make_client, limit) -> None:
    with pytest.raises(ValueError, match="limit"):
        make_client().search_artists("x", limit=limit)


def test_artist_albums_reads_every_page_ten_at_a_time(requests_mock, make_client, token) -> None:
    def page(offset: int, count: int, next_url: str | None) -> dict:
        items = [
            {
                "id": f"al{offset + n}",
                "name": f"Album {offset + n}",
                "album_type": "album",
                "release_date": "2001",
                "release_date_precision": "year",
                "artists": [],
            }
            for n in range(count)
        ]
        return {"items": items, "next": next_url, "limit": 10, "offset": offset, "total": 13}

    first = requests_mock.get(
        f"{API}/artists/ar/albums",
        json=page(0, 10, f"{API}/artists/ar/albums?offset=10&limit=10&include_groups=album"),
    )
    requests_mock.get(f"{API}/artists/ar/albums?offset=10", json=page(10, 3, None))
    albums = make_client().artist_albums("ar", include_groups=("album",))
    assert [a.id for a in albums] == [f"al{n}" for n in range(13)]
    assert first.request_history[0].qs == {"include_groups": ["album"], "limit": ["10"]}
    assert albums[0].release_date_precision == "year"


def test_get_album_follows_the_embedded_tracks_page(requests_mock, make_client, token) -> None:
    album = recorded("recorded/spotify/album_32nryzA6XBCX9ZUspVc1yz_55_tracks.json")
    rest = recorded("recorded/spotify/album_32nryzA6XBCX9ZUspVc1yz_tracks_offset50.json")
    requests_mock.get(f"{API}/albums/32nryzA6XBCX9ZUspVc1yz", json=album)
    requests_mock.get(album["tracks"]["next"], json=rest)
    info = make_client().get_album("32nryzA6XBCX9ZUspVc1yz")
    assert info.total_tracks == 55
    assert len(info.tracks) == 55
    assert info.tracks[-1].track_number == 55


def test_album_tracks_reads_every_page(requests_mock, make_client, token) -> None:
    first = recorded("recorded/spotify/album_6akEvsycLGftJxYudPjmqK_tracks_limit2.json")
    requests_mock.get(f"{API}/albums/6akEvsycLGftJxYudPjmqK/tracks", json=first)
    tail = {**first, "next": None, "offset": 2}
    requests_mock.get(first["next"], json=tail)
    tracks = make_client().album_tracks("6akEvsycLGftJxYudPjmqK")
    assert len(tracks) == 2 * len(first["items"])
    assert requests_mock.request_history[1].qs["limit"] == ["50"]


def test_missing_artist_is_not_found(requests_mock, make_client, token) -> None:
    requests_mock.get(
        f"{API}/artists/nope",
        status_code=404,
        json={"error": {"status": 404, "message": "non existing id"}},
    )
    with pytest.raises(ProviderNotFound):
        make_client().get_artist("nope")


def test_development_mode_artist_without_popularity(requests_mock, make_client, token) -> None:
    requests_mock.get(
        f"{API}/artists/a",
        json={"id": "a", "name": "A", "type": "artist", "uri": "spotify:artist:a", "images": []},
    )
    artist = make_client().get_artist("a")
    assert artist.popularity is None
    assert artist.fans is None
    assert artist.image is None


def test_stats_count_the_token_request_too(requests_mock, make_client, token) -> None:
    requests_mock.get(f"{API}/artists/a", json={"id": "a", "name": "A"})
    client = make_client()
    client.get_artist("a")
    assert client.stats["requests"] == 2
