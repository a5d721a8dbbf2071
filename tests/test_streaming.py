"""Forecasts of many draws summed up block by block (analysis/streaming.py): the same counts as
keeping every draw, quantiles within a histogram bin, the same numbers on every executor."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import flashpoint
import flashpoint.analysis.forecast as forecast_module
from flashpoint.analysis.streaming import BINS, Histogram

MODELS = ["compromise", "median", "nash", "eum"]


def summed_forecast(monkeypatch, draws: int, **settings):
    monkeypatch.setattr(forecast_module, "STREAMED_ABOVE", draws - 1)
    return flashpoint.forecast("korea-2018", MODELS, draws=draws, **settings)


@pytest.fixture(scope="module")
def kept():
    return flashpoint.forecast("korea-2018", MODELS, draws=2000, executor="serial")


def test_summed_up_a_forecast_counts_what_keeping_every_draw_counts(monkeypatch, kept):
    summed = summed_forecast(monkeypatch, 2000, executor="serial")
    assert summed.traces is None and kept.traces is not None
    width = 100 / BINS  # Korea's issues run from 0 to 100
    for name in MODELS:
        mine, theirs = summed[name].spread, kept[name].spread
        assert mine.futures == theirs.futures
        assert summed[name].agreement == kept[name].agreement
        for issue, d in theirs.distribution.items():
            m = mine.distribution[issue]
            assert m.mean == pytest.approx(d.mean, rel=1e-12)
            for low_high, exact in (
                (m.interval_90, d.interval_90),
                (m.interval_80, d.interval_80),
                (m.interval_50, d.interval_50),
                ((m.median, m.median), (d.median, d.median)),
            ):
                assert np.abs(np.subtract(low_high, exact)).max() <= width
    assert summed.ensemble.futures == kept.ensemble.futures
    # the recommended forecast draws its errors block by block: other random numbers
    assert summed.recommended is not None
    total = sum(p.probability for p in summed.recommended.futures.values())
    assert total == pytest.approx(1.0)
    for future, p in kept.recommended.futures.items():
        assert summed.recommended.futures[future].probability == pytest.approx(
            p.probability, abs=0.05
        )


def test_summed_up_a_forecast_is_the_same_on_every_executor(monkeypatch):
    serial = summed_forecast(monkeypatch, 1200, executor="serial")
    pooled = summed_forecast(monkeypatch, 1200, executor="process", workers=2)
    assert serial.to_dict()["models"] == pooled.to_dict()["models"]
    assert serial.to_dict()["recommended"] == pooled.to_dict()["recommended"]


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.floats(0, 100), min_size=1, max_size=400),
    st.lists(st.sampled_from([0.0, 25.0, 50.0, 62.5, 100.0]), min_size=1, max_size=400),
    st.sampled_from([0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95]),
)
def test_a_histograms_quantiles(values, piled, level):
    """Within a bin of numpy's quantile; exactly numpy's where each bin holds one value."""
    for data, tolerance in ((values, 100 / BINS), (piled, 0.0)):
        column = np.array(data)[:, None]
        histogram = Histogram(np.array([0.0]), np.array([100.0]))
        half = len(column) // 2
        histogram.add(column[:half])
        other = Histogram(np.array([0.0]), np.array([100.0]))
        other.add(column[half:])
        histogram.absorb(other)
        found = histogram.quantiles([level])[0, 0]
        assert abs(found - np.quantile(column, level)) <= tolerance + 1e-9


def test_a_chunk_adds_up_every_block_it_runs():
    """Blocks summed one by one, or three to a chunk (folded as they come): the same sums."""
    from flashpoint.analysis.backtest.recommend import shipped
    from flashpoint.analysis.montecarlo import MonteCarlo
    from flashpoint.analysis.outcomes import reversion_of
    from flashpoint.analysis.streaming import SummedMonteCarlo
    from flashpoint.engine.arrays import ScenarioArrays
    from flashpoint.engine.executors import run_blocks

    korea = flashpoint.load_scenario("korea-2018")
    arrays = ScenarioArrays.from_scenario(korea)
    models = (("compromise", {}), ("median", {}))
    others = tuple((name, {}) for name in shipped().models if name not in dict(models))
    run = MonteCarlo(korea, models, seed=1, recommendation=shipped(), headline_models=others)
    task = SummedMonteCarlo(
        run, arrays.issues, tuple(korea.outcomes), tuple(reversion_of(korea)), arrays.lower,
        arrays.upper,
    )  # fmt: skip
    one, three = (
        run_blocks(task, task.sizes(1100), executor="serial", chunk_blocks=blocks)
        for blocks in (1, 3)
    )
    for name in ("compromise", "median", "recommended"):
        assert one.models[name].histogram.draws == three.models[name].histogram.draws == 1100
        assert (one.models[name].histogram.counts == three.models[name].histogram.counts).all()
        assert (one.models[name].futures == three.models[name].futures).all()
        mine = one.models[name].spread(korea.outcomes, arrays.issues)
        assert mine == three.models[name].spread(korea.outcomes, arrays.issues)
