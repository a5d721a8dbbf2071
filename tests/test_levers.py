"""`flashpoint levers`: the search for an actor's offer, checked on a case worked by hand."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import flashpoint
from flashpoint.cli import app

runner = CliRunner()

TOY = """\
id: toy
title: Toy offer
issues: [{id: aid, min: 0, max: 100}, {id: trade, min: 0, max: 10}]
actors:
  - id: donor
    capability: 1
    issues: {aid: {position: 0, salience: 50}, trade: {position: 2, salience: 50}}
  - id: recipient
    capability: 1
    issues: {aid: {position: 90, salience: 50}, trade: {position: 8, salience: 50}}
uncertainty:
  - {actor: recipient, issue: aid, field: position, distribution: uniform, low: 80, high: 100}
outcomes:
  - {id: deal, when: "aid >= 70"}
  - {id: none, when: otherwise}
"""
# The compromise outcome on aid is (x + R) / 2 for the donor's offer x and the recipient's
# position R ~ U(80, 100): a deal needs R >= 140 - x, so P(deal) = (x - 40) / 20 on [40, 60].


@pytest.fixture
def toy(tmp_path):
    path = tmp_path / "toy.yaml"
    path.write_text(TOY, encoding="utf-8")
    return path


def search(toy, **settings_):
    return flashpoint.levers(
        toy, "donor", "P(deal)", ["aid"], ["compromise"], draws=400, seed=3, **settings_
    )


def test_the_best_offer_within_a_budget_is_found(toy):
    result = search(toy, budget=50)
    offer = result.offer[("aid", "position")]
    assert 47.5 <= offer <= 50.0  # the hand-worked best is 50, the edge of the budget
    assert result.before.value == 0.0
    assert result.after.value == pytest.approx(0.5, abs=0.07)  # (50 - 40) / 20, within MC error
    assert result.move <= 50.0 and result.evaluations > 20
    assert result.after.interval_95[0] <= result.after.value <= result.after.interval_95[1]


def test_the_smallest_offer_that_reaches_a_threshold_is_found(toy):
    result = search(toy, threshold=0.25)
    offer = result.offer[("aid", "position")]
    recipient = 140 - offer  # the deal needs the recipient at or above this
    assert result.reached and result.after.value >= 0.25
    assert offer == pytest.approx(45.0, abs=2.5)  # (45 - 40) / 20 = 0.25
    # and no smaller offer would do on these draws: the curve rises to it
    below = [target for value, _, target in result.curve if value < offer - 1.0]
    assert all(target < 0.25 for target in below)
    assert 95 - 2.5 <= recipient <= 95 + 2.5


def test_a_search_is_reproducible_and_the_same_on_every_executor(toy):
    first = search(toy, budget=60).to_dict()
    again = search(toy, budget=60).to_dict()
    pooled = search(toy, budget=60, executor="process", workers=2).to_dict()
    for document in (first, again, pooled):
        document.pop("timings")
        document["request"].pop("executor"), document["request"].pop("workers")
    assert first == again == pooled


@settings(max_examples=8, deadline=None)
@given(budget=st.floats(1, 150), position=st.booleans())
def test_bounds_and_budget_are_never_broken(budget, position):
    result = flashpoint.levers(
        "korea-2018",
        "united_states",
        "P(peace_regime)",
        ["sanctions_relief", "security_guarantee"],
        ["compromise"],
        budget=budget,
        saliences=position,
        draws=40,
        generations=4,
        seed=1,
    )
    for lever in result.levers:
        value = result.offer[(lever.issue, lever.field)]
        assert lever.low <= value <= lever.high
    assert result.move <= budget + 1e-9


def test_a_lever_that_works_under_one_model_only_is_flagged():
    result = flashpoint.levers(
        "korea-2018",
        "united_states",
        "P(peace_regime)",
        ["sanctions_relief", "security_guarantee", "peace_treaty"],
        ["compromise", "exchange"],
        draws=100,
        generations=6,
        seed=0,
    )
    compromise = result.models["compromise"]
    assert compromise[0] == compromise[1]  # issue by issue: US offers cannot move denuclearization
    assert result.models["exchange"][1] > result.models["exchange"][0]
    assert result.only_under == "exchange"


def test_the_levers_command(toy):
    made = runner.invoke(
        app,
        [
            "levers",
            str(toy),
            "--actor",
            "donor",
            "-i",
            "aid",
            "-m",
            "compromise",
            "--budget",
            "50",
            "--draws",
            "200",
            "--json",
        ],
    )
    assert made.exit_code == 0, made.output
    document = json.loads(made.stdout)
    assert {"before", "after", "evaluations"} <= set(document)
    assert document["offer"][0]["offer"] <= 50.0 and document["only_under"] is None
    shown = runner.invoke(
        app,
        [
            "levers",
            str(toy),
            "--actor",
            "donor",
            "-m",
            "compromise",
            "--threshold",
            "0.25",
            "--draws",
            "200",
        ],
        env={"COLUMNS": "150"},
    )
    assert shown.exit_code == 0, shown.output
    assert "The threshold was reached" in shown.output and "offers tried" in shown.output
    wrong = runner.invoke(app, ["levers", str(toy), "--actor", "nobody"])
    assert wrong.exit_code == 2 and "no actor 'nobody'" in wrong.output
    missing = runner.invoke(app, ["levers", str(toy)])
    assert missing.exit_code == 2 and "name the actor" in missing.output


def test_a_report_shows_the_search_with_the_same_numbers():
    from flashpoint.report.document import forecast_report
    from flashpoint.report.html import render_html

    found = flashpoint.levers(
        "korea-2018",
        "united_states",
        "P(peace_regime)",
        ["sanctions_relief"],
        ["compromise", "exchange"],
        draws=30,
        generations=2,
    )
    forecast = flashpoint.forecast("korea-2018", ["compromise", "exchange"], draws=30)
    report = forecast_report(forecast, levers=found)
    chart = next(c for c in report.charts() if c.testid == "chart-levers")
    curve = found.to_dict()["curve"]["points"]
    assert list(chart.figure.data[0].y) == [point["target"] for point in curve]
    assert list(chart.figure.data[0].x) == [point["move"] for point in curve]
    page = render_html(report)
    assert "What would it take" in page and 'data-testid="chart-levers"' in page


def test_a_headline_search_screens_then_reports_the_headline_itself():
    """On the headline, the search runs on the screen (errors' sizes held at the stated
    values'), and what it reports is the headline's own: the same numbers as a comparison of
    the offer as a shock on the same draws."""
    found = flashpoint.levers(
        "korea-2018",
        "united_states",
        "P(peace_regime)",
        ["sanctions_relief", "peace_treaty"],
        draws=40,
        generations=3,
        seed=2,
    )
    assert found.screened == 12 * (1 + found.generations)  # 6 offers a lever each generation
    assert 0 < found.evaluations < found.screened
    offer = flashpoint.Shock(
        id="offer",
        changes=[
            {"actor": "united_states", "issue": issue, "field": field, "set": value}
            for (issue, field), value in found.offer.items()
        ],
    )
    compared = flashpoint.compare("korea-2018", [offer], draws=40, seed=2)
    baseline = compared.baseline.summary().futures["peace_regime"].probability
    shocked = compared.shocked[0].summary().futures["peace_regime"].probability
    assert found.before.value == pytest.approx(baseline, abs=1e-12)
    assert found.after.value == pytest.approx(shocked, abs=1e-12)
    assert "recommended" in found.models and "eum" in found.models
