"""Summaries of Monte Carlo forecasts: each issue's outcome distribution, and each named
future's probability with a Wilson score interval."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from flashpoint.analysis.outcomes import UNCLASSIFIED, Reversion, classify
from flashpoint.scenario.schema import Outcome

Z_95 = 1.959963984540054  # the 97.5% quantile of the standard normal
# the quantiles an issue's distribution reads: the 90%, 50% and 80% intervals and the median
DISTRIBUTION_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95, 0.1, 0.9)


def wilson_interval(successes: int, trials: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of a binomial proportion (Wilson 1927, eq. for the "score"
    interval; Brown, Cai & DasGupta 2001, eq. 4): it stays inside [0, 1] and is honest near 0
    and 1, where the normal approximation is not."""
    if trials < 1:
        raise ValueError("an interval needs at least one trial")
    p = successes / trials
    denominator = 1 + z**2 / trials
    centre = (p + z**2 / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z**2 / (4 * trials**2)) / denominator
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == trials else min(1.0, centre + half)
    return low, high


def paired_difference_interval(
    both: int, only_first: int, only_second: int, neither: int, z: float = Z_95
) -> tuple[float, float]:
    """The 95% interval of ``p₂ - p₁``, the change of a proportion between two paired samples
    (the same draws before and after a shock), from the counts of draws in the event in both,
    only the first, only the second and neither.

    Newcombe's method 10 (Newcombe 1998, "Improved confidence intervals for the difference
    between binomial proportions based on paired data", *Statistics in Medicine* 17:
    2635-2650): the Wilson intervals ``(l₁, u₁)``, ``(l₂, u₂)`` of the two proportions are
    combined with the correlation ``φ`` of the pairs,
    ``δ = sqrt((p₂ - l₂)² - 2φ(p₂ - l₂)(u₁ - p₁) + (u₁ - p₁)²)`` below and likewise above
    (``φ = 0`` when a margin is empty). It stays in [-1, 1] and keeps its coverage near 0
    and 1, where the normal approximation does not.
    """
    n = both + only_first + only_second + neither
    first, second = both + only_first, both + only_second
    p1, p2 = first / n, second / n
    l1, u1 = wilson_interval(first, n, z)
    l2, u2 = wilson_interval(second, n, z)
    margins = first * (n - first) * second * (n - second)
    phi = (both * neither - only_first * only_second) / math.sqrt(margins) if margins else 0.0
    difference = p2 - p1
    below = (p2 - l2) ** 2 - 2 * phi * (p2 - l2) * (u1 - p1) + (u1 - p1) ** 2
    above = (u2 - p2) ** 2 - 2 * phi * (u2 - p2) * (p1 - l1) + (p1 - l1) ** 2
    return (
        max(-1.0, difference - math.sqrt(max(below, 0.0))),
        min(1.0, difference + math.sqrt(max(above, 0.0))),
    )


@dataclass(frozen=True)
class IssueDistribution:
    """The distribution of one issue's predicted outcome over the draws: its median and mean, and
    its central 50%, 90% and 80% intervals."""

    median: float
    mean: float
    interval_50: tuple[float, float]
    interval_90: tuple[float, float]
    interval_80: tuple[float, float]


@dataclass(frozen=True)
class FutureProbability:
    """How often the prediction fell in one named future, with its 95% Wilson interval."""

    probability: float
    interval_95: tuple[float, float]
    draws: int


def issue_distributions(
    forecasts: np.ndarray, issues: Sequence[str]
) -> dict[str, IssueDistribution]:
    """Per issue, the median, the mean and the central 50%, 80% and 90% intervals of
    ``forecasts[draw, issue]``."""
    q = np.quantile(forecasts, DISTRIBUTION_QUANTILES, axis=0)
    return distributions_of(q, forecasts.mean(axis=0), issues)


def distributions_of(
    q: np.ndarray, mean: np.ndarray, issues: Sequence[str]
) -> dict[str, IssueDistribution]:
    """Per issue, its distribution from ``q[level, issue]``, the quantiles at
    :data:`DISTRIBUTION_QUANTILES`, and its ``mean``."""
    return {
        issue: IssueDistribution(
            median=float(q[2, i]),
            mean=float(mean[i]),
            interval_50=(float(q[1, i]), float(q[3, i])),
            interval_90=(float(q[0, i]), float(q[4, i])),
            interval_80=(float(q[5, i]), float(q[6, i])),
        )
        for i, issue in enumerate(issues)
    }


def future_probabilities(
    forecasts: np.ndarray,
    outcomes: Sequence[Outcome],
    issues: Sequence[str],
    reversion: Reversion | None = None,
    agreed: np.ndarray | None = None,
) -> dict[str | None, FutureProbability]:
    """Per named future (and ``None`` for draws that fall in none, if any), the share of draws
    whose prediction falls in it. The futures are exclusive (the first that holds), so the
    probabilities add up to 1."""
    found = classify(outcomes, forecasts, issues, reversion, agreed)
    return futures_of_counts(future_counts(found, len(outcomes)), outcomes, forecasts.shape[0])


def future_counts(found: np.ndarray, futures: int) -> np.ndarray:
    """How many draws fall in each of ``futures`` futures, and last in none, from the index of
    each draw's future ``found[draw]`` (:func:`~flashpoint.analysis.outcomes.classify`)."""
    return np.bincount(np.where(found == UNCLASSIFIED, futures, found), minlength=futures + 1)


def futures_of_counts(
    counts: np.ndarray, outcomes: Sequence[Outcome], trials: int
) -> dict[str | None, FutureProbability]:
    """:func:`future_probabilities` from ``counts[future]``, the number of draws in each future
    (the last: in none) of ``trials``."""
    result: dict[str | None, FutureProbability] = {}
    for index, outcome in [*enumerate(outcomes), (len(outcomes), None)]:
        count = int(counts[index])
        if outcome is None and count == 0:
            continue
        result[None if outcome is None else outcome.id] = FutureProbability(
            probability=count / trials, interval_95=wilson_interval(count, trials), draws=count
        )
    return result


@dataclass(frozen=True)
class Spread:
    """A Monte Carlo forecast summarised: per issue its distribution, per future its
    probability."""

    distribution: dict[str, IssueDistribution]
    futures: dict[str | None, FutureProbability]


def spread(
    forecasts: np.ndarray,
    outcomes: Sequence[Outcome],
    issues: Sequence[str],
    reversion: Reversion | None = None,
    agreed: np.ndarray | None = None,
) -> Spread:
    """The summary of ``forecasts[draw, issue]`` (see :func:`issue_distributions` and
    :func:`future_probabilities`; ``reversion`` and the draws' agreement test ``agreed[draw,
    issue]``, where recorded, for futures that test agreement)."""
    return Spread(
        distribution=issue_distributions(forecasts, issues),
        futures=future_probabilities(forecasts, outcomes, issues, reversion, agreed),
    )


def spread_dict(summary: Spread | None, label: Callable[[str | None], str]) -> dict[str, Any]:
    """A summary as JSON (``docs/json-output.md``): each issue's median, mean and 50%, 80% and
    90% intervals, each future's probability with its 95% Wilson interval (``label`` names a
    future); nulls without draws."""
    if summary is None:
        return {"distribution": None, "futures": None}
    return {
        "distribution": {
            issue: {
                "median": d.median,
                "mean": d.mean,
                "interval_50": list(d.interval_50),
                "interval_90": list(d.interval_90),
                "interval_80": list(d.interval_80),
            }
            for issue, d in summary.distribution.items()
        },
        "futures": [
            {
                "id": future,
                "label": label(future),
                "probability": p.probability,
                "interval_95": list(p.interval_95),
                "draws": p.draws,
            }
            for future, p in summary.futures.items()
        ],
    }


PATH_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


@dataclass(frozen=True, eq=False)
class PathBands:
    """An iterative model's positions round by round: on the stated values (``stated[round,
    actor, issue]``) and over the Monte Carlo draws (``bands[quantile, round, actor, issue]``,
    the quantiles of :data:`PATH_QUANTILES`: the central 90% and 50% fan bands and the median).
    Rounds after which no draw moves any more are left out (``rounds`` counts those kept,
    round 0 being the input)."""

    stated: np.ndarray
    bands: np.ndarray
    quantiles: tuple[float, ...] = PATH_QUANTILES

    @property
    def rounds(self) -> int:
        return self.stated.shape[0]

    def to_dict(self, actors: Sequence[str], issues: Sequence[str]) -> dict[str, Any]:
        """As JSON (``docs/json-output.md``): per actor and issue it takes part in, the stated
        values' positions by round, and per quantile the positions by round over the draws."""
        return {
            "quantiles": list(self.quantiles),
            "positions": {
                actor: {
                    issue: {
                        "stated": self.stated[:, a, i].tolist(),
                        "bands": self.bands[:, :, a, i].tolist(),
                    }
                    for i, issue in enumerate(issues)
                    if not np.isnan(self.stated[0, a, i])
                }
                for a, actor in enumerate(actors)
            },
        }


def with_rounds(positions: np.ndarray, rounds: int) -> np.ndarray:
    """Positions ``[draw, round, actor, issue]`` over ``rounds`` rounds (no fewer than they
    hold). An iterative model runs as many rounds as the slowest of its draws needs, a draw
    that stopped earlier keeping its last positions; so runs on other draws (another block of
    draws, the stated values) may stop after other rounds, and the rounds a run did not reach
    repeat its last."""
    missing = rounds - positions.shape[1]
    return np.pad(positions, ((0, 0), (0, missing), (0, 0), (0, 0)), mode="edge")


def path_bands(stated: np.ndarray, drawn: np.ndarray) -> PathBands:
    """The :class:`PathBands` of a model's positions on the stated values ``stated[round,
    actor, issue]`` and on the draws ``drawn[draw, round, actor, issue]``, both over as many
    rounds as the longer ran (:func:`with_rounds`)."""
    rounds = max(stated.shape[0], drawn.shape[1])
    stated, drawn = with_rounds(stated[None], rounds)[0], with_rounds(drawn, rounds)
    bands = np.quantile(drawn, PATH_QUANTILES, axis=0)
    moving = [
        r
        for r in range(1, stated.shape[0])
        if not (
            np.array_equal(stated[r], stated[r - 1], equal_nan=True)
            and np.array_equal(drawn[:, r], drawn[:, r - 1], equal_nan=True)
        )
    ]
    kept = (moving[-1] if moving else 0) + 1
    return PathBands(stated=stated[:kept].copy(), bands=bands[:, :kept].copy())
