"""SoulSpot Enrichment: the application factory."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from soulspot import config as config_module

PACKAGE_DIR = Path(__file__).resolve().parent


def bundled_folder(name: str) -> Path:
    """`templates` or `static`: inside the installed package (a wheel), else the checkout's.

    The wheel maps the top-level folders into the package (see pyproject.toml); a source
    checkout and an editable install keep them at the repository root.
    """
    installed = PACKAGE_DIR / name
    return installed if installed.is_dir() else PACKAGE_DIR.parent / name


def create_app(config: Mapping[str, Any] | None = None, *, web: bool = True) -> Flask:
    """Build the app. It changes no schema and runs no jobs unless SCHEDULER_ENABLED is set.

    `web=False` builds only the configuration, logging and the database: what the CLI's
    read-only commands need, in half the start-up time (no provider clients, routes,
    request guards or scheduler).
    """
    app = Flask(
        __name__,
        template_folder=str(bundled_folder("templates")),
        static_folder=str(bundled_folder("static")),
        instance_path=config_module.instance_path(),
        instance_relative_config=True,
    )
    # Imported here, not at the top: `soulspot --help` imports this package and needs none.
    from soulspot import database, logs

    config_module.load_config(app, config)
    logs.configure(app.config["LOG_LEVEL"], app.config["LOG_FORMAT"])
    database.init_app(app)
    if not web:
        return app

    from soulspot import lifecycle, wiring
    from soulspot.errors import register_error_handlers
    from soulspot.security import register_request_guards

    wiring.init_app(app)
    register_request_guards(app)
    _register_blueprints(app)
    register_error_handlers(app)
    _register_commands(app)
    if app.config["SCHEDULER_ENABLED"] and not config_module.is_reloader_parent(app.debug):
        lifecycle.start_jobs(app)
    return app


def _register_commands(app: Flask) -> None:
    from soulspot import cli

    cli.register_commands(app)


def _register_blueprints(app: Flask) -> None:
    from soulspot.api import api_bp
    from soulspot.web import register_pages

    app.register_blueprint(api_bp)
    register_pages(app)
