"""SoulSpot Enrichment: the application factory."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from soulspot import config as config_module
from soulspot.database import configure_engine, upgrade_database
from soulspot.errors import register_error_handlers
from soulspot.extensions import PROVIDERS_KEY, db, migrate
from soulspot.providers.factory import build_clients
from soulspot.security import register_request_guards

PACKAGE_DIR = Path(__file__).resolve().parent
MIGRATIONS_DIR = PACKAGE_DIR / "migrations"


def bundled_folder(name: str) -> Path:
    """`templates` or `static`: inside the installed package (a wheel), else the checkout's.

    The wheel maps the top-level folders into the package (see pyproject.toml); a source
    checkout and an editable install keep them at the repository root.
    """
    installed = PACKAGE_DIR / name
    return installed if installed.is_dir() else PACKAGE_DIR.parent / name


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: config, extensions, schema, blueprints, errors, CLI, scheduler."""
    app = Flask(
        __name__,
        template_folder=str(bundled_folder("templates")),
        static_folder=str(bundled_folder("static")),
        instance_path=config_module.instance_path(),
        instance_relative_config=True,
    )
    config_module.load_config(app, config)
    logging.basicConfig(
        level=app.config["LOG_LEVEL"], format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR))
    with app.app_context():
        configure_engine(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
        if app.config["AUTO_MIGRATE"]:
            upgrade_database()

    app.extensions[PROVIDERS_KEY] = build_clients(app.config)
    register_request_guards(app)
    _register_blueprints(app)
    register_error_handlers(app)
    register_commands(app)
    if app.config["SCHEDULER_ENABLED"] and not config_module.is_reloader_parent(app.debug):
        from soulspot.jobs import start_scheduler

        start_scheduler(app)
    return app


def register_commands(app: Flask) -> None:
    from soulspot import cli

    cli.register_commands(app)


def _register_blueprints(app: Flask) -> None:
    from soulspot.api import api_bp
    from soulspot.web import artwork as artwork_web
    from soulspot.web.views import web_bp

    app.register_blueprint(api_bp)
    app.register_blueprint(web_bp)
    app.register_blueprint(artwork_web.bp)
