"""Debian's Chromium under Playwright, and a record of what went wrong in its pages.

Shared by the browser tests (tests/e2e/conftest.py) and bench/screenshots.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, Playwright, Request, Response

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def launch_chromium(playwright: Playwright) -> Browser:
    """Headless /usr/bin/chromium (Playwright's own browser download cannot work here)."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )


@dataclass
class PageProblems:
    """What went wrong in the browser during one test, less what the test said to expect."""

    problems: list[str] = field(default_factory=list)
    confirms: list[str] = field(default_factory=list)
    expected: list[tuple[int, str]] = field(default_factory=list)

    def expect_status(self, status: int, url_contains: str) -> None:
        """Allow a response of `status` for a URL containing `url_contains`."""
        self.expected.append((status, url_contains))

    def _is_expected(self, status: int | None, url: str) -> bool:
        return any(
            (status is None or status == want) and part in url for want, part in self.expected
        )

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        url = message.location.get("url", "")
        text = message.text
        if self.expected and (
            (text.startswith("Failed to load resource") and self._is_expected(None, url))
            or text == "htmx:responseError"
        ):
            return
        self.problems.append(f"console error: {text} ({url})")

    def on_page_error(self, error: Any) -> None:
        self.problems.append(f"page error: {error}")

    def on_request_failed(self, request: Request) -> None:
        failure = request.failure or ""
        if "ERR_ABORTED" in failure:
            return  # a navigation cancelled it (e.g. a poll in flight when the page changed)
        self.problems.append(f"request failed: {request.method} {request.url}: {failure}")

    def on_response(self, response: Response) -> None:
        if response.status >= 400 and not self._is_expected(response.status, response.url):
            method = response.request.method
            self.problems.append(f"HTTP {response.status}: {method} {response.url}")

    def on_dialog(self, dialog: Dialog) -> None:
        if dialog.type == "confirm":
            self.confirms.append(dialog.message)
            dialog.accept()
            return
        self.problems.append(f"{dialog.type} dialog: {dialog.message!r}")
        dialog.dismiss()


def watch(page: Page, problems: PageProblems) -> None:
    """Record every console error, page error, failed request, error response and dialog."""
    page.on("console", problems.on_console)
    page.on("pageerror", problems.on_page_error)
    page.on("requestfailed", problems.on_request_failed)
    page.on("response", problems.on_response)
    page.on("dialog", problems.on_dialog)
