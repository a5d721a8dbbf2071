"""The bottom line (issue #35): every sentence computed from the run, checked against the numbers
it states, on a case where it holds and on one where it would be false."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

import flashpoint
from flashpoint.analysis.backtest.recommend import shipped
from flashpoint.analysis.prepare import prepare
from flashpoint.analysis.signposts import GRID, headline_at, levers_of
from flashpoint.cli import app
from flashpoint.scenario import build_scenario
from flashpoint.scenario.errors import Origin
from flashpoint.scenario.words import in_sentence, named

runner = CliRunner()


@pytest.fixture(scope="module")
def korea():
    return flashpoint.forecast("korea-2018", draws=300, seed=2, brief=True)


def two_sides(low_capability: float = 1.0) -> flashpoint.Scenario:
    """Low (at 20) and high (at 80) bargain over x; a deal is better than none for both (no
    deal costs them 100 points), so only where the bargain lands decides the future."""
    return build_scenario(
        {
            "title": "Two sides",
            "agreement": "package",
            "issues": [{"id": "x", "reversion": 50, "consent": ["low", "high"]}],
            "actors": [
                {
                    "id": "low",
                    "capability": low_capability,
                    "issues": {"x": {"position": 20, "salience": 100, "no_deal_cost": 100}},
                },
                {
                    "id": "high",
                    "capability": 1,
                    "issues": {"x": {"position": 80, "salience": 100, "no_deal_cost": 100}},
                },
            ],
            "outcomes": [
                {"id": "up", "label": "Up", "when": "x >= 50"},
                {"id": "down", "label": "Down", "when": "otherwise"},
            ],
        },
        Origin(file="two.yaml"),
        [],
    )


def test_the_bottom_line_leads_with_the_headlines_own_numbers(korea):
    said = korea.brief()
    futures = korea.to_dict()["recommended"]["futures"]
    first, second = sorted(futures, key=lambda f: -f["probability"])[:2]
    assert said.leader == (first["id"], first["label"], first["probability"])
    assert said.runner_up[2] == second["probability"]
    assert said.bottom_line == (
        f"{first['label']} is the most likely future by 20 January 2021:"
        f" {first['probability']:.0%}, then {in_sentence(second['label'])} at"
        f" {second['probability']:.0%}."
    )
    assert korea.to_dict()["brief"]["bottom_line"] == said.bottom_line


def test_the_models_judgement_counts_what_stood_and_who_refused(korea):
    said = korea.brief().judgements[0]
    results = korea.results.values()
    standing = [r for r in results if not r.blocked]
    assert f"As stated, {len(standing)} of the {len(korea.results)} models' bargains stand" in said
    for result in results:
        for refusal in result.refusals:
            label = named(next(a.label for a in korea.scenario.actors if a.id == refusal.actor))
            assert f"by {label}, whose red line on" in said
    # where every bargain stands, nothing is said to be refused
    calm = flashpoint.forecast(two_sides(), brief=True).brief().judgements[0]
    assert calm.startswith("As stated, 6 of the 6 models' bargains stand") and "refused" not in calm
    pair = flashpoint.forecast("korea-2018", ["compromise", "nash"], brief=True)
    assert pair.brief().judgements[0].startswith("As stated, 1 of the 2 models' bargains stands (")
    alone = flashpoint.forecast(two_sides(), ["median"], brief=True).brief().judgements[0]
    assert alone == "As stated, the weighted median bargain stands (down)."


def test_the_refusals_judgement_is_the_headlines_agreement(korea):
    said = korea.brief().judgements[1]
    odds = korea.headline_agreement
    assert (
        f"Over 300 draws, the headline's bargain is refused in {1 - odds.probability:.0%}" in said
    )
    assert f"North Korea in {odds.refused_by['north_korea']:.0%}" in said
    calm = flashpoint.forecast(two_sides(), brief=True).brief().judgements[1]
    assert (
        calm
        == "Over 2,000 samples of its error on the stated values, the headline's bargain always stands."
    )


def test_the_zone_judgement_says_where_limits_cannot_meet():
    """North refuses arms above 50, West below 60: no zone as stated; with overlapping lines
    the zone is open and the sentence says so."""
    from .test_agreement import red_lines

    def with_futures(scenario):
        data = scenario.model_dump(mode="json")
        data["outcomes"] = [
            {"id": "deal", "when": "agreement"},
            {"id": "none", "when": "otherwise"},
        ]
        return build_scenario(data, Origin(file="red.yaml"), [])

    closed = flashpoint.forecast(with_futures(red_lines()), brief=True).brief()
    assert "there is no zone of agreement on arms as stated" in " ".join(closed.judgements).lower()
    open_ = flashpoint.forecast(with_futures(red_lines(north_line=70)), brief=True).brief()
    assert "Every issue's zone of agreement is open as stated" in " ".join(open_.judgements)


def test_a_signpost_holds_when_its_change_is_made_in_the_scenario():
    """Low pulls the bargain down as its weight grows: with twice High's capability the
    compromise is at 40 ('down' leads); the signpost names the move of one position that makes
    'up' lead, and the scenario with that move made says so too, while one step less does not."""
    scenario = two_sides(low_capability=2)
    forecast = flashpoint.forecast(scenario, brief=True)
    found = forecast.signposts
    assert found.leader == "down"
    (post,) = found.posts
    ((lever, value),) = post.changes
    assert post.future == "up" and (lever.actor, lever.field) in {
        ("low", "position"),
        ("high", "position"),
    }
    prepared, recommendation = prepare(forecast.request), shipped()

    def leads(at: float) -> str:
        data = json.loads(scenario.model_dump_json())
        actor = next(a for a in data["actors"] if a["id"] == lever.actor)
        actor["issues"]["x"]["position"] = at
        moved = build_scenario(data, Origin(file="two.yaml"), [])
        first = levers_of(moved)[0]  # set to its own stated value: the moved scenario as stated
        (stated,) = headline_at(prepared, recommendation, moved, [(first, first.stated)])
        return [o.id for o in moved.outcomes][int(np.argmax(stated))]

    assert leads(value) == "up"
    step = 100 / GRID * np.sign(lever.stated - value)
    assert leads(value + step) == "down"
    said = forecast.brief().signs[0]
    verb = "rises" if value > lever.stated else "falls"
    assert f"position on x {verb} to {value:g} (from {lever.stated:g}), up leads" in said


def test_a_future_no_change_reaches_is_said_to_be_unreached(korea):
    found = korea.signposts
    for future in found.unreached:
        label = in_sentence(next(o.label for o in korea.scenario.outcomes if o.id == future))
        assert any(
            f"makes {label}" in s and s.startswith("No change of one input")
            for s in korea.brief().signs
        )
    assert "peace_regime" in found.unreached  # Korea as stated: no one or two moves suffice
    (muddle,) = [p for p in found.posts if p.future == "muddle_through"]
    assert len(muddle.changes) == 2  # two red lines dropped together


def test_a_forecast_asked_for_no_brief_has_none():
    plain = flashpoint.forecast("korea-2018")
    assert plain.signposts is None and plain.to_dict()["brief"] is None


def test_the_command_line_leads_with_the_bottom_line(tmp_path):
    env = {"COLUMNS": "200", "FLASHPOINT_STORE": str(tmp_path / "runs.sqlite")}
    shown = runner.invoke(app, ["forecast", "korea-2018"], env=env)
    assert shown.exit_code == 0, shown.output
    lines = [line for line in shown.output.splitlines() if not line.startswith("Recorded")]
    assert lines[0].startswith("Bottom line: ")
    assert "Signposts to watch" in shown.output
    plain = runner.invoke(app, ["forecast", "korea-2018", "--no-brief"], env=env)
    assert "Bottom line" not in plain.output
    document = json.loads(runner.invoke(app, ["forecast", "korea-2018", "--json"], env=env).stdout)
    assert (
        document["brief"]["leader"]["id"]
        == max(document["recommended"]["futures"], key=lambda f: f["probability"])["id"]
    )


def test_the_report_leads_with_the_same_bottom_line(korea):
    from flashpoint.report.document import forecast_report
    from flashpoint.report.html import render_html

    page = render_html(forecast_report(korea))
    said = korea.brief()
    top = page.index('data-testid="bottom-line"')
    assert top < page.index('data-testid="headline"')
    assert f'data-leader="{said.leader[0]}"' in page[top - 300 : top + 400]
    assert said.bottom_line in page and all(s in page for s in said.signs)
    # a report of a forecast that did not ask for signposts still has its bottom line
    plain = flashpoint.forecast("korea-2018", draws=100, seed=2)
    assert 'data-testid="bottom-line"' in render_html(forecast_report(plain))
