"""Every recorded (and synthesized) provider response parses with the parser its client uses.

Reads ../shared/fixtures relative to the repository and skips when it is absent on a
developer's machine (under CI=true a missing folder fails instead). A new file must be
classified here (parsed or skipped with a reason) or the classification test fails.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from fnmatch import fnmatch
from typing import Any

import pytest
import requests_mock as requests_mock_module

from soulspot.providers import deezer_parse, musicbrainz_parse, spotify, spotify_parse
from soulspot.providers.errors import AuthError, ProviderError, ProviderNotFound, Unavailable
from soulspot.providers.http import HttpClient, HttpSettings
from soulspot.providers.types import AlbumInfo, ArtistInfo, TrackInfo
from tests.fakes.recorded import RUNNING_IN_CI, SHARED_FIXTURES

SHARED = SHARED_FIXTURES
DIRS = ("recorded/spotify", "recorded/deezer", "recorded/musicbrainz", "synthesized/musicbrainz")

#: Shapes no client of ours requests (checked first).
SKIPPED = {
    "recorded/spotify/several_*.json": "batch endpoints are gone in development mode",
    "recorded/spotify/search_track_*.json": "we search artists and albums, never tracks",
    "recorded/spotify/track_*.json": "track lookups are not requested",
    "recorded/spotify/token_authorization_code*.json": "user-login grants are not used",
    "recorded/spotify/token_refresh.json": "user-login grants are not used",
    "recorded/deezer/artist_27_related.json": "related artists are not requested",
    "recorded/deezer/artist_27_top.json": "top tracks are not requested",
    "recorded/deezer/search_billy_jean_*.json": "the generic /search (tracks) is not requested",
    "recorded/deezer/search_track_*.json": "track searches are not requested",
    "recorded/deezer/track_*.json": "track lookups are not requested",
    "recorded/musicbrainz/label_lookup_*.json": "labels are not requested",
    "recorded/musicbrainz/recording_lookup_*.json": "recordings are not requested",
}


def _items(data: dict[str, Any], key: str | None = None) -> list[Any]:
    page = data[key] if key else data
    return page["items"] if "items" in page else page["data"]


def check_spotify_artist(data: dict[str, Any]) -> None:
    artist = spotify_parse.parse_artist(data)
    assert (artist.id, artist.name) == (data["id"], data["name"])
    assert len(artist.images) == len(data["images"])


def check_spotify_album(data: dict[str, Any]) -> None:
    album = spotify_parse.parse_album(data)
    assert (album.id, album.title) == (data["id"], data["name"])
    assert album.release_date_precision == data["release_date_precision"]
    assert album.year == int(data["release_date"][:4])
    assert len(album.tracks) == len(data["tracks"]["items"])
    assert album.artists and album.artist_ids


def check_spotify_page(parse_item: Callable[[Any], Any], key: str | None = None):  # noqa: ANN201
    def check(data: dict[str, Any]) -> None:
        items, next_url = spotify_parse.parse_page(data, parse_item, key)
        assert len(items) == len([i for i in _items(data, key) if i])
        assert next_url == (data[key] if key else data)["next"]
        assert all(item.provider == "spotify" and item.id for item in items)

    return check


def check_spotify_token(data: dict[str, Any]) -> None:
    token, lifetime = spotify._token(data)
    assert token == data["access_token"] and lifetime == 3600


def check_deezer_artist(data: dict[str, Any]) -> None:
    artist = deezer_parse.parse_artist(deezer_parse.checked(data))
    assert (artist.id, artist.fans) == (str(data["id"]), data["nb_fan"])
    assert artist.image is not None


def check_deezer_album(data: dict[str, Any]) -> None:
    album = deezer_parse.parse_album(deezer_parse.checked(data))
    assert (album.id, album.title) == (str(data["id"]), data["title"])
    assert album.year == int(data["release_date"][:4])
    assert album.artists and album.album_type == data["record_type"]
    assert album.secondary_types == ()
    assert len(album.tracks) == len(data["tracks"]["data"])
    assert album.genres == tuple(g["name"] for g in data["genres"]["data"])
    # Embedded tracks carry no positions (get_album(with_track_numbers=True) reads /tracks).
    assert all("track_position" not in t and "disk_number" not in t for t in data["tracks"]["data"])
    assert {(t.track_number, t.disc_number) for t in album.tracks} == {(None, None)}
    assert all(t.title and t.duration_ms for t in album.tracks)


def check_deezer_tracks(data: dict[str, Any]) -> None:
    check_deezer_page(deezer_parse.parse_track)(data)
    tracks, _ = deezer_parse.parse_page(data, deezer_parse.parse_track)
    assert [(t.track_number, t.disc_number, t.isrc) for t in tracks] == [
        (item["track_position"], item["disk_number"], item["isrc"]) for item in data["data"]
    ]


def check_deezer_page(parse_item: Callable[[Any], Any]):  # noqa: ANN201
    def check(data: dict[str, Any]) -> None:
        items, next_url = deezer_parse.parse_page(data, parse_item)
        assert len(items) == len(data["data"])
        assert next_url == data.get("next")
        assert all(item.provider == "deezer" and item.id for item in items)

    return check


def check_deezer_no_data(data: dict[str, Any]) -> None:
    with pytest.raises(ProviderNotFound):
        deezer_parse.checked(data)


def check_mb_genres(parsed: ArtistInfo | AlbumInfo, data: dict[str, Any]) -> None:
    """Genres, else tags (all a search hit has), none voted down, most votes first."""
    votes = {item["name"]: item["count"] for item in data.get("genres") or data.get("tags") or ()}
    assert set(parsed.genres) == {name for name, count in votes.items() if count > 0}
    counts = [votes[name] for name in parsed.genres]
    assert counts == sorted(counts, reverse=True)


def check_mb_types(group: AlbumInfo, data: dict[str, Any]) -> None:
    """Secondary types as sent; a compilation is a compilation whatever its primary type."""
    assert group.secondary_types == tuple(data.get("secondary-types") or ())
    primary = data.get("primary-type")
    if "Compilation" in group.secondary_types:
        assert group.album_type == "compilation"
    else:
        assert group.album_type == (primary.lower() if primary else None)


def check_mb_links(
    parsed: ArtistInfo | AlbumInfo, data: dict[str, Any], expected: tuple[tuple[str, ...], ...]
) -> None:
    """The Spotify/Deezer links are exactly `expected` (provider, kind, id), each sent as is
    in a current url relation."""
    assert [(link.provider, link.kind, link.id) for link in parsed.links] == list(expected)
    current = {r["url"]["resource"] for r in data.get("relations", ()) if "url" in r}
    current -= {r["url"]["resource"] for r in data.get("relations", ()) if r.get("ended")}
    assert {link.url for link in parsed.links} <= current


def check_mb_artist(data: dict[str, Any], links: tuple[tuple[str, ...], ...] = ()) -> None:
    artist = musicbrainz_parse.parse_artist(data)
    assert (artist.id, artist.name, artist.sort_name) == (
        data["id"],
        data["name"],
        data["sort-name"],
    )
    assert artist.aliases == tuple(a["name"] for a in data.get("aliases", ()))
    check_mb_genres(artist, data)
    check_mb_links(artist, data, links)


def check_mb_artist_links(*links: tuple[str, ...]):  # noqa: ANN201
    """An artist look-up with url-rels: among all its url relations, exactly `links`."""

    def check(data: dict[str, Any]) -> None:
        assert len(data["relations"]) > len(links)
        check_mb_artist(data, links)

    return check


def check_mb_release_group(data: dict[str, Any]) -> None:
    group = musicbrainz_parse.parse_release_group(data)
    assert (group.id, group.title) == (data["id"], data["title"])
    assert group.year == int(data["first-release-date"][:4])
    check_mb_types(group, data)
    check_mb_genres(group, data)
    check_mb_links(group, data, ())  # url relations to allmusic, discogs, ... only


def check_mb_release(data: dict[str, Any]) -> None:
    release = musicbrainz_parse.parse_release(data)
    assert (release.id, release.title, release.release_date) == (
        data["id"],
        data["title"],
        data["date"],
    )
    assert release.year == int(data["date"][:4])
    assert release.artist_ids == tuple(c["artist"]["id"] for c in data["artist-credit"])
    assert release.album_type == data["release-group"]["primary-type"].lower()
    assert release.disambiguation == (data["disambiguation"] or None)
    check_mb_links(release, data, ())  # url relations to discogs and amazon only


def check_mb_search(key: str):  # noqa: ANN201
    def check(data: dict[str, Any]) -> None:
        hits = musicbrainz_parse.parse_search(data, key)
        assert [hit.score for hit in hits] == [int(item["score"]) for item in data[key]]
        assert all(hit.id for hit in hits)
        for hit, item in zip(hits, data[key], strict=True):
            check_mb_genres(hit, item)
            if key == "release-groups":
                check_mb_types(hit, item)

    return check


def check_mb_browse(data: dict[str, Any]) -> None:
    groups, total = musicbrainz_parse.parse_browse(data)
    assert total == data["release-group-count"] == len(groups)
    for group, item in zip(groups, data["release-groups"], strict=True):
        check_mb_types(group, item)
        check_mb_genres(group, item)


def through_http(status: int, error: type[ProviderError]):  # noqa: ANN201
    """An error body served with its recorded status must raise `error` from the HTTP layer.

    The raised error is exactly `error` (not a subclass that would mean "retry" or "bad
    credentials") and carries the provider's own message when the body has one.
    """

    def check(data: dict[str, Any]) -> None:
        http = HttpClient(
            "contract",
            "https://provider.test",
            HttpSettings(user_agent="test", max_retries=1),
            sleep=lambda _: None,
            rng=random.Random(0),
        )
        with requests_mock_module.Mocker() as mocker:
            mocker.get("https://provider.test/x", status_code=status, json=data)
            with pytest.raises(error) as raised:
                http.get_json("x", parse=deezer_parse.checked)
        assert type(raised.value) is error
        if isinstance(data.get("error"), str):
            assert data["error"] in str(raised.value)

    return check


SPOTIFY_ID = "?" * 22
#: Checked after SKIPPED; the first matching pattern wins.
PARSED: list[tuple[str, Callable[[Any], None]]] = [
    ("recorded/spotify/error_token_invalid_client_400.json", through_http(400, AuthError)),
    ("recorded/spotify/token_client_credentials.json", check_spotify_token),
    (
        "recorded/spotify/search_artist_*.json",
        check_spotify_page(spotify_parse.parse_artist, "artists"),
    ),
    (
        "recorded/spotify/search_album_*.json",
        check_spotify_page(spotify_parse.parse_album, "albums"),
    ),
    (
        f"recorded/spotify/album_{SPOTIFY_ID}_tracks*.json",
        check_spotify_page(spotify_parse.parse_track),
    ),
    ("recorded/spotify/album_*.json", check_spotify_album),
    ("recorded/spotify/artist_*_albums*.json", check_spotify_page(spotify_parse.parse_album)),
    ("recorded/spotify/artist_*.json", check_spotify_artist),
    ("recorded/deezer/error_album_0_http404_*.json", through_http(404, ProviderNotFound)),
    ("recorded/deezer/error_unknown_path_http404.json", through_http(404, ProviderNotFound)),
    ("recorded/deezer/error_*_no_data_800.json", check_deezer_no_data),
    ("recorded/deezer/album_*_tracks*.json", check_deezer_tracks),
    ("recorded/deezer/album_*.json", check_deezer_album),
    ("recorded/deezer/artist_27_albums*.json", check_deezer_page(deezer_parse.parse_album)),
    ("recorded/deezer/artist_*.json", check_deezer_artist),
    ("recorded/deezer/search_artist_*.json", check_deezer_page(deezer_parse.parse_artist)),
    ("recorded/deezer/search_album_*.json", check_deezer_page(deezer_parse.parse_album)),
    (
        # 2018 (https) and 2017 (http): the same one link among 38 url relations
        "recorded/musicbrainz/artist_lookup_nirvana_url_rels_5b11f4ce*.json",
        check_mb_artist_links(("spotify", "artist", "6olE6TJLqED3rqDCT0FyPh")),
    ),
    (
        # the only recorded Deezer link
        "recorded/musicbrainz/artist_lookup_ed_sheeran_b8a7c51f.json",
        check_mb_artist_links(
            ("spotify", "artist", "6eUKZXaKkcviH0Ku9w2n3V"), ("deezer", "artist", "384236")
        ),
    ),
    ("recorded/musicbrainz/artist_lookup_*.json", check_mb_artist),
    ("recorded/musicbrainz/release_lookup_*.json", check_mb_release),
    ("recorded/musicbrainz/release_group_lookup_*.json", check_mb_release_group),
    ("recorded/musicbrainz/artist_search_*.json", check_mb_search("artists")),
    ("recorded/musicbrainz/release_group_search_*.json", check_mb_search("release-groups")),
    ("recorded/musicbrainz/release_group_browse_*.json", check_mb_browse),
    ("recorded/musicbrainz/error_http400_*.json", through_http(400, ProviderError)),
    ("synthesized/musicbrainz/artist_search_*.json", check_mb_search("artists")),
    ("synthesized/musicbrainz/release_group_search_*.json", check_mb_search("release-groups")),
    ("synthesized/musicbrainz/browse_release_groups_*.json", check_mb_browse),
    ("synthesized/musicbrainz/error_busy_503.json", through_http(503, Unavailable)),
]


def shared_files() -> list[str]:
    if not SHARED.is_dir():
        return []
    return sorted(
        str(path.relative_to(SHARED))
        for folder in DIRS
        for path in (SHARED / folder).glob("*.json")
    )


def classify(name: str) -> Callable[[Any], None] | str | None:
    """The check for `name`, the reason it is skipped, or None when it is unclassified."""
    for pattern, reason in SKIPPED.items():
        if fnmatch(name, pattern):
            return reason
    for pattern, check in PARSED:
        if fnmatch(name, pattern):
            return check
    return None


FILES = shared_files()
PARSED_FILES = [name for name in FILES if callable(classify(name))]
needs_shared = pytest.mark.skipif(
    not FILES and not RUNNING_IN_CI, reason=f"shared fixtures not found at {SHARED}"
)


@needs_shared
def test_every_file_is_parsed_or_skipped_for_a_reason() -> None:
    assert FILES, f"CI must run the contract tests, but {SHARED} holds no recorded files"
    assert [name for name in FILES if classify(name) is None] == []


@needs_shared
def test_every_rule_is_used() -> None:
    patterns = [pattern for pattern, _ in PARSED] + list(SKIPPED)
    assert [p for p in patterns if not any(fnmatch(name, p) for name in FILES)] == []


@needs_shared
@pytest.mark.parametrize("name", PARSED_FILES or ["<none>"])
def test_recorded_file_parses(name: str) -> None:
    check = classify(name)
    assert callable(check)
    check(json.loads((SHARED / name).read_text(encoding="utf-8")))


@needs_shared
def test_the_parsed_results_are_provider_neutral_types() -> None:
    data = json.loads((SHARED / "recorded/spotify/album_5l3zEmMrOhOzG8d8s83GOL.json").read_text())
    album = spotify_parse.parse_album(data)
    assert isinstance(album, AlbumInfo) and isinstance(album.tracks[0], TrackInfo)
    data = json.loads((SHARED / "recorded/deezer/artist_27.json").read_text())
    assert isinstance(deezer_parse.parse_artist(data), ArtistInfo)
