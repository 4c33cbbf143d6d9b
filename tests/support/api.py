"""The app the OpenAPI tests run against: fake providers, a job runner, a small library."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask import Flask
from jsonschema import Draft202012Validator

from soulspot.api.openapi import JSON, document
from soulspot.extensions import db
from soulspot.models import CandidateStatus
from tests.factories import add_artist, add_candidate, spotify_uri
from tests.fakes.server import FakeProviders


def seeded_api_app(
    make_app: Callable[..., Flask], fake_providers: FakeProviders, tmp_path: Path
) -> Flask:
    """Jobs run (so queueing endpoints answer) but none is scheduled; scans only under music/.

    Every provider request goes to the fake server on 127.0.0.1.
    """
    music = tmp_path / "music"
    music.mkdir(exist_ok=True)
    app = make_app(
        **fake_providers.config(),
        SCHEDULER_ENABLED=True,
        ENRICHMENT_SCHEDULE="off",
        ARTWORK_REPAIR_SCHEDULE="off",
        MUSIC_DIRS=str(music),
    )
    with app.app_context():
        blur = add_artist(db.session, "Blur", albums=("Parklife", "13"))
        add_artist(db.session, "Pulp", albums=("Different Class",))
        add_candidate(db.session, blur, spotify_uri("artist", 1))
        add_candidate(db.session, blur.albums[0], spotify_uri("album", 2))
        add_candidate(db.session, blur, spotify_uri("artist", 3), status=CandidateStatus.REJECTED)
        db.session.commit()
    return app


def response_validator(path: str, method: str, status: int) -> Draft202012Validator:
    """A validator for the JSON body the document promises for this operation and status."""
    spec = document()
    responses = spec["paths"][path][method]["responses"]
    schema = responses.get(str(status), responses["default"])["content"][JSON]["schema"]
    # the components beside it, so that "#/components/..." references resolve
    return Draft202012Validator({"components": spec["components"], "allOf": [schema]})
