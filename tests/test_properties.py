"""Properties every registered model must have, checked on generated scenarios (hypothesis)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flashpoint.engine.arrays import ScenarioArrays
from flashpoint.models import MODELS

MODEL_NAMES = list(MODELS)


@st.composite
def scenario_arrays(draw) -> ScenarioArrays:
    """A random batch: 1-8 actors, 1-3 issues, 1-3 draws, some actors absent from some issues,
    every issue with at least one actor of positive weight; positions often tied."""
    actors = draw(st.integers(1, 8))
    issues = draw(st.integers(1, 3))
    draws = draw(st.integers(1, 3))
    lower = np.array(
        draw(st.lists(st.sampled_from([0.0, -50.0, 4.0]), min_size=issues, max_size=issues))
    )
    width = np.array(
        draw(st.lists(st.sampled_from([100.0, 6.0, 1.0]), min_size=issues, max_size=issues))
    )
    upper = lower + width
    cells = draws * actors * issues
    fraction = st.one_of(
        st.floats(0, 1, allow_nan=False), st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0])
    )

    def array(elements, size, shape):
        return np.array(
            draw(st.lists(elements, min_size=size, max_size=size)), dtype=float
        ).reshape(shape)

    position = lower + array(fraction, cells, (draws, actors, issues)) * width
    salience = array(fraction, cells, (draws, actors, issues))
    capability = array(st.floats(0, 100, allow_nan=False), actors * issues, (actors, issues))
    present = array(st.booleans(), actors * issues, (actors, issues)).astype(bool)
    present[0] = True
    capability[0] = np.maximum(capability[0], 1.0)
    salience[:, 0, :] = np.maximum(salience[:, 0, :], 0.1)
    capability = np.broadcast_to(capability, (draws, actors, issues)).copy()
    return ScenarioArrays(
        actors=tuple(f"a{k}" for k in range(actors)),
        issues=tuple(f"i{k}" for k in range(issues)),
        position=np.where(present, position, np.nan),
        salience=np.where(present, salience, 0.0),
        capability=np.where(present, capability, 0.0),
        present=present,
        lower=lower,
        upper=upper,
    )


def permuted(arrays: ScenarioArrays, order: np.ndarray) -> ScenarioArrays:
    return ScenarioArrays(
        actors=tuple(arrays.actors[k] for k in order),
        issues=arrays.issues,
        position=arrays.position[:, order],
        salience=arrays.salience[:, order],
        capability=arrays.capability[:, order],
        present=arrays.present[order],
        lower=arrays.lower,
        upper=arrays.upper,
    )


@pytest.mark.parametrize("model", MODEL_NAMES)
@settings(max_examples=150, deadline=None)
@given(arrays=scenario_arrays(), seed=st.integers(0, 2**32 - 1))
def test_permuting_actors_changes_nothing(model, arrays, seed):
    order = np.random.default_rng(seed).permutation(arrays.n_actors)
    before = MODELS[model](arrays, None, np.random.default_rng(0)).forecast
    after = MODELS[model](permuted(arrays, order), None, np.random.default_rng(0)).forecast
    np.testing.assert_allclose(
        after, before, rtol=1e-12, atol=1e-9 * (arrays.upper - arrays.lower).max()
    )


@pytest.mark.parametrize("model", MODEL_NAMES)
@settings(max_examples=150, deadline=None)
@given(arrays=scenario_arrays())
def test_prediction_stays_within_the_positions_of_the_actors_who_count(model, arrays):
    """Within the positions of actors with weight; for a model of rounds, of actors present
    (in the expected utility model an actor of no capability can still draw others to it)."""
    forecast = MODELS[model](arrays, None, np.random.default_rng(0)).forecast
    counts = arrays.present if MODELS[model].iterative else arrays.weight > 0
    low = np.where(counts, arrays.position, np.inf).min(axis=1)
    high = np.where(counts, arrays.position, -np.inf).max(axis=1)
    assert np.all(forecast >= low - 1e-9) and np.all(forecast <= high + 1e-9)


@pytest.mark.parametrize("model", MODEL_NAMES)
@settings(max_examples=150, deadline=None)
@given(arrays=scenario_arrays(), factor=st.sampled_from([0.001, 0.5, 3.0, 1000.0]))
def test_scaling_all_capabilities_changes_nothing(model, arrays, factor):
    """Capabilities are relative: multiplying them all by one factor changes no forecast. For
    the spatial model, only when scaling up: every coalition starts at 1e-8, KTAB's floor
    (docs/specs/ktab.md §4.4), an absolute amount that weighs more against smaller votes (a
    hypothesis example with capabilities about 1 scaled by 0.001 moved a forecast by 6e-6).
    Likewise the exchange model: gains at or below 1e-10 are no gain and gains are ranked
    rounded to 1e-12 (docs/specs/exchange.md §4.3, C1), absolute amounts, so capabilities of
    about 1e-3 (and their products, 1e-6) can leave a trade's gain below them (a hypothesis
    example traded nothing at all)."""
    if model in ("smp", "exchange") and factor < 1:
        factor = 1 / factor
    scaled = ScenarioArrays(
        arrays.actors,
        arrays.issues,
        arrays.position,
        arrays.salience,
        arrays.capability * factor,
        arrays.present,
        arrays.lower,
        arrays.upper,
    )
    np.testing.assert_allclose(
        MODELS[model](scaled, None, np.random.default_rng(0)).forecast,
        MODELS[model](arrays, None, np.random.default_rng(0)).forecast,
        rtol=1e-12,
        atol=1e-9 * (arrays.upper - arrays.lower).max(),
    )


@pytest.mark.parametrize("model", MODEL_NAMES)
@settings(max_examples=50, deadline=None)
@given(arrays=scenario_arrays())
def test_same_input_same_result(model, arrays):
    first = MODELS[model](arrays, None, np.random.default_rng(1)).forecast
    second = MODELS[model](arrays, None, np.random.default_rng(1)).forecast
    np.testing.assert_array_equal(first, second)


@st.composite
def extreme_arrays(draw) -> ScenarioArrays:
    """Generated batches whose actors' capabilities differ by up to 24 orders of magnitude
    (each actor's scaled by 1e-12 to 1e12, within the 1e12 a scenario may state)."""
    arrays = draw(scenario_arrays())
    scales = st.sampled_from([1e-12, 1e-6, 1.0, 1e6, 1e12])
    factor = np.array(draw(st.lists(scales, min_size=arrays.n_actors, max_size=arrays.n_actors)))
    capability = np.minimum(arrays.capability * factor[None, :, None], 1e12)
    return ScenarioArrays(
        actors=arrays.actors,
        issues=arrays.issues,
        position=arrays.position,
        salience=arrays.salience,
        capability=capability,
        present=arrays.present,
        lower=arrays.lower,
        upper=arrays.upper,
    )


@pytest.mark.parametrize("model", MODEL_NAMES)
@settings(max_examples=100, deadline=None)
@given(arrays=extreme_arrays())
def test_no_model_returns_a_number_that_is_not_finite_or_off_the_scale(model, arrays):
    forecast = MODELS[model](arrays, None, np.random.default_rng(0)).forecast
    assert np.isfinite(forecast).all()
    assert np.all(forecast >= arrays.lower - 1e-9) and np.all(forecast <= arrays.upper + 1e-9)


finite = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(finite, min_size=7, max_size=7), min_size=1, max_size=6))
def test_compiled_exact_sums_are_math_fsum_to_the_last_bit(rows):
    """models/exact_sum.py: the spatial model's inputs use it instead of math.fsum."""
    import math

    from flashpoint.models.exact_sum import exact_sums

    got = exact_sums(np.array(rows, dtype=float))
    assert [float(value) for value in got] == [math.fsum(row) for row in rows]


def test_exact_sums_round_half_way_across_partials():
    """The case CPython's fsum corrects: 1e-16 + 1 + 1e16 rounds up to the next even number."""
    import math

    from flashpoint.models.exact_sum import exact_sums

    terms = [1e-16, 1.0, 1e16]
    assert float(exact_sums(np.array([terms]))[0]) == math.fsum(terms) == 1.0000000000000002e16
