"""A bounded schemathesis run over every documented operation: no 5xx, no answer off-schema.

In-process (WSGI), against an app whose providers are the fake server on 127.0.0.1, with a
job runner but no schedules, so queued jobs run against the fake too and nothing else runs.
Each operation gets valid (positive) requests and, when it takes a query or a body, invalid
(negative) ones.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance

from soulspot.api.openapi import document
from soulspot.extensions import db
from soulspot.jobs import get_queue
from soulspot.models import Job
from tests.fakes.server import FakeProviders
from tests.support.api import seeded_api_app

#: Per operation and mode: enough to cross each parameter's bounds, few enough for ~a minute.
MAX_EXAMPLES = 15
OPERATIONS = [(path, method) for path, methods in document()["paths"].items() for method in methods]


@pytest.mark.parametrize(
    ("path", "method"), OPERATIONS, ids=[f"{m.upper()} {p}" for p, m in OPERATIONS]
)
def test_no_server_error_and_every_answer_fits_the_document(
    make_app: Callable[..., Flask],
    fake_providers: FakeProviders,
    tmp_path: Path,
    path: str,
    method: str,
) -> None:
    app = seeded_api_app(make_app, fake_providers, tmp_path)
    operation = schemathesis.openapi.from_wsgi("/api/openapi.json", app)[path][method]

    documented = document()["paths"][path][method]
    # an unconstrained string in the path has no invalid value
    takes_input = "requestBody" in documented or any(
        param["in"] != "path" for param in documented.get("parameters", [])
    )
    for mode in GenerationMode if takes_input else [GenerationMode.POSITIVE]:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: schemathesis.Case) -> None:
            case.call_and_validate(checks=[not_a_server_error, response_schema_conformance])

        run()
    _wait_for_jobs(app)


def _wait_for_jobs(app: Flask) -> None:
    """Let queued jobs finish: APScheduler 3 raises in its thread if shut down as one starts."""
    with app.app_context():
        ids = [job.id for job in db.session.query(Job).all()]
    queue = get_queue(app)
    assert queue is not None
    for job_id in ids:
        assert queue.wait(job_id), job_id
