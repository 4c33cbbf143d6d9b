"""With API_KEY set the pages need a signed-in session; without one nothing changes."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

KEY = "owner-key-4711"


@pytest.fixture
def keyed(make_app):
    return make_app(API_KEY=KEY).test_client()


def test_without_an_api_key_pages_are_open_and_sign_in_leads_home(client) -> None:
    assert client.get("/").status_code == 200
    response = client.get("/sign-in")
    assert response.status_code == 303 and response.headers["Location"] == "/"
    signed_out = client.post("/sign-out")  # no session, no secret: nothing to end
    assert signed_out.status_code == 303 and signed_out.headers["Location"] == "/"


def test_a_page_sends_a_stranger_to_sign_in_and_keeps_where_they_were_going(keyed) -> None:
    response = keyed.get("/artists?q=abba")

    assert response.status_code == 303
    assert response.headers["Location"] == "/sign-in?next=/artists?q%3Dabba"
    assert keyed.get("/artwork/artists/some-id").status_code == 303  # the library's images too


def test_an_htmx_request_gets_401_with_hx_redirect(keyed) -> None:
    response = keyed.get("/", headers={"HX-Request": "true"})

    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/sign-in?next=")


def test_health_static_and_the_sign_in_page_stay_open(keyed) -> None:
    assert keyed.get("/healthz").status_code == 200
    assert keyed.get("/static/css/soulspot.css").status_code == 200
    page = keyed.get("/sign-in")
    assert page.status_code == 200 and b'type="password"' in page.data


def test_a_wrong_key_is_refused_and_starts_no_session(keyed) -> None:
    response = keyed.post("/sign-in", data={"api_key": "guess", "next": "/"})

    assert response.status_code == 401 and b"not the API key" in response.data
    assert keyed.get("/").status_code == 303


def test_the_right_key_signs_in_until_sign_out(keyed) -> None:
    response = keyed.post("/sign-in", data={"api_key": KEY, "next": "/settings"})
    assert response.status_code == 303 and response.headers["Location"] == "/settings"
    assert keyed.get("/").status_code == 200
    assert b"Sign out" in keyed.get("/").data

    keyed.post("/sign-out")
    assert keyed.get("/").status_code == 303


def test_the_session_does_not_open_the_api(keyed) -> None:
    keyed.post("/sign-in", data={"api_key": KEY})

    assert keyed.get("/api/enrichment/status").status_code == 401  # scripts send the key


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example"])
def test_next_never_leaves_this_server(keyed, target: str) -> None:
    response = keyed.post("/sign-in", data={"api_key": KEY, "next": target})

    assert response.status_code == 303 and response.headers["Location"] == "/"


def test_a_cross_site_sign_in_post_is_refused(keyed) -> None:
    response = keyed.post(
        "/sign-in", data={"api_key": KEY}, headers={"Origin": "http://evil.example"}
    )
    assert response.status_code == 403


def test_changing_the_api_key_signs_every_browser_out(make_app) -> None:
    first = make_app(API_KEY=KEY).test_client()
    first.post("/sign-in", data={"api_key": KEY})
    cookie = first.get_cookie("session")
    assert cookie is not None

    second = make_app(API_KEY="a-new-key").test_client()
    second.set_cookie("session", cookie.value)  # same SECRET_KEY, so the cookie still verifies
    assert second.get("/").status_code == 303


def test_the_signing_secret_is_made_once_in_the_instance_folder(
    make_app, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("SOULSPOT_INSTANCE_PATH", str(tmp_path / "instance"))
    first = make_app(API_KEY=KEY, SECRET_KEY=None)
    second = make_app(API_KEY=KEY, SECRET_KEY=None)

    path = tmp_path / "instance" / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert first.secret_key == second.secret_key == path.read_text()
    assert make_app(SECRET_KEY=None).secret_key is None  # no key, no file needed
