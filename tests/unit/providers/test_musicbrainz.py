"""MusicBrainzClient against requests-mock: Lucene queries, lookups, browse paging, 503."""

from __future__ import annotations

import copy

import pytest

from soulspot.providers.errors import ProviderNotFound, Unavailable
from soulspot.providers.musicbrainz import MusicBrainzClient
from soulspot.providers.queries import lucene_escape, phrase
from soulspot.providers.types import ExternalLink
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


def _ed_sheeran_with_url_rels() -> dict:
    """The recorded aliases look-up of Ed Sheeran with the relations recorded for him."""
    body = recorded("recorded/musicbrainz/artist_lookup_picard_ed_sheeran_aliases.json")
    rels = recorded("recorded/musicbrainz/artist_lookup_ed_sheeran_b8a7c51f.json")["relations"]
    return {**body, "relations": rels}


def _url_relation(url: str, *, ended: bool = False) -> dict:
    """A url relation in the recorded shape, pointing at `url`."""
    relations = recorded("recorded/musicbrainz/artist_lookup_ed_sheeran_b8a7c51f.json")["relations"]
    relation = copy.deepcopy(relations[0])
    relation["url"]["resource"] = url
    relation["ended"] = ended
    return relation


def test_a_lookup_carries_the_release_groups_it_embeds(requests_mock, client) -> None:
    browse = recorded(
        "recorded/musicbrainz/release_group_browse_artist_lures_c8da2e40_artist_credits.json"
    )
    body = {**recorded("recorded/musicbrainz/artist_lookup_lures_c8da2e40.json")}
    body["release-groups"] = browse["release-groups"]  # a look-up embeds browse items
    requests_mock.get(f"{API}/artist/{body['id']}", json=body)

    artist = client.get_artist(body["id"])

    assert [album.id for album in artist.albums] == [g["id"] for g in browse["release-groups"]]
    assert artist.albums[0].title == browse["release-groups"][0]["title"]


def test_get_artist_reads_aliases_genres_and_links_in_one_request(requests_mock, client) -> None:
    body = _ed_sheeran_with_url_rels()
    body["genres"] = list(reversed(_genres()))  # fewest votes first
    lookup = requests_mock.get(f"{API}/artist/{body['id']}", json=body)
    artist = client.get_artist(body["id"])
    assert requests_mock.call_count == 1
    assert lookup.last_request.qs == {
        "inc": ["aliases+genres+url-rels+release-groups"],
        "fmt": ["json"],
    }
    assert artist.sort_name == "Sheeran, Ed"
    assert artist.aliases == tuple(alias["name"] for alias in body["aliases"])
    assert artist.genres == ("genre1", "genre2")  # 5 votes before 3
    assert artist.score is None
    # 35 url relations; only the Spotify and Deezer artist pages are links
    assert artist.links == (
        ExternalLink(
            "spotify",
            "artist",
            "6eUKZXaKkcviH0Ku9w2n3V",
            "https://open.spotify.com/artist/6eUKZXaKkcviH0Ku9w2n3V",
        ),
        ExternalLink("deezer", "artist", "384236", "https://www.deezer.com/artist/384236"),
    )


def test_ended_duplicate_and_album_relations_are_no_artist_links(requests_mock, client) -> None:
    body = recorded("recorded/musicbrainz/artist_lookup_lures_c8da2e40.json")
    current, old = "6olE6TJLqED3rqDCT0FyPh", "6eUKZXaKkcviH0Ku9w2n3V"
    body["relations"] = [
        _url_relation(f"https://open.spotify.com/artist/{old}", ended=True),
        _url_relation(f"https://open.spotify.com/album/{old}"),  # an album, not the artist
        _url_relation(f"http://open.spotify.com/artist/{current}"),
        _url_relation(f"https://open.spotify.com/intl-de/artist/{current}/"),  # the same page
        _url_relation("https://www.deezer.com/en/artist/27"),
        {
            "type": "member of band",
            "target-type": "artist",
            "direction": "backward",
            "ended": False,
            "artist": {"id": body["id"], "name": "Someone"},
        },
    ]
    requests_mock.get(f"{API}/artist/{body['id']}", json=body)
    links = client.get_artist(body["id"]).links
    assert [(link.provider, link.kind, link.id) for link in links] == [
        ("spotify", "artist", current),
        ("deezer", "artist", "27"),
    ]
    assert links[0].url == f"http://open.spotify.com/artist/{current}"  # as sent, the first


def test_a_lookup_without_relations_has_no_links(requests_mock, client) -> None:
    body = recorded("recorded/musicbrainz/artist_lookup_psy_aliases_f99b7d67.json")
    requests_mock.get(f"{API}/artist/{body['id']}", json=body)
    assert client.get_artist(body["id"]).links == ()


def test_release_group_releases_browse_with_url_rels(requests_mock, client) -> None:
    release = recorded("recorded/musicbrainz/release_lookup_ed_sheeran_plus_94ad3a58.json")
    spotify_album = "0sNOF9WDwhWunNAHPD3Baj"
    first = {
        **release,
        "relations": release["relations"]
        + [
            _url_relation(f"https://open.spotify.com/album/{spotify_album}"),
            _url_relation(f"https://open.spotify.com/artist/{spotify_album}"),  # not an album
        ],
    }
    second = {
        **release,
        "id": "rel-2",
        "date": "2011",
        "relations": [
            _url_relation("https://www.deezer.com/album/302127"),
            _url_relation("https://www.deezer.com/album/302128", ended=True),
        ],
    }
    third = {**release, "id": "rel-3", "relations": []}

    def page(offset: int, items: list[dict]) -> dict:
        return {"release-count": 3, "release-offset": offset, "releases": items}

    browse = requests_mock.get(
        f"{API}/release", [{"json": page(0, [first, second])}, {"json": page(2, [third])}]
    )
    releases = client.release_group_releases("05ce100c-eddf-4967-8d7e-33fc0883fe39")
    sent = browse.request_history
    assert [r.qs["offset"] for r in sent] == [["0"], ["2"]]
    assert sent[0].qs["release-group"] == ["05ce100c-eddf-4967-8d7e-33fc0883fe39"]
    assert (sent[0].qs["inc"], sent[0].qs["limit"]) == (["url-rels"], ["100"])
    assert [(r.id, r.title, r.year) for r in releases] == [
        (release["id"], "+", 2011),
        ("rel-2", "+", 2011),
        ("rel-3", "+", 2011),
    ]
    assert releases[0].uri == f"https://musicbrainz.org/release/{release['id']}"
    assert releases[0].artist_ids == ("b8a7c51f-362c-4dcb-a259-bc6e0095f0a6",)
    assert releases[0].album_type == "album"  # from the embedded release group
    assert [(k.provider, k.kind, k.id) for k in releases[0].links] == [
        ("spotify", "album", spotify_album)
    ]
    assert [(k.provider, k.id) for k in releases[1].links] == [("deezer", "302127")]
    assert releases[2].links == ()


def test_busy_503_with_retry_after_waits_that_long_then_answers(
    requests_mock, make_http, clock
) -> None:
    client = MusicBrainzClient(make_http("musicbrainz", API, rate=1.0))
    body = _ed_sheeran_with_url_rels()
    requests_mock.get(
        f"{API}/artist/{body['id']}",
        [
            {"status_code": 503, "json": BUSY, "headers": {"Retry-After": "7"}},
            {"status_code": 503, "json": BUSY, "headers": {"Retry-After": "2"}},
            {"json": body},
        ],
    )
    artist = client.get_artist(body["id"])  # neither ProviderNotFound nor an empty answer
    assert [link.id for link in artist.links] == ["6eUKZXaKkcviH0Ku9w2n3V", "384236"]
    assert clock.sleeps == [7.0, 2.0]  # as asked; the rate limit had no more to wait
    assert client.stats["retries"] == 2 and client.stats["errors"] == {}


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
