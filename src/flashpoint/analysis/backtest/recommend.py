"""The recommended forecast: a combination of the models chosen and fitted by cross-validation on
decided issues, with intervals from its own out-of-fold errors.

**Candidates** (each a function of the models' point forecasts of an issue):

- ``compromise``: the compromise model alone (Achen 2006 finds it as good as any on EU data);
- ``median_of_models`` and ``mean_of_models``: the median and the mean of the models' forecasts;
- ``stacked``: weights on the models, non-negative and adding up to 1, that minimise the absolute
  error (stacking, Breiman 1996, *Machine Learning* 24: 49-64, fitted by least absolute
  deviations as a linear programme);
- ``calibrated``: ``a + b * compromise``, fitted by least absolute deviations (a median
  regression, Koenker & Bassett 1978, *Econometrica* 46: 33-50).

**Choice.** The candidates are scored by k-fold cross-validation in which the issues of one group
(a proposal) are never on both sides of a fold. A candidate replaces the compromise model only if
its cross-validated MAE is lower *and* the 95% paired bootstrap interval of the difference lies
below 0 (:func:`~.scores.mae_difference`): a gain within the noise of choosing among candidates is
not taken.

**Intervals.** The chosen candidate's out-of-fold errors, as shares of each issue's range, are
its predictive distribution. An error is ``(forecast - outcome) / range``, so an outcome is the
forecast *minus* an error, kept within the issue's scale (split-conformal in spirit: Vovk,
Gammerman & Shafer 2005; Lei et al. 2018, *JASA* 113: 1094-1111). Its 80% interval is the
central 80% of those values.

**Scaled by the models' disagreement** (:class:`Scale`, when every model of
:data:`SPREAD_MODELS` ran): an error's size grows with how far the six models' forecasts of the
issue lie apart, ``x`` (their standard deviation, in points of the range): ``|e| ~ a + b x`` by
least squares (a locally weighted conformal score: Lei et al. 2018, §5.2). The errors are kept
standardised, ``z = e / s(x)`` with ``s(x) = max(a + b x, 0.01)``, and a forecast's outcome is
``forecast - s(x) z`` times the range. On the development set the scaled errors lower the
cross-validated CRPS from 17.29 to 16.55 with every coverage in its band, where errors drawn
jointly for the issues of one proposal do no better than independent ones (their correlation is
0.00): ``python bench/errors.py``, docs/validity.md.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import Any

import numpy as np

from flashpoint.analysis.backtest.scores import mae_difference

BASELINE = "compromise"
CANDIDATES = ("compromise", "median_of_models", "mean_of_models", "stacked", "calibrated")
FOLDS = 10
SPREAD_MODELS = ("compromise", "median", "nash", "eum", "exchange", "smp")
SMALLEST_SCALE = 0.01  # s(x) never below 1% of the range
ERROR_DIGITS = 10  # the decimals a recommendation's file keeps of each error

Predictions = Mapping[str, np.ndarray]  # model -> point forecast per issue


@dataclass(frozen=True)
class Combination:
    """A fitted candidate: ``weights`` per model (and ``intercept``) for the linear ones."""

    name: str
    weights: dict[str, float] = field(default_factory=dict)

    def predict(self, predictions: Predictions) -> np.ndarray:
        """The combination of the models' forecasts, element by element (of issues, or of
        draws and issues)."""
        if self.name == "median_of_models":
            return np.median(np.stack(list(predictions.values())), axis=0)
        if self.name == "mean_of_models":
            return np.mean(np.stack(list(predictions.values())), axis=0)
        if self.name == BASELINE:
            return np.asarray(predictions[BASELINE], dtype=float)
        total = np.full(
            np.shape(next(iter(predictions.values()))), self.weights.get("intercept", 0.0)
        )
        for model, weight in self.weights.items():
            if model != "intercept":
                total = total + weight * predictions[model]
        return total


def fit(name: str, predictions: Predictions, actual: np.ndarray) -> Combination:
    """Candidate ``name`` fitted to ``actual`` (the models' forecasts of the same issues)."""
    if name == "stacked":
        models = list(predictions)
        weights = least_absolute(np.column_stack([predictions[m] for m in models]), actual, True)
        return Combination(name, dict(zip(models, weights.tolist(), strict=True)))
    if name == "calibrated":
        design = np.column_stack([np.ones(len(actual)), predictions[BASELINE]])
        a, b = least_absolute(design, actual, False)
        return Combination(name, {"intercept": float(a), BASELINE: float(b)})
    return Combination(name)


def least_absolute(design: np.ndarray, target: np.ndarray, simplex: bool) -> np.ndarray:
    """Coefficients minimising ``Σ|design @ w - target|``, as a linear programme (HiGHS);
    with ``simplex`` the coefficients are non-negative and add up to 1."""
    rows, k = design.shape
    cost = np.r_[np.zeros(k), np.ones(2 * rows)]
    equalities = np.hstack([design, np.eye(rows), -np.eye(rows)])
    right = target.astype(float)
    if simplex:
        equalities = np.vstack([equalities, np.r_[np.ones(k), np.zeros(2 * rows)]])
        right = np.r_[right, 1.0]
    bounds = [(0, None) if simplex else (None, None)] * k + [(0, None)] * (2 * rows)
    from scipy.optimize import linprog  # only a backtest fits: other commands skip the import

    solved = linprog(cost, A_eq=equalities, b_eq=right, bounds=bounds, method="highs")
    if not solved.success:
        raise ValueError(f"the least absolute deviations fit failed: {solved.message}")
    return solved.x[:k]


def folds(groups: np.ndarray, k: int, rng: np.random.Generator) -> list[np.ndarray]:
    """``k`` test masks (fewer if there are fewer groups) that split the groups at random, so
    the issues of a group are in one fold."""
    names = rng.permutation(np.unique(groups))
    k = min(k, len(names))
    return [np.isin(groups, names[part::k]) for part in range(k)]


def out_of_fold(
    name: str, predictions: Predictions, actual: np.ndarray, masks: list[np.ndarray]
) -> np.ndarray:
    """Candidate ``name``'s forecast of each issue, fitted without the issue's fold."""
    forecast = np.empty(len(actual))
    for test in masks:
        train = ~test
        fitted = fit(name, _rows(predictions, train), actual[train])
        forecast[test] = fitted.predict(_rows(predictions, test))
    return forecast


def _rows(predictions: Predictions, mask: np.ndarray) -> dict[str, np.ndarray]:
    return {model: values[mask] for model, values in predictions.items()}


@dataclass(frozen=True)
class Scale:
    """How an error's size grows with the models' disagreement on the issue (the module
    docstring): ``s(x) = max(a + b x, 0.01)``, ``x`` the standard deviation of ``models``'
    forecasts in points of the issue's range."""

    models: tuple[str, ...]
    a: float
    b: float

    def size(self, predictions: Predictions, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
        """``s(x)`` of each forecast: the size of its errors, a share of the range."""
        return self.size_at(disagreement(predictions, self.models, upper - lower))

    def size_at(self, x: np.ndarray) -> np.ndarray:
        """``s(x)`` for the models' disagreement ``x``."""
        return np.maximum(self.a + self.b * x, SMALLEST_SCALE)

    @classmethod
    def fitted(cls, errors: np.ndarray, x: np.ndarray) -> Scale:
        """The least-squares line of ``|errors|`` on the disagreement ``x``."""
        b, a = np.polyfit(x, np.abs(errors), 1)
        return cls(SPREAD_MODELS, float(a), float(b))

    def to_dict(self) -> dict[str, Any]:
        return {"models": list(self.models), "a": self.a, "b": self.b}


@dataclass(frozen=True, eq=False)
class HeldScale:
    """Errors' sizes held at ``sizes`` (one per issue), whatever the models forecast: no model
    beyond the combination's is needed to size them. A screen for searches that try many
    inputs (:mod:`flashpoint.analysis.levers`), never a headline itself."""

    sizes: np.ndarray
    models: tuple[str, ...] = ()

    def size(self, predictions: Predictions, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
        """The held sizes, for every draw of ``predictions``."""
        return np.broadcast_to(self.sizes, np.shape(next(iter(predictions.values()))))

    def to_dict(self) -> dict[str, Any]:
        return {"held": self.sizes.tolist()}


def disagreement(predictions: Predictions, models: Sequence[str], span: np.ndarray) -> np.ndarray:
    """``x``: the standard deviation (population) of ``models``' forecasts, in points of each
    issue's range ``span``, element by element (of issues, or of draws and issues)."""
    stacked = np.stack([np.asarray(predictions[m], dtype=float) for m in models])
    return 100.0 * stacked.std(axis=0) / span


@dataclass(frozen=True)
class Choice:
    """The candidates' cross-validated MAE (on the 0-100 scale of each issue), the chosen one
    fitted on every issue, its out-of-fold errors as shares of each issue's range, and (with
    every model of :data:`SPREAD_MODELS`) their :class:`Scale` with each error's size."""

    mae: dict[str, float]
    difference: dict[str, tuple[float, float, float]]
    chosen: Combination
    errors: np.ndarray
    scale: Scale | None = None
    sizes: np.ndarray | None = None

    def standardised(self) -> np.ndarray:
        """The errors over their sizes (the errors themselves without a scale)."""
        return self.errors if self.sizes is None else self.errors / self.sizes


def choose(
    predictions: Predictions,
    actual: np.ndarray,
    span: np.ndarray,
    groups: np.ndarray,
    rng: np.random.Generator,
    k: int = FOLDS,
) -> Choice:
    """Score every candidate by grouped cross-validation and choose (the module docstring)."""
    masks = folds(groups, k, rng)
    available = [name for name in CANDIDATES if _applies(name, predictions)]
    forecasts = {name: out_of_fold(name, predictions, actual, masks) for name in available}
    absolute = {name: 100 * np.abs(f - actual) / span for name, f in forecasts.items()}
    mae = {name: float(e.mean()) for name, e in absolute.items()}
    difference = {
        name: mae_difference(absolute[name], absolute[BASELINE], groups, rng) for name in available
    }
    best = min(available, key=lambda name: (mae[name], CANDIDATES.index(name)))
    if difference[best][2] >= 0:  # not clearly better than the compromise model
        best = BASELINE
    errors = (forecasts[best] - actual) / span
    scale, sizes = None, None
    if all(model in predictions for model in SPREAD_MODELS):
        x = disagreement(predictions, SPREAD_MODELS, span)
        scale = Scale.fitted(errors, x)
        sizes = scale.size_at(x)
    return Choice(
        mae=mae,
        difference=difference,
        chosen=fit(best, predictions, actual),
        errors=errors,
        scale=scale,
        sizes=sizes,
    )


def _applies(name: str, predictions: Predictions) -> bool:
    """Combinations of several models need several; every candidate needs the compromise model."""
    if BASELINE not in predictions:
        return False
    return name in (BASELINE, "calibrated") or len(predictions) > 1


@dataclass(frozen=True)
class Recommendation:
    """A fitted recommended forecast: the combination and its errors (shares of an issue's
    range; standardised, with a :class:`Scale`), with where it came from. :meth:`samples` turns
    point forecasts into forecasts with the spread of those errors."""

    combination: Combination
    errors: np.ndarray
    provenance: dict[str, Any] = field(default_factory=dict)
    scale: Scale | HeldScale | None = None

    @property
    def models(self) -> list[str]:
        """The models it needs: the combination's, and the scale's."""
        if self.combination.name in ("median_of_models", "mean_of_models", "stacked"):
            combined = list(self.provenance.get("models", [])) or [BASELINE]
        else:
            combined = [BASELINE]
        scaled = list(self.scale.models) if self.scale is not None else []
        return list(dict.fromkeys(combined + scaled))

    def error_sizes(
        self, predictions: Predictions, lower: np.ndarray, upper: np.ndarray
    ) -> np.ndarray | float:
        """What each error is multiplied by for these forecasts: ``s(x)``, or 1 unscaled."""
        return 1.0 if self.scale is None else self.scale.size(predictions, lower, upper)

    def samples(self, predictions: Predictions, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
        """``[error, issue]``: the outcome each error implies, the point forecast minus the
        error (errors are forecast - outcome) times its size, kept within ``lower`` to
        ``upper`` of each issue."""
        point = self.combination.predict(predictions)
        sizes = self.error_sizes(predictions, lower, upper)
        return spread_by(point[None, :], self.errors[:, None] * sizes, lower, upper)

    def held_at(self, sizes: np.ndarray) -> Recommendation:
        """This recommendation with its errors' sizes held at ``sizes`` (per issue:
        :class:`HeldScale`), so only its combination's models need to run."""
        if self.scale is None:
            return self
        return replace(self, scale=HeldScale(np.asarray(sizes, dtype=float)))

    def draw_errors(self, shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
        """Errors ``[draw, issue]`` (standardised with a scale, else shares of each issue's
        range), drawn at random for each draw and issue: independently, as the errors of one
        proposal's issues are uncorrelated on the development set (docs/validity.md)."""
        return self.errors[rng.integers(len(self.errors), size=shape)]

    def describe_kind(self) -> str:
        """The combination, for people."""
        return {
            "compromise": "the compromise model (capability x salience weighted mean)",
            "median_of_models": "the median of the models' forecasts",
            "mean_of_models": "the mean of the models' forecasts",
            "stacked": "a weighted combination of the models",
            "calibrated": "the compromise model, recalibrated",
        }[self.combination.name]

    def describe(self) -> str:
        """The recommendation in one line, for people."""
        data = self.provenance.get("data", "decided issues")
        return f"{self.describe_kind()}, spread by its cross-validated errors on {data}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "combination": self.combination.name,
            "weights": self.combination.weights,
            "scale": None if self.scale is None else self.scale.to_dict(),
            "errors": [round(float(e), ERROR_DIGITS) for e in self.errors],
            "provenance": self.provenance,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Recommendation:
        scale = data.get("scale")
        return cls(
            Combination(str(data["combination"]), dict(data.get("weights", {}))),
            np.asarray(data["errors"], dtype=float),
            dict(data.get("provenance", {})),
            None
            if scale is None
            else Scale(tuple(scale["models"]), float(scale["a"]), float(scale["b"])),
        )


def spread_by(
    points: np.ndarray, errors: np.ndarray, lower: np.ndarray, upper: np.ndarray
) -> np.ndarray:
    """The outcomes that forecasts ``points`` with ``errors`` (shares of each issue's range,
    forecast - outcome) imply: ``point - error x range``, kept within ``lower`` to ``upper``."""
    return np.clip(points - errors * (upper - lower), lower, upper)


@functools.cache
def shipped() -> Recommendation:
    """The recommendation that ships with flashpoint (``data/recommended.json``: chosen on the
    DEU development set, docs/validity.md)."""
    text = resources.files("flashpoint").joinpath("data", "recommended.json").read_text("utf-8")
    return Recommendation.from_dict(json.loads(text))


def recommendation(choice: Choice, provenance: dict[str, Any]) -> Recommendation:
    """The recommendation a choice makes, with its provenance; its errors rounded as its file
    keeps them (:meth:`Recommendation.to_dict`), so that it scores as it will when read back."""
    errors = np.round(np.sort(choice.standardised()), ERROR_DIGITS)
    return Recommendation(choice.chosen, errors, provenance, choice.scale)
