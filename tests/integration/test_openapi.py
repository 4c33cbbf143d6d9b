"""The OpenAPI document is valid and matches the code: routes, ranges, enums, defaults, shapes."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openapi_spec_validator import validate

from soulspot.api.openapi import JSON, document
from soulspot.security import SECURITY_HEADERS
from tests.fakes.server import FakeProviders
from tests.support.api import response_validator, seeded_api_app

IGNORED_METHODS = {"HEAD", "OPTIONS"}


@pytest.fixture
def api_app(make_app: Callable[..., Flask], fake_providers: FakeProviders, tmp_path: Path) -> Flask:
    return seeded_api_app(make_app, fake_providers, tmp_path)


@pytest.fixture
def api_client(api_app: Flask) -> FlaskClient:
    return api_app.test_client()


def operations() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, methods in document()["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def _url(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "unknown-id", path)


def _call(
    client: FlaskClient, method: str, path: str, query: dict[str, Any], body: Any = None
) -> Any:
    return client.open(_url(path), method=method.upper(), query_string=query, json=body)


def test_the_document_is_valid_openapi_3_1(client: FlaskClient) -> None:
    response = client.get("/api/openapi.json")

    assert response.status_code == 200
    assert response.json == document()
    assert response.json["openapi"] == "3.1.0"
    validate(response.json)


def test_every_api_route_and_method_is_documented_and_nothing_else(app: Flask) -> None:
    routed = {
        (re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
        for method in rule.methods - IGNORED_METHODS
    }
    documented = {(path, method) for path, method, _ in operations()}

    assert routed == documented


def test_every_path_parameter_is_documented(app: Flask) -> None:
    for path, _method, operation in operations():
        named = set(re.findall(r"\{(\w+)\}", path))
        declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
        assert named == declared, path


def _integer_ranges() -> Iterator[tuple[str, str, str, str, dict[str, Any]]]:
    """(path, method, where, name, schema) of each documented integer parameter or field."""
    for path, method, operation in operations():
        for param in operation.get("parameters", []):
            if param["schema"].get("type") == "integer":
                yield path, method, "query", param["name"], param["schema"]
        body = operation.get("requestBody")
        if body:
            fields = body["content"][JSON]["schema"].get("properties", {})
            for name, schema in fields.items():
                if schema.get("type") == "integer":
                    yield path, method, "body", name, schema


RANGES = list(_integer_ranges())


@pytest.mark.parametrize(
    ("path", "method", "where", "name", "schema"),
    RANGES,
    ids=[f"{m} {p} {n}" for p, m, _, n, _ in RANGES],
)
def test_documented_integer_ranges_are_what_the_parser_accepts(
    api_client: FlaskClient, path: str, method: str, where: str, name: str, schema: dict
) -> None:
    low, high = schema["minimum"], schema["maximum"]

    def status(value: int) -> int:
        given = {name: value}
        if where == "query":
            return _call(api_client, method, path, given).status_code
        return _call(api_client, method, path, {}, body=given).status_code

    assert (status(low - 1), status(high + 1)) == (400, 400)
    assert status(low) != 400
    assert status(high) != 400


def test_documented_paging_defaults_are_the_views_defaults(api_client: FlaskClient) -> None:
    checked = 0
    for path, method, operation in operations():
        params = {p["name"]: p["schema"] for p in operation.get("parameters", [])}
        if method != "get" or "limit" not in params:
            continue
        body = _call(api_client, method, path, {}).json
        assert (body["limit"], body["offset"]) == (
            params["limit"]["default"],
            params["offset"]["default"],
        ), path
        checked += 1
    assert checked == 4


def _enums() -> Iterator[tuple[str, str, str, list[str]]]:
    for path, method, operation in operations():
        for param in operation.get("parameters", []):
            if "enum" in param["schema"]:
                yield path, method, param["name"], param["schema"]["enum"]


ENUMS = list(_enums())


@pytest.mark.parametrize(
    ("path", "method", "name", "values"), ENUMS, ids=[f"{m} {p} {n}" for p, m, n, _ in ENUMS]
)
def test_documented_enums_are_what_the_parser_accepts(
    api_client: FlaskClient, path: str, method: str, name: str, values: list[str]
) -> None:
    for value in values:
        assert _call(api_client, method, path, {name: value}).status_code != 400, value
    refused = _call(api_client, method, path, {name: "no-such-value"})
    assert refused.status_code == 400
    assert refused.json["error"] == "invalid_parameter"


def _assert_conforms(path: str, method: str, response: Any) -> None:
    validator = response_validator(path, method, response.status_code)
    errors = [error.message for error in validator.iter_errors(response.json)]
    assert errors == [], f"{method.upper()} {path} {response.status_code}: {errors}"


def test_seeded_answers_conform_to_the_documented_schemas(api_client: FlaskClient) -> None:
    """Detail and candidate answers with real rows, which random ids never reach."""
    artists = api_client.get("/api/library/artists")
    _assert_conforms("/api/library/artists", "get", artists)
    artist_id = artists.json["artists"][0]["id"]
    artist = api_client.get(f"/api/library/artists/{artist_id}")
    _assert_conforms("/api/library/artists/{artist_id}", "get", artist)
    album_id = artist.json["albums"][0]["id"]
    album = api_client.get(f"/api/library/albums/{album_id}")
    _assert_conforms("/api/library/albums/{album_id}", "get", album)
    assert album.json["tracks"]

    pending = api_client.get("/api/enrichment/candidates")
    _assert_conforms("/api/enrichment/candidates", "get", pending)
    rejected = api_client.get("/api/enrichment/candidates?status=rejected").json["candidates"]
    reopened = api_client.post(f"/api/enrichment/candidates/{rejected[0]['id']}/reopen")
    _assert_conforms("/api/enrichment/candidates/{candidate_id}/reopen", "post", reopened)
    first, second = pending.json["candidates"][:2]
    applied = api_client.post(f"/api/enrichment/candidates/{first['id']}/apply")
    _assert_conforms("/api/enrichment/candidates/{candidate_id}/apply", "post", applied)
    reject = api_client.post(f"/api/enrichment/candidates/{second['id']}/reject")
    _assert_conforms("/api/enrichment/candidates/{candidate_id}/reject", "post", reject)
    unlinked = api_client.post(
        "/api/enrichment/unlink",
        json={"entity_type": first["entity_type"], "entity_id": first["entity_id"]},
    )
    _assert_conforms("/api/enrichment/unlink", "post", unlinked)

    job = api_client.post("/api/enrichment/trigger")
    _assert_conforms("/api/enrichment/trigger", "post", job)
    detail = api_client.get(f"/api/jobs/{job.json['job_id']}")
    _assert_conforms("/api/jobs/{job_id}", "get", detail)
    _assert_conforms("/api/jobs", "get", api_client.get("/api/jobs"))
    _assert_conforms("/api/enrichment/status", "get", api_client.get("/api/enrichment/status"))
    _assert_conforms("/api/settings", "get", api_client.get("/api/settings"))
    missing = api_client.get("/api/jobs/unknown-id")
    assert missing.status_code == 404
    _assert_conforms("/api/jobs/{job_id}", "get", missing)


def test_exactly_the_operations_documented_with_401_need_the_api_key(
    make_app: Callable[..., Flask],
) -> None:
    client = make_app(API_KEY="s3cret").test_client()

    for path, method, operation in operations():
        status = _call(client, method, path, {}).status_code
        assert (status == 401) == ("401" in operation["responses"]), f"{method} {path}"
    assert client.get("/api/settings", headers={"X-API-Key": "s3cret"}).status_code == 200


def test_the_docs_page_lists_every_operation_without_inline_script_or_style(
    client: FlaskClient,
) -> None:
    response = client.get("/api/docs")
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    assert (
        response.headers["Content-Security-Policy"] == (SECURITY_HEADERS["Content-Security-Policy"])
    )
    for path, method, _ in operations():
        assert f"{method.upper()}</span> <code>{path}</code>" in page
    assert "limit</code></td>" in page and "1–500 (default 50)" in page
    assert "<script>" not in page and "style=" not in page
    assert "http://" not in page and "https://" not in page  # no CDN
