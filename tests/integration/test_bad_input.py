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
