"""Monte Carlo summaries made block by block, for runs too large to keep every draw.

A forecast of many draws (more than :data:`STREAMED_ABOVE`) does not keep each model's
forecast on every draw until the end: each block of draws is summed up where it ran
(:class:`RunSums`: per model, a histogram of each issue's outcome, the count of draws in each
named future, the counts of the agreement test) and the tallies of consecutive blocks are added,
so memory does not grow with the number of draws and a worker sends back a few hundred
kilobytes however many draws it ran.

What changes against keeping every draw (:func:`~flashpoint.analysis.uncertainty.spread`):

- The probabilities of the futures, their Wilson intervals and the odds of agreement are counts:
  the same numbers.
- The mean is the exact sum of the draws, rounded once (as ``math.fsum``:
  :mod:`flashpoint.models.exact_sum`), over their number: the same whichever blocks a worker
  added first, and within rounding of numpy's mean of every draw.
- The quantiles (median, 50%, 80% and 90% intervals) are read from a histogram of
  :data:`BINS` bins over each issue's scale that also keeps the smallest and largest value in
  each bin: a quantile among values that fall in one bin is placed between them, as if they
  were evenly spread (numpy's linear interpolation between the two nearest order statistics,
  each estimated so). The error is below the width of a bin (1/4,096 of the scale, 0.024 on a
  0-100 scale), and nil where a bin holds one value only (outcomes piled at a bound or at a
  reversion point).
- :attr:`~flashpoint.analysis.forecast.Forecast.traces` is not kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from flashpoint.analysis.agreement import AgreementCounts
from flashpoint.analysis.headline import HEADLINE
from flashpoint.analysis.montecarlo import MonteCarlo, agreed_of, agreement_of
from flashpoint.analysis.outcomes import classify
from flashpoint.analysis.uncertainty import (
    DISTRIBUTION_QUANTILES,
    IssueDistribution,
    Spread,
    distributions_of,
    future_counts,
    futures_of_counts,
)
from flashpoint.scenario.schema import Outcome

BINS = 4096  # histogram bins over each issue's scale
_CAPACITY = 64  # partials of an issue's exact sum (sums of numbers on a scale need few)


@dataclass
class Histogram:
    """Values ``[draw, issue]`` counted in :data:`BINS` bins over each issue's ``lower`` to
    ``upper``, with each bin's smallest and largest value and each issue's exact sum (the
    partials of :func:`~flashpoint.models.exact_sum.add_columns`)."""

    lower: np.ndarray
    upper: np.ndarray
    counts: np.ndarray = field(init=False)
    smallest: np.ndarray = field(init=False)
    largest: np.ndarray = field(init=False)
    partials: np.ndarray = field(init=False)
    used: np.ndarray = field(init=False)
    draws: int = 0

    def __post_init__(self) -> None:
        issues = len(self.lower)
        self.counts = np.zeros((issues, BINS), dtype=np.int64)
        self.smallest = np.full((issues, BINS), np.inf)
        self.largest = np.full((issues, BINS), -np.inf)
        self.partials = np.zeros((issues, _CAPACITY))
        self.used = np.zeros(issues, dtype=np.int64)

    def add(self, values: np.ndarray) -> None:
        """Count the draws ``values[draw, issue]``."""
        width = np.where(self.upper > self.lower, self.upper - self.lower, 1.0)
        where = np.floor((values - self.lower) / width * BINS).astype(np.int64)
        where = np.clip(where, 0, BINS - 1)
        for i in range(values.shape[1]):
            self.counts[i] += np.bincount(where[:, i], minlength=BINS)
            np.minimum.at(self.smallest[i], where[:, i], values[:, i])
            np.maximum.at(self.largest[i], where[:, i], values[:, i])
        self._sum(values)
        self.draws += values.shape[0]

    def _sum(self, values: np.ndarray) -> None:
        from flashpoint.models.exact_sum import add_columns  # compiled: numba loads here

        if not add_columns(self.partials, self.used, values):
            raise ArithmeticError(
                "the sum of the draws needs more partials than an exact sum keeps"
            )

    def absorb(self, other: Histogram) -> None:
        """Add the draws ``other`` counted (after this one's)."""
        self.counts += other.counts
        np.minimum(self.smallest, other.smallest, out=self.smallest)
        np.maximum(self.largest, other.largest, out=self.largest)
        held = np.arange(_CAPACITY) < other.used[:, None]  # an issue's partials in use
        self._sum(np.where(held, other.partials, 0.0).T.copy())
        self.draws += other.draws

    def quantiles(self, levels: Sequence[float]) -> np.ndarray:
        """``[level, issue]``: numpy's linear quantiles, each order statistic estimated from its
        bin (evenly spread between the bin's smallest and largest value)."""
        result = np.empty((len(levels), len(self.lower)))
        for i in range(len(self.lower)):
            ends = np.cumsum(self.counts[i])
            for row, level in enumerate(levels):
                place = (self.draws - 1) * level
                below = int(np.floor(place))
                low = self._order_statistic(i, ends, below)
                high = self._order_statistic(i, ends, min(below + 1, self.draws - 1))
                result[row, i] = low + (place - below) * (high - low)
        return result

    def _order_statistic(self, issue: int, ends: np.ndarray, rank: int) -> float:
        """The ``rank``-th smallest value (from 0) of an issue, estimated from its bin."""
        where = int(np.searchsorted(ends, rank, side="right"))
        count = self.counts[issue, where]
        first = ends[where] - count  # the rank of the bin's first value
        low, high = self.smallest[issue, where], self.largest[issue, where]
        if count == 1:
            return float(low)
        return float(low + (high - low) * (rank - first) / (count - 1))

    def distributions(self, issues: Sequence[str]) -> dict[str, IssueDistribution]:
        """As :func:`~flashpoint.analysis.uncertainty.issue_distributions` reads every draw."""
        from flashpoint.models.exact_sum import rounded_columns

        q = self.quantiles(DISTRIBUTION_QUANTILES)
        mean = rounded_columns(self.partials, self.used) / self.draws
        return distributions_of(q, mean, issues)


def compile_sums() -> None:
    """Load (or compile) the exact sums a summed-up forecast's histograms keep, as
    :func:`flashpoint.analysis.warmup.main` does for the models when the wheel is built: a
    fresh install's first forecast of over :data:`~.montecarlo.STREAMED_ABOVE` draws then
    compiles nothing."""
    histogram = Histogram(np.zeros(2), np.full(2, 100.0))
    histogram.add(np.array([[10.0, 20.0], [30.0, 40.0]]))
    histogram.absorb(histogram)
    histogram.distributions(["a", "b"])


@dataclass
class Summary:
    """One forecast's draws summed up: the histogram of its outcomes and the number of draws in
    each named future (the last count: in none)."""

    histogram: Histogram
    futures: np.ndarray

    @classmethod
    def empty(cls, lower: np.ndarray, upper: np.ndarray, futures: int) -> Summary:
        return cls(Histogram(lower, upper), np.zeros(futures + 1, dtype=np.int64))

    def add(self, values: np.ndarray, found: np.ndarray) -> None:
        """Count the draws ``values[draw, issue]``, which fall in the futures ``found[draw]``."""
        self.histogram.add(values)
        self.futures += future_counts(found, len(self.futures) - 1)

    def absorb(self, other: Summary) -> None:
        self.histogram.absorb(other.histogram)
        self.futures += other.futures

    def spread(self, outcomes: Sequence[Outcome], issues: Sequence[str]) -> Spread:
        return Spread(
            distribution=self.histogram.distributions(issues),
            futures=futures_of_counts(self.futures, outcomes, self.histogram.draws),
        )


@dataclass
class RunSums:
    """A run of blocks summed up: per model (and the headline forecast, if its models ran:
    :data:`~flashpoint.analysis.headline.HEADLINE`) its :class:`Summary` and agreement counts,
    and the models pooled with equal weights."""

    models: dict[str, Summary]
    agreement: dict[str, AgreementCounts]
    pooled: Summary

    def absorb(self, other: RunSums) -> None:
        for name, summary in self.models.items():
            summary.absorb(other.models[name])
        for name, tested in self.agreement.items():
            tested.absorb(other.agreement[name])
        self.pooled.absorb(other.pooled)


@dataclass(frozen=True)
class SummedMonteCarlo:
    """A Monte Carlo run (one variant: the scenario with its shocks) whose blocks come back
    summed up (:class:`RunSums`), and whose results merge by adding them. Sent as is to worker
    processes."""

    run: MonteCarlo
    issues: tuple[str, ...]
    outcomes: tuple[Outcome, ...]
    reversion: tuple[float | None, ...]
    lower: np.ndarray
    upper: np.ndarray
    fold: bool = True  # a chunk adds each block's sums as it comes (executors.run_chunk)

    def sizes(self, draws: int) -> list[int]:
        return self.run.sizes(draws)

    def run_block(self, block: int, size: int) -> RunSums:
        (results,) = self.run.run_block(block, size)
        values, tests = agreement_of(results)
        futures = len(self.outcomes)

        def summed(name: str) -> Summary:
            summary = Summary.empty(self.lower, self.upper, futures)
            agreed = agreed_of(tests, name)
            found = classify(self.outcomes, values[name], self.issues, self.reversion, agreed)
            summary.add(values[name], found)
            return summary

        models = {name: summed(name) for name in values}
        pooled = Summary.empty(self.lower, self.upper, futures)
        for name, summary in models.items():
            if name != HEADLINE:
                pooled.absorb(summary)
        agreement = {name: AgreementCounts.of(*test) for name, test in tests.items()}
        return RunSums(models, agreement, pooled)

    def merge(self, parts: Sequence[RunSums]) -> RunSums:
        """The tallies of consecutive blocks added up, in block order."""
        first, *rest = parts
        for part in rest:
            first.absorb(part)
        return first
