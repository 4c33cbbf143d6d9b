"""A page and its fragments from one template (the Hypermedia Systems shape)."""

from __future__ import annotations

from typing import Any

from flask import render_template, request
from jinja2_fragments.flask import render_block

from soulspot.errors import is_htmx

#: htmx answers this to stop a polling element (`hx-trigger="every 2s"`) for good.
STOP_POLLING = 286


def page_or_block(template: str, block: str, **context: Any) -> str:
    """The whole page for a navigation; only `block` of it for an HTMX request.

    A boosted request (a plain link htmx followed) still wants the page.
    """
    if is_htmx() and request.headers.get("HX-Boosted") != "true":
        return render_block(template, block, **context)
    return render_template(template, **context)
