"""The scenario editor in Debian's Chromium through Playwright (issue #38): a new scenario built
from the library page (three actors, two issues, one renamed and one rescaled to 1-7 with
labelled points, a future with a condition, a shock with a change) and saved; an invalid
salience named in words, with no error in the console even when saving is tried; undo and redo;
the warning before leaving with unsaved changes. `.ci/run` installs chromium; without it
(outside CI) these are skipped."""

from __future__ import annotations

import httpx
import pytest

from flashpoint.web import WebSettings
from tests.browsing import needs_chromium
from tests.serving import serving

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def address(tmp_path_factory):
    folder = tmp_path_factory.mktemp("editor-browser")
    web = WebSettings(library=folder / "library", store=folder / "runs.sqlite", workers=1)
    with serving(web) as running:
        yield running


def tid(name: str) -> str:
    return f"[data-testid='{name}']"


def fill(page, name: str, text: str) -> None:
    """Type into a field and leave it (the change is committed)."""
    page.fill(tid(name), text)
    page.press(tid(name), "Tab")


def choose(page, name: str, value: str) -> None:
    page.select_option(tid(name), value)


def no_problems(page) -> None:
    page.wait_for_selector(f"{tid('status')}:has-text('No problems.')")


def test_build_a_scenario_save_it_and_ask_what_if(page, address):
    """Issue #38's whole walk: from the library, a scenario from blank (three actors, two issues,
    one on a 1-7 scale with labelled points, a future and a shock), saved; then in what-if mode
    one position moved and the headline seen to change, the page reloaded from its address with
    the same state, and the move undone."""
    page.goto(address + "/")
    page.get_by_role("link", name="New scenario").click()
    page.wait_for_url("**/scenarios/new")
    no_problems(page)
    fill(page, "title", "Trade talks")

    # the first issue renamed: a new issue's id follows its name
    fill(page, "issue-label-issue_1", "Tariffs")
    page.wait_for_selector(tid("issue-label-tariffs"))
    page.click(tid("add-issue"))
    fill(page, "issue-label-issue_2", "Market access")
    page.wait_for_selector(tid("issue-label-market_access"))
    assert page.locator(tid("issue-label-issue_2")).count() == 0

    # rescaled to 1-7, with labelled points: no browser prompt anywhere
    fill(page, "issue-min-market_access", "1")
    fill(page, "issue-max-market_access", "7")
    page.click(tid("add-point-market_access"))
    fill(page, "point-value-market_access-1", "4")
    fill(page, "point-label-market_access-1", "Some")
    page.click(tid("add-point-market_access"))  # the first free point: 1, before 4
    fill(page, "point-label-market_access-1", "None")
    page.click(tid("add-point-market_access"))  # then 7, after 4
    assert page.locator(tid("point-value-market_access-3")).input_value() == "7"
    fill(page, "point-label-market_access-3", "Full")
    assert "scale 1 to 7" in page.locator(tid("grid")).inner_text()

    # three actors, each with a stance on both issues
    fill(page, "label-actor_a", "Exporters")
    fill(page, "label-actor_b", "Importers")
    page.click(tid("add-actor"))
    fill(page, "label-actor_3", "Government")
    page.wait_for_selector(tid("label-government"))
    fill(page, "capability-government", "80")
    for actor, values in {
        "exporters": ("2", "50"),
        "importers": ("6", "40"),
        "government": ("4", "30"),
    }.items():
        fill(page, f"cell-{actor}-market_access-position", values[0])
        fill(page, f"cell-{actor}-market_access-salience", values[1])
    fill(page, "cell-government-tariffs-position", "50")
    fill(page, "cell-government-tariffs-salience", "70")

    # a future with one condition, built from selects and a value
    page.click(tid("add-future"))
    fill(page, "future-label-future_1", "Open markets")
    page.wait_for_selector(tid("future-label-open_markets"))
    choose(page, "cond-open_markets-issue", "market_access")
    choose(page, "cond-open_markets-op", ">=")
    fill(page, "cond-open_markets-value", "5")

    # a shock with one change
    page.click(tid("add-shock"))
    fill(page, "shock-label-shock_1", "Government steps back")
    page.wait_for_selector(tid("shock-label-government_steps_back"))
    choose(page, "change-government_steps_back-1-actor", "government")
    choose(page, "change-government_steps_back-1-issue", "tariffs")
    choose(page, "change-government_steps_back-1-field", "salience")
    fill(page, "change-government_steps_back-1-value", "10")
    no_problems(page)
    assert page.locator(tid("unsaved")).is_visible()

    page.fill(tid("save-name"), "trade-talks")
    page.click(tid("save-as"))
    page.wait_for_url(f"{address}/scenarios/trade-talks")
    saved = httpx.get(f"{address}/api/scenarios/trade-talks").json()["scenario"]
    assert saved["title"] == "Trade talks"
    assert [(i["id"], i["label"]) for i in saved["issues"]] == [
        ("tariffs", "Tariffs"),
        ("market_access", "Market access"),
    ]
    access = saved["issues"][1]
    assert (access["min"], access["max"]) == (1, 7)
    assert {float(k): v for k, v in access["anchors"].items()} == {1: "None", 4: "Some", 7: "Full"}
    assert [a["id"] for a in saved["actors"]] == ["exporters", "importers", "government"]
    assert saved["actors"][2]["capability"] == 80
    assert saved["actors"][2]["issues"]["market_access"] == {"position": 4, "salience": 30}
    assert saved["outcomes"] == [
        {"id": "open_markets", "label": "Open markets", "when": "market_access >= 5"}
    ]
    assert [(s["id"], s["label"]) for s in saved["shocks"]] == [
        ("government_steps_back", "Government steps back")
    ]
    assert saved["shocks"][0]["changes"] == [
        {"actor": "government", "issue": "tariffs", "field": "salience", "set": 10}
    ]
    assert page.seen["dialogs"] == []  # no prompt, no confirm, no warning on leaving once saved

    # what if: the government's position on market access moved from 4 to 7
    page.click(tid("whatif"))
    page.wait_for_url(f"{address}/scenarios/trade-talks/whatif")
    headline = page.locator(tid("whatif-headline"))
    page.wait_for_selector(f"{tid('whatif-headline')}[data-state=ready]", timeout=60_000)
    assert (
        page.locator(tid("whatif-sentence")).inner_text().startswith("As saved, open markets leads")
    )
    saved = page.locator(tid("whatif-probability")).inner_text()
    moved = "actors.government.issues.market_access.position"
    page.locator(tid(f"slider:{moved}")).fill("7")
    page.wait_for_selector(f"{tid('whatif-headline')}[data-state=ready]", timeout=60_000)
    row = page.locator(f"{tid('whatif-futures')} tr[data-future=open_markets]")
    now = row.locator(tid("whatif-probability")).inner_text()
    assert now != saved and int(now.rstrip("%")) > int(saved.rstrip("%"))  # a higher bargain
    assert f"{moved}=7" in page.url
    said = page.locator(tid("whatif-edits")).inner_text()
    assert "Government, Market access: position 4 → 7" in said

    page.reload()  # the address holds the state
    page.wait_for_selector(f"{tid('whatif-headline')}[data-state=ready]", timeout=60_000)
    assert page.locator(tid(f"value:{moved}")).input_value() == "7"
    assert row.locator(tid("whatif-probability")).inner_text() == now
    assert "position 4 → 7" in page.locator(tid("whatif-edits")).inner_text()

    page.click(tid("whatif-undo"))
    page.wait_for_selector(f"{tid('whatif-headline')}[data-state=ready]", timeout=60_000)
    assert page.locator(tid(f"value:{moved}")).input_value() == "4"
    assert row.locator(tid("whatif-probability")).inner_text() == saved
    assert page.url == f"{address}/scenarios/trade-talks/whatif"
    assert headline.get_attribute("data-state") == "ready"


def test_an_invalid_salience_is_said_in_words_undone_and_redone(page, address):
    page.goto(f"{address}/scenarios/korea-2018/edit")
    no_problems(page)
    assert page.evaluate("document.body.dataset.unsaved") == "false"
    cell = page.locator(tid("cell-north_korea-denuclearization-salience"))
    assert cell.input_value() == "95"
    cell.fill("abc")
    problem = page.locator(tid("problem"))
    problem.first.wait_for()
    assert problem.all_inner_texts() == [
        "North Korea, Denuclearization, salience: 'abc' is not a number"
    ]
    assert "not a number" in page.locator(tid("cell-problem")).first.inner_text()
    assert page.evaluate("document.body.dataset.unsaved") == "true"

    page.click(tid("save-as"))  # checked first: not saved, and no failed request
    page.wait_for_selector(f"{tid('status')}:has-text('Not saved')")
    assert page.url.endswith("/scenarios/korea-2018/edit")

    page.click(tid("undo"))
    assert cell.input_value() == "95"
    page.wait_for_selector(tid("problems"), state="hidden")
    assert page.evaluate("document.body.dataset.unsaved") == "false"
    page.click(tid("redo"))
    assert cell.input_value() == "abc"
    problem.first.wait_for()
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("Control+z")
    assert cell.input_value() == "95"
    page.keyboard.press("Control+Shift+z")
    assert cell.input_value() == "abc"
    page.keyboard.press("Control+y")  # nothing left to redo
    assert cell.input_value() == "abc"
    assert page.seen["errors"] == []

    # leaving with unsaved changes asks first (the page's dialogs are dismissed: it stays)
    warned = []
    page.on("dialog", lambda dialog: warned.append(dialog.type))
    page.click("a.brand")
    page.wait_for_timeout(500)
    assert warned == ["beforeunload"]
    assert page.url.endswith("/scenarios/korea-2018/edit")
    assert cell.input_value() == "abc"
    page.click(tid("undo"))  # back to the scenario as loaded: nothing to save, no warning
    assert cell.input_value() == "95"
    page.click("a.brand")
    page.wait_for_url(address + "/")
    assert warned == ["beforeunload"]
