"""A levers search from the scenario page, in Debian's Chromium through Playwright (issue #38):
choose whose offer and on which issues, run it with few draws, follow its progress and see the
offer found, with how to read the page; the run is then in the history, its shocks and draws
said. No page makes a request beyond the server or logs an error. `.ci/run` installs chromium;
without it (outside CI) this is skipped."""

from __future__ import annotations

import pytest

from flashpoint.web import WebSettings
from tests.browsing import needs_chromium
from tests.serving import serving

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def address(tmp_path_factory):
    folder = tmp_path_factory.mktemp("levers-browser")
    web = WebSettings(
        library=folder / "library", store=folder / "runs.sqlite", workers=1, warm=False
    )
    with serving(web) as running:
        yield running


def test_find_an_offer_from_the_scenario_page(page, address):
    page.goto(f"{address}/scenarios/korea-2018")
    form = page.locator("[data-testid=form-levers]")
    issues = form.locator("input[name=issues]")
    # the IMF takes part in one issue only: choosing it offers that one, ticked
    form.locator("select[name=actor]").select_option("imf")
    assert [
        issues.nth(i).get_attribute("value")
        for i in range(issues.count())
        if issues.nth(i).is_visible()
    ] == ["economic_aid"]
    assert form.locator("input[value=economic_aid]").is_checked()
    form.locator("select[name=actor]").select_option("united_states")
    assert sum(issues.nth(i).is_visible() for i in range(issues.count())) == 6
    form.locator("input[value=alliance]").uncheck()
    form.locator("select[name=target]").select_option("P(peace_regime)")
    form.locator("input[name=draws]").fill("10")
    form.locator("input[name=generations]").fill("1")
    form.locator("[data-testid=run-levers]").click()
    page.wait_for_url("**/runs/*")
    page.wait_for_selector("[data-testid=chart-levers] .plot .main-svg", timeout=240_000)
    assert "United States' offer" in page.locator("header .subtitle").inner_text()
    assert page.locator("#levers table").count() >= 3
    assert "Alliance" not in page.locator("#levers table").first.inner_text()
    how = page.locator("[data-testid=how-to-read]")
    how.locator("summary").click()
    assert "worth" in how.inner_text()
    kept = page.locator("header .subtitle a").get_attribute("href")
    page.goto(f"{address}/history?kind=levers")
    row = page.locator("[data-testid=history] tbody tr").first
    assert row.locator("[data-column=shocks]").inner_text() == "none"
    assert row.locator("[data-column=draws]").inner_text() == "10"
    assert row.locator("a").get_attribute("href") == kept
