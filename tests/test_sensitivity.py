"""Sensitivity analyses (analysis/sensitivity.py, ``flashpoint sensitivity``): a toy whose
answer is known by hand, every method, the targets, factorials and the command."""

from __future__ import annotations

import json

import pytest
from scipy import stats
from typer.testing import CliRunner

import flashpoint
from flashpoint.analysis.sensitivity import categorical_options, inputs, sensitivity
from flashpoint.analysis.targets import UnknownChoice, parse_target
from flashpoint.cli import app
from flashpoint.scenario import build_scenario

from .conftest import numbers_of

runner = CliRunner()


def toy():
    """One issue, one dominant actor: the weighted mean is ~90% the dominant actor's position,
    so its position matters most, then the others' positions; saliences barely matter
    (the dominant actor's salience only shifts its weight share between 0.83 and 0.95)."""
    return build_scenario(
        {
            "title": "Dominant actor",
            "issues": [{"id": "deal"}],
            "actors": [
                {
                    "id": "big",
                    "capability": 100,
                    "issues": {"deal": {"position": 60, "salience": 80}},
                },
                {
                    "id": "small",
                    "capability": 5,
                    "issues": {"deal": {"position": 40, "salience": 80}},
                },
                {
                    "id": "tiny",
                    "capability": 3,
                    "issues": {"deal": {"position": 50, "salience": 80}},
                },
            ],
            "uncertainty": [
                {
                    "actor": "small",
                    "issue": "deal",
                    "field": "position",
                    "distribution": "uniform",
                    "low": 20,
                    "high": 60,
                },
                {
                    "actor": "tiny",
                    "issue": "deal",
                    "field": "salience",
                    "distribution": "uniform",
                    "low": 40,
                    "high": 100,
                },
                {
                    "actor": "big",
                    "issue": "deal",
                    "field": "position",
                    "distribution": "uniform",
                    "low": 30,
                    "high": 90,
                },
                {
                    "actor": "small",
                    "issue": "deal",
                    "field": "salience",
                    "distribution": "normal",
                    "sd": 10,
                },
            ],
            "outcomes": [
                {"id": "high", "label": "High", "when": "deal >= 55"},
                {"id": "low", "label": "Low", "when": "otherwise"},
            ],
        }
    )


@pytest.mark.parametrize("method", ["tornado", "morris", "sobol"])
@pytest.mark.parametrize("target", ["deal", "P(high)"])
def test_the_dominant_actors_position_ranks_first(method, target):
    result = sensitivity(toy(), target, method, ["compromise"], draws=200, samples=32)
    assert result.ranking[0] == "big: position on deal"
    if target == "deal":
        assert result.ranking[1] == "small: position on deal"


def test_tornado_values_known_by_hand():
    """With the dominant actor's position set to 30 or 90 and the others drawn, the compromise
    is sum(w x) / sum(w); by hand, at the stated values of the others (E of a uniform is its
    middle, and the mean is linear in the positions for fixed weights)."""
    scenario = toy().model_copy(update={"uncertainty": toy().uncertainty[2:3]})
    result = sensitivity(scenario, "deal", "tornado", ["compromise"], draws=10)
    (bar,) = result.rows
    weights = {"big": 100 * 0.8, "small": 5 * 0.8, "tiny": 3 * 0.8}
    rest = weights["small"] * 40 + weights["tiny"] * 50
    total = sum(weights.values())
    assert bar.at_low == pytest.approx((weights["big"] * 30 + rest) / total)
    assert bar.at_high == pytest.approx((weights["big"] * 90 + rest) / total)
    assert (bar.input.low, bar.input.high, bar.input.stated) == (30, 90, 60)
    assert bar.swing == pytest.approx(weights["big"] * 60 / total)


def test_a_normal_inputs_range_is_its_central_90_percent():
    """A normal salience of sd 10 around 80, truncated to the scale 0-100: its 5th and 95th
    percentiles, by scipy's truncated normal (an independent implementation)."""
    small = next(i for i in inputs(toy()) if i.name == "small: salience on deal")
    truncated = stats.truncnorm((0 - 80) / 10, (100 - 80) / 10, loc=80, scale=10)
    assert small.low == pytest.approx(truncated.ppf(0.05), rel=1e-9)
    assert small.high == pytest.approx(truncated.ppf(0.95), rel=1e-9)


def test_same_seed_same_analysis_on_every_executor():
    def document(**how):
        return numbers_of(
            sensitivity(
                toy(), "P(high)", "tornado", ["compromise", "nash"], draws=60, seed=3, **how
            ).to_dict()
        )

    assert document() == document(executor="process", workers=2)
    morris = sensitivity(toy(), "deal", "morris", ["compromise"], samples=10, seed=3).to_dict()
    again = sensitivity(
        toy(), "deal", "morris", ["compromise"], samples=10, seed=3, executor="process", workers=2
    ).to_dict()
    assert numbers_of(morris) == numbers_of(again)


def test_factorial_over_categorical_options():
    korea = flashpoint.load_scenario("korea-2018")
    result = sensitivity(
        korea,
        "P(peace_regime)",
        "factorial",
        ["eum", "median"],
        factors=["eum.preset", "eum.probability"],
        draws=40,
    )
    assert len(result.rows) == 4
    assert set(result.main_effects) == {"eum.preset", "eum.probability"}
    assert set(result.main_effects["eum.preset"]) == {"scholz", "literal"}
    frame = result.to_frame()
    assert list(frame.columns) == ["eum.preset", "eum.probability", "value"]
    assert "exchange.policy" in categorical_options(["exchange"])
    assert categorical_options(["exchange"])["exchange.policy"] == (
        "decide-parity",
        "full-recompute",
    )
    with pytest.raises(UnknownChoice, match="eum.preset"):
        sensitivity(korea, None, "factorial", ["eum"], factors=["eum.nosuch"], draws=5)
    with pytest.raises(UnknownChoice, match="none among the models run"):
        sensitivity(korea, None, "factorial", ["median"], draws=5)


def test_targets():
    korea = flashpoint.load_scenario("korea-2018")
    assert parse_target(None, korea).text == "P(peace_regime)"
    assert parse_target("P( breakdown )", korea).kind == "probability"
    assert parse_target("E(alliance)", korea).name == "alliance"
    assert parse_target("alliance", korea).kind == "outcome"
    with pytest.raises(UnknownChoice, match=r"P\(muddle_through\)"):
        parse_target("P(alliance)", korea)
    certain = toy().model_copy(update={"uncertainty": []})
    with pytest.raises(ValueError, match="states no uncertainty"):
        sensitivity(certain, None, "tornado", ["compromise"])


def refuse(constant: str) -> None:
    raise ValueError(f"{constant} is not JSON")


def grouped_toy():
    """The toy with the dominant actor's and the small actor's positions in one group, moving
    together (correlation 1 and 0.8)."""
    scenario = toy()
    entries = [entry.model_copy() for entry in scenario.uncertainty]
    entries[0] = entries[0].model_copy(update={"group": "together", "correlation": 0.8})
    entries[2] = entries[2].model_copy(update={"group": "together"})
    return scenario.model_copy(update={"uncertainty": entries})


@pytest.mark.parametrize("method", ["morris", "sobol"])
def test_a_correlation_group_is_studied_as_one(method):
    result = sensitivity(grouped_toy(), "deal", method, ["compromise"], samples=32)
    first = result.rows[0].input
    assert first.group == "together"
    assert [item.name for item in first.inputs] == [
        "small: position on deal",
        "big: position on deal",
    ]
    assert sorted(result.ranking[1:]) == ["small: salience on deal", "tiny: salience on deal"]
    document = result.to_dict()
    json.dumps(document, allow_nan=False)
    assert document["rows"][0]["inputs"] == ["small: position on deal", "big: position on deal"]
    assert "actor" not in document["rows"][0]


def test_cli_sensitivity():
    result = runner.invoke(app, ["sensitivity", "-m", "compromise", "--draws", "20"])
    assert result.exit_code == 0, result.output
    assert "North Korea:" in result.output and "Denuclearization" in result.output
    data = runner.invoke(
        app,
        [
            "sensitivity",
            "-m",
            "median",
            "--method",
            "morris",
            "--samples",
            "4",
            "-t",
            "alliance",
            "--json",
        ],
    )
    assert data.exit_code == 0, data.output
    document = json.loads(data.stdout, parse_constant=refuse)  # strict JSON: no NaN
    assert document["schema"] == "flashpoint.sensitivity/1" and document["method"] == "morris"
    rows = {row["name"]: row for row in document["rows"]}
    assert {"mu_star", "sigma", "actor", "issue"} <= set(
        rows["United States: position on US-ROK alliance and US troops"]
    )
    sincerity = next(row for row in rows.values() if row.get("group") == "sincerity")
    assert sincerity["sigma"] is None and len(sincerity["inputs"]) == 4
    assert "North Korea: red line on Denuclearization" in sincerity["inputs"]
    assert runner.invoke(app, ["sensitivity", "--method", "fast"]).exit_code == 2
    assert runner.invoke(app, ["sensitivity", "-t", "P(nosuch)"]).exit_code == 2
    factorial = runner.invoke(
        app,
        ["sensitivity", "-m", "eum", "--method", "factorial", "-f", "eum.preset", "--draws", "5"],
    )
    assert factorial.exit_code == 0, factorial.output
    assert "Main effects" in factorial.output
