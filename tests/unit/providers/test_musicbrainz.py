"""MusicBrainzClient against requests-mock: Lucene queries, lookups, browse paging, 503."""

from __future__ import annotations

import pytest

from soulspot.providers.errors import NotFound, Unavailable
from soulspot.providers.musicbrainz import MusicBrainzClient
from soulspot.providers.queries import lucene_escape, phrase
from tests.fakes.recorded import recorded

API = "https://musicbrainz.test/ws/2"
BUSY = {"error": "The MusicBrainz web server is currently busy. Please try again later."}


@pytest.fixture
def client(make_http) -> MusicBrainzClient:  # noqa: ANN001
    return MusicBrainzClient(make_http("musicbrainz", API))


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("AC/DC", r"AC\/DC"),
        ("Sunn O)))", r"Sunn O\)\)\)"),
        ('Say "Hi"', r"Say \"Hi\""),
        ("a+b-c && d || !e", r"a\+b\-c \&\& d \|\| \!e"),
        ("{[^~*?:\\]}", r"\{\[\^\~\*\?\:\\\]\}"),
        ("Plain Name", "Plain Name"),
    ],
)
def test_lucene_escape(text, escaped) -> None:
    assert lucene_escape(text) == escaped


def test_search_artists_sends_an_escaped_phrase_in_json(requests_mock, client) -> None:
    body = recorded("synthesized/musicbrainz/artist_search_nirvana.json")
    search = requests_mock.get(f"{API}/artist", json=body)
    artists = client.search_artists("AC/DC")
    sent = search.last_request
    assert sent.qs["query"] == [phrase("artist", "AC/DC").lower()]
    assert sent.qs["fmt"] == ["json"]
    assert [a.score for a in artists] == [100, 100, 62]
    assert artists[0].disambiguation == "US grunge band"
    assert artists[2].disambiguation is None


def test_score_may_arrive_as_a_string(requests_mock, client) -> None:
    body = recorded("synthesized/musicbrainz/artist_search_nirvana.json")
    body["artists"][0]["score"] = "97"
    requests_mock.get(f"{API}/artist", json=body)
    assert client.search_artists("Nirvana")[0].score == 97


def test_search_release_groups_with_artist(requests_mock, client) -> None:
    body = recorded("synthesized/musicbrainz/release_group_search_nevermind.json")
    search = requests_mock.get(f"{API}/release-group", json=body)
    groups = client.search_release_groups("Nevermind", artist="Nirvana", limit=5)
    assert search.last_request.qs["query"] == ['releasegroup:"nevermind" and artist:"nirvana"']
    assert search.last_request.qs["limit"] == ["5"]
    assert groups[0].artists == ("Nirvana",)
    assert groups[0].year == 1991 and groups[0].score == 100
    assert groups[1].album_type == "single"
    assert groups[1].release_date_precision == "year"


def test_get_artist_asks_for_aliases(requests_mock, client) -> None:
    body = recorded("recorded/musicbrainz/artist_lookup_picard_ed_sheeran_aliases.json")
    lookup = requests_mock.get(f"{API}/artist/{body['id']}", json=body)
    artist = client.get_artist(body["id"])
    assert lookup.last_request.qs == {"inc": ["aliases"], "fmt": ["json"]}
    assert artist.sort_name == "Sheeran, Ed"
    assert artist.aliases == tuple(alias["name"] for alias in body["aliases"])
    assert artist.score is None


def test_get_release_group(requests_mock, client) -> None:
    body = recorded("recorded/musicbrainz/release_group_lookup_ed_sheeran_plus_05ce100c.json")
    requests_mock.get(f"{API}/release-group/{body['id']}", json=body)
    group = client.get_release_group(body["id"])
    assert (group.title, group.year, group.disambiguation) == ("+", 2011, "plus")
    assert group.artist_ids == ("b8a7c51f-362c-4dcb-a259-bc6e0095f0a6",)


def test_browse_reads_every_page_of_100(requests_mock, client) -> None:
    def page(offset: int, count: int) -> dict:
        groups = [
            {
                "id": f"rg-{offset + n}",
                "title": f"T{offset + n}",
                "primary-type": "Album",
                "secondary-types": ["Compilation"] if n == 0 else [],
                "first-release-date": "",
            }
            for n in range(count)
        ]
        return {
            "release-group-count": 230,
            "release-group-offset": offset,
            "release-groups": groups,
        }

    browse = requests_mock.get(
        f"{API}/release-group",
        [{"json": page(0, 100)}, {"json": page(100, 100)}, {"json": page(200, 30)}],
    )
    groups = client.artist_release_groups("mbid-1")
    assert len(groups) == 230
    assert [r.qs["offset"] for r in browse.request_history] == [["0"], ["100"], ["200"]]
    assert browse.request_history[0].qs["limit"] == ["100"]
    assert browse.request_history[0].qs["artist"] == ["mbid-1"]
    assert groups[0].album_type == "compilation"
    assert groups[1].release_date is None


def test_browse_stops_on_an_empty_page(requests_mock, client) -> None:
    requests_mock.get(
        f"{API}/release-group",
        json={"release-group-count": 5, "release-group-offset": 0, "release-groups": []},
    )
    assert client.artist_release_groups("mbid-1") == []
    assert requests_mock.call_count == 1


def test_busy_503_backs_off_and_retries(requests_mock, client, clock) -> None:
    body = recorded("synthesized/musicbrainz/browse_release_groups_nirvana.json")
    requests_mock.get(f"{API}/release-group", [{"status_code": 503, "json": BUSY}, {"json": body}])
    assert len(client.artist_release_groups("x")) == 3
    assert len(clock.sleeps) == 1


def test_busy_every_time_is_unavailable(requests_mock, client) -> None:
    requests_mock.get(f"{API}/artist/x", status_code=503, json=BUSY)
    with pytest.raises(Unavailable, match="busy"):
        client.get_artist("x")


def test_unknown_mbid_is_not_found(requests_mock, client) -> None:
    requests_mock.get(f"{API}/release-group/x", status_code=404, json={"error": "Not Found"})
    with pytest.raises(NotFound):
        client.get_release_group("x")
