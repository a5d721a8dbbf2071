"""Comparing shocks on common random numbers (analysis/compare.py, ``flashpoint compare``)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

import flashpoint
from flashpoint.analysis.compare import compare
from flashpoint.analysis.uncertainty import paired_difference_interval
from flashpoint.cli import app

from .conftest import numbers_of

FAST = ["compromise", "median", "nash"]
runner = CliRunner()


@pytest.fixture(scope="module")
def korea():
    return flashpoint.load_scenario("korea-2018")


def with_noop(korea):
    noop = flashpoint.Shock(
        id="noop",
        label="Nothing changes",
        changes=[{"actor": "china", "issue": "peace_treaty", "field": "salience", "shift": 0.0}],
    )
    return korea.model_copy(update={"shocks": [*korea.shocks, noop]})


def test_a_shock_that_changes_nothing_changes_nothing_exactly(korea):
    result = compare(with_noop(korea), ["noop"], FAST + ["eum"], draws=200, jitter=0.05)
    effects = result["noop"].effects
    assert effects is not None and set(effects) == {*FAST, "eum", "ensemble", "recommended"}
    for effect in effects.values():
        assert all(d.value == 0.0 for d in effect.futures.values())
        assert all(d.value == 0.0 and d.interval_95 == (0.0, 0.0) for d in effect.issues.values())
        assert all(d.interval_95[0] <= 0.0 <= d.interval_95[1] for d in effect.futures.values())


def test_a_shock_moves_the_odds_and_its_column_is_the_shocked_forecast(korea):
    result = compare(korea, ["us_maximum_pressure"], FAST, draws=300, seed=4)
    shocked = result["us_maximum_pressure"]
    alone = flashpoint.forecast(korea, FAST, shocks=["us_maximum_pressure"], draws=300, seed=4)
    assert shocked.spreads["ensemble"] == alone.ensemble
    baseline = flashpoint.forecast(korea, FAST, draws=300, seed=4)
    assert result.baseline.spreads["ensemble"] == baseline.ensemble
    effect = shocked.effects["ensemble"]
    peace = effect.futures["peace_regime"]
    before = result.baseline.spreads["ensemble"].futures["peace_regime"].probability
    after = shocked.spreads["ensemble"].futures["peace_regime"].probability
    assert peace.value == pytest.approx(after - before)
    assert peace.value < 0 and peace.interval_95[1] < 0  # maximum pressure costs peace
    assert effect.issues["sanctions_relief"].value < 0


def test_composed_shocks_and_defaults(korea):
    result = compare(korea, [["china_guarantee", "economic_package"]], FAST, draws=50)
    assert [v.name for v in result.variants] == ["baseline", "china_guarantee+economic_package"]
    every = compare(korea, None, ["compromise"], draws=20)
    assert [v.name for v in every.shocked] == [s.id for s in korea.shocks]
    frame = every.to_frame()
    assert set(frame["variant"]) == {"baseline", *(s.id for s in korea.shocks)}
    assert frame[frame["variant"] == "baseline"]["change"].isna().all()
    with pytest.raises(ValueError, match="2 draws or more"):
        compare(korea, None, FAST, draws=1)
    with pytest.raises(ValueError, match="names no shocks"):
        compare(korea.model_copy(update={"shocks": []}), None, FAST, draws=10)


def test_the_same_seed_gives_the_same_comparison_on_every_executor(korea):
    def document(**how):
        result = compare(korea, ["china_guarantee"], FAST, draws=40, seed=2, **how)
        return numbers_of(result.to_dict())

    serial = document()
    assert serial == document(executor="process", workers=2)
    other = compare(korea, ["china_guarantee"], FAST, draws=40, seed=3, jitter=0.1).to_dict()
    assert other["variants"] != serial["variants"]


@given(st.integers(0, 50), st.integers(0, 50), st.integers(0, 50), st.integers(0, 50))
def test_the_paired_interval_holds_the_difference_and_stays_in_range(a, b, c, d):
    if a + b + c + d == 0:
        return
    low, high = paired_difference_interval(a, b, c, d)
    difference = (c - b) / (a + b + c + d)
    assert -1.0 <= low <= difference + 1e-12
    assert difference - 1e-12 <= high <= 1.0


def test_the_paired_interval_narrows_with_agreement():
    """The same marginal proportions: pairs that agree give a narrower interval than
    independent ones, and more draws narrow it."""
    agreeing = paired_difference_interval(40, 5, 15, 40)
    independent = paired_difference_interval(25, 20, 30, 25)
    assert agreeing[1] - agreeing[0] < independent[1] - independent[0]
    larger = paired_difference_interval(400, 50, 150, 400)
    assert larger[1] - larger[0] < agreeing[1] - agreeing[0]
    # every draw moves into the event: φ = 0 and each Wilson limit is 3.8415/103.8415 = 0.036994
    # from its proportion, so the lower limit is 1 - sqrt(2) * 0.036994 (worked by hand)
    assert paired_difference_interval(0, 0, 100, 0) == pytest.approx((0.947683, 1.0), abs=1e-6)
    # the roles of before and after swap the interval's sign
    low, high = paired_difference_interval(30, 12, 7, 51)
    assert paired_difference_interval(30, 7, 12, 51) == pytest.approx((-high, -low))


def test_cli_compare(korea):
    result = runner.invoke(
        app, ["compare", "-m", "compromise", "--draws", "30", "-s", "us_maximum_pressure"]
    )
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "Washington" in said and "(the headline forecast)" in said
    assert "As stated" in said
    one = runner.invoke(
        app,
        ["compare", "-m", "compromise", "--draws", "30", "-s", "us_maximum_pressure"]
        + ["--by-model", "compromise"],
    )
    assert one.exit_code == 0 and "(model compromise)" in " ".join(one.output.split())
    both = runner.invoke(
        app,
        [
            "compare",
            "-m",
            "median",
            "--draws",
            "20",
            "-s",
            "china_guarantee+economic_package",
            "--json",
        ],
    )
    assert both.exit_code == 0, both.output
    data = json.loads(both.stdout)
    assert data["schema"] == "flashpoint.compare/1"
    assert data["variants"][1]["shocks"] == ["china_guarantee", "economic_package"]
    unknown = runner.invoke(app, ["compare", "-s", "nosuch", "--draws", "5"])
    assert unknown.exit_code == 2 and "nosuch" in unknown.output
    bad = runner.invoke(app, ["compare", "--executor", "threads"])
    assert bad.exit_code == 2 and "serial, process, dask" in bad.output
    few = runner.invoke(app, ["compare", "--draws", "1"])
    assert few.exit_code == 2
    lone = runner.invoke(app, ["compare", "--scheduler", "tcp://localhost:8786"])
    assert lone.exit_code == 2 and "--executor dask" in lone.output


def test_cli_compare_by_model_must_be_run():
    result = runner.invoke(app, ["compare", "-m", "median", "--by-model", "nash", "--draws", "5"])
    assert result.exit_code == 2 and "nash" in result.output
    shown = runner.invoke(
        app,
        [
            "compare",
            "-m",
            "median",
            "-m",
            "nash",
            "--by-model",
            "nash",
            "--draws",
            "5",
            "-s",
            "china_guarantee",
        ],
    )
    assert shown.exit_code == 0, shown.output
    assert "model nash" in shown.output


def test_rows_are_paired(korea):
    """The change is measured draw by draw: the mean change equals the difference of means."""
    result = compare(korea, ["seoul_goes_alone"], ["compromise"], draws=100)
    change = result["seoul_goes_alone"].effects["compromise"].issues["alliance"].value
    assert np.isfinite(change) and change < 0
