"""How good forecasts of decided issues were: point errors, interval coverage and CRPS.

Errors are on a 0-100 scale of each issue's range (``100 * error / (max - min)``), so issues on
different scales count alike; on 0-100 issues (the DEU data) they are the plain errors.

- **MAE**, **RMSE**, the **median absolute error** and the **bias** (mean signed error,
  forecast minus outcome) of the point forecasts;
- **hit rates**: the share of issues forecast within 5, 10 and 20 points (Arregui, Stokman &
  Thomson 2006 report these for the DEU data);
- **coverage** of the central 50%, 80% and 90% intervals of the forecast's samples: the share of
  outcomes inside them (well calibrated: 0.5, 0.8, 0.9), and the shares of outcomes **below and
  above** the 80% interval (well calibrated: 0.1 each; unequal shares are a biased spread);
- **CRPS**, the continuous ranked probability score of the samples, ``E|X - y| - E|X - X'|/2``
  (Gneiting & Raftery 2007, *JASA* 102: 359-378, eq. 21), which rewards sharp forecasts that are
  right and reduces to the absolute error for a forecast without spread;
- the **difference in MAE** against a baseline on the same issues, with a 95% interval from a
  bootstrap that resamples whole groups (proposals) of issues, paired (Efron & Tibshirani 1993,
  *An Introduction to the Bootstrap*, ch. 16; Davison & Hinkley 1997, §3.8 for clusters).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

LEVELS = (0.5, 0.8, 0.9)
HITS = (5, 10, 20)
BOOTSTRAP_SAMPLES = 2000


@dataclass(frozen=True)
class Scores:
    """One forecaster's scores over ``issues`` decided issues (see the module docstring)."""

    issues: int
    mae: float
    rmse: float
    median_error: float
    bias: float
    hit5: float
    hit10: float
    hit20: float
    coverage50: float
    coverage80: float
    coverage90: float
    crps: float
    below80: float
    above80: float

    def to_dict(self) -> dict[str, float | int]:
        return asdict(self)


def score(point: np.ndarray, samples: np.ndarray, actual: np.ndarray, span: np.ndarray) -> Scores:
    """Scores of point forecasts ``point[issue]`` and samples ``samples[sample, issue]`` of
    outcomes ``actual[issue]`` on issues whose ranges are ``span[issue]`` (max - min)."""
    error = 100.0 * (point - actual) / span
    absolute = np.abs(error)
    coverage = [covered(samples, actual, level).mean() for level in LEVELS]
    low80, high80 = interval(samples, 0.8)
    return Scores(
        issues=len(actual),
        mae=float(absolute.mean()),
        rmse=float(np.sqrt(np.mean(error**2))),
        median_error=float(np.median(absolute)),
        bias=float(error.mean()),
        hit5=float(np.mean(absolute <= HITS[0])),
        hit10=float(np.mean(absolute <= HITS[1])),
        hit20=float(np.mean(absolute <= HITS[2])),
        coverage50=float(coverage[0]),
        coverage80=float(coverage[1]),
        coverage90=float(coverage[2]),
        crps=float(np.mean(crps(samples, actual) * 100.0 / span)),
        below80=float(np.mean(actual < low80)),
        above80=float(np.mean(actual > high80)),
    )


def interval(samples: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """The central ``level`` interval of each issue's samples (numpy's linear quantiles)."""
    low, high = np.quantile(samples, [(1 - level) / 2, (1 + level) / 2], axis=0)
    return low, high


def covered(samples: np.ndarray, actual: np.ndarray, level: float) -> np.ndarray:
    """Whether each outcome lies in its central ``level`` interval (ends included)."""
    low, high = interval(samples, level)
    return (low <= actual) & (actual <= high)


def crps(samples: np.ndarray, actual: np.ndarray) -> np.ndarray:
    """Each issue's CRPS of its samples ``[sample, issue]``, on the issue's own scale:
    ``mean|x_i - y| - (1/n²) Σ_i (2i - n - 1) x_(i)`` with the samples sorted (the second term
    is ``E|X - X'|/2`` over all pairs)."""
    ordered = np.sort(samples, axis=0)
    n = ordered.shape[0]
    weights = (2.0 * np.arange(1, n + 1) - n - 1)[:, None]
    spread = (weights * ordered).sum(axis=0) / n**2
    return np.abs(samples - actual).mean(axis=0) - spread


def mae_difference(
    errors: np.ndarray, baseline: np.ndarray, groups: np.ndarray, rng: np.random.Generator
) -> tuple[float, float, float]:
    """The mean of ``errors - baseline`` (absolute errors on the same issues) with the 95%
    interval of a paired bootstrap that resamples whole groups of issues."""
    difference = errors - baseline
    names, group = np.unique(groups, return_inverse=True)
    sums = np.bincount(group, weights=difference, minlength=len(names))
    sizes = np.bincount(group, minlength=len(names)).astype(float)
    counts = rng.multinomial(len(names), np.full(len(names), 1 / len(names)), BOOTSTRAP_SAMPLES)
    # Each mean summed along its row (numpy's pairwise sum), not by a matrix product: BLAS adds in
    # an order of its CPU's kernel, and the interval would differ in its last digits by machine.
    means = (counts * sums).sum(axis=1) / (counts * sizes).sum(axis=1)
    low, high = np.quantile(means, [0.025, 0.975])
    return float(difference.mean()), float(low), float(high)
