"""DeezerClient against requests-mock: queries, paging, in-body errors, placeholders."""

from __future__ import annotations

import pytest

from soulspot.providers.deezer import DeezerClient
from soulspot.providers.errors import BadResponse, ProviderNotFound, RateLimited
from tests.fakes.recorded import recorded

API = "https://api.deezer.test"
QUOTA = {"error": {"type": "Exception", "message": "Quota limit exceeded", "code": 4}}
BUSY = {"error": {"type": "Exception", "message": "Service busy", "code": 700}}


@pytest.fixture
def client(make_http) -> DeezerClient:  # noqa: ANN001
    return DeezerClient(make_http("deezer", API))


def test_search_artists_is_free_text(requests_mock, client) -> None:
    body = recorded("recorded/deezer/search_artist_daft_punk.json")
    search = requests_mock.get(f"{API}/search/artist", json=body)
    artists = client.search_artists("Daft Punk")
    assert search.last_request.qs == {"q": ["daft punk"], "limit": ["10"]}
    assert [a.id for a in artists] == [str(item["id"]) for item in body["data"]]
    assert artists[0].fans == body["data"][0]["nb_fan"]


def test_placeholder_pictures_are_no_image(requests_mock, client) -> None:
    body = recorded("recorded/deezer/search_artist_daft_punk.json")
    requests_mock.get(f"{API}/search/artist", json=body)
    artists = client.search_artists("Daft Punk")
    without = [
        a
        for a, item in zip(artists, body["data"], strict=True)
        if "/images/artist//" in item["picture_xl"]
    ]
    assert without, "the recording has artists without a picture"
    assert all(a.images == () and a.image is None for a in without)
    assert artists[0].image is not None and artists[0].image.width == 1000


def test_search_albums_with_artist_uses_only_quoted_filters(requests_mock, client) -> None:
    search = requests_mock.get(f"{API}/search/album", json={"data": [], "total": 0})
    client.search_albums('Discovery "Deluxe"', artist="Daft Punk")
    assert search.last_request.qs["q"] == ['artist:"daft punk" album:"discovery deluxe"']
    client.search_albums("Discovery")
    assert search.last_request.qs["q"] == ["discovery"]


def test_get_artist_parses_a_lookup(requests_mock, client) -> None:
    requests_mock.get(f"{API}/artist/27", json=recorded("recorded/deezer/artist_27.json"))
    artist = client.get_artist(27)
    assert (artist.id, artist.name, artist.fans) == ("27", "Daft Punk", 3677952)
    assert artist.uri == "https://www.deezer.com/artist/27"


def test_unknown_id_with_http_200_is_not_found(requests_mock, client) -> None:
    body = recorded("recorded/deezer/error_artist_not_found_no_data_800.json")
    requests_mock.get(f"{API}/artist/-1", json=body)
    with pytest.raises(ProviderNotFound):
        client.get_artist(-1)
    assert requests_mock.call_count == 1


def test_unknown_id_with_http_404_is_not_found(requests_mock, client) -> None:
    body = recorded("recorded/deezer/error_album_0_http404_no_data_800.json")
    requests_mock.get(f"{API}/album/0", status_code=404, json=body)
    with pytest.raises(ProviderNotFound):
        client.get_album(0)


@pytest.mark.parametrize("error", [QUOTA, BUSY])
def test_quota_and_busy_errors_back_off_and_retry(requests_mock, client, clock, error) -> None:
    requests_mock.get(
        f"{API}/artist/27", [{"json": error}, {"json": {"id": 27, "name": "Daft Punk"}}]
    )
    assert client.get_artist(27).name == "Daft Punk"
    assert len(clock.sleeps) == 1
    assert client.stats["retries"] == 1


def test_quota_errors_every_time_end_in_rate_limited(requests_mock, client) -> None:
    requests_mock.get(f"{API}/artist/27", json=QUOTA)
    with pytest.raises(RateLimited) as caught:
        client.get_artist(27)
    assert caught.value.retry_after == 5.0
    assert requests_mock.call_count == 4


def test_other_in_body_errors_are_bad_responses(requests_mock, client) -> None:
    error = {
        "error": {"type": "OAuthException", "message": "Invalid OAuth access token.", "code": 300}
    }
    requests_mock.get(f"{API}/artist/27", json=error)
    with pytest.raises(BadResponse, match="300"):
        client.get_artist(27)
    assert requests_mock.call_count == 1


@pytest.mark.parametrize(
    ("dropped", "raised", "message"),
    [
        ((), ProviderNotFound, "deezer: error 800: DataException: no data"),
        (("code",), BadResponse, "deezer: DataException: no data"),
        (("code", "type"), BadResponse, "deezer: no data"),
        (("code", "type", "message"), BadResponse, "deezer: error {}"),
    ],
)
def test_in_body_errors_read_as_their_type_and_message(
    requests_mock, client, dropped, raised, message
) -> None:
    error = recorded("recorded/deezer/error_album_not_found_no_data_800.json")["error"]
    body = {"error": {key: value for key, value in error.items() if key not in dropped}}
    requests_mock.get(f"{API}/album/-1", json=body)
    with pytest.raises(raised) as caught:
        client.get_album(-1)
    assert str(caught.value) == message
    assert caught.value.provider == "deezer"
    assert requests_mock.call_count == 1


def test_artist_albums_follow_next(requests_mock, client) -> None:
    first = recorded("recorded/deezer/artist_27_albums.json")
    second = recorded("recorded/deezer/artist_27_albums_index25.json")
    requests_mock.get(f"{API}/artist/27/albums", json=first)
    requests_mock.get(first["next"], json=second)
    albums = client.artist_albums(27)
    assert len(albums) == first["total"] == 32
    assert requests_mock.request_history[0].qs == {"limit": ["100"]}
    assert albums[0].release_date == "2005-03-20" and albums[0].year == 2005


def test_get_album_keeps_embedded_tracks_when_complete(requests_mock, client) -> None:
    requests_mock.get(f"{API}/album/302127", json=recorded("recorded/deezer/album_302127.json"))
    album = client.get_album(302127)
    assert requests_mock.call_count == 1
    assert len(album.tracks) == album.total_tracks == 14
    # as recorded, the embedded tracks carry titles and durations but no positions
    assert album.tracks[0].title == "One More Time" and album.tracks[0].duration_ms == 320000
    assert {(t.track_number, t.disc_number) for t in album.tracks} == {(None, None)}
    assert album.genres == ("Dance",)
    assert album.release_date_precision == "day"
    assert album.artists == ("Daft Punk",)


def test_get_album_fetches_tracks_beyond_the_embedded_25(requests_mock, client) -> None:
    album = recorded("recorded/deezer/album_302127.json")
    album = {**album, "nb_tracks": 30, "tracks": {"data": album["tracks"]["data"][:3] * 9}}
    tracks = [
        {"id": n, "title": f"T{n}", "track_position": n, "disk_number": 1, "duration": 60}
        for n in range(1, 31)
    ]
    requests_mock.get(f"{API}/album/302127", json=album)
    requests_mock.get(
        f"{API}/album/302127/tracks",
        [
            {
                "json": {
                    "data": tracks[:25],
                    "total": 30,
                    "next": f"{API}/album/302127/tracks?limit=25&index=25",
                }
            },
            {"json": {"data": tracks[25:], "total": 30}},
        ],
    )
    info = client.get_album(302127)
    assert [t.track_number for t in info.tracks] == list(range(1, 31))
    assert info.tracks[0].duration_ms == 60000


def test_get_album_with_track_numbers_reads_the_track_list(requests_mock, client) -> None:
    requests_mock.get(f"{API}/album/302127", json=recorded("recorded/deezer/album_302127.json"))
    listing = requests_mock.get(
        f"{API}/album/302127/tracks", json=recorded("recorded/deezer/album_302127_tracks.json")
    )
    album = client.get_album(302127, with_track_numbers=True)
    assert [t.track_number for t in album.tracks] == list(range(1, 15))
    assert {t.disc_number for t in album.tracks} == {1}
    assert album.tracks[0].isrc == "GBDUW0000053"
    assert (album.title, album.total_tracks, album.genres) == ("Discovery", 14, ("Dance",))
    assert requests_mock.call_count == 2 and listing.last_request.qs == {"limit": ["100"]}


def test_album_tracks_read_every_page(requests_mock, client) -> None:
    body = recorded("recorded/deezer/album_302127_tracks.json")
    requests_mock.get(f"{API}/album/302127/tracks", json=body)
    tracks = client.album_tracks(302127)
    assert [t.track_number for t in tracks] == list(range(1, 15))
    assert tracks[0].isrc == "GBDUW0000053"


def test_unknown_path_is_not_found(requests_mock, client) -> None:
    body = recorded("recorded/deezer/error_unknown_path_http404.json")
    requests_mock.get(f"{API}/artist/27", status_code=404, json=body)
    with pytest.raises(ProviderNotFound):
        client.get_artist(27)
