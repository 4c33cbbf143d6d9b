"""Input that used to reach the database or the JSON parser unchecked gets a 400, never a 500."""

from __future__ import annotations

import pytest

HUGE = str(2**64)
JSON_ENDPOINTS = ["/api/enrichment/link", "/api/enrichment/unlink", "/api/library/scan"]


@pytest.mark.parametrize(
    "url",
    [
        f"/api/jobs?offset={HUGE}",
        f"/api/jobs?limit={HUGE}",
        f"/api/enrichment/candidates?offset={HUGE}",
        f"/api/enrichment/candidates?offset=-{HUGE}",
        f"/api/library/artists?offset={HUGE}",
        f"/api/library/albums?limit={'9' * 5000}",
        f"/api/enrichment/auto-fetch-images?limit={HUGE}",
        "/api/library/artists?q=" + "a" * 50_000,
        "/api/library/albums?q=" + "%25" * 201,
        "/api/library/albums?artist_id=" + "x" * 201,
    ],
)
def test_out_of_range_parameters_are_400(client, url) -> None:
    method = "POST" if "auto-fetch" in url else "GET"
    response = client.open(url, method=method)
    assert response.status_code == 400, response.data
    assert set(response.json) == {"error", "detail"}


@pytest.mark.parametrize("url", JSON_ENDPOINTS)
def test_deeply_nested_json_is_400(client, url) -> None:
    body = '{"entity_type": "artist", "entity_id": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = client.post(url, data=body, content_type="application/json")
    assert response.status_code == 400
    assert "nests deeper" in response.json["detail"]


@pytest.mark.parametrize("url", JSON_ENDPOINTS)
def test_moderately_nested_json_is_400_too(client, url) -> None:
    body = '{"path": ' + "[" * 40 + "]" * 40 + "}"
    response = client.post(url, data=body, content_type="application/json")
    assert response.status_code == 400
    assert "nests deeper" in response.json["detail"]


@pytest.mark.parametrize("url", JSON_ENDPOINTS)
@pytest.mark.parametrize("field", ["entity_id", "path", "spotify_uri"])
def test_a_lone_surrogate_in_a_json_string_is_400(client, url, field) -> None:
    body = {"entity_type": "artist", "entity_id": "a", "path": "/tmp", "spotify_uri": "x"}
    raw = (
        "{"
        + ", ".join(
            f'"{key}": "' + ("\\ud800" if key == field else value) + '"'
            for key, value in body.items()
        )
        + "}"
    )
    response = client.post(url, data=raw, content_type="application/json")
    assert response.status_code == 400, response.data
    assert response.json["detail"] == "the body holds a string that is not valid Unicode"


WRONG_TYPES = [
    ("application/json", "[]"),
    ("application/json", '"a string"'),
    ("application/json", "42"),
    ("application/json", "null"),
    ("application/json", '{"entity_type": 7, "entity_id": ["a"], "path": {}, "spotify_uri": 1}'),
    ("application/json", "{not json"),
    ("application/json", b"\xff\xfe{}"),
    ("text/plain", '{"path": "/tmp"}'),
    ("application/x-www-form-urlencoded", "path=/tmp&entity_type=artist"),
]


@pytest.mark.parametrize("url", JSON_ENDPOINTS)
@pytest.mark.parametrize(("content_type", "body"), WRONG_TYPES)
def test_a_body_of_the_wrong_type_is_400(client, url, content_type, body) -> None:
    response = client.post(url, data=body, content_type=content_type)
    assert response.status_code == 400, response.data
    assert set(response.json) == {"error", "detail"}


@pytest.mark.parametrize("url", JSON_ENDPOINTS)
@pytest.mark.parametrize("field", ["entity_id", "path", "spotify_uri", "entity_type"])
def test_a_nul_character_in_a_json_string_is_400(client, url, field) -> None:
    body = {"entity_type": "artist", "entity_id": "a", "path": "/tmp", "spotify_uri": "x"}
    body[field] = body[field] + "\x00tail"
    response = client.post(url, json=body)
    assert response.status_code == 400, response.data
    assert set(response.json) == {"error", "detail"}


@pytest.mark.parametrize(
    "url",
    [
        "/api/library/artists?q=a%00b",
        "/api/library/albums?q=%00",
        "/api/library/albums?artist_id=x%00",
        "/api/library/artists/x%00y",
        "/api/library/albums/x%00y",
        "/api/jobs/x%00y",
        "/api/enrichment/candidates?entity_type=artist%00",
    ],
)
def test_a_nul_character_in_a_parameter_or_an_id_is_a_4xx(client, url) -> None:
    response = client.get(url)
    assert 400 <= response.status_code < 500, response.data
    assert set(response.json) == {"error", "detail"}


@pytest.mark.parametrize("url", JSON_ENDPOINTS)
def test_a_huge_string_within_the_body_limit_is_a_4xx(client, url) -> None:
    body = {"entity_type": "artist", "entity_id": "a" * 500_000, "path": "/" + "p" * 500_000}
    body["spotify_uri"] = "spotify:artist:" + "x" * 500_000
    response = client.post(url, json=body)
    assert 400 <= response.status_code < 500, response.data
    assert set(response.json) == {"error", "detail"}
