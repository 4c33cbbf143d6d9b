"""A page and its fragments from one template (the Hypermedia Systems shape)."""

from __future__ import annotations

from typing import Any

from flask import Response, make_response, render_template, request
from jinja2_fragments.flask import render_block

from soulspot.errors import is_htmx

#: htmx answers this to stop a polling element (`hx-trigger="every 2s"`) for good.
STOP_POLLING = 286


def page_or_block(template: str, block: str, **context: Any) -> Response:
    """The whole page for a navigation; only `block` of it for an HTMX request.

    A boosted request (a plain link htmx followed) still wants the page, and so does a
    history restore (htmx reloading a pushed URL it has no copy of). `Vary: HX-Request`
    keeps a browser from answering a later navigation with a cached fragment.
    """
    headers = request.headers
    if (
        is_htmx()
        and headers.get("HX-Boosted") != "true"
        and headers.get("HX-History-Restore-Request") != "true"
    ):
        response = make_response(render_block(template, block, **context))
    else:
        response = make_response(render_template(template, **context))
    response.vary.add("HX-Request")
    return response
