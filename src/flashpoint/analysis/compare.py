"""Compare a scenario with shocked versions of it, on common random numbers.

``compare()`` runs the models on the same Monte Carlo draws of the scenario's uncertain inputs
once as stated (the baseline) and once under each shock (or composition of shocks), with the
same random streams (:mod:`flashpoint.engine.montecarlo`, variants). Each shock's effect is
then measured draw by draw: the change in each future's probability with Newcombe's interval
for paired proportions, and the mean change of each issue's predicted outcome with its normal
interval. A shock that changes nothing changes no draw, so its differences are exactly zero.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from flashpoint.analysis.backtest.recommend import shipped
from flashpoint.analysis.headline import HEADLINE, Basis, basis
from flashpoint.analysis.montecarlo import MonteCarlo, Results, Tests, agreement_of, run_draws
from flashpoint.analysis.outcomes import (
    UNCLASSIFIED,
    Reversion,
    classify,
    future_label,
    reversion_of,
)
from flashpoint.analysis.prepare import RequestedRun, document_head, prepare
from flashpoint.analysis.progress import Progress, Tally
from flashpoint.analysis.request import CompareRequest
from flashpoint.analysis.uncertainty import (
    Z_95,
    Spread,
    paired_difference_interval,
    spread,
    spread_dict,
)
from flashpoint.engine.executors import Executor
from flashpoint.scenario.load import DEFAULT_SCENARIO
from flashpoint.scenario.schema import Scenario, Shock

if TYPE_CHECKING:
    import pandas

SCHEMA = "flashpoint.compare/1"
BASELINE = "baseline"
ENSEMBLE = "ensemble"


@dataclass(frozen=True)
class Difference:
    """A shock's effect on one quantity: the change from the baseline and its 95% interval."""

    value: float
    interval_95: tuple[float, float]


@dataclass(frozen=True)
class Effect:
    """A shock's effect on one model's (or the ensemble's) forecast: the change in each
    future's probability, and the mean change in each issue's predicted outcome."""

    futures: dict[str | None, Difference]
    issues: dict[str, Difference]


@dataclass(frozen=True)
class Mechanism:
    """Why a shock moved a forecast's futures, draw by draw on common random numbers: the share
    of draws whose bargain stood as stated and is refused under the shock (``newly_refused``)
    and the reverse (``newly_agreed``); per actor whose share changed, how often it refuses as
    stated and under the shock (``refused_by``), and how often at its red line (``red_line``);
    and the share of draws whose agreement is unchanged but whose future changed, the bargain
    having moved across a future's threshold (``moved``)."""

    newly_refused: float
    newly_agreed: float
    refused_by: dict[str, tuple[float, float]]
    red_line: dict[str, tuple[float, float]]
    moved: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "newly_refused": self.newly_refused,
            "newly_agreed": self.newly_agreed,
            "refused_by": {a: list(shares) for a, shares in self.refused_by.items()},
            "red_line": {a: list(shares) for a, shares in self.red_line.items()},
            "moved": self.moved,
        }


@dataclass(frozen=True)
class Variant:
    """The scenario under one list of shocks (none for the baseline): each model's and the
    ensemble's forecast summary, and for a shock its effect against the baseline."""

    name: str
    shocks: tuple[str, ...]
    label: str
    spreads: dict[str, Spread]
    effects: dict[str, Effect] | None
    mechanism: Mechanism | None = None

    @property
    def lead(self) -> str:
        """What this variant leads with: the headline forecast if its models ran, else the
        models pooled with equal weights."""
        return HEADLINE if HEADLINE in self.spreads else ENSEMBLE

    def summary(self, model: str | None = None) -> Spread:
        return self.spreads[model or self.lead]


@dataclass(frozen=True, eq=False)
class Comparison(RequestedRun):
    """The baseline and each shock side by side (see the module docstring), with the request
    that ran them (seed and models filled in) and each model's options; ``traces`` holds, per
    variant, each model's forecast on every draw ``[draw, issue]``."""

    request: CompareRequest
    scenario: Scenario
    source: str
    options: dict[str, dict[str, Any]]
    variants: list[Variant]
    timings: dict[str, float]
    traces: dict[str, dict[str, np.ndarray]] | None = field(default=None, repr=False)
    basis: Basis | None = field(default=None, repr=False)

    @property
    def models(self) -> list[str]:
        return list(self.options)

    @property
    def baseline(self) -> Variant:
        return self.variants[0]

    @property
    def shocked(self) -> list[Variant]:
        return self.variants[1:]

    def __getitem__(self, name: str) -> Variant:
        for variant in self.variants:
            if variant.name == name:
                return variant
        raise KeyError(
            f"no variant '{name}' (variants: {', '.join(v.name for v in self.variants)})"
        )

    def future_label(self, future: str | None) -> str:
        return future_label(self.scenario.outcomes, future)

    def to_dict(self) -> dict[str, Any]:
        """The comparison as JSON (``docs/json-output.md``, the compare document)."""
        return {
            **document_head(SCHEMA, self.scenario, self.source, self.request),
            "seed": self.seed,
            "draws": self.draws,
            "jitter": self.jitter,
            "models": {name: {"options": options} for name, options in self.options.items()},
            "headline": {
                "forecast": self.baseline.lead,
                "horizon": self.scenario.horizon.isoformat() if self.scenario.horizon else None,
                "basis": None if self.basis is None else self.basis.to_dict(),
            },
            "variants": [
                {
                    "name": variant.name,
                    "label": variant.label,
                    "shocks": list(variant.shocks),
                    "forecasts": {
                        model: spread_dict(summary, self.future_label)
                        for model, summary in variant.spreads.items()
                    },
                    "effects": None
                    if variant.effects is None
                    else {model: _effect_dict(effect) for model, effect in variant.effects.items()},
                    "mechanism": None if variant.mechanism is None else variant.mechanism.to_dict(),
                }
                for variant in self.variants
            ],
            "timings": dict(self.timings),
        }

    def to_frame(self) -> pandas.DataFrame:
        """One row per variant, model (and ``ensemble``) and quantity: each future's probability
        (``value``, ``low``-``high`` its 95% interval) and each issue's median outcome (``value``,
        ``low``-``high`` its 90% interval) and ``mean`` outcome, with the change from the
        baseline and its interval (empty for the baseline): for a future the change in its
        probability, for an issue the mean change (so ``change`` is the change of ``mean``)."""
        import pandas

        rows = []
        for variant in self.variants:
            for model, summary in variant.spreads.items():
                effect = variant.effects[model] if variant.effects is not None else None
                for future, p in summary.futures.items():
                    change = effect.futures.get(future) if effect is not None else None
                    rows.append(
                        _row(variant, model, "future", future, p.probability, p.interval_95, change)
                    )
                for issue, d in summary.distribution.items():
                    change = effect.issues[issue] if effect is not None else None
                    rows.append(
                        _row(variant, model, "issue", issue, d.median, d.interval_90, change)
                        | {"mean": d.mean}
                    )
        return pandas.DataFrame(rows)

    def __repr__(self) -> str:
        lead = self.baseline.lead
        lines = [f"Comparison of '{self.scenario.title}' over {self.draws} draws ({lead})"]
        for variant in self.shocked:
            changes = ", ".join(
                f"{self.future_label(future)} {d.value:+.3f}"
                for future, d in variant.effects[lead].futures.items()  # type: ignore[index]
            )
            lines.append(f"  {variant.name}: {changes}")
        return "\n".join(lines)


def _row(
    variant: Variant,
    model: str,
    kind: str,
    name: str | None,
    value: float,
    interval: tuple[float, float],
    change: Difference | None,
) -> dict[str, Any]:
    return {
        "variant": variant.name,
        "model": model,
        "kind": kind,
        "name": name,
        "value": value,
        "low": interval[0],
        "high": interval[1],
        "mean": None,
        "change": None if change is None else change.value,
        "change_low": None if change is None else change.interval_95[0],
        "change_high": None if change is None else change.interval_95[1],
    }


def _effect_dict(effect: Effect) -> dict[str, Any]:
    return {
        "futures": [
            {"id": future, "change": d.value, "interval_95": list(d.interval_95)}
            for future, d in effect.futures.items()
        ],
        "issues": {
            issue: {"mean_change": d.value, "interval_95": list(d.interval_95)}
            for issue, d in effect.issues.items()
        },
    }


def compare(
    scenario: Scenario | str | Path = DEFAULT_SCENARIO,
    shocks: Sequence[str | Shock | Sequence[str | Shock]] | None = None,
    models: Sequence[str] | None = None,
    *,
    options: Mapping[str, Mapping[str, Any]] | None = None,
    seed: int | None = None,
    draws: int = 1000,
    jitter: float = 0.0,
    executor: Executor = "auto",
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> Comparison:
    """The baseline against each shock, on common random numbers: the
    :class:`~flashpoint.analysis.request.CompareRequest` of these arguments, run.

    ``shocks`` lists what to compare: each item a shock (its id, or a :class:`Shock`) or a
    list of shocks applied together in order. Default: each of the scenario's shocks alone.
    ``models``, ``options``, ``seed``, ``jitter`` and the executor are as for
    :func:`flashpoint.forecast`; ``draws`` (2 or more) is the number of Monte Carlo draws every
    variant runs on. ``progress(done, total)`` counts the draws of all variants.
    """
    return run_compare(CompareRequest.of_arguments(locals()), progress)


def run_compare(request: CompareRequest, progress: Progress | None = None) -> Comparison:
    """Run a comparison request (see :func:`compare`)."""
    prepared = prepare(request)
    loaded = prepared.scenario
    given = [(s,) for s in loaded.shocks] if request.shocks is None else request.shocks
    if not given:
        raise ValueError(
            f"'{loaded.title}' names no shocks: give shocks to compare (see docs/scenario-format.md)"
        )
    shocked = [
        tuple(loaded.shock(s) if isinstance(s, str) else s for s in items) for items in given
    ]
    run = MonteCarlo(
        loaded,
        prepared.model_runs,
        prepared.seed,
        request.jitter,
        shocks=((), *shocked),
        recommendation=shipped(),
        headline_models=prepared.headline_runs(shipped().models),
    )
    started = time.perf_counter()
    tally = Tally(progress, request.draws * len(run.variants))
    drawn = run_draws(
        run, request.draws, progress=tally.counter(len(run.variants)), **request.execution()
    )
    timings = {"monte_carlo": time.perf_counter() - started}
    outcomes, issues = loaded.outcomes, tuple(issue.id for issue in loaded.issues)
    reversion = reversion_of(loaded)
    tested = [agreement_of(results) for results in drawn]
    found = [_with_ensemble(*pair) for pair in tested]
    (base, base_agreed), *rest = found

    def summarised(values: Results, agreed: Results) -> dict[str, Spread]:
        return {m: spread(values[m], outcomes, issues, reversion, agreed.get(m)) for m in values}

    variants = [
        Variant(
            name=BASELINE,
            shocks=(),
            label="As stated",
            spreads=summarised(base, base_agreed),
            effects=None,
        )
    ]
    for items, (values, agreed), (_, tests) in zip(shocked, rest, tested[1:], strict=True):
        variants.append(
            Variant(
                name="+".join(s.id for s in items),
                shocks=tuple(s.id for s in items),
                label=" + ".join(s.label or s.id for s in items),
                spreads=summarised(values, agreed),
                effects={
                    m: effect(
                        base[m],
                        values[m],
                        outcomes,
                        issues,
                        reversion,
                        (base_agreed.get(m), agreed.get(m)),
                    )
                    for m in values
                },
                mechanism=mechanism(
                    (base[HEADLINE], values[HEADLINE]),
                    (tested[0][1][HEADLINE], tests[HEADLINE]),
                    outcomes,
                    issues,
                    reversion,
                    prepared.scenario.actors,
                )
                if HEADLINE in values and HEADLINE in tests
                else None,
            )
        )
    headline = variants[0].spreads.get(HEADLINE)
    return Comparison(
        request=prepared.request,
        scenario=loaded,
        source=prepared.source,
        options=prepared.option_values,
        variants=variants,
        timings=timings,
        basis=None if headline is None else basis(shipped(), loaded, headline, request.draws),
        traces={
            variant.name: {m: v for m, v in values.items() if m not in (ENSEMBLE, HEADLINE)}
            for variant, (values, _) in zip(variants, found, strict=True)
        },
    )


def _with_ensemble(values: Results, tests: Tests) -> tuple[Results, Results]:
    """A variant's forecasts (each model's, the headline's) with the models pooled with equal
    weights (:data:`ENSEMBLE`, the headline left out), and each one's recorded agreement."""
    models = [m for m in values if m != HEADLINE]
    agreed = {m: test[0] for m, test in tests.items()}
    pooled = {ENSEMBLE: np.concatenate([values[m] for m in models])}
    if all(m in agreed for m in models) and agreed:
        agreed[ENSEMBLE] = np.concatenate([agreed[m] for m in models])
    return values | pooled, agreed


def mechanism(
    values: tuple[np.ndarray, np.ndarray],
    tests: tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]],
    outcomes: Sequence[Any],
    issues: Sequence[str],
    reversion: Reversion,
    actors: Sequence[Any],
) -> Mechanism:
    """How a shock moved a forecast, from its outcomes ``values`` (as stated, shocked)
    ``[draw, issue]`` and their agreement ``tests`` (agreed, refused, crossed)."""
    (agreed, refused, crossed), (agreed_s, refused_s, crossed_s) = tests
    stood, stands = agreed.all(axis=1), agreed_s.all(axis=1)
    before = classify(outcomes, values[0], issues, reversion, agreed)
    after = classify(outcomes, values[1], issues, reversion, agreed_s)

    def shares(first: np.ndarray, second: np.ndarray) -> dict[str, tuple[float, float]]:
        return {
            actor.id: (float(first[:, a].mean()), float(second[:, a].mean()))
            for a, actor in enumerate(actors)
            if first[:, a].mean() != second[:, a].mean()
        }

    return Mechanism(
        newly_refused=float(np.mean(stood & ~stands)),
        newly_agreed=float(np.mean(~stood & stands)),
        refused_by=shares(refused, refused_s),
        red_line=shares(crossed, crossed_s),
        moved=float(np.mean((stood == stands) & (before != after))),
    )


def effect(
    baseline: np.ndarray,
    shocked: np.ndarray,
    outcomes: Sequence[Any],
    issues: Sequence[str],
    reversion: Reversion | None = None,
    agreed: tuple[np.ndarray | None, np.ndarray | None] = (None, None),
) -> Effect:
    """A shock's effect, draw by draw: ``baseline`` and ``shocked`` are the forecasts
    ``[draw, issue]`` on the same draws (``reversion`` and each one's recorded agreement test
    ``agreed``, for futures that test agreement)."""
    before = classify(outcomes, baseline, issues, reversion, agreed[0])
    after = classify(outcomes, shocked, issues, reversion, agreed[1])
    futures: dict[str | None, Difference] = {}
    for index, outcome in [*enumerate(outcomes), (UNCLASSIFIED, None)]:
        was, is_ = before == index, after == index
        if outcome is None and not (was.any() or is_.any()):
            continue
        both = int(np.count_nonzero(was & is_))
        lost = int(np.count_nonzero(was & ~is_))
        gained = int(np.count_nonzero(~was & is_))
        neither = len(was) - both - lost - gained
        futures[None if outcome is None else outcome.id] = Difference(
            value=(gained - lost) / len(was),
            interval_95=paired_difference_interval(both, lost, gained, neither),
        )
    change = shocked - baseline
    mean = change.mean(axis=0)
    half = Z_95 * change.std(axis=0, ddof=1) / math.sqrt(change.shape[0])
    return Effect(
        futures=futures,
        issues={
            issue: Difference(float(mean[i]), (float(mean[i] - half[i]), float(mean[i] + half[i])))
            for i, issue in enumerate(issues)
        },
    )
