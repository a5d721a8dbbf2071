"""Monte Carlo draws of uncertain inputs (engine/sampling.py): each distribution, groups and
their correlations, the actor's own capability, jitter, and seeds."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

import flashpoint
from flashpoint.engine.arrays import ScenarioArrays
from flashpoint.engine.sampling import Source, place_levels, sample_arrays, sources
from flashpoint.scenario.validate import build_scenario

DRAWS = 20_000
UNIFORM_A_X = {
    "actor": "a",
    "issue": "x",
    "field": "position",
    "distribution": "uniform",
    "low": 2,
    "high": 6,
}


def scenario(uncertainty: list[dict]):
    return build_scenario(
        {
            "title": "t",
            "issues": [{"id": "x", "min": 0, "max": 10}, {"id": "y", "min": -5, "max": 5}],
            "actors": [
                {
                    "id": "a",
                    "capability": 50,
                    "issues": {
                        "x": {"position": 4, "salience": 60},
                        "y": {"position": 0, "salience": 30, "capability": 20},
                    },
                },
                {"id": "b", "capability": 10, "issues": {"x": {"position": 8, "salience": 90}}},
            ],
            "uncertainty": uncertainty,
        }
    )


def uniform(actor: str, field: str, low: float, high: float, **extra) -> dict:
    """An uncertainty entry: a uniform on issue x."""
    return {
        "actor": actor,
        "issue": "x",
        "field": field,
        "distribution": "uniform",
        "low": low,
        "high": high,
        **extra,
    }


def draw(uncertainty: list[dict], seed: int = 0, **kwargs) -> ScenarioArrays:
    return sample_arrays(scenario(uncertainty), DRAWS, np.random.default_rng(seed), **kwargs)


def test_without_uncertainty_every_draw_is_the_stated_scenario():
    stated = ScenarioArrays.from_scenario(scenario([]), 3)
    drawn = sample_arrays(scenario([]), 3, np.random.default_rng(0))
    for field in ("position", "salience", "capability"):
        np.testing.assert_array_equal(getattr(drawn, field), getattr(stated, field))


def within(sample: np.ndarray, mean: float, sd: float) -> bool:
    """The sample mean lies within 4 standard errors of ``mean``."""
    return abs(sample.mean() - mean) < 4 * sd / math.sqrt(sample.size)


def test_uniform_and_triangular_positions():
    arrays = draw(
        [
            {
                "actor": "a",
                "issue": "x",
                "field": "position",
                "distribution": "uniform",
                "low": 2,
                "high": 6,
            },
            {
                "actor": "b",
                "issue": "x",
                "field": "position",
                "distribution": "triangular",
                "low": 5,
                "high": 10,
            },
        ]
    )
    uniform, triangle = arrays.position[:, 0, 0], arrays.position[:, 1, 0]
    assert uniform.min() >= 2 and uniform.max() <= 6 and within(uniform, 4, 4 / math.sqrt(12))
    # triangular(5, 10, mode = the stated 8): mean 23/3, variance (a²+b²+c²-ab-ac-bc)/18
    variance = (25 + 100 + 64 - 50 - 40 - 80) / 18
    assert (
        triangle.min() >= 5
        and triangle.max() <= 10
        and within(triangle, 23 / 3, math.sqrt(variance))
    )
    assert np.median(triangle) == pytest.approx(10 - math.sqrt(0.5 * 5 * 2), abs=0.05)


def test_normal_is_truncated_to_the_scale():
    arrays = draw(
        [{"actor": "a", "issue": "y", "field": "position", "distribution": "normal", "sd": 4}]
    )
    sample = arrays.position[:, 0, 1]
    assert sample.min() >= -5 and sample.max() <= 5
    assert within(sample, 0.0, 4.0)  # symmetric truncation keeps the mean
    assert 2.0 < sample.std() < 4.0  # truncation narrows it
    wide = draw(
        [{"actor": "a", "issue": "y", "field": "position", "distribution": "normal", "sd": 0.5}]
    )
    assert wide.position[:, 0, 1].std() == pytest.approx(0.5, rel=0.03)


def test_beta_salience_has_the_stated_mean_and_sd():
    arrays = draw(
        [{"actor": "a", "issue": "x", "field": "salience", "distribution": "beta", "sd": 10}]
    )
    sample = arrays.salience[:, 0, 0] * 100  # saliences are stored on 0-1
    assert sample.min() > 0 and sample.max() < 100
    assert within(sample, 60, 10)
    assert sample.std() == pytest.approx(10, rel=0.03)


def test_the_actors_own_capability_is_one_draw_on_every_issue_it_applies_to():
    arrays = draw(
        [{"actor": "a", "field": "capability", "distribution": "uniform", "low": 40, "high": 60}]
    )
    own = arrays.capability[:, 0, 0]
    assert own.min() >= 40 and own.max() <= 60 and own.std() > 1
    np.testing.assert_array_equal(
        arrays.capability[:, 0, 1], 20.0
    )  # its capability on y is its own


def rank_correlation(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(np.argsort(np.argsort(a)), np.argsort(np.argsort(b)))[0, 1])


def test_a_group_moves_its_inputs_together_and_a_negative_correlation_against():
    arrays = draw(
        [
            uniform("a", "position", 0, 10, group="g"),
            uniform("b", "position", 0, 10, group="g", correlation=0.6),
            uniform("a", "salience", 0, 100, group="g", correlation=-0.6),
            uniform("b", "salience", 50, 100),
        ]
    )
    first, second = arrays.position[:, 0, 0], arrays.position[:, 1, 0]
    against, alone = arrays.salience[:, 0, 0], arrays.salience[:, 1, 0]

    def expected(rho: float) -> float:  # Spearman's rho of a Gaussian copula
        return 6 / math.pi * math.asin(rho / 2)

    assert rank_correlation(first, second) == pytest.approx(expected(0.6), abs=0.03)
    assert rank_correlation(first, against) == pytest.approx(expected(-0.6), abs=0.03)
    assert rank_correlation(second, against) == pytest.approx(expected(-0.36), abs=0.03)
    assert abs(rank_correlation(first, alone)) < 0.03


def test_same_seed_same_draws_and_different_seeds_different_draws():
    entry = [UNIFORM_A_X]
    np.testing.assert_array_equal(draw(entry, seed=5).position, draw(entry, seed=5).position)
    assert not np.array_equal(draw(entry, seed=5).position, draw(entry, seed=6).position)


def test_jitter_spreads_the_inputs_without_entries_within_their_ranges():
    entry = [UNIFORM_A_X]
    plain = draw(entry, seed=3)
    jittered = draw(entry, seed=3, jitter=0.05)
    np.testing.assert_array_equal(jittered.position[:, 0, 0], plain.position[:, 0, 0])
    b_position = jittered.position[:, 1, 0]
    assert b_position.std() == pytest.approx(0.05 * 10, rel=0.1) and b_position.max() <= 10
    assert jittered.salience.min() >= 0 and jittered.salience.max() <= 1
    assert jittered.capability.min() >= 0 and jittered.capability[:, 1, 0].std() > 0
    assert np.isnan(jittered.position[:, 1, 1]).all()  # b takes no part in y: nothing to jitter


def test_bad_draw_counts_and_jitter_are_refused():
    with pytest.raises(ValueError, match="draws"):
        sample_arrays(scenario([]), 0, np.random.default_rng(0))
    with pytest.raises(ValueError, match="jitter"):
        sample_arrays(scenario([]), 2, np.random.default_rng(0), jitter=-1)


def test_korea_draws_follow_its_stated_uncertainty():
    korea = flashpoint.load_scenario("korea-2018")
    arrays = sample_arrays(korea, DRAWS, np.random.default_rng(0))
    north, denuclearization = (
        arrays.actors.index("north_korea"),
        arrays.issues.index("denuclearization"),
    )
    position = arrays.position[:, north, denuclearization]
    salience = arrays.salience[:, north, denuclearization]
    assert position.min() >= 10 and position.max() <= 70  # triangular 10-70, mode 30
    assert within(position, (10 + 70 + 30) / 3, 13)
    assert rank_correlation(position, salience) < -0.5  # a sincere Pyongyang cares less


GROUPED = [
    uniform("a", "position", 0, 10, group="g"),
    uniform("b", "position", 0, 10, group="g", correlation=-1),
    uniform("a", "salience", 0, 100, group="g", correlation=0.6),
    uniform("b", "salience", 50, 100),
]


def test_the_sources_of_uncertainty_are_group_factors_then_own_noises():
    """An entry of a group with correlation ±1 has no noise of its own."""
    assert sources(scenario(GROUPED)) == [Source(group="g"), Source(entry=2), Source(entry=3)]
    assert sources(scenario([UNIFORM_A_X])) == [Source(entry=0)]


def test_designed_levels_place_a_group_through_its_factor():
    """Levels 0, 0.5 and 1 of the factor (own noise at 0.5, a score of 0) are the factor's
    5th, 50th and 95th percentiles: a uniform on 0-10 at 0.5, 5 and 9.5; correlation -1 mirrors
    it; 0.6 gives the quantile at Φ(0.6 z); an entry outside any group takes the level within
    its range."""
    factor = np.array([0.0, 0.5, 1.0])
    levels = np.column_stack([factor, np.full(3, 0.5), np.array([0.0, 0.25, 1.0])])
    arrays = place_levels(scenario(GROUPED), levels)
    np.testing.assert_allclose(arrays.position[:, 0, 0], [0.5, 5, 9.5])
    np.testing.assert_allclose(arrays.position[:, 1, 0], [9.5, 5, 0.5])
    z = stats.norm.ppf([0.05, 0.5, 0.95])
    np.testing.assert_allclose(arrays.salience[:, 0, 0], stats.norm.cdf(0.6 * z))
    np.testing.assert_allclose(arrays.salience[:, 1, 0], [0.5, 0.625, 1.0])
    with pytest.raises(ValueError, match=r"levels must be \[draw, 3\]"):
        place_levels(scenario(GROUPED), levels[:, :2])
