"""MusicBrainzClient against requests-mock: Lucene queries, lookups, browse paging, 503."""

from __future__ import annotations

import pytest

from soulspot.providers.errors import ProviderNotFound, Unavailable
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


def _genres() -> list[dict]:
    """`genres` as a lookup with inc=genres sends them (from the one recording that has some)."""
    release = recorded("recorded/musicbrainz/release_lookup_dark_side_of_the_moon_b84ee12a.json")
    return release["genres"]


def test_get_artist_asks_for_aliases_and_genres(requests_mock, client) -> None:
    body = recorded("recorded/musicbrainz/artist_lookup_picard_ed_sheeran_aliases.json")
    body["genres"] = list(reversed(_genres()))  # fewest votes first
    lookup = requests_mock.get(f"{API}/artist/{body['id']}", json=body)
    artist = client.get_artist(body["id"])
    assert lookup.last_request.qs == {"inc": ["aliases+genres"], "fmt": ["json"]}
    assert artist.sort_name == "Sheeran, Ed"
    assert artist.aliases == tuple(alias["name"] for alias in body["aliases"])
    assert artist.genres == ("genre1", "genre2")  # 5 votes before 3
    assert artist.score is None


def test_search_hits_read_tags_as_genres_most_votes_first(requests_mock, client) -> None:
    body = recorded("recorded/musicbrainz/artist_search_leonard_cohen_limit1.json")
    requests_mock.get(f"{API}/artist", json=body)
    genres = client.search_artists("Leonard Cohen")[0].genres
    assert genres[:4] == ("folk", "contemporary folk", "blues rock", "pop")
    assert "canada" not in genres and "singer and songwriter" not in genres  # 0 votes
    assert len(genres) == len([t for t in body["artists"][0]["tags"] if t["count"] > 0])


def test_genres_win_over_tags(requests_mock, client) -> None:
    body = recorded("recorded/musicbrainz/release_group_lookup_dark_side_of_the_moon.json")
    body["genres"] = _genres()
    requests_mock.get(f"{API}/release-group/{body['id']}", json=body)
    assert client.get_release_group(body["id"]).genres == ("genre1", "genre2")
    del body["genres"]  # the recording has tags only: "test" (5), "test2" (3)
    requests_mock.get(f"{API}/release-group/{body['id']}", json=body)
    assert client.get_release_group(body["id"]).genres == ("test", "test2")


def test_get_release_group(requests_mock, client) -> None:
    body = recorded("recorded/musicbrainz/release_group_lookup_ed_sheeran_plus_05ce100c.json")
    lookup = requests_mock.get(f"{API}/release-group/{body['id']}", json=body)
    group = client.get_release_group(body["id"])
    assert lookup.last_request.qs == {"inc": ["artist-credits+genres"], "fmt": ["json"]}
    assert (group.title, group.year, group.disambiguation) == ("+", 2011, "plus")
    assert group.artist_ids == ("b8a7c51f-362c-4dcb-a259-bc6e0095f0a6",)
    assert group.genres == ("indie rock", "folk pop", "pop", "singer/songwriter", "uk hip hop")
    assert group.secondary_types == ()


def test_secondary_types_are_kept(requests_mock, client) -> None:
    body = recorded(
        "recorded/musicbrainz/release_group_lookup_cult_assassin_artist_credits_53614893.json"
    )
    requests_mock.get(f"{API}/release-group/{body['id']}", json=body)
    group = client.get_release_group(body["id"])
    assert group.secondary_types == ("Compilation", "DJ-mix", "Mixtape/Street")
    assert group.album_type == "compilation"


def test_a_remix_album_is_told_from_the_original(requests_mock, client) -> None:
    body = recorded("recorded/musicbrainz/release_group_search_in_times_before_the_light.json")
    requests_mock.get(f"{API}/release-group", json=body)
    hits = client.search_release_groups("In Times Before the Light")
    remix, original = hits[0], hits[1]
    assert (remix.title, remix.disambiguation) == (original.title, "remix version")
    assert (remix.album_type, original.album_type) == ("album", "album")
    assert (remix.secondary_types, original.secondary_types) == (("Remix",), ())
    assert {("Demo",), ("Live",)} <= {hit.secondary_types for hit in hits}
    assert remix.genres[:2] == ("rock", "electronic")  # from the hit's tags


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
    assert browse.request_history[0].qs["inc"] == ["artist-credits+genres"]
    assert groups[0].album_type == "compilation"
    assert groups[0].secondary_types == ("Compilation",)
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
    groups = client.artist_release_groups("x")
    assert [g.secondary_types for g in groups] == [(), (), ("Live",)]
    assert len(clock.sleeps) == 1


def test_busy_every_time_is_unavailable(requests_mock, client) -> None:
    requests_mock.get(f"{API}/artist/x", status_code=503, json=BUSY)
    with pytest.raises(Unavailable, match="busy"):
        client.get_artist("x")


def test_unknown_mbid_is_not_found(requests_mock, client) -> None:
    requests_mock.get(f"{API}/release-group/x", status_code=404, json={"error": "Not Found"})
    with pytest.raises(ProviderNotFound):
        client.get_release_group("x")
