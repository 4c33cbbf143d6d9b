"""The fake provider server itself: CDN, request log, faults, config, reset."""

from __future__ import annotations

import time

import pytest
import requests

from tests.fakes.cdn import make_jpeg
from tests.fakes.server import FAKE_CLIENT_ID


def get(fake, path: str, **kwargs) -> requests.Response:  # noqa: ANN001
    return requests.get(f"{fake.url}{path}", timeout=5, allow_redirects=False, **kwargs)


def test_cdn_serves_what_a_test_puts(fake_providers) -> None:
    fake_providers.cdn.put(
        "/cdn/x/cover.png", b"PNG!", content_type="image/png", headers={"ETag": "1"}
    )
    answer = get(fake_providers, "/cdn/x/cover.png")
    assert (answer.status_code, answer.content) == (200, b"PNG!")
    assert answer.headers["Content-Type"] == "image/png" and answer.headers["ETag"] == "1"


def test_cdn_status_redirect_unknown_and_delay(fake_providers) -> None:
    cdn = fake_providers.cdn
    cdn.put("/cdn/gone.jpg", b"", status=410)
    cdn.redirect("/cdn/old.jpg", f"{fake_providers.url}/cdn/new.jpg")
    cdn.put("/cdn/new.jpg", make_jpeg(10), delay=0.05)
    assert get(fake_providers, "/cdn/gone.jpg").status_code == 410
    moved = get(fake_providers, "/cdn/old.jpg")
    assert (moved.status_code, moved.headers["Location"]) == (
        302,
        f"{fake_providers.url}/cdn/new.jpg",
    )
    assert get(fake_providers, "/cdn/nothing.jpg").status_code == 404
    started = time.monotonic()
    assert get(fake_providers, "/cdn/new.jpg").content[:2] == b"\xff\xd8"  # JPEG magic
    assert time.monotonic() - started >= 0.05


def test_put_overrides_a_catalog_image(fake_providers) -> None:
    artist = fake_providers.catalog.add_artist("A")
    path = artist.image_paths("spotify")[0]
    assert get(fake_providers, path).status_code == 200
    fake_providers.cdn.put(path, b"broken", status=500)
    assert get(fake_providers, path).status_code == 500


def test_request_log_helpers(fake_providers) -> None:
    for _ in range(3):
        get(fake_providers, "/cdn/a.jpg", headers={"User-Agent": "probe/1"})
        time.sleep(0.02)
    records = fake_providers.records("cdn")
    assert [(r.method, r.path, r.status, r.user_agent) for r in records] == [
        ("GET", "/cdn/a.jpg", 404, "probe/1")
    ] * 3
    assert fake_providers.count("cdn", status=404) == 3
    assert fake_providers.min_interval("cdn") >= 0.02
    assert fake_providers.max_in_window("cdn", 10.0) == 3
    assert fake_providers.max_in_window("cdn", 0.01) == 1
    assert fake_providers.min_interval("deezer") is None


def test_faults_fire_times_and_on_matching_paths(fake_providers) -> None:
    fake_providers.faults.add("cdn", "503", times=2, path_contains="/b")
    statuses = [
        get(fake_providers, p).status_code for p in ("/cdn/a", "/cdn/b", "/cdn/b", "/cdn/b")
    ]
    assert statuses == [404, 503, 503, 404]
    assert [r.fault for r in fake_providers.records("cdn")] == [None, "503", "503", None]


def test_probability_faults_follow_the_seed(fake_providers) -> None:
    def run() -> list[int]:
        fake_providers.reset()
        fake_providers.faults.add("cdn", "500", probability=0.5)
        return [get(fake_providers, "/cdn/x").status_code for _ in range(20)]

    first = run()
    assert first == run()
    assert {500, 404} == set(first)


def test_429_fault_carries_retry_after(fake_providers) -> None:
    fake_providers.faults.add("spotify", "429", retry_after=2)
    answer = get(fake_providers, "/spotify/v1/search")
    assert (answer.status_code, answer.headers["Retry-After"]) == (429, "2")


def test_malformed_and_quota_faults(fake_providers) -> None:
    fake_providers.faults.add("deezer", "malformed_json", times=1)
    fake_providers.faults.add("deezer", "deezer_quota", times=1)
    with pytest.raises(ValueError):
        get(fake_providers, "/deezer/artist/1").json()
    assert get(fake_providers, "/deezer/artist/1").json()["error"]["code"] == 4


def test_unknown_fault_kind_is_refused(fake_providers) -> None:
    with pytest.raises(ValueError):
        fake_providers.faults.add("cdn", "418")


def test_config_points_everything_at_the_fake(fake_providers) -> None:
    config = fake_providers.config(DEEZER_RATE_LIMIT=3)
    base = fake_providers.url
    assert config["SPOTIFY_API_URL"] == f"{base}/spotify/v1"
    assert config["SPOTIFY_ACCOUNTS_URL"] == f"{base}/spotify/accounts"
    assert config["DEEZER_API_URL"] == f"{base}/deezer"
    assert config["MUSICBRAINZ_API_URL"] == f"{base}/musicbrainz/ws/2"
    assert config["COVERART_API_URL"] == f"{base}/coverart"
    assert config["SPOTIFY_CLIENT_ID"] == FAKE_CLIENT_ID
    assert config["IMAGE_HOSTS"] == "127.0.0.1"
    assert config["DEEZER_RATE_LIMIT"] == 3
    assert "MUSICBRAINZ_RATE_LIMIT" not in fake_providers.config(real_limits=True)


def test_token_endpoint_accepts_only_the_fake_credentials(fake_providers) -> None:
    url = f"{fake_providers.url}/spotify/accounts/api/token"
    form = {"grant_type": "client_credentials"}
    good = requests.post(
        url, data=form, auth=(FAKE_CLIENT_ID, "fake-spotify-client-secret"), timeout=5
    )
    bad = requests.post(url, data=form, auth=(FAKE_CLIENT_ID, "nope"), timeout=5)
    assert good.json()["token_type"] == "Bearer"
    assert (bad.status_code, bad.json()) == (
        400,
        {"error": "invalid_client", "error_description": "Invalid client"},
    )


def test_reset_forgets_everything(fake_providers) -> None:
    fake_providers.catalog.add_artist("Gone")
    fake_providers.cdn.put("/cdn/x", b"x")
    fake_providers.faults.add("cdn", "500")
    fake_providers.musicbrainz_strict = True
    get(fake_providers, "/cdn/x")
    fake_providers.reset()
    assert fake_providers.catalog.artists == [] and fake_providers.requests == []
    assert not fake_providers.musicbrainz_strict
    assert get(fake_providers, "/cdn/x").status_code == 404


def test_ids_are_stable_and_shaped_like_the_real_ones(fake_providers) -> None:
    artist = fake_providers.catalog.add_artist("Ids")
    album = fake_providers.catalog.add_album(artist, "Shapes")
    assert len(artist.spotify_id) == 22 and artist.spotify_id.isalnum()
    assert isinstance(album.deezer_id, int)
    assert len(album.mbid) == 36 and album.mbid != album.release_mbid
    fake_providers.reset()
    again = fake_providers.catalog.add_artist("Ids")
    assert (again.spotify_id, again.deezer_id, again.mbid) == (
        artist.spotify_id,
        artist.deezer_id,
        artist.mbid,
    )
