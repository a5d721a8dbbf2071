"""Monte Carlo runs in blocks (engine/montecarlo.py) and their summaries (analysis/uncertainty.py):
the same seed gives the same numbers on every executor and chunking; summaries are right."""

from __future__ import annotations

import numpy as np
import pytest

import flashpoint
from flashpoint.analysis.montecarlo import MonteCarlo, agreement_of, run_draws, run_variants
from flashpoint.analysis.outcomes import reversion_of
from flashpoint.analysis.uncertainty import (
    future_probabilities,
    issue_distributions,
    wilson_interval,
)

MODELS = (
    ("compromise", {}),
    ("median", {}),
    ("eum", {"rounds": 3}),
    ("smp", {"transitions": "Stochastic", "rounds": 4}),
)


@pytest.fixture(scope="module")
def korea():
    return flashpoint.load_scenario("korea-2018")


def same(first: dict[str, np.ndarray], second: dict[str, np.ndarray]) -> bool:
    return first.keys() == second.keys() and all(np.array_equal(first[k], second[k]) for k in first)


def test_the_same_seed_gives_the_same_draws_on_every_executor_and_chunking(korea):
    run = MonteCarlo(korea, MODELS, seed=7, block_size=8)
    serial = run_draws(run, 30)[0]
    forecasts, tests = agreement_of(serial)
    assert {name: values.shape for name, values in forecasts.items()} == {
        name: (30, 6) for name, _ in MODELS
    }
    assert set(tests) == set(forecasts)  # korea's outcomes need consent: every test recorded
    assert same(serial, run_draws(run, 30, executor="process", workers=2)[0])
    assert same(serial, run_draws(run, 30, executor="process", workers=2, chunk_blocks=3)[0])


def test_more_draws_extend_a_run_and_different_seeds_differ(korea):
    run = MonteCarlo(korea, MODELS[:2], seed=7, block_size=8)
    short, long = run_draws(run, 20)[0], run_draws(run, 30)[0]
    assert all(np.array_equal(short[name], long[name][:20]) for name in short)
    other = run_draws(MonteCarlo(korea, MODELS[:2], seed=8, block_size=8), 20)[0]
    assert not same(short, other)


def test_stochastic_models_draw_from_their_own_streams(korea):
    """The inputs of a block do not depend on which models run, nor one model's on another's."""
    alone = run_draws(MonteCarlo(korea, MODELS[3:], seed=1, block_size=8), 16)[0]
    together = run_draws(MonteCarlo(korea, MODELS, seed=1, block_size=8), 16)[0]
    assert np.array_equal(alone["smp"], together["smp"])


def test_without_uncertainty_the_futures_are_certain(korea):
    certain = korea.model_copy(update={"uncertainty": []})
    issues = [issue.id for issue in korea.issues]
    results = run_draws(MonteCarlo(certain, MODELS[:3], block_size=8), 20)[0]
    for values in results.values():
        probabilities = future_probabilities(
            values, certain.outcomes, issues, reversion_of(certain)
        )
        assert sorted(p.probability for p in probabilities.values()) == [0.0, 0.0, 1.0]


def test_korea_futures_add_up_to_one_with_wilson_intervals(korea):
    issues = [issue.id for issue in korea.issues]
    values = run_draws(MonteCarlo(korea, MODELS[:1], seed=3), 400)[0]["compromise"]
    probabilities = future_probabilities(values, korea.outcomes, issues, reversion_of(korea))
    assert set(probabilities) <= {"peace_regime", "breakdown", "muddle_through", None}
    assert sum(p.probability for p in probabilities.values()) == pytest.approx(1.0)
    assert sum(p.draws for p in probabilities.values()) == 400
    for p in probabilities.values():
        assert p.interval_95[0] <= p.probability <= p.interval_95[1]
    assert 0 < probabilities["muddle_through"].probability < 1  # the inputs' spread matters


def test_wilson_interval_known_values():
    assert wilson_interval(5, 10) == pytest.approx((0.2366, 0.7634), abs=1e-4)
    assert wilson_interval(0, 10) == pytest.approx((0.0, 0.2775), abs=1e-4)
    assert wilson_interval(10, 10) == pytest.approx((0.7225, 1.0), abs=1e-4)
    with pytest.raises(ValueError):
        wilson_interval(0, 0)


def test_issue_distributions_are_quantiles():
    values = np.linspace(0, 100, 101)[:, None]
    summary = issue_distributions(values, ["x"])["x"]
    assert summary.median == 50
    assert summary.interval_50 == (25, 75)
    assert summary.interval_90 == (5, 95)


def test_bad_runs_are_refused(korea):
    with pytest.raises(ValueError, match="block_size"):
        MonteCarlo(korea, MODELS, block_size=0)
    with pytest.raises(ValueError, match="draws"):
        run_draws(MonteCarlo(korea, MODELS), 0)
    with pytest.raises(ValueError, match="executor"):
        run_draws(MonteCarlo(korea, MODELS[:1]), 4, executor="threads")


def test_a_dask_local_cluster_gives_the_same_numbers(korea):
    pytest.importorskip("dask.distributed")
    run = MonteCarlo(korea, MODELS, seed=7, block_size=8)
    serial = run_draws(run, 30)[0]
    assert same(serial, run_draws(run, 30, executor="dask", workers=2)[0])
    from dask.distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster:
        address = cluster.scheduler_address
        on_cluster = run_draws(run, 30, executor="dask", scheduler=address, chunk_blocks=1)
    assert same(serial, on_cluster[0])


def test_variants_share_their_random_numbers(korea):
    """Common random numbers: a shock that changes nothing changes no number, and a shock's
    variant is the shocked scenario's forecast on the baseline's draws."""
    noop = flashpoint.Shock(
        id="noop",
        changes=[{"actor": "china", "issue": "peace_treaty", "field": "position", "shift": 0.0}],
    )
    extended = korea.model_copy(update={"shocks": [*korea.shocks, noop]})
    run = MonteCarlo(
        extended, MODELS, seed=5, block_size=8, shocks=((), ("noop",), ("us_maximum_pressure",))
    )
    baseline, unchanged, pressure = run_draws(run, 20)
    assert same(baseline, unchanged)
    assert not same(baseline, pressure)
    alone = MonteCarlo(extended, MODELS, seed=5, block_size=8, shocks=(("us_maximum_pressure",),))
    assert same(pressure, run_draws(alone, 20)[0])


def test_a_run_of_many_variants_gives_the_same_numbers_in_groups(korea):
    """Variants sent to workers in groups (a search's candidates on one block of draws) give
    each variant's numbers as one run of them all here, in the same order."""
    shocks = ((), ("us_maximum_pressure",), ("china_guarantee",), (), ("us_maximum_pressure",))
    run = MonteCarlo(korea, MODELS[:3], seed=5, shocks=shocks)
    here = run_draws(run, 20, executor="serial")
    grouped = run_variants(run, 20, executor="process", workers=2)
    assert len(grouped) == len(shocks)
    assert all(same(a, b) for a, b in zip(here, grouped, strict=True))
    assert not same(grouped[0], grouped[1])  # the order kept: variant 1 is shocked
