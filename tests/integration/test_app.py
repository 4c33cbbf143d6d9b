"""The app shell: SQLite settings, health, the one error handler, the API key."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from soulspot.extensions import db
from tests.support.database import POSTGRES_URL


@pytest.mark.sqlite_only("the SQLite pragmas")
def test_sqlite_connections_get_wal_foreign_keys_and_busy_timeout(app):
    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 15000


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_healthz_is_503_when_the_database_is_unreachable(make_app, tmp_path):
    unreachable = (
        f"sqlite:///{tmp_path}/missing-dir/x.db"
        if POSTGRES_URL is None
        else "postgresql+psycopg://soulspot@127.0.0.1:9/soulspot"  # nothing listens on port 9
    )
    app = make_app(SQLALCHEMY_DATABASE_URI=unreachable, AUTO_MIGRATE=False)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unreachable"


def test_api_errors_are_json_with_the_right_status(client):
    missing = client.get("/api/no-such-thing")
    assert missing.status_code == 404
    assert set(missing.json) == {"error", "detail"} and missing.json["error"] == "not_found"
    wrong_method = client.delete("/api/enrichment/status")
    assert wrong_method.status_code == 405
    assert wrong_method.json["error"] == "method_not_allowed"
    assert "GET" in wrong_method.headers["Allow"]


def test_pages_get_html_errors_and_htmx_gets_a_fragment(client):
    page = client.get("/no-such-page")
    assert page.status_code == 404 and page.mimetype == "text/html" and b"<html" in page.data
    fragment = client.get("/api/no-such-thing", headers={"HX-Request": "true"})
    assert fragment.status_code == 404 and b'class="error-fragment"' in fragment.data
    assert b"<html" not in fragment.data


def test_home_page_shows_library_counts(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"htmx.min.js" in response.data and b"artists" in response.data


def test_api_key_is_required_when_configured(make_app):
    client = make_app(API_KEY="s3cret").test_client()
    assert client.get("/api/enrichment/status").status_code == 401
    assert client.get("/api/enrichment/status", headers={"X-API-Key": "wrong"}).status_code == 401
    assert client.get("/api/enrichment/status", headers={"X-API-Key": "s3cret"}).status_code == 200
    assert (
        client.get("/api/enrichment/status", headers={"Authorization": "Bearer s3cret"}).status_code
        == 200
    )
    assert client.get("/healthz").status_code == 200  # health stays open for monitors
