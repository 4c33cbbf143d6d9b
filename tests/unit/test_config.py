"""Configuration: precedence of defaults, environment and overrides; README in step."""

from __future__ import annotations

from pathlib import Path

from soulspot.config import DEFAULTS

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_documents_every_configuration_key():
    text = README.read_text()
    missing = [key for key in DEFAULTS if f"`{key}`" not in text]
    assert not missing, f"README lacks: {missing}"


def test_environment_overrides_defaults_and_create_app_overrides_environment(make_app, monkeypatch):
    monkeypatch.setenv("SOULSPOT_JOB_WORKERS", "5")
    monkeypatch.setenv("SOULSPOT_LOG_LEVEL", "WARNING")
    monkeypatch.setenv("SOULSPOT_DEEZER_ENABLED", "false")
    app = make_app(LOG_LEVEL="ERROR")
    assert app.config["JOB_WORKERS"] == 5
    assert app.config["DEEZER_ENABLED"] is False
    assert app.config["LOG_LEVEL"] == "ERROR"
    assert app.config["AUTO_APPLY_THRESHOLD"] == DEFAULTS["AUTO_APPLY_THRESHOLD"]


def test_database_and_artwork_default_to_the_instance_folder(tmp_path, monkeypatch):
    from soulspot import create_app, database

    monkeypatch.setenv("SOULSPOT_INSTANCE_PATH", str(tmp_path / "inst"))
    monkeypatch.setenv("SOULSPOT_LOG_LEVEL", "WARNING")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'inst' / 'soulspot.db'}"
    assert app.config["ARTWORK_DIR"] == str(tmp_path / "inst" / "artwork")
    assert not (tmp_path / "inst" / "soulspot.db").exists()  # building an app migrates nothing
    database.prepare(app)
    assert (tmp_path / "inst" / "soulspot.db").exists()
    assert app.template_folder.endswith("templates") and Path(app.template_folder).is_dir()
