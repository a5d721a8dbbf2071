"""Baseline models: golden numbers, hand-computable cases, batching, the registry."""

from __future__ import annotations

import csv

import numpy as np
import pytest

import flashpoint
from flashpoint.engine.arrays import ScenarioArrays
from flashpoint.models import MODELS, get_model, model_names
from flashpoint.models.median import weighted_median
from flashpoint.scenario import build_scenario

from .conftest import DATA


def scenario_of(positions, capabilities, saliences, lo=0.0, hi=100.0):
    """A one-issue scenario from lists of positions, capabilities and saliences."""
    actors = [
        {"id": f"a{index}", "capability": c, "issues": {"x": {"position": x, "salience": s}}}
        for index, (x, c, s) in enumerate(zip(positions, capabilities, saliences, strict=True))
    ]
    return build_scenario(
        {"title": "t", "issues": [{"id": "x", "min": lo, "max": hi}], "actors": actors}
    )


def predict(model, scenario):
    arrays = ScenarioArrays.from_scenario(scenario)
    return float(get_model(model)(arrays, None, np.random.default_rng(0)).forecast[0, 0])


def test_registry_lists_the_baseline_models():
    assert model_names()[:3] == ["compromise", "median", "nash"]
    for spec in MODELS.values():
        assert spec.references, spec.name
        assert spec.summary
    with pytest.raises(KeyError, match="unknown model 'eum2' \\(models: compromise, median, nash"):
        get_model("eum2")


def test_eu_emissions_golden_values():
    """Reference summary, round 0: compromise 7.389955686853767, weighted median 7."""
    with open(DATA / "eum" / "eu_emissions.scholz.summary.csv") as handle:
        round0 = next(row for row in csv.DictReader(handle) if row["round"] == "0")
    result = flashpoint.forecast(DATA / "eum" / "eu_emissions.input.csv", ["compromise", "median"])
    issue = result.scenario.issues[0].id
    assert result["compromise"].outcome[issue] == pytest.approx(float(round0["mean"]), abs=1e-12)
    assert round(result["compromise"].outcome[issue], 3) == 7.390
    assert result["median"].outcome[issue] == float(round0["median"]) == 7.0


def test_bundled_eu_case_gives_the_same_numbers():
    result = flashpoint.forecast("eu-emissions-1985", ["compromise", "median"])
    assert result["compromise"].outcome["emission_standards"] == pytest.approx(
        7.389955686853767, abs=1e-12
    )
    assert result["median"].outcome["emission_standards"] == 7.0


@pytest.mark.parametrize("model", ["compromise", "median", "nash"])
def test_single_weighted_actor_decides(model):
    scenario = scenario_of([30, 80], [5, 0], [50, 50])
    assert predict(model, scenario) == pytest.approx(30)


@pytest.mark.parametrize("model", ["compromise", "nash"])
def test_two_symmetric_actors_meet_halfway(model):
    assert predict(model, scenario_of([0, 100], [1, 1], [50, 50])) == pytest.approx(50, abs=1e-9)
    assert predict(model, scenario_of([30, 70], [2, 2], [10, 10])) == pytest.approx(50, abs=1e-9)


def test_compromise_by_hand():
    # (3*1*10 + 1*1*50) / (3 + 1) = 20
    assert predict("compromise", scenario_of([10, 50], [3, 1], [1, 1])) == pytest.approx(20)


def test_median_by_hand_and_lower_median_on_ties():
    # weights 1, 1, 1 at 10, 20, 90: the median voter sits at 20
    assert predict("median", scenario_of([90, 10, 20], [1, 1, 1], [1, 1, 1])) == 20
    # weights 2 and 2: cumulative weight reaches exactly half at 10, so 10 (not 90 or 50)
    assert predict("median", scenario_of([90, 10], [1, 1], [2, 2])) == 10
    # a heavy actor carries the median on its own
    assert predict("median", scenario_of([10, 20, 90], [1, 1, 5], [1, 1, 1])) == 90


def test_median_ignores_absent_actors():
    position = np.array([[[np.nan], [40.0], [60.0]]])
    weight = np.array([[[9.0], [1.0], [1.0]]])
    present = np.array([[False], [True], [True]])
    assert weighted_median(position, weight, present)[0, 0] == 40.0


def test_nash_by_hand():
    """Two actors at 0 and 100 on 0-100, weights 3 and 1: the outcome maximises
    3 log(100^2 - o^2) + log(100^2 - (o - 100)^2), found here by brute force on a fine grid."""
    grid = np.linspace(0.001, 99.999, 2_000_001)
    objective = 3 * np.log(1e4 - grid**2) + np.log(1e4 - (grid - 100) ** 2)
    expected = grid[np.argmax(objective)]
    assert predict("nash", scenario_of([0, 100], [3, 1], [1, 1])) == pytest.approx(
        expected, abs=1e-4
    )


def test_nash_depends_on_the_scale_ends():
    inside = predict("nash", scenario_of([40, 60], [3, 1], [1, 1], 0, 100))
    wider = predict("nash", scenario_of([40, 60], [3, 1], [1, 1], -1000, 1000))
    assert 40 < inside < 50
    assert 40 < wider < inside


@pytest.mark.parametrize("model", ["compromise", "median", "nash"])
def test_a_batch_of_draws_equals_draw_by_draw(model):
    rng = np.random.default_rng(7)
    base = ScenarioArrays.from_scenario(flashpoint.load_scenario("korea-2018"), draws=16)
    position = np.where(base.present, rng.uniform(0, 100, base.position.shape), np.nan)
    salience = np.where(base.present, rng.uniform(0.05, 1, base.salience.shape), 0.0)
    batch = ScenarioArrays(
        base.actors,
        base.issues,
        position,
        salience,
        base.capability,
        base.present,
        base.lower,
        base.upper,
    )
    together = get_model(model)(batch, None, np.random.default_rng(0)).forecast
    for draw in range(batch.n_draws):
        single = ScenarioArrays(
            base.actors,
            base.issues,
            position[draw : draw + 1],
            salience[draw : draw + 1],
            base.capability[draw : draw + 1],
            base.present,
            base.lower,
            base.upper,
        )
        alone = get_model(model)(single, None, np.random.default_rng(0)).forecast
        np.testing.assert_array_equal(alone[0], together[draw])


def test_model_options_are_checked():
    with pytest.raises(ValueError, match="Extra inputs are not permitted"):
        get_model("compromise")(
            ScenarioArrays.from_scenario(flashpoint.load_scenario("korea-2018")),
            {"rounds": 3},
            np.random.default_rng(0),
        )


def test_a_model_needs_a_random_generator():
    """No seed is made up: a run without a generator is an error, not ``default_rng(0)``."""
    arrays = ScenarioArrays.from_scenario(flashpoint.load_scenario("korea-2018"))
    with pytest.raises(TypeError, match="model 'compromise' needs a random generator"):
        get_model("compromise")(arrays, None, None)
    with pytest.raises(TypeError, match="rng"):
        get_model("compromise")(arrays, None)


def test_arrays_mark_absent_actors():
    arrays = ScenarioArrays.from_scenario(flashpoint.load_scenario("korea-2018"), draws=2)
    imf = arrays.actors.index("imf")
    aid = arrays.issues.index("economic_aid")
    alliance = arrays.issues.index("alliance")
    assert arrays.present[imf, aid] and not arrays.present[imf, alliance]
    assert np.isnan(arrays.position[:, imf, alliance]).all()
    assert (arrays.weight[:, imf, alliance] == 0).all()
    assert arrays.salience.max() <= 1.0  # saliences are stored on 0-1
    with pytest.raises(ValueError, match="present must be a boolean array"):
        ScenarioArrays(
            arrays.actors,
            arrays.issues,
            arrays.position,
            arrays.salience,
            arrays.capability,
            arrays.present.astype(int),
            arrays.lower,
            arrays.upper,
        )
