"""The HTML pages and their HTMX fragments; each area is a blueprint of its own."""

from __future__ import annotations

from flask import Flask


def register_pages(app: Flask) -> None:
    from soulspot.web import artwork, dashboard, library, review, settings, views

    for blueprint in (
        views.bp,
        dashboard.bp,
        review.bp,
        library.bp,
        settings.bp,
        artwork.bp,
    ):
        app.register_blueprint(blueprint)
