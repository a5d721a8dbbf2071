"""The scenario tree: likely shocks as exclusive branches, each draw following one."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

import flashpoint
from flashpoint.cli import app
from flashpoint.scenario import build_scenario, save_scenario
from flashpoint.scenario.errors import Origin

from .conftest import problems_of

runner = CliRunner()
WIDE = {"COLUMNS": "160"}


def two_futures(probability):
    """One issue; the stated compromise (50) is 'high', the shock makes it 'low' (20)."""
    return build_scenario(
        {
            "title": "Tree",
            "issues": [{"id": "x"}],
            "actors": [
                {"id": "a", "capability": 1, "issues": {"x": {"position": 40, "salience": 1}}},
                {"id": "b", "capability": 1, "issues": {"x": {"position": 60, "salience": 1}}},
            ],
            "outcomes": [{"id": "high", "when": "x >= 30"}, {"id": "low", "when": "otherwise"}],
            "shocks": [
                {
                    "id": "slump",
                    "probability": probability,
                    "probability_note": "an analyst's judgement",
                    "changes": [
                        {"actor": "a", "issue": "x", "field": "position", "set": 0},
                        {"actor": "b", "issue": "x", "field": "position", "set": 40},
                    ],
                }
            ],
        },
        Origin(file="tree.yaml"),
        [],
    )


def test_each_draw_follows_one_branch_in_proportion():
    draws = 4000
    result = flashpoint.forecast(two_futures(0.25), ["compromise"], draws=draws, tree=True)
    stated, slump = result.tree
    assert (stated.shock, slump.shock) == (None, "slump")
    assert stated.probability == (0.75, 0.75) and slump.probability == (0.25, 0.25)
    assert stated.share + slump.share == 1
    assert slump.share == pytest.approx(0.25, abs=4 * (0.25 * 0.75 / draws) ** 0.5)
    low = result["compromise"].spread.futures["low"].probability
    assert low == slump.share  # the slump's branch, and only it, falls low
    document = result.to_dict()
    assert document["tree"][1] == {
        "shock": "slump",
        "label": "slump",
        "probability": [0.25, 0.25],
        "share": slump.share,
    }
    assert flashpoint.forecast(two_futures(0.25), ["compromise"], draws=50).tree is None


def test_a_range_of_probability_is_drawn_within_it():
    result = flashpoint.forecast(two_futures([0.1, 0.3]), ["compromise"], draws=4000, tree=True)
    stated, slump = result.tree
    assert stated.probability == (pytest.approx(0.7), pytest.approx(0.9))
    assert 0.17 < slump.share < 0.23  # the mean of a uniform 0.1-0.3 is 0.2


def test_probabilities_are_checked(write):
    bad = write(
        "bad.yaml",
        """
        title: T
        issues: [{id: x}]
        actors: [{id: a, capability: 1, issues: {x: {position: 5, salience: 1}}}]
        shocks:
          - {id: one, probability: 0.7, changes: [{actor: a, issue: x, field: position, set: 1}]}
          - {id: two, probability: [0.2, 0.5], changes: [{actor: a, issue: x, field: position, set: 2}]}
          - {id: three, probability: [0.5, 0.2], changes: [{actor: a, issue: x, field: position, set: 3}]}
          - {id: four, probability: 1.5, changes: [{actor: a, issue: x, field: position, set: 4}]}
        """,
    )
    problems = problems_of(bad)
    assert any("write the low end first" in p for p in problems)
    assert any(p.startswith("bad.yaml, line 8, shocks[3].probability") for p in problems)
    assert any("1.5 is above the maximum 1" in p for p in problems)
    fixed = write(
        "sum.yaml",
        """
        title: T
        issues: [{id: x}]
        actors: [{id: a, capability: 1, issues: {x: {position: 5, salience: 1}}}]
        shocks:
          - {id: one, probability: 0.7, changes: [{actor: a, issue: x, field: position, set: 1}]}
          - {id: two, probability: [0.2, 0.5], changes: [{actor: a, issue: x, field: position, set: 2}]}
        """,
    )
    assert problems_of(fixed) == [
        "sum.yaml, line 5, shocks: the shocks' probabilities add up to 1.2 at the high end of"
        " their ranges: a scenario tree's branches exclude each other, so at most 1"
    ]


def test_a_tree_needs_draws_and_no_shock_applied():
    with pytest.raises(ValidationError, match="2 draws or more"):
        flashpoint.ForecastRequest(tree=True)
    with pytest.raises(ValidationError, match="no shocks applied first"):
        flashpoint.ForecastRequest(tree=True, draws=10, shocks=("slump",))


def test_the_command_line_shows_the_branches_and_says_when_there_is_only_one(tmp_path):
    path = tmp_path / "tree.yaml"
    save_scenario(two_futures(0.25), path)
    shown = runner.invoke(app, ["forecast", str(path), "--tree", "--draws", "400"], env=WIDE)
    assert shown.exit_code == 0, shown.output
    assert "Scenario tree over 400 draws" in " ".join(shown.output.split())
    assert "slump" in shown.output and "25%" in shown.output
    assert "has one branch" not in shown.output

    korea = runner.invoke(app, ["forecast", "--tree", "--draws", "20"], env=WIDE)
    assert korea.exit_code == 0, korea.output
    assert "No shock of this scenario states a probability" in " ".join(korea.output.split())
    refused = runner.invoke(app, ["forecast", "--tree"], env=WIDE)
    assert refused.exit_code == 2
    assert "give --draws (2 or more)" in " ".join(refused.output.split())
