"""The web app in Debian's Chromium through Playwright (issue #20), against a real server: open the
Korea scenario, change North Korea's salience on denuclearization, run a forecast and see the
probabilities and charts change; upload the broken Copenhagen file and see both errors; an actor
named ``<script>alert(1)</script>`` is shown as text. No page makes a request beyond the server
or logs an error. `.ci/run` installs chromium; without it (outside CI) these are skipped."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest

from flashpoint.web import WebSettings
from tests.browsing import needs_chromium
from tests.serving import serving

EXAMPLES = Path(__file__).parents[1] / "docs" / "examples"
HOSTILE = "<script>alert(1)</script>"
SHOTS = (
    Path(os.environ["FLASHPOINT_SCREENSHOTS"]) if os.environ.get("FLASHPOINT_SCREENSHOTS") else None
)

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def address(tmp_path_factory):
    folder = tmp_path_factory.mktemp("browser")
    web = WebSettings(
        library=folder / "library", store=folder / "runs.sqlite", workers=2, warm=True
    )
    with serving(web) as running:
        yield running


def shot(page, name: str) -> None:
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def forecast_from(page, address: str, scenario: str) -> dict[str, float]:
    """Run a forecast from a scenario's page (500 draws); the headline's probabilities."""
    page.goto(f"{address}/scenarios/{scenario}")
    page.fill("[data-testid=form-forecast] input[name=draws]", "500")
    page.click("[data-testid=run-forecast]")
    page.wait_for_url("**/runs/*")
    page.wait_for_selector("[data-testid=headline]", timeout=180_000)
    cards = page.locator("[data-testid=headline] .card")
    probabilities = {
        cards.nth(i).get_attribute("data-future"): float(
            cards.nth(i).get_attribute("data-probability")
        )
        for i in range(cards.count())
    }
    page.wait_for_selector("[data-testid=chart-futures] .plot .main-svg")
    return probabilities


def test_edit_a_salience_run_a_forecast_and_see_it_change(page, address):
    before = forecast_from(page, address, "korea-2018")
    assert set(before) == {"peace_regime", "breakdown", "muddle_through"}
    assert abs(sum(before.values()) - 1) < 1e-9
    drawn = page.locator("[data-testid^=chart-] .plot .main-svg").count()
    assert drawn >= 10  # the report's charts, drawn by plotly from the server's own copy
    shot(page, "results")

    page.goto(f"{address}/scenarios/korea-2018")
    page.click("[data-testid=edit]")
    cell = page.locator("[data-testid=cell-north_korea-denuclearization-salience]")
    assert cell.input_value() == "95"
    cell.fill("abc")
    page.wait_for_selector("[data-testid=cell-problem]")
    assert "not a number" in page.locator("[data-testid=cell-problem]").first.inner_text()
    shot(page, "editor-problem")
    cell.fill("10")  # outside the range its draws come from (75 to 100): said under the range
    problem = page.locator(
        "[data-testid=range-north_korea-denuclearization-salience] + [data-testid=cell-problem]"
    ).filter(has_text="outside its own range 75 to 100")
    problem.wait_for()
    cell.fill("75")  # at its low end: the distribution's mode (95, the old value) moves to 75
    page.wait_for_selector("[data-testid=cell-problem]", state="detached")
    page.fill("[data-testid=save-name]", "korea-less-salient")
    page.click("[data-testid=save-as]")
    page.wait_for_url(f"{address}/scenarios/korea-less-salient")
    saved = httpx.get(f"{address}/api/scenarios/korea-less-salient").json()["scenario"]
    assert saved["actors"][0]["issues"]["denuclearization"]["salience"] == 75
    moved = [
        u for u in saved["uncertainty"] if u["actor"] == "north_korea" and u["field"] == "salience"
    ]
    assert moved[0]["mode"] == 75 and (moved[0]["low"], moved[0]["high"]) == (75, 100)

    after = forecast_from(page, address, "korea-less-salient")
    assert after != before
    shot(page, "results-after")


def test_the_broken_copenhagen_file_shows_both_errors(page, address):
    page.goto(address + "/")
    page.set_input_files("[data-testid=upload-file]", str(EXAMPLES / "copenhagen_with_errors.csv"))
    page.click("[data-testid=upload-form] button[type=submit]")
    box = page.locator("[data-testid=upload-problems]")
    box.wait_for(state="visible")
    text = box.inner_text()
    assert "2 problems in the file" in text
    assert "row 86, column position: 160 is above the upper bound 100" in text
    assert "row 87, column power: -0.247 is negative" in text
    shot(page, "upload-errors")
    refusal = "the server responded with a status of 422"  # the refusal the page shows
    page.seen["errors"][:] = [error for error in page.seen["errors"] if refusal not in error]


def test_an_actor_named_like_a_script_is_shown_as_text(page, address):
    data = httpx.get(f"{address}/api/scenarios/eu-emissions-1985").json()["scenario"]
    data["actors"][0]["label"] = HOSTILE
    data["title"] = f"Emissions {HOSTILE}"
    saved = httpx.post(
        f"{address}/api/scenarios",
        json={"id": "hostile", "scenario": data},
        headers={"Origin": address},  # a change is taken only from the server's own pages
    )
    assert saved.status_code == 201
    page.goto(f"{address}/scenarios/hostile")
    assert HOSTILE in page.locator("[data-testid=scenario-title]").inner_text()
    assert HOSTILE in page.locator("#question").inner_text()
    page.goto(f"{address}/scenarios/hostile/edit")
    label = page.locator(f"[data-testid=label-{data['actors'][0]['id']}]")
    assert label.input_value() == HOSTILE
    page.goto(address + "/")
    assert HOSTILE in page.locator("[data-testid=scenario-hostile]").inner_text()
    assert page.seen["dialogs"] == []


def test_every_page_shows_without_errors(page, address):
    for path in ["/", "/scenarios/new", "/scenarios/korea-2018", "/runs", "/history"]:
        page.goto(address + path)
        page.wait_for_load_state("load")
        shot(page, path.strip("/").replace("/", "-") or "library")
    page.goto(address + "/history")
    first = page.locator("[data-testid=history] a").first
    if first.count():
        first.click()
        page.wait_for_selector("[data-testid=rerun]")
        shot(page, "stored-run")
