"""Benchmark: the recommended forecast's error distribution on the DEU development set.

Run on demand (not part of the test suite):  python bench/errors.py [--seeds 20] [--draws 20000]

The recommended forecast is the compromise model spread by its cross-validated errors
``e = (forecast - outcome) / span``; a predictive sample of an outcome is ``forecast - e * span``
kept within the issue's scale. This script measures, on the 171 issues of 69 proposals of
``tests/data/deu`` (it prints every number of the report on the error distribution):

1. how correlated the errors of the issues of one proposal are: the intraclass correlation (the
   one-way ANOVA estimator for groups of unequal size, ICC(1) of Shrout & Fleiss 1979,
   *Psychological Bulletin* 86: 420-428, with Snedecor & Cochran's n0) and the correlation of
   the pairs of issues of one proposal, with 95% intervals of a bootstrap over proposals
   (Davison & Hinkley 1997, *Bootstrap Methods and their Application*, section 3.8);
2. whether the errors of a package's issues should be drawn jointly: independent draws, whole
   proposals resampled (with and without repeating a proposal's errors), and a Gaussian copula
   on the pooled errors with the correlation measured on the training folds, each scored on
   every held-out proposal by the energy score (Gneiting & Raftery 2007, *JASA* 102: 359-378,
   eq. 22), the variogram score of order 1/2 (Scheuerer & Hamill 2015, *Monthly Weather Review*
   143: 1321-1334) and the CRPS of each issue (Gneiting & Raftery 2007, eq. 21);
3. whether a sharper predictive distribution stays calibrated: variants of the error set (point
   masses at the scale's ends and at the reference point, error sets conditional on the
   forecast's distance from the middle of the scale, on the number of actors and on the spread
   of the models' forecasts), each scored by CRPS and by the coverage of its central 50/80/90%
   intervals, overall and by era, number of actors and distance from the middle;
4. the calibration of today's scheme with the sign of the error corrected: coverage, misses
   below and above the 80% interval, the mean PIT (the mid-PIT of a distribution with atoms,
   Czado, Gneiting & Held 2009, *Biometrics* 65: 1254-1261) and CRPS.

Coverage is checked overall and in 12 subgroups (era, number of actors, and terciles of the
forecast's distance from the middle and of the models' spread). How far a perfectly calibrated
forecast's checks stray by chance on this many issues is simulated, and a variant is judged both
by the brief's rule (every coverage within 5 points of nominal) and by a rule that allows for
that noise (:func:`sharpening_tables`).

Every comparison is by cross-validation grouped by proposal (10 folds, the same ``--seeds``
random splits for every scheme): a fold's issues are forecast with errors of the other folds only
(the compromise model has no fitted parameters, so those are its plain errors there). Scores are
averaged over the splits; a difference's 95% interval comes from a paired bootstrap over
proposals of the split-averaged differences (``scores.mae_difference`` of the backtest), and the
range over the splits shows how much the split alone moves it.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.optimize import minimize
from scipy.special import ndtr, ndtri
from scipy.stats import rankdata

import flashpoint
from flashpoint.analysis.backtest.recommend import BASELINE, folds
from flashpoint.analysis.backtest.scores import LEVELS, covered, crps, interval, mae_difference
from flashpoint.engine.arrays import ScenarioArrays
from flashpoint.models import MODELS
from flashpoint.scenario.outcomes import read_outcomes

DATA = Path(__file__).parent.parent / "tests" / "data" / "deu"
ACTORS = DATA / "deu_dev_1998_2002.actors.csv"
OUTCOMES = DATA / "deu_dev_1998_2002.outcomes.csv"
FOLDS = 10
BOOTSTRAP = 2000
GRID = 2000  # equal-weight samples that stand for a weighted predictive distribution
TOLERANCE = 0.05  # every coverage within 5 points of nominal
BALANCE = 0.03  # misses below and above the 80% interval within 3 points of each other
KERNEL_WIDTH = 10.0  # points of distance from the middle of the scale


@dataclass(frozen=True)
class Issues:
    """The decided issues, on a 0-100 scale of each issue's range (``points``): the compromise
    forecast, the six models' forecasts, the outcome, the reference point (NaN where unknown),
    the proposal, the decision year and the number of actors."""

    forecast: np.ndarray
    names: tuple[str, ...]  # the models
    models: np.ndarray  # [model, issue]
    actual: np.ndarray
    reference: np.ndarray
    proposal: np.ndarray
    year: np.ndarray
    actors: np.ndarray
    scales: tuple[tuple[float, float], ...]  # the distinct (min, max) of the issues

    @property
    def errors(self) -> np.ndarray:
        """``(forecast - outcome) / span``."""
        return (self.forecast - self.actual) / 100.0

    @property
    def distance(self) -> np.ndarray:
        """The forecast's distance from the middle of the scale, in points."""
        return np.abs(self.forecast - 50.0)

    @property
    def spread(self) -> np.ndarray:
        """The standard deviation of the six models' forecasts."""
        return self.models.std(axis=0)

    def spread_of(self, names: tuple[str, ...]) -> np.ndarray:
        """The standard deviation of the forecasts of the models ``names``."""
        return self.models[[self.names.index(name) for name in names]].std(axis=0)


def load() -> Issues:
    """The models' forecasts of every issue (stated inputs, one backtest run) and the issues'
    scales, outcomes and facts."""
    result = flashpoint.backtest(str(ACTORS), str(OUTCOMES), models=None, draws=1, seed=0)
    arrays = ScenarioArrays.from_scenario(result.scenario)
    column = [arrays.issues.index(issue) for issue in result.issues]
    lower, upper = arrays.lower[column], arrays.upper[column]
    known = read_outcomes(OUTCOMES)

    def points(values: np.ndarray) -> np.ndarray:
        return 100.0 * (values - lower) / (upper - lower)

    reference = [known[i].reference_point for i in result.issues]
    names = tuple(name for name in result.forecasters if name in MODELS)  # not the ensemble
    return Issues(
        forecast=points(result.forecasters[BASELINE].point),
        names=names,
        models=points(np.array([result.forecasters[name].point for name in names])),
        actual=points(result.actual),
        reference=points(np.array([np.nan if r is None else r for r in reference])),
        proposal=np.array(result.proposals),
        year=np.array([known[i].decision_year for i in result.issues]),
        actors=arrays.present[:, column].sum(axis=0),
        scales=tuple(sorted({(float(a), float(b)) for a, b in zip(lower, upper, strict=True)})),
    )


def splits(groups: np.ndarray, seeds: int) -> list[list[np.ndarray]]:
    """The test masks of ``seeds`` random 10-fold splits grouped by proposal (the backtest's own
    :func:`~flashpoint.analysis.backtest.recommend.folds`)."""
    return [folds(groups, FOLDS, np.random.default_rng(seed)) for seed in range(seeds)]


# -- 1. correlation within a proposal -------------------------------------------------------------


def icc(values: np.ndarray, groups: np.ndarray) -> float:
    """The intraclass correlation of ``values`` by ``groups`` (one-way ANOVA, unequal sizes)."""
    _, group = np.unique(groups, return_inverse=True)
    sizes = np.bincount(group)
    means = np.bincount(group, weights=values) / sizes
    n, k = len(values), len(sizes)
    between = (sizes * (means - values.mean()) ** 2).sum() / (k - 1)
    within = ((values - means[group]) ** 2).sum() / (n - k)
    n0 = (n - (sizes**2).sum() / n) / (k - 1)
    return float((between - within) / (between + (n0 - 1) * within))


def pair_correlation(values: np.ndarray, groups: np.ndarray) -> float:
    """The correlation of ``values`` over the ordered pairs of different issues of one group."""
    same = groups[:, None] == groups[None, :]
    np.fill_diagonal(same, False)
    first, second = np.nonzero(same)
    return float(np.corrcoef(values[first], values[second])[0, 1])


def group_bootstrap(
    statistic: Callable[[np.ndarray, np.ndarray], float],
    values: np.ndarray,
    groups: np.ndarray,
    rng: np.random.Generator,
) -> tuple[float, float]:
    """The 95% percentile interval of ``statistic`` over resamples of whole groups (a group
    drawn twice counts as two groups)."""
    names = np.unique(groups)
    members = [np.flatnonzero(groups == name) for name in names]
    found = []
    for _ in range(BOOTSTRAP):
        picked = [members[p] for p in rng.integers(len(names), size=len(names))]
        labels = np.repeat(np.arange(len(picked)), [len(rows) for rows in picked])
        found.append(statistic(values[np.concatenate(picked)], labels))
    low, high = np.quantile(found, [0.025, 0.975])
    return float(low), float(high)


def normal_scores(values: np.ndarray) -> np.ndarray:
    """``values`` as standard normal quantiles of their ranks (the copula's scale)."""
    return ndtri(rankdata(values) / (len(values) + 1))


def correlation_table(issues: Issues, rng: np.random.Generator) -> list[str]:
    """Section 1: the within-proposal correlation of the errors and of related values."""
    errors, groups = issues.errors, issues.proposal
    rows = []
    for label, values in (
        ("signed error e", errors),
        ("normal score of e (the copula's scale)", normal_scores(errors)),
        ("absolute error abs(e)", np.abs(errors)),
        ("e / s(model spread) (the scaled errors of section 3)", errors / spread_scale(issues)),
        ("outcome at a scale end (0/1)", np.isin(issues.actual, (0.0, 100.0)).astype(float)),
    ):
        cells = []
        for statistic in (icc, pair_correlation):
            low, high = group_bootstrap(statistic, values, groups, rng)
            cells.append(f"{statistic(values, groups):+.3f} ({low:+.3f} to {high:+.3f})")
        rows.append(f"| {label} | {' | '.join(cells)} |")
    sizes = np.unique(groups, return_counts=True)[1]
    pairs = int((sizes * (sizes - 1)).sum() // 2)
    return [
        (
            f"{len(errors)} issues, {len(sizes)} proposals ({np.sum(sizes > 1)} with 2 or more"
            f" issues, {pairs} pairs of issues of one proposal); 95% intervals: bootstrap over"
            f" proposals ({BOOTSTRAP} resamples)."
        ),
        "",
        "| values | ICC(1) (95%) | correlation of pairs (95%) |",
        "|---|---|---|",
        *rows,
    ]


# -- 2. joint draws for a package ---------------------------------------------------------------

SCHEMES = ("independent", "proposal", "proposal_distinct", "copula", "copula_0.5")


def joint_errors(
    scheme: str,
    errors: np.ndarray,
    groups: np.ndarray,
    size: int,
    draws: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Errors ``[draw, issue]`` for a package of ``size`` issues, drawn from training ``errors``
    (of proposals ``groups``) by ``scheme``; every scheme's marginal is the pooled errors.

    - ``independent``: each issue its own error, uniformly;
    - ``proposal``: one training proposal per draw, with probability proportional to its number
      of issues, and each issue an error of that proposal drawn uniformly (with repetition);
    - ``proposal_distinct``: the same, the proposal's errors in random order without repetition
      (cycled when the package has more issues than the proposal);
    - ``copula``: a Gaussian copula, equicorrelated with the intraclass correlation of the
      errors' normal scores (at least 0), on the pooled errors' empirical quantiles;
    - ``copula_0.5``: the same with a correlation of 0.5 (to see what correlation would do).
    """
    if scheme == "independent":
        return errors[rng.integers(len(errors), size=(draws, size))]
    if scheme.startswith("copula"):
        rho = 0.5 if scheme == "copula_0.5" else max(icc(normal_scores(errors), groups), 0.0)
        normal = np.sqrt(rho) * rng.standard_normal((draws, 1)) + np.sqrt(
            1 - rho
        ) * rng.standard_normal((draws, size))
        rank = np.minimum((ndtr(normal) * len(errors)).astype(int), len(errors) - 1)
        return np.sort(errors)[rank]
    order = np.argsort(groups, kind="stable")
    _, starts, sizes = np.unique(groups[order], return_index=True, return_counts=True)
    chosen = rng.choice(len(sizes), size=draws, p=sizes / sizes.sum())
    if scheme == "proposal":
        offset = rng.integers(0, sizes[chosen][:, None], size=(draws, size))
    else:
        keys = rng.random((draws, sizes.max()))
        keys[np.arange(sizes.max())[None, :] >= sizes[chosen][:, None]] = np.inf
        shuffled = np.argsort(keys, axis=1)
        offset = np.take_along_axis(shuffled, np.arange(size)[None, :] % sizes[chosen][:, None], 1)
    return errors[order][starts[chosen][:, None] + offset]


def energy_score(first: np.ndarray, second: np.ndarray, outcome: np.ndarray) -> float:
    """``E||X - y|| - E||X - X'||/2`` from two independent sets of draws ``[draw, issue]``."""
    distance = np.linalg.norm(np.vstack([first, second]) - outcome, axis=1).mean()
    return float(distance - 0.5 * np.linalg.norm(first - second, axis=1).mean())


def variogram_score(samples: np.ndarray, outcome: np.ndarray) -> float:
    """``Σ_{i<j} (|y_i - y_j|^½ - E|X_i - X_j|^½)²`` over the package's pairs of issues."""
    first, second = np.triu_indices(len(outcome), 1)
    expected = np.sqrt(np.abs(samples[:, first] - samples[:, second])).mean(axis=0)
    return float(((np.sqrt(np.abs(outcome[first] - outcome[second])) - expected) ** 2).sum())


@dataclass(frozen=True)
class Joint:
    """Per split and held-out proposal: energy and variogram scores; per split and issue: CRPS."""

    energy: np.ndarray  # [scheme, split, proposal]
    variogram: np.ndarray  # [scheme, split, proposal]; NaN for a proposal of one issue
    crps: np.ndarray  # [scheme, split, issue]


def joint_scores(issues: Issues, masks: list[list[np.ndarray]], draws: int) -> Joint:
    """Every scheme's scores of every held-out proposal, ``2 * draws`` joint draws each."""
    errors, groups = issues.errors, issues.proposal
    names = np.unique(groups)
    shape = (len(SCHEMES), len(masks), len(names))
    energy, variogram = np.empty(shape), np.full(shape, np.nan)
    per_issue = np.empty((len(SCHEMES), len(masks), len(errors)))
    for split, tests in enumerate(masks):
        rng = np.random.default_rng([1, split])
        for test in tests:
            train = ~test
            for p in np.flatnonzero(np.isin(names, groups[test])):
                rows = np.flatnonzero(groups == names[p])
                outcome = issues.actual[rows]
                for s, scheme in enumerate(SCHEMES):
                    drawn = joint_errors(
                        scheme, errors[train], groups[train], len(rows), 2 * draws, rng
                    )
                    samples = np.clip(issues.forecast[rows] - 100.0 * drawn, 0.0, 100.0)
                    energy[s, split, p] = energy_score(samples[:draws], samples[draws:], outcome)
                    if len(rows) > 1:
                        variogram[s, split, p] = variogram_score(samples, outcome)
                    per_issue[s, split, rows] = crps(samples, outcome)
    return Joint(energy, variogram, per_issue)


def joint_table(issues: Issues, joint: Joint, rng: np.random.Generator) -> list[str]:
    """Section 2: the schemes' mean scores and paired differences from independent draws."""
    names, sizes = np.unique(issues.proposal, return_counts=True)
    several = sizes > 1
    lines = [
        (
            f"Mean over the {len(names)} held-out proposals (energy score, ES) or the"
            f" {several.sum()} with 2 or more issues (variogram score, VS; ES k>=2), and over the"
            f" {len(issues.actual)} issues (CRPS), in points; averaged over"
            f" {joint.energy.shape[1]} splits, [range over the splits]; difference from"
            " independent draws with the 95% interval of a paired bootstrap over proposals. The"
            " implied correlation: of two issues' errors drawn by the scheme from all"
            f" {len(issues.actual)} errors."
        ),
        "",
        (
            "| scheme | implied corr. of 2 issues | ES | ES k>=2 | ΔES k>=2 vs independent (95%)"
            " | VS | ΔVS (95%) | CRPS | ΔCRPS (95%) |"
        ),
        "|---|---|---|---|---|---|---|---|---|",
    ]

    def cell(values: np.ndarray, where: np.ndarray) -> str:
        per_split = values[:, where].mean(axis=1)
        return f"{per_split.mean():.2f} [{per_split.min():.2f}-{per_split.max():.2f}]"

    def paired(values: np.ndarray, base: np.ndarray, groups: np.ndarray) -> str:
        value, low, high = mae_difference(values.mean(axis=0), base.mean(axis=0), groups, rng)
        return f"{value:+.3f} ({low:+.3f} to {high:+.3f})"

    everywhere = np.ones(len(names), bool)
    issue_rows = np.ones(len(issues.actual), bool)
    for s, scheme in enumerate(SCHEMES):
        pair = joint_errors(scheme, issues.errors, issues.proposal, 2, 200_000, rng)
        energy, variogram = joint.energy[:, :, several], joint.variogram[:, :, several]
        lines.append(
            f"| {scheme} | {np.corrcoef(pair.T)[0, 1]:+.3f}"
            f" | {cell(joint.energy[s], everywhere)} | {cell(joint.energy[s], several)}"
            f" | {paired(energy[s], energy[0], names[several])}"
            f" | {cell(joint.variogram[s], several)}"
            f" | {paired(variogram[s], variogram[0], names[several])}"
            f" | {cell(joint.crps[s], issue_rows)}"
            f" | {paired(joint.crps[s], joint.crps[0], issues.proposal)} |"
        )
    return lines


# -- 3 and 4. sharper predictive distributions --------------------------------------------------

# a predictive distribution per test issue: values (in points) and their weights [issue, atom]
Distribution = tuple[np.ndarray, np.ndarray]
# a variant: (issues, train mask, test mask) -> the test issues' predictive distributions
Variant = Callable[[Issues, np.ndarray, np.ndarray], Distribution]


def shifted(issues: Issues, train: np.ndarray, test: np.ndarray, sign: float = -1.0) -> np.ndarray:
    """Each test forecast with each training error, ``forecast - e * span`` (``sign`` -1; the
    shipped code's +1 for reference), kept within the scale: ``[test issue, training issue]``."""
    values = issues.forecast[test][:, None] + sign * 100.0 * issues.errors[train][None, :]
    return np.clip(values, 0.0, 100.0)


def uniform(mask: np.ndarray) -> np.ndarray:
    """Weights spread evenly over the true entries of each row."""
    return mask / mask.sum(axis=1, keepdims=True)


def tercile_bins(feature: np.ndarray, train: np.ndarray, test: np.ndarray) -> np.ndarray:
    """Whether each training issue is in the test issue's bin ``[test, train]``, the bins cut at
    the terciles of the training issues' ``feature``."""
    edges = np.quantile(feature[train], [1 / 3, 2 / 3])
    bins = np.digitize(feature, edges)
    return bins[test][:, None] == bins[train][None, :]


def baseline(issues: Issues, train: np.ndarray, test: np.ndarray) -> Distribution:
    """Today's scheme, sign corrected: every training error, equally weighted."""
    values = shifted(issues, train, test)
    return values, uniform(np.ones(values.shape, bool))


def shipped_sign(issues: Issues, train: np.ndarray, test: np.ndarray) -> Distribution:
    """Today's scheme with the sign as shipped (forecast + e * span), for reference."""
    values = shifted(issues, train, test, sign=1.0)
    return values, uniform(np.ones(values.shape, bool))


def end_probabilities(issues: Issues, train: np.ndarray, test: np.ndarray) -> np.ndarray:
    """P(outcome at 0), P(outcome at 100) ``[test, 2]`` from a multinomial logit (0 / inside /
    100) on ``(forecast - 50) / 50``, fitted by maximum likelihood on the training issues."""
    x = (issues.forecast - 50.0) / 50.0
    design = np.column_stack([np.ones_like(x), x])
    label = np.where(issues.actual <= 0.0, 0, np.where(issues.actual >= 100.0, 2, 1))

    def logits(theta: np.ndarray, rows: np.ndarray) -> np.ndarray:
        linear = design[rows] @ theta.reshape(2, 2).T  # [issue, (0, 100)]
        return np.column_stack([linear[:, 0], np.zeros(rows.sum()), linear[:, 1]])

    def loss(theta: np.ndarray) -> float:
        z = logits(theta, train)
        z = z - z.max(axis=1, keepdims=True)
        log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        return float(-log_p[np.arange(train.sum()), label[train]].sum())

    theta = minimize(loss, np.zeros(4), method="BFGS").x
    z = np.exp(logits(theta, test))
    return (z / z.sum(axis=1, keepdims=True))[:, [0, 2]]


def ends(issues: Issues, train: np.ndarray, test: np.ndarray) -> Distribution:
    """(i) Point masses at 0 and 100 from :func:`end_probabilities`; the rest spread as today's
    samples that fall inside the scale."""
    values = shifted(issues, train, test)
    inside = (values > 0.0) & (values < 100.0)
    p = end_probabilities(issues, train, test)
    weights = uniform(inside) * (1.0 - p.sum(axis=1, keepdims=True))
    atoms = np.tile([0.0, 100.0], (len(values), 1))
    return np.hstack([values, atoms]), np.hstack([weights, p])


def status_quo(issues: Issues, train: np.ndarray, test: np.ndarray) -> Distribution:
    """(ii) Where the reference point is known, a point mass there: the share of training issues
    with a known reference point decided exactly at it; the rest spread by the errors of the
    other training issues. Elsewhere today's scheme."""
    values = shifted(issues, train, test)
    known = ~np.isnan(issues.reference)
    at = known & (issues.actual == issues.reference)
    p = at[train & known].mean()
    mass = np.where(known[test], p, 0.0)[:, None]
    weights = uniform(np.tile(~at[train], (len(values), 1))) * (1.0 - mass)
    weights[~known[test]] = 1.0 / train.sum()
    atom = np.nan_to_num(issues.reference[test])[:, None]
    return np.hstack([values, atom]), np.hstack([weights, mass])


def distance_bins(issues: Issues, train: np.ndarray, test: np.ndarray) -> Distribution:
    """(iii) Errors of the training issues whose forecasts were in the same tercile of distance
    from the middle of the scale."""
    return shifted(issues, train, test), uniform(tercile_bins(issues.distance, train, test))


def distance_kernel(issues: Issues, train: np.ndarray, test: np.ndarray) -> Distribution:
    """(iii) Errors weighted by a Gaussian kernel (sd 10 points) in distance from the middle."""
    gap = issues.distance[test][:, None] - issues.distance[train][None, :]
    weights = np.exp(-0.5 * (gap / KERNEL_WIDTH) ** 2)
    return shifted(issues, train, test), weights / weights.sum(axis=1, keepdims=True)


def error_scale(feature: np.ndarray, issues: Issues, train: np.ndarray) -> np.ndarray:
    """``s(x) = a + b x`` (at least 0.01) of every issue, the least-squares line of |e| on
    ``feature`` x over the training issues."""
    slope, intercept = np.polyfit(feature[train], np.abs(issues.errors[train]), 1)
    return np.maximum(intercept + slope * feature, 0.01)


def spread_scale(issues: Issues) -> np.ndarray:
    """:func:`error_scale` by the models' spread, fitted on every issue."""
    return error_scale(issues.spread, issues, np.ones(len(issues.actual), bool))


def scaled(
    feature: np.ndarray, issues: Issues, train: np.ndarray, test: np.ndarray
) -> Distribution:
    """Errors rescaled to the test issue's typical size, ``e * s(x_test) / s(x_train)``
    (:func:`error_scale`; normalised conformity scores, Lei et al. 2018, JASA 113: 1094-1111,
    section 5.2)."""
    scale = error_scale(feature, issues, train)
    ratio = scale[test][:, None] / scale[train][None, :]
    values = issues.forecast[test][:, None] - 100.0 * issues.errors[train][None, :] * ratio
    values = np.clip(values, 0.0, 100.0)
    return values, uniform(np.ones(values.shape, bool))


def distance_scaled(issues: Issues, train: np.ndarray, test: np.ndarray) -> Distribution:
    """(iii) Errors scaled by the distance from the middle (:func:`scaled`)."""
    return scaled(issues.distance, issues, train, test)


def oriented_values(issues: Issues, train: np.ndarray, test: np.ndarray) -> np.ndarray:
    """Errors measured toward the middle of the scale (``e`` for a forecast above 50, ``-e``
    below), applied the same way to the test forecast."""
    side = np.where(issues.forecast >= 50.0, 1.0, -1.0)
    toward = side[train] * issues.errors[train]
    return np.clip(issues.forecast[test][:, None] - 100.0 * side[test][:, None] * toward, 0, 100)


def oriented(issues: Issues, train: np.ndarray, test: np.ndarray) -> Distribution:
    """(iii) Every training error, oriented toward the middle (:func:`oriented_values`)."""
    values = oriented_values(issues, train, test)
    return values, uniform(np.ones(values.shape, bool))


def oriented_bins(issues: Issues, train: np.ndarray, test: np.ndarray) -> Distribution:
    """(iii) Oriented errors of the same tercile of distance from the middle."""
    values = oriented_values(issues, train, test)
    return values, uniform(tercile_bins(issues.distance, train, test))


def actor_bins(issues: Issues, train: np.ndarray, test: np.ndarray) -> Distribution:
    """(iv) Errors of the training issues in the same tercile of number of actors (with ties:
    fewer than 16, 16, 17)."""
    return shifted(issues, train, test), uniform(tercile_bins(issues.actors, train, test))


def spread_bins(issues: Issues, train: np.ndarray, test: np.ndarray) -> Distribution:
    """(v) Errors of the training issues in the same tercile of the spread (standard deviation)
    of the six models' forecasts."""
    return shifted(issues, train, test), uniform(tercile_bins(issues.spread, train, test))


def spread_scaled(issues: Issues, train: np.ndarray, test: np.ndarray) -> Distribution:
    """(v) Errors scaled by the spread of the six models' forecasts (:func:`scaled`)."""
    return scaled(issues.spread, issues, train, test)


def cheap_spread_scaled(issues: Issues, train: np.ndarray, test: np.ndarray) -> Distribution:
    """(v) Errors scaled by the spread of the three baseline models' forecasts (compromise,
    median, Nash: no rounds, so they cost little to run)."""
    return scaled(issues.spread_of(("compromise", "median", "nash")), issues, train, test)


VARIANTS: dict[str, Variant] = {
    "baseline (sign corrected)": baseline,
    "sign as shipped": shipped_sign,
    "(i) end masses, logit": ends,
    "(ii) mass at reference point": status_quo,
    "(iii) distance bins": distance_bins,
    "(iii) distance kernel": distance_kernel,
    "(iii) distance-scaled": distance_scaled,
    "(iii) oriented": oriented,
    "(iii) oriented + distance bins": oriented_bins,
    "(iv) actor bins": actor_bins,
    "(v) model-spread bins": spread_bins,
    "(v) model-spread-scaled": spread_scaled,
    "(v) spread of compromise/median/Nash, scaled": cheap_spread_scaled,
}


def weighted_crps(values: np.ndarray, weights: np.ndarray, actual: np.ndarray) -> np.ndarray:
    """Each row's CRPS, ``Σ w|v - y| - ½ ΣΣ w w'|v - v'|`` (for equal weights exactly
    :func:`~flashpoint.analysis.backtest.scores.crps`)."""
    order = np.argsort(values, axis=1)
    v = np.take_along_axis(values, order, 1)
    w = np.take_along_axis(weights, order, 1)
    after = 1.0 - np.cumsum(w, axis=1)
    before = 1.0 - after - w
    spread = (w * v * (before - after)).sum(axis=1)
    return (w * np.abs(v - actual[:, None])).sum(axis=1) - spread


def mid_pit(values: np.ndarray, weights: np.ndarray, actual: np.ndarray) -> np.ndarray:
    """``(F(y-) + F(y)) / 2`` of each row's distribution."""
    below = (weights * (values < actual[:, None])).sum(axis=1)
    at_most = (weights * (values <= actual[:, None])).sum(axis=1)
    return (below + at_most) / 2


def equal_samples(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """``[sample, row]``: each row's quantiles at ``(j + ½)/GRID``, equal-weight samples of the
    weighted distribution (so intervals come from :func:`~.scores.interval` as for any samples)."""
    grid = (np.arange(GRID) + 0.5) / GRID
    out = np.empty((GRID, len(values)))
    for row, (v, w) in enumerate(zip(values, weights, strict=True)):
        order = np.argsort(v)
        cumulative = np.cumsum(w[order])
        out[:, row] = v[order][np.minimum(np.searchsorted(cumulative, grid), len(v) - 1)]
    return out


@dataclass(frozen=True)
class Scored:
    """A variant's out-of-fold scores per split and issue."""

    crps: np.ndarray  # [split, issue], points
    pit: np.ndarray  # [split, issue]
    inside: np.ndarray  # [split, level, issue]
    below80: np.ndarray  # [split, issue]
    above80: np.ndarray  # [split, issue]


def cross_validate(variant: Variant, issues: Issues, masks: list[list[np.ndarray]]) -> Scored:
    """A variant's scores of every issue, forecast from the other folds' errors, in each split:
    CRPS and PIT exactly from the weighted distribution, intervals from its quantile grid."""
    n = len(issues.actual)
    shape = (len(masks), n)
    scored = Scored(
        np.empty(shape),
        np.empty(shape),
        np.empty((len(masks), len(LEVELS), n)),
        np.empty(shape, bool),
        np.empty(shape, bool),
    )
    for split, tests in enumerate(masks):
        for test in tests:
            values, weights = variant(issues, ~test, test)
            actual = issues.actual[test]
            scored.crps[split, test] = weighted_crps(values, weights, actual)
            scored.pit[split, test] = mid_pit(values, weights, actual)
            samples = equal_samples(values, weights)
            for k, level in enumerate(LEVELS):
                scored.inside[split, k, test] = covered(samples, actual, level)
            low, high = interval(samples, 0.8)
            scored.below80[split, test] = actual < low
            scored.above80[split, test] = actual > high
    return scored


def terciles(name: str, feature: np.ndarray) -> dict[str, np.ndarray]:
    """The issues in each tercile of ``feature`` (over all issues), named by their bounds."""
    low, high = np.quantile(feature, [1 / 3, 2 / 3])
    return {
        f"{name}<={low:.1f}": feature <= low,
        f"{name} mid": (feature > low) & (feature <= high),
        f"{name}>{high:.1f}": feature > high,
    }


def subgroups(issues: Issues) -> dict[str, np.ndarray]:
    """The subgroups whose coverage is checked: era, number of actors, terciles of distance from
    the middle of the scale and of the spread of the models' forecasts."""
    return {
        "all": np.ones(len(issues.actual), bool),
        "1998-99": issues.year <= 1999,
        "2000": issues.year == 2000,
        "2001-02": issues.year >= 2001,
        "actors<=15": issues.actors <= 15,
        "actors=16": issues.actors == 16,
        "actors=17": issues.actors == 17,
        **terciles("dist", issues.distance),
        **terciles("spread", issues.spread),
    }


def coverage_gaps(inside: np.ndarray, groups: dict[str, np.ndarray]) -> np.ndarray:
    """Coverage minus nominal ``[..., group, level]`` of ``inside[..., level, issue]``."""
    shares = np.stack([inside[..., mask].mean(axis=-1) for mask in groups.values()], axis=-2)
    return shares - np.array(LEVELS)


def beyond_chance(gaps: np.ndarray, groups: dict[str, np.ndarray]) -> np.ndarray:
    """Whether each gap ``[..., group, level]`` lies outside its binomial 95% band,
    ``±1.96 sqrt(L(1 - L)/n)`` for ``n`` issues of the group."""
    sizes = np.array([mask.sum() for mask in groups.values()])[:, None]
    levels = np.array(LEVELS)
    return np.abs(gaps) > 1.96 * np.sqrt(levels * (1 - levels) / sizes)


@dataclass(frozen=True)
class Chance:
    """Per simulation of a perfectly calibrated forecast on these issues (each outcome's PIT
    uniform and independent): the coverage checks off by more than 5 points, those outside
    their binomial band, and the worst gap."""

    checks: int
    off: np.ndarray
    outside: np.ndarray
    worst: np.ndarray

    @property
    def allowed(self) -> int:
        """The 95th percentile of the checks outside their band: more is beyond chance."""
        return int(np.quantile(self.outside, 0.95))

    def describe(self) -> str:
        return (
            f"By chance alone (a perfectly calibrated forecast: independent uniform PITs,"
            f" {len(self.off)} simulations), of {self.checks} checks: all within"
            f" {100 * TOLERANCE:.0f} points with"
            f" probability {np.mean(self.off == 0):.3f}; off by more: mean {self.off.mean():.1f},"
            f" 95th percentile {np.quantile(self.off, 0.95):.0f}; outside the binomial 95% band:"
            f" mean {self.outside.mean():.1f}, 95th percentile {self.allowed}; worst gap: median"
            f" {100 * np.median(self.worst):.1f} points, 95th percentile"
            f" {100 * np.quantile(self.worst, 0.95):.1f}."
        )


def calibration_noise(
    issues: Issues, groups: dict[str, np.ndarray], rng: np.random.Generator
) -> Chance:
    """How far the coverage checks of ``groups`` of a perfectly calibrated forecast stray by
    chance."""
    pit = rng.random((BOOTSTRAP, 1, len(issues.actual)))
    inside = np.abs(pit - 0.5) <= np.array(LEVELS)[:, None] / 2
    gaps = coverage_gaps(inside, groups)
    return Chance(
        checks=gaps[0].size,
        off=(np.abs(gaps) > TOLERANCE).reshape(BOOTSTRAP, -1).sum(axis=1),
        outside=beyond_chance(gaps, groups).reshape(BOOTSTRAP, -1).sum(axis=1),
        worst=np.abs(gaps).reshape(BOOTSTRAP, -1).max(axis=1),
    )


def sharpening_tables(
    issues: Issues, scored: dict[str, Scored], chance: Chance, rng: np.random.Generator
) -> list[str]:
    """The variants' scores and coverage. Accepted as the brief asks: a CRPS gain whose interval
    excludes 0, every coverage within 5 points of nominal and the misses below and above the 80%
    interval within 3 points of each other; accepted beyond noise: the same with the coverage
    rule replaced by overall coverage within 5 points and no more checks outside their binomial
    band than a calibrated forecast has in 95% of simulations."""
    groups = subgroups(issues)
    base = scored[next(iter(VARIANTS))].crps
    head = [
        (
            "| variant | CRPS [split range] | ΔCRPS vs baseline (95%) [split range]"
            " | cover 50/80/90 |"
            " below/above 80 | mean PIT | checks off >5 pts | checks outside binomial band |"
            " worst gap, points (where) | accepted (brief's rule) | accepted (beyond noise) |"
        ),
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    coverage = [
        "| variant | " + " | ".join(groups) + " |",
        "|---|" + "---|" * len(groups),
    ]
    for name, s in scored.items():
        per_split = s.crps.mean(axis=1)
        delta, low, high = mae_difference(s.crps.mean(0), base.mean(0), issues.proposal, rng)
        delta_split = per_split - base.mean(axis=1)
        gaps = coverage_gaps(s.inside.mean(axis=0), groups)  # averaged over splits
        share = dict(zip(groups, gaps + np.array(LEVELS), strict=True))
        worst_group, worst_level = np.unravel_index(np.abs(gaps).argmax(), gaps.shape)
        worst = gaps[worst_group, worst_level]
        off = int((np.abs(gaps) > TOLERANCE).sum())
        outside = int(beyond_chance(gaps, groups).sum())
        below, above = s.below80.mean(), s.above80.mean()
        balanced = abs(below - above) <= BALANCE
        overall = np.all(np.abs(gaps[0]) <= TOLERANCE)
        accepted = high < 0 and off == 0 and balanced
        noise_aware = high < 0 and overall and outside <= chance.allowed and balanced
        head.append(
            f"| {name} | {per_split.mean():.2f} [{per_split.min():.2f}-{per_split.max():.2f}]"
            f" | {delta:+.2f} ({low:+.2f} to {high:+.2f}) [{delta_split.min():+.2f} to"
            f" {delta_split.max():+.2f}] | {' / '.join(f'{c:.3f}' for c in share['all'])}"
            f" | {below:.3f} / {above:.3f} | {s.pit.mean():.3f}"
            f" | {off} | {outside} | {100 * worst:+.1f} ({list(groups)[worst_group]},"
            f" {int(100 * LEVELS[worst_level])}%)"
            f" | {'yes' if accepted else 'no'} | {'yes' if noise_aware else 'no'} |"
        )
        coverage.append(
            f"| {name} | "
            + " | ".join("/".join(f"{100 * c:.0f}" for c in share[g]) for g in groups)
            + " |"
        )
    sizes = ", ".join(f"{g} {mask.sum()}" for g, mask in groups.items())
    return [
        *head,
        "",
        f"Coverage of the central 50/80/90% intervals (percent) by subgroup (issues: {sizes}):",
        "",
        *coverage,
    ]


def scoring_check(issues: Issues, masks: list[list[np.ndarray]]) -> str:
    """Today's scheme scored on the first split both ways: by the weighted formulas here and by
    :mod:`flashpoint.analysis.backtest.scores` on its plain samples (the numbers of
    docs/validity.md)."""
    crps_gap, coverage_gap = 0.0, []
    for test in masks[0]:
        values, weights = baseline(issues, ~test, test)
        actual = issues.actual[test]
        plain = crps(values.T, actual)
        crps_gap = max(crps_gap, np.abs(weighted_crps(values, weights, actual) - plain).max())
        grid = equal_samples(values, weights)
        coverage_gap += [
            covered(grid, actual, lv) != covered(values.T, actual, lv) for lv in LEVELS
        ]
    return (
        f"Check: the weighted CRPS differs from scores.crps by at most {crps_gap:.1e} points;"
        f" coverage from the {GRID}-point quantile grid differs from scores.covered on the plain"
        f" samples for {np.concatenate(coverage_gap).sum()} of {3 * len(issues.actual)}"
        " issue-levels."
    )


def shipped_scale(issues: Issues) -> str:
    """The error scale by the models' spread fitted on every issue (what would ship)."""
    slope, intercept = np.polyfit(issues.spread, np.abs(issues.errors), 1)
    scale = spread_scale(issues)
    return (
        f"The error scale by the models' spread, fitted on all {len(issues.actual)} issues:"
        f" s(x) = {intercept:.4f} + {slope:.5f} x, x the standard deviation (ddof 0) of the"
        f" {len(issues.names)} models' point forecasts ({', '.join(issues.names)}) in points of"
        f" the range, from {issues.spread.min():.1f} to {issues.spread.max():.1f} (median"
        f" {np.median(issues.spread):.1f}); s from {scale.min():.3f} to {scale.max():.3f};"
        f" correlation of |e| with x {np.corrcoef(np.abs(issues.errors), issues.spread)[0, 1]:.2f}."
    )


def end_calibration(issues: Issues, masks: list[list[np.ndarray]]) -> list[str]:
    """How well today's scheme and the logit give P(outcome at 0) and P(at 100), out of fold:
    the mean predicted against the observed share, and the Brier score of (at 0, at 100)."""
    today = np.empty((len(masks), len(issues.actual), 2))
    logit = np.empty_like(today)
    for split, tests in enumerate(masks):
        for test in tests:
            values = shifted(issues, ~test, test)
            today[split, test] = np.column_stack([(values <= 0).mean(1), (values >= 100).mean(1)])
            logit[split, test] = end_probabilities(issues, ~test, test)
    observed = np.column_stack([issues.actual <= 0, issues.actual >= 100]).astype(float)
    lines = [
        "| P(at an end) from | mean P(0) / observed | mean P(100) / observed | Brier score |",
        "|---|---|---|---|",
    ]
    for name, p in (("today's samples (clipping)", today), ("multinomial logit", logit)):
        mean = p.mean(axis=(0, 1))
        brier = ((p - observed) ** 2).sum(axis=2).mean()
        lines.append(
            f"| {name} | {mean[0]:.3f} / {observed[:, 0].mean():.3f}"
            f" | {mean[1]:.3f} / {observed[:, 1].mean():.3f} | {brier:.4f} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=20, help="random fold splits")
    parser.add_argument("--draws", type=int, default=20000, help="joint draws per package")
    arguments = parser.parse_args()
    issues = load()
    masks = splits(issues.proposal, arguments.seeds)
    rng = np.random.default_rng(0)
    at_end = np.isin(issues.actual, (0.0, 100.0))
    print(
        f"# {len(issues.actual)} issues on scales {issues.scales};"
        f" outcomes at a scale end: {at_end.mean():.3f}"
        f" (at 0: {np.mean(issues.actual == 0):.3f}, at 100: {np.mean(issues.actual == 100):.3f});"
        f" reference point known for {np.sum(~np.isnan(issues.reference))}, outcome exactly at it"
        f" for {np.sum(issues.actual == issues.reference)}"
    )
    print("\n## 1. Correlation of errors within a proposal\n")
    print("\n".join(correlation_table(issues, rng)))
    print("\n## 2. Joint draws for the issues of a package\n")
    print("\n".join(joint_table(issues, joint_scores(issues, masks, arguments.draws), rng)))
    print("\n## 3-4. Sharper distributions, and today's scheme with the sign corrected\n")
    scored = {name: cross_validate(variant, issues, masks) for name, variant in VARIANTS.items()}
    groups = subgroups(issues)
    chance = calibration_noise(issues, groups, rng)
    print("\n".join(sharpening_tables(issues, scored, chance, rng)))
    print("\n" + chance.describe())
    briefs = {name: mask for name, mask in groups.items() if not name.startswith("spread")}
    print("\nWithout the spread terciles: " + calibration_noise(issues, briefs, rng).describe())
    print("\n" + scoring_check(issues, masks))
    print("\n" + shipped_scale(issues))
    print("\nP(outcome at an end), out of fold:\n")
    print("\n".join(end_calibration(issues, masks)))


if __name__ == "__main__":
    main()
