"""Backtests on decided issues: the DEU development set's reference numbers through the command,
scores computed by hand, folds that never see what they are scored on, the shipped
recommendation, and located errors in an outcomes table."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import flashpoint
from flashpoint.analysis.backtest.recommend import Recommendation, folds, out_of_fold
from flashpoint.analysis.backtest.scores import crps, mae_difference, score
from flashpoint.cli import app
from flashpoint.engine.seeding import named_stream
from flashpoint.scenario.outcomes import read_outcomes

from .conftest import DATA, numbers_of

DEU = DATA / "deu"
ACTORS = DEU / "deu_dev_1998_2002.actors.csv"
OUTCOMES = DEU / "deu_dev_1998_2002.outcomes.csv"
ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


@pytest.fixture(scope="module")
def deu():
    """The DEU set through the command, three models, a few draws."""
    args = ["backtest", "--actors", str(ACTORS), "--outcomes", str(OUTCOMES), "--draws", "20"]
    args += ["-m", "compromise", "-m", "median", "-m", "nash", "--json"]
    result = runner.invoke(app, args, env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_the_development_set_numbers_through_the_command(deu):
    compromise, median = deu["models"]["compromise"], deu["models"]["median"]
    assert deu["issues"] == 171
    assert round(compromise["mae"], 2) == 23.97
    assert round(compromise["hit10"], 3) == 0.292
    assert [round(compromise[k], 3) for k in ("hit5", "hit20")] == [0.187, 0.544]
    assert round(median["mae"], 2) == 29.22
    assert [round(median[k], 3) for k in ("hit5", "hit10", "hit20")] == [0.363, 0.450, 0.538]
    assert round(deu["models"]["nash"]["mae"], 2) == 24.28


def test_the_document_has_every_score_of_every_forecaster(deu):
    assert list(deu["models"]) == ["compromise", "median", "nash", "ensemble"]
    for scores in deu["models"].values():
        assert {"mae", "rmse", "hit5", "hit10", "hit20", "bias", "coverage80", "crps"} <= set(
            scores
        )
    assert deu["models"]["compromise"]["mae_difference"] == {"value": 0, "low": 0, "high": 0}
    assert deu["recommendation"]["combination"] in {"compromise", "calibrated", "stacked"}
    assert deu["request"]["kind"] == "backtest" and deu["schema"] == "flashpoint.backtest/1"


def test_the_recommended_forecast_is_scored_out_of_fold_with_calibrated_intervals(deu):
    """On the development set nothing beats the compromise model clearly, so the recommended
    forecast is its point forecast with intervals from its own cross-validated errors, which
    hold 80% of the outcomes to within a few issues; the models' own intervals, from jittered
    inputs, hold far fewer."""
    ensemble, compromise = deu["models"]["ensemble"], deu["models"]["compromise"]
    assert deu["recommendation"]["combination"] == "compromise"
    assert ensemble["mae"] == compromise["mae"]
    assert 0.75 <= ensemble["coverage80"] <= 0.85
    assert compromise["coverage80"] < 0.3
    assert ensemble["crps"] < compromise["crps"]


def test_a_request_written_by_the_command_runs_again_to_the_same_numbers(deu):
    again = flashpoint.run(deu["request"])
    assert numbers_of(again.to_dict()) == numbers_of(deu)


# --- scores by hand -------------------------------------------------------------------------------


def test_scores_on_three_issues_by_hand():
    point = np.array([10.0, 50.0, 90.0])
    actual = np.array([20.0, 50.0, 95.0])
    samples = np.array([[0.0, 40.0, 50.0], [20.0, 60.0, 70.0], [40.0, 80.0, 90.0]])
    scores = score(point, samples, actual, np.full(3, 100.0))
    assert scores.issues == 3
    assert scores.mae == pytest.approx(5.0)  # errors -10, 0, -5
    assert scores.rmse == pytest.approx(np.sqrt(125 / 3))
    assert scores.median_error == 5.0
    assert scores.bias == pytest.approx(-5.0)
    assert [scores.hit5, scores.hit10, scores.hit20] == pytest.approx([2 / 3, 1.0, 1.0])
    # central intervals, numpy's linear quantiles of three samples: 50%: [10, 30], [50, 70],
    # [60, 80]; 80%: [4, 36], [44, 76], [54, 86]; 90%: [2, 38], [42, 78], [52, 88]
    assert [scores.coverage50, scores.coverage80, scores.coverage90] == pytest.approx([2 / 3] * 3)
    # CRPS of (0, 20, 40) at 20: mean |x - y| = 40/3, less the sum of |xi - xj| / (2 n^2) = 160/18
    assert crps(samples[:, :1], actual[:1])[0] == pytest.approx(40 / 3 - 160 / 18)
    assert scores.crps == pytest.approx(np.mean(crps(samples, actual)))
    on_a_range_of_ten = score(point / 10, samples / 10, actual / 10, np.full(3, 10.0))
    assert on_a_range_of_ten.mae == pytest.approx(scores.mae)


def test_a_forecast_without_spread_has_its_absolute_error_as_crps():
    actual = np.array([3.0, 70.0])
    point = np.array([5.0, 40.0])
    assert crps(point[None, :], actual).tolist() == [2.0, 30.0]


def test_the_mae_difference_of_identical_forecasts_is_exactly_zero():
    errors = np.array([1.0, 5.0, 2.0])
    found = mae_difference(errors, errors, np.array(["a", "a", "b"]), np.random.default_rng(0))
    assert found == (0.0, 0.0, 0.0)


def test_a_backtest_of_three_hand_made_issues(tmp_path):
    actors = tmp_path / "three.csv"
    actors.write_text(
        "actor,issue,capability,position,salience\n"
        "A,x,1,0,100\nB,x,1,100,100\n"  # compromise 50
        "A,y,3,20,100\nB,y,1,60,100\n"  # compromise 30
        "A,z,1,10,50\nB,z,1,40,50\n",  # compromise 25
        encoding="utf-8",
    )
    outcomes = tmp_path / "outcomes.csv"
    outcomes.write_text("issue,proposal,outcome\nx,p,40\ny,q,30\nz,r,45\n", encoding="utf-8")
    result = flashpoint.backtest(actors, outcomes, ["compromise"], draws=1, jitter=0, folds=3)
    compromise = result["compromise"]
    assert compromise.mae == pytest.approx(10.0)  # errors +10, 0, -20
    assert compromise.bias == pytest.approx(-10 / 3)
    assert [compromise.hit5, compromise.hit10, compromise.hit20] == pytest.approx([1 / 3, 2 / 3, 1])
    # one draw without jitter: each interval is the point itself, which holds the exact hit only
    assert compromise.coverage80 == pytest.approx(1 / 3)
    assert compromise.crps == pytest.approx(10.0)


# --- folds ----------------------------------------------------------------------------------------


def deu_points():
    result = flashpoint.forecast(ACTORS, ["compromise", "median", "nash"])
    known = read_outcomes(OUTCOMES)
    issues = [i.id for i in result.scenario.issues if i.id in known]
    points = {m: np.array([result[m].outcome[i] for i in issues]) for m in result.models}
    actual = np.array([known[i].outcome for i in issues])
    groups = np.array([known[i].proposal for i in issues])
    return issues, points, actual, groups


@pytest.mark.parametrize("candidate", ["stacked", "calibrated"])
def test_a_fold_is_forecast_without_its_outcomes(candidate):
    issues, points, actual, groups = deu_points()
    masks = folds(groups, 10, np.random.default_rng(1))
    before = out_of_fold(candidate, points, actual, masks)
    scrambled = actual.copy()
    scrambled[masks[0]] = 100 - np.random.default_rng(2).permutation(actual[masks[0]])
    after = out_of_fold(candidate, points, scrambled, masks)
    assert np.array_equal(after[masks[0]], before[masks[0]])
    assert not np.array_equal(after[~masks[0]], before[~masks[0]])  # the others saw them


def test_scrambling_one_folds_outcomes_does_not_improve_its_scores(tmp_path):
    """The recommended forecast of a fold is chosen and fitted on the other folds only: with
    that fold's outcomes scrambled, its forecasts stay the same, so its scores cannot improve
    (they are scored against the scrambled outcomes)."""
    rows = list(csv.DictReader(OUTCOMES.open(newline="")))
    groups = np.array([row["proposal"] for row in rows])
    fold = folds(groups, 10, named_stream(0, "backtest"))[0]  # the backtest's first fold
    outcomes = np.array([float(row["outcome"]) for row in rows])
    outcomes[fold] = 100 - np.random.default_rng(3).permutation(outcomes[fold])
    scrambled = tmp_path / "scrambled.csv"
    with scrambled.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        for row, outcome in zip(rows, outcomes, strict=True):
            writer.writerow({**row, "outcome": outcome})
    models = ["compromise", "median", "nash"]
    honest = flashpoint.backtest(ACTORS, OUTCOMES, models, draws=1)
    tampered = flashpoint.backtest(ACTORS, scrambled, models, draws=1)
    assert honest.issues == [row["issue"] for row in rows] == tampered.issues
    before = honest.forecasters["ensemble"].point[fold]
    after = tampered.forecasters["ensemble"].point[fold]
    assert np.array_equal(after, before)
    honest_error = np.abs(before - honest.actual[fold]).mean()
    tampered_error = np.abs(after - tampered.actual[fold]).mean()
    assert tampered_error >= honest_error


# --- the shipped recommendation -------------------------------------------------------------------


def test_the_shipped_recommendation_is_what_the_backtest_gives():
    shipped_path = ROOT / "src" / "flashpoint" / "data" / "recommended.json"
    shipped = json.loads(shipped_path.read_text(encoding="utf-8"))
    request = dict(shipped["provenance"]["request"])
    request["scenario"] = str(ROOT / request["scenario"])
    request["outcomes"] = str(ROOT / request["outcomes"])
    again = flashpoint.run(request).recommendation
    assert again.combination.name == shipped["combination"]
    assert np.allclose(again.errors, shipped["errors"], atol=1e-9)
    assert again.scale.a == pytest.approx(shipped["scale"]["a"], abs=1e-12)
    assert again.scale.b == pytest.approx(shipped["scale"]["b"], abs=1e-12)
    for key in ("out_of_fold", "scores"):
        for name, value in again.provenance[key].items():
            assert value == pytest.approx(shipped["provenance"][key][name], abs=1e-9), name
    loaded = Recommendation.from_dict(shipped)
    assert loaded.combination.name == "compromise" and len(loaded.errors) == 171
    assert loaded.models == ["compromise", "median", "nash", "eum", "exchange", "smp"]


def test_the_shipped_recommendation_scored_as_it_is_gives_its_own_scores():
    """``--recommendation shipped`` scores it without fitting it again (the forecaster
    ``fixed``): on the development set, the scores its file records, with its misses below and
    above the 80% interval within 3 points of each other."""
    shipped_path = ROOT / "src" / "flashpoint" / "data" / "recommended.json"
    shipped = json.loads(shipped_path.read_text(encoding="utf-8"))
    request = dict(shipped["provenance"]["request"])
    request["scenario"] = str(ROOT / request["scenario"])
    request["outcomes"] = str(ROOT / request["outcomes"])
    request["recommendation"] = "shipped"
    fixed = flashpoint.run(request).forecasters["fixed"].scores.to_dict()
    for name, value in shipped["provenance"]["scores"].items():
        assert fixed[name] == pytest.approx(value, abs=1e-9), name
    assert abs(fixed["below80"] - fixed["above80"]) <= 0.03
    with pytest.raises(ValueError, match="run the backtest with median, nash, eum"):
        flashpoint.backtest(
            request["scenario"],
            request["outcomes"],
            ["compromise"],
            draws=1,
            recommendation="shipped",
        )


# --- bad input ------------------------------------------------------------------------------------


def test_an_outcomes_table_with_problems_names_each_place(write):
    bad = write(
        "bad.csv",
        "issue,outcome,decision_year,colour\nx,40,2001,red\n",
    )
    with pytest.raises(flashpoint.ScenarioError) as caught:
        read_outcomes(bad)
    assert [str(p) for p in caught.value.problems] == [
        "bad.csv, row 1, column colour: unknown column 'colour' (columns: issue, outcome,"
        " proposal, decision_year, voting_rule, procedure, reference_point)"
    ]
    worse = write(
        "worse.csv",
        "issue,outcome,decision_year\nx,forty,2001\nx,40,2001\ny,50,2001.5\n,3,\n",
    )
    with pytest.raises(flashpoint.ScenarioError) as caught:
        read_outcomes(worse)
    assert [str(p) for p in caught.value.problems] == [
        "worse.csv, row 2, column outcome: 'forty' is not a number",
        "worse.csv, row 3, column issue: a second row for issue 'x' (first at row 2)",
        "worse.csv, row 4, column decision_year: 2001.5 is not a year",
        "worse.csv, row 5, column issue: the issue is missing",
    ]


def test_outcomes_of_issues_the_scenario_lacks_are_refused(tmp_path):
    outcomes = tmp_path / "o.csv"
    outcomes.write_text("issue,outcome\nd00032i1,40\nnowhere,10\nd00032i2,140\n")
    with pytest.raises(flashpoint.ScenarioError) as caught:
        flashpoint.backtest(ACTORS, outcomes, ["median"])
    assert [str(p) for p in caught.value.problems] == [
        "o.csv, row 3, column issue: the scenario has no issue 'nowhere'",
        "o.csv, row 4, column outcome: outcome 140 is outside the issue's scale 0 to 100",
    ]
    args = ["backtest", "--actors", str(ACTORS), "--outcomes", str(outcomes), "-m", "median"]
    result = runner.invoke(app, args, env={"COLUMNS": "200"})
    assert result.exit_code == 1
    assert f"2 problems in {ACTORS} or {outcomes}" in result.output
    assert "the scenario has no issue 'nowhere'" in result.output


def test_a_scenario_with_actual_outcomes_is_its_own_backtest(write):
    """Issues may carry their actual outcome; without an outcomes table the backtest uses it."""
    path = write(
        "decided.yaml",
        """
        title: Three decided issues
        issues:
          - {id: x, actual: 40}
          - {id: y, actual: 30}
          - {id: z, actual: 45}
          - {id: open}
        actors:
          - {id: a, capability: 1, issues: {x: {position: 0, salience: 1}, y: {position: 20,
             salience: 1}, z: {position: 10, salience: 1}, open: {position: 5, salience: 1}}}
          - {id: b, capability: 1, issues: {x: {position: 100, salience: 1}, y: {position: 40,
             salience: 1}, z: {position: 40, salience: 1}, open: {position: 9, salience: 1}}}
        """,
    )
    result = flashpoint.backtest(path, None, ["compromise", "median"], draws=1, jitter=0)
    assert result.issues == ["x", "y", "z"]
    assert result["compromise"].mae == pytest.approx((10 + 0 + 20) / 3)  # 50, 30, 25
    assert result.recommendation is not None  # three issues, each its own proposal
    with pytest.raises(flashpoint.ScenarioError, match="no issue has an actual outcome"):
        flashpoint.backtest("eu-emissions-1985")
    off_scale = write("off.yaml", "title: T\nissues: [{id: x, actual: 140}]\nactors: []\n")
    with pytest.raises(flashpoint.ScenarioError, match="actual outcome 140 is outside the scale"):
        flashpoint.load_scenario(off_scale)


def test_the_eu_decision_rules_as_an_agreement_test():
    """With the EU's vetoes and the reference points as reversion points, a forecast that a
    member state (under unanimity) or the Parliament (under co-decision) likes less than the
    reference point falls back to it; on the development set that makes the compromise model
    worse (docs/validity.md)."""
    from flashpoint.analysis.backtest.rules import with_eu_rules

    known = read_outcomes(OUTCOMES)
    scenario = with_eu_rules(flashpoint.load_scenario(ACTORS), known)
    unanimity = next(
        i for i in scenario.issues if known[i.id].voting_rule == "Unan" and i.reversion is not None
    )
    assert unanimity.reversion == known[unanimity.id].reference_point
    assert "European Commission" not in unanimity.consent and len(unanimity.consent) >= 10
    qmv = next(
        i
        for i in scenario.issues
        if known[i.id].voting_rule == "QMV"
        and known[i.id].procedure == "CNS"
        and i.reversion is not None
    )
    assert qmv.consent == []
    plain = flashpoint.backtest(ACTORS, OUTCOMES, ["compromise"], draws=1)
    ruled = flashpoint.backtest(ACTORS, OUTCOMES, ["compromise"], draws=1, eu_rules=True)
    assert round(plain["compromise"].mae, 2) == 23.97
    assert round(ruled["compromise"].mae, 2) == 28.89
