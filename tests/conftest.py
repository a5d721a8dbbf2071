from __future__ import annotations

import signal
import textwrap
from pathlib import Path

import pytest

from flashpoint.scenario import ScenarioError, load_scenario


def pytest_configure(config: pytest.Config) -> None:
    """Ctrl-C at Python's default for the run. A process started in the background by a shell
    without job control (``command &`` in a script) ignores SIGINT, and so does every process it
    starts: the tests that send Ctrl-C to a command (tests/test_store.py, tests/test_web.py) or
    to this process (tests/test_interrupts.py) would wait for it in vain. With Python's handler
    here, the commands the tests start begin with SIGINT at its default, as from a terminal."""
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


DATA = Path(__file__).parent / "data"
# korea-2018 as it stood before issue #34 changed its inputs: the tests that read a run's
# sentences word for word run on it, so that a sourced change to the bundled scenario does not
# rewrite what they check (tests/data/golden/README.md).
KOREA_FROZEN = str(DATA / "golden" / "korea-2018.yaml")


@pytest.fixture
def write(tmp_path: Path):
    """Write a file (dedented text) into a temporary folder and return its path."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return _write


def problems_of(path: Path | str, **kwargs) -> list[str]:
    """The problems (as printed) that loading a file reports; fails if it loads."""
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path, **kwargs)
    return [str(problem) for problem in caught.value.problems]


MINIMAL = """
title: Test
issues:
  - id: tax
    min: 0
    max: 100
actors:
  - id: a
    capability: 1
    issues:
      tax: {position: 10, salience: 50}
  - id: b
    capability: 2
    issues:
      tax: {position: 90, salience: 50}
"""


def numbers_of(document: dict) -> dict:
    """A result's JSON document without what may differ between runs to the same numbers: its
    timings, and the request (which records, say, the executor it ran on)."""
    return {key: value for key, value in document.items() if key not in ("timings", "request")}


@pytest.fixture(autouse=True, scope="session")
def runs_stay_out_of_the_users_store(tmp_path_factory):
    """Every run the tests make is recorded in a store of their own, never in the user's."""
    import os

    os.environ["FLASHPOINT_STORE"] = str(tmp_path_factory.mktemp("store") / "runs.sqlite")


@pytest.fixture(scope="module")
def chromium():
    """Debian's Chromium through Playwright, for a module's browser tests (tests/browsing.py)."""
    from playwright.sync_api import sync_playwright

    from tests.browsing import launch

    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, address):
    """A new page of the module's server (its ``address`` fixture) that records console errors,
    requests beyond the server and dialogs (tests/browsing.py); the test fails on any error or
    request beyond the server."""
    from tests.browsing import watched_page

    opened = watched_page(chromium, (address, "data:", "blob:"))
    yield opened
    assert opened.seen["errors"] == []
    assert opened.seen["outside"] == []
    opened.close()
