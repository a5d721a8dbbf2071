"""Debian's Chromium for the browser tests, through Playwright (headless): `.ci/run` installs it
with apt-get; elsewhere, without it, the tests that need it are skipped (CI=1 makes its absence
fail). The module-scoped ``chromium`` fixture is in conftest.py."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists() and not os.environ.get("CI"),
    reason="Debian's chromium is not installed (apt-get install chromium; .ci/run does)",
)


def launch(playwright):
    """Debian's Chromium, headless, without the background requests it would make."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM),
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    )


def watched_page(browser, inside: tuple[str, ...]):
    """A new page that records, in ``page.seen``, its console errors, its requests to any
    address not starting with one of ``inside``, and its dialogs (dismissed)."""
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    seen = {"errors": [], "outside": [], "dialogs": []}
    page.on("console", lambda m: seen["errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on(
        "request",
        lambda r: None if r.url.startswith(inside) else seen["outside"].append(r.url),
    )
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    page.seen = seen
    return page
