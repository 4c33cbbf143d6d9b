"""Cross-site writes, foreign Host headers, body size and security headers, on every route."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from soulspot.extensions import db
from soulspot.models import Job

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
JSON_BODY = {"entity_type": "artist", "entity_id": "x", "spotify_uri": "spotify:artist:x"}


def _write_routes(app: Flask) -> list[tuple[str, str]]:
    """(method, url) of every state-changing route, path parameters filled with a dummy id."""
    routes = []
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) & WRITE_METHODS):
            routes.append((method, re.sub(r"<[^>]+>", "some-id", rule.rule)))
    return sorted(routes)


@pytest.fixture
def routes(app: Flask) -> list[tuple[str, str]]:
    found = _write_routes(app)
    assert ("POST", "/api/enrichment/trigger") in found and len(found) >= 9
    return found


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://evil.example"},
        {"Origin": "http://localhost:8765"},  # another port of this host is another origin
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "http://evil.example", "HX-Request": "true"},
    ],
    ids=["foreign", "other-port", "null", "fetch-cross-site", "fetch-same-site", "htmx"],
)
def test_every_write_from_another_origin_is_refused(app, client, routes, headers) -> None:
    for method, url in routes:
        response = client.open(url, method=method, json=JSON_BODY, headers=headers)
        assert response.status_code == 403, (method, url, response.status_code)
        if "HX-Request" in headers:
            assert "cross-origin request refused" in response.get_data(as_text=True)
        elif url.startswith("/api"):
            assert response.get_json()["error"] == "cross_origin", url
        else:  # a page's form: the error page, naming the code
            assert "cross_origin" in response.get_data(as_text=True), url
    with app.app_context():
        assert db.session.query(Job).count() == 0  # nothing was queued on the way


def test_a_cross_site_form_post_is_refused_before_it_does_anything(app, client) -> None:
    response = client.post(
        "/api/enrichment/trigger",
        data={"x": "1"},
        headers={"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"},
    )
    assert response.status_code == 403
    assert response.get_json()["detail"].startswith("cross-origin request refused")


@pytest.mark.parametrize(
    "headers",
    [
        {},  # curl and scripts send neither header
        {"Origin": "http://localhost"},
        {"Origin": "http://localhost", "HX-Request": "true", "Sec-Fetch-Site": "same-origin"},
        {"Sec-Fetch-Site": "same-origin"},
        {"Sec-Fetch-Site": "none"},
    ],
    ids=["script", "same-origin", "htmx-ui", "fetch-same-origin", "typed"],
)
def test_writes_from_this_origin_and_from_scripts_pass_the_guard(client, routes, headers):
    for method, url in routes:
        response = client.open(url, method=method, json=JSON_BODY, headers=headers)
        assert response.status_code != 403, (method, url, response.get_data(as_text=True))


def test_own_origin_behind_a_tls_proxy_passes(make_app) -> None:
    client = make_app(ALLOWED_HOSTS="music.example.org").test_client()
    response = client.post(
        "/api/enrichment/reset-failed-images",
        headers={"Host": "music.example.org", "Origin": "https://music.example.org"},
    )
    assert response.status_code == 200


def test_a_valid_api_key_passes_from_any_origin_and_a_wrong_one_does_not(make_app) -> None:
    client = make_app(API_KEY="s3cret").test_client()
    evil = {"Origin": "http://evil.example"}
    url = "/api/enrichment/reset-failed-images"

    assert client.post(url, headers={**evil, "X-API-Key": "s3cret"}).status_code == 200
    assert client.post(url, headers={**evil, "Authorization": "Bearer s3cret"}).status_code == 200
    assert client.post(url, headers={**evil, "X-API-Key": "wrong"}).status_code == 403
    assert client.post(url, headers={"X-API-Key": "wrong"}).status_code == 401


@pytest.mark.parametrize(
    "path", ["/", "/api/enrichment/candidates", "/healthz", "/static/css/soulspot.css"]
)
@pytest.mark.parametrize("host", ["evil.example", "evil.example:8765", "127.0.0.2", "[::2]:8765"])
def test_a_foreign_host_is_not_served(client, path, host) -> None:
    response = client.get(path, headers={"Host": host})
    assert response.status_code == 400
    assert "SOULSPOT_ALLOWED_HOSTS" in response.get_data(as_text=True)
    if path.startswith("/api"):
        assert response.get_json()["error"] == "host_not_allowed"


@pytest.mark.parametrize("host", ["127.0.0.1:8765", "localhost", "LOCALHOST:80", "[::1]:8765"])
def test_loopback_hosts_are_served(client, host) -> None:
    assert client.get("/api/enrichment/status", headers={"Host": host}).status_code == 200


def test_the_bound_host_and_configured_hosts_are_served(make_app) -> None:
    client = make_app(
        BOUND_HOST="192.168.1.20", ALLOWED_HOSTS="nas.local, Music.Home"
    ).test_client()
    for host in ("192.168.1.20:8765", "nas.local", "music.home:8765"):
        assert client.get("/healthz", headers={"Host": host}).status_code == 200
    # the configured list replaces the default one
    assert client.get("/healthz", headers={"Host": "127.0.0.1"}).status_code == 400


def test_a_wildcard_allows_every_host(make_app) -> None:
    client = make_app(ALLOWED_HOSTS="*").test_client()
    assert client.get("/healthz", headers={"Host": "anything.example"}).status_code == 200


def test_a_body_beyond_the_limit_is_refused_unread(client) -> None:
    response = client.post(
        "/api/library/scan",
        data=b"{" + b" " * (1024 * 1024 + 10) + b"}",
        content_type="application/json",
    )
    assert response.status_code == 413
    assert response.get_json()["error"] == "request_entity_too_large"


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/"),
        ("GET", "/api/enrichment/status"),
        ("GET", "/missing"),
        ("GET", "/static/js/htmx.min.js"),
        ("POST", "/api/enrichment/trigger"),
    ],
)
def test_every_response_carries_the_security_headers(client, method, path) -> None:
    response = client.open(path, method=method, headers={"Origin": "http://evil.example"})
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
