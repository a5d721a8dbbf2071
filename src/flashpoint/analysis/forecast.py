"""The forecast: run models on a scenario and say which named future each prediction is in.

:func:`run_forecast` runs a :class:`~flashpoint.analysis.request.ForecastRequest`: each model
once on the scenario's stated values, its predicted outcome classified into the scenario's
named futures, and with more than one draw on Monte Carlo draws of the uncertain inputs too.
:func:`forecast` is the same with keyword arguments. The result, :class:`Forecast`, turns into
the documented JSON document (``docs/json-output.md``) with :meth:`Forecast.to_dict`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from flashpoint.analysis.agreement import (
    AgreementOdds,
    Refusal,
    Terms,
    ZoneOdds,
    odds,
    refusals,
    settle,
    zone_odds,
    zone_of_agreement,
)
from flashpoint.analysis.backtest.recommend import Recommendation, shipped
from flashpoint.analysis.brief import Brief
from flashpoint.analysis.brief import brief as brief_of
from flashpoint.analysis.headline import (
    HEADLINE,
    STATED_SAMPLES,
    Basis,
    basis,
    headline_outcomes,
)
from flashpoint.analysis.montecarlo import (
    STREAMED_ABOVE,
    MonteCarlo,
    agreed_of,
    agreement_of,
    paths_of,
    run_draws,
    zones_of,
)
from flashpoint.analysis.outcomes import (
    UNCLASSIFIED,
    Reversion,
    classify,
    future_label,
    reversion_of,
)
from flashpoint.analysis.prepare import Prepared, RequestedRun, document_head, prepare
from flashpoint.analysis.progress import Progress, Tally
from flashpoint.analysis.request import ForecastRequest
from flashpoint.analysis.signposts import Signposts, signposts
from flashpoint.analysis.streaming import RunSums, SummedMonteCarlo
from flashpoint.analysis.tree import Branch, follow, likely_shocks
from flashpoint.analysis.uncertainty import PathBands, Spread, path_bands, spread, spread_dict
from flashpoint.engine.arrays import ScenarioArrays
from flashpoint.engine.executors import Executor, run_blocks
from flashpoint.engine.seeding import named_stream
from flashpoint.models.base import Trajectory
from flashpoint.models.registry import get_model
from flashpoint.scenario.load import DEFAULT_SCENARIO
from flashpoint.scenario.schema import Outcome, Scenario
from flashpoint.scenario.shocks import apply_shocks

if TYPE_CHECKING:
    import pandas

SCHEMA = "flashpoint.forecast/1"


@dataclass(frozen=True, eq=False)
class ModelResult:
    """One model's forecast: the predicted outcome per issue (after the agreement test:
    :mod:`flashpoint.analysis.agreement`) and the future it falls in; ``blocked`` maps each
    issue that was not agreed to the actors who refused it, and ``refusals`` say why (what the
    deal and no deal were worth to each); with Monte Carlo draws of a scenario whose outcomes
    need consent, ``agreement`` says how often the bargain stood. ``trajectory`` is the model's
    run, before the test; ``path``, asked for with ``paths``, its positions round by round with
    fan bands over the draws (iterative models only)."""

    model: str
    label: str
    options: dict[str, Any]
    outcome: dict[str, float]
    future: str | None
    trajectory: Trajectory = field(repr=False)
    spread: Spread | None = field(default=None, repr=False)
    blocked: dict[str, tuple[str, ...]] = field(default_factory=dict)
    refusals: tuple[Refusal, ...] = ()
    agreement: AgreementOdds | None = field(default=None, repr=False)
    path: PathBands | None = field(default=None, repr=False)

    @property
    def rounds(self) -> int:
        return self.trajectory.rounds


@dataclass(frozen=True, eq=False)
class Forecast(RequestedRun):
    """Forecasts of several models for one scenario (after any shocks), with the request that
    ran them (seed and models filled in). With Monte Carlo draws, ``traces`` holds each model's
    forecast on every draw, ``[draw, issue]`` (after the agreement test), which the summaries
    were made from."""

    request: ForecastRequest
    scenario: Scenario
    source: str
    results: dict[str, ModelResult]
    timings: dict[str, float]
    ensemble: Spread | None = None
    recommended: Spread | None = None
    recommendation: Recommendation | None = field(default=None, repr=False)
    headline_agreement: AgreementOdds | None = field(default=None, repr=False)
    basis: Basis | None = field(default=None, repr=False)
    zones: dict[str, ZoneOdds] | None = field(default=None, repr=False)
    tree: list[Branch] | None = None
    traces: dict[str, np.ndarray] | None = field(default=None, repr=False)
    signposts: Signposts | None = field(default=None, repr=False)

    def brief(self, **more: Any) -> Brief | None:
        """The forecast's bottom line (:func:`flashpoint.analysis.brief.brief`; ``more``: the
        comparison, sensitivity analysis and levers search it may also draw on), with the
        signposts the request asked for (``brief=True``)."""
        return brief_of(self, self.signposts, **more)

    def __getitem__(self, model: str) -> ModelResult:
        return self.results[model]

    @property
    def shocks(self) -> tuple[str, ...]:
        return self.request.shocks

    @property
    def models(self) -> list[str]:
        return list(self.results)

    def future_label(self, future: str | None) -> str:
        return future_label(self.scenario.outcomes, future)

    def to_dict(self) -> dict[str, Any]:
        """The forecast as the JSON document described in ``docs/json-output.md``."""
        scenario = self.scenario
        head = document_head(SCHEMA, self.scenario, self.source, self.request)
        return {
            **head,
            "scenario": {
                "id": scenario.id,
                "title": scenario.title,
                "as_of": scenario.as_of.isoformat() if scenario.as_of else None,
                "source": self.source,
                "issues": [
                    {"id": i.id, "label": i.label, "min": i.min, "max": i.max}
                    for i in scenario.issues
                ],
                "futures": [{"id": o.id, "label": o.label} for o in scenario.outcomes],
            },
            "shocks": list(self.shocks),
            "seed": self.seed,
            "models": {
                name: {
                    "label": result.label,
                    "options": result.options,
                    "rounds": result.rounds,
                    "outcome": {
                        issue.id: {
                            "value": result.outcome[issue.id],
                            "anchor": issue.anchor_text(result.outcome[issue.id]),
                        }
                        for issue in scenario.issues
                    },
                    "future": None
                    if result.future is None
                    else {"id": result.future, "label": self.future_label(result.future)},
                    "blocked": {issue: list(who) for issue, who in result.blocked.items()},
                    "refusals": [
                        {
                            "actor": refusal.actor,
                            "issues": list(refusal.issues),
                            "deal": refusal.deal,
                            "no_deal": refusal.no_deal,
                            "red_lines": [
                                {"issue": issue, "outcome": value, "red_line": line}
                                for issue, value, line in refusal.red_lines
                            ],
                        }
                        for refusal in result.refusals
                    ],
                    "agreement": None if result.agreement is None else result.agreement.to_dict(),
                    "path": None
                    if result.path is None
                    else result.path.to_dict(
                        [actor.id for actor in scenario.actors], [i.id for i in scenario.issues]
                    ),
                    **spread_dict(result.spread, self.future_label),
                }
                for name, result in self.results.items()
            },
            "draws": self.draws,
            "jitter": self.jitter,
            "ensemble": None
            if self.ensemble is None
            else spread_dict(self.ensemble, self.future_label),
            "tree": None
            if self.tree is None
            else [
                {
                    "shock": branch.shock,
                    "label": branch.label,
                    "probability": list(branch.probability),
                    "share": branch.share,
                }
                for branch in self.tree
            ],
            "zone_of_agreement": None
            if self.zones is None
            else {issue: zone.to_dict() for issue, zone in self.zones.items()},
            "recommended": self.recommended_dict(),
            "brief": _brief_dict(self.brief()) if self.request.brief else None,
            "timings": dict(self.timings),
        }

    def recommended_dict(self) -> dict[str, Any] | None:
        """The headline forecast's part of the JSON document (``recommended``): what it is, its
        horizon and basis, its agreement and each future's and issue's spread; None where the
        headline was not computed."""
        if self.recommended is None or self.recommendation is None:
            return None
        scenario = self.scenario
        return {
            "description": self.recommendation.describe(),
            "horizon": scenario.horizon.isoformat() if scenario.horizon else None,
            "basis": None if self.basis is None else self.basis.to_dict(),
            "agreement": None
            if self.headline_agreement is None
            else self.headline_agreement.to_dict(),
            **spread_dict(self.recommended, self.future_label),
        }

    def to_frame(self) -> pandas.DataFrame:
        """The forecast as a table, one row per model (and ``ensemble``, the models with equal
        weights, and ``recommended``, the recommended forecast) and quantity:
        ``kind`` is ``outcome`` (the prediction on the stated values, per issue), ``median``
        (over the draws, per issue, ``low``-``high`` its 90% interval) or ``probability`` (of
        each future over the draws, ``low``-``high`` its 95% Wilson interval)."""
        import pandas

        rows = []
        for name, result in self.results.items():
            for issue, value in result.outcome.items():
                rows.append(_frame_row(name, "outcome", issue, value, (math.nan, math.nan)))
        summaries = [(name, result.spread) for name, result in self.results.items()]
        for name, summary in [
            *summaries,
            ("ensemble", self.ensemble),
            ("recommended", self.recommended),
        ]:
            if summary is None:
                continue
            for issue, d in summary.distribution.items():
                rows.append(_frame_row(name, "median", issue, d.median, d.interval_90))
            for future, p in summary.futures.items():
                rows.append(_frame_row(name, "probability", future, p.probability, p.interval_95))
        return pandas.DataFrame(rows, columns=["model", "kind", "name", "value", "low", "high"])

    def __repr__(self) -> str:
        lines = [
            f"Forecast of '{self.scenario.title}'"
            + (f" with shocks {', '.join(self.shocks)}" if self.shocks else "")
        ]
        for name, result in self.results.items():
            values = ", ".join(f"{key} {value:.1f}" for key, value in result.outcome.items())
            lines.append(f"  {name}: {values} -> {self.future_label(result.future)}")
        return "\n".join(lines)


def _frame_row(
    model: str, kind: str, name: str | None, value: float, interval: tuple[float, float]
) -> dict[str, Any]:
    return {
        "model": model,
        "kind": kind,
        "name": name,
        "value": value,
        "low": interval[0],
        "high": interval[1],
    }


def forecast(
    scenario: Scenario | str | Path = DEFAULT_SCENARIO,
    models: Sequence[str] | None = None,
    *,
    shocks: Sequence[str] = (),
    options: Mapping[str, Mapping[str, Any]] | None = None,
    seed: int | None = None,
    draws: int = 1,
    jitter: float = 0.0,
    tree: bool = False,
    paths: bool = False,
    brief: bool = False,
    executor: Executor = "auto",
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> Forecast:
    """Run models on a scenario and classify each prediction into the named futures: the
    :class:`~flashpoint.analysis.request.ForecastRequest` of these arguments, run.

    Parameters
    ----------
    scenario:
        A :class:`Scenario`, a file, or a bundled scenario's name (default ``korea-2018``).
    models:
        Names of registered models (default: every one, see ``flashpoint models``).
    shocks:
        Names of the scenario's shocks to apply first, in order.
    options:
        Per model, its options, e.g. ``{"eum": {"rounds": 10}}``. They override, option by
        option, the ones the scenario states for the model (``scenario.model_options``).
    seed:
        Root of every random stream; each model gets its own stream derived from the seed and
        its name, so the models run and their order do not change one another's numbers.
        Default: the scenario's seed, else 0. :attr:`Forecast.seed` is the seed used.
    draws:
        With more than 1, the models also run on that many Monte Carlo draws of the scenario's
        uncertain inputs (:mod:`flashpoint.engine.sampling`), and each result gets a
        :class:`~flashpoint.analysis.uncertainty.Spread`: every issue's distribution and every
        future's probability; :attr:`Forecast.ensemble` pools the models with equal weights.
        The stated values' forecast stays each result's ``outcome`` and ``future``.
    jitter:
        Spread every input without an uncertainty entry of its own by this share of its range.
    tree:
        With draws, let each draw follow one branch of the scenario tree: the scenario as
        stated, or one of its shocks that state a probability (:mod:`flashpoint.analysis.tree`);
        :attr:`Forecast.tree` lists the branches.
    paths:
        With draws, keep each iterative model's positions round by round with fan bands over
        the draws (:attr:`ModelResult.path`, :class:`~flashpoint.analysis.uncertainty.PathBands`).
    brief:
        Measure the signposts a bottom line is written from (:meth:`Forecast.brief`, and the
        JSON's ``brief``): about a second more.
    executor, workers, scheduler:
        How the draws run (:func:`flashpoint.engine.executors.run_blocks`); the numbers are the
        same on every executor. The draws are those of the scenario before the shocks, so a
        shocked forecast and :func:`flashpoint.compare` see the same random numbers.
    progress:
        Called as ``progress(done, total)`` with the Monte Carlo draws done
        (:mod:`flashpoint.analysis.progress`).
    """
    return run_forecast(ForecastRequest.of_arguments(locals()), progress)


def run_forecast(request: ForecastRequest, progress: Progress | None = None) -> Forecast:
    """Run a forecast request (see :func:`forecast` for what each setting does)."""
    prepared = prepare(request)
    seed, shocks = prepared.seed, request.shocks
    shocked = apply_shocks(prepared.scenario, shocks)
    arrays = ScenarioArrays.from_scenario(shocked)
    results: dict[str, ModelResult] = {}
    timings: dict[str, float] = {}
    terms = Terms.of(shocked, arrays)
    reversion = reversion_of(shocked)
    bargains: dict[str, np.ndarray] = {}
    for name, chosen in prepared.options.items():
        spec = get_model(name)
        started = time.perf_counter()
        trajectory = spec(arrays, chosen, named_stream(seed, spec.name))
        verdict = settle(terms, arrays, trajectory.forecast, spec.utility)
        timings[spec.name] = time.perf_counter() - started
        bargains[spec.name] = trajectory.forecast
        predicted = verdict.outcome[0]
        agreed = verdict.agreed if terms.needed else None
        future = classify(shocked.outcomes, verdict.outcome, arrays.issues, reversion, agreed)[0]
        results[spec.name] = ModelResult(
            model=spec.name,
            label=spec.label,
            options=chosen.model_dump(mode="json"),
            outcome={
                issue: float(value) for issue, value in zip(arrays.issues, predicted, strict=True)
            },
            future=None if future == UNCLASSIFIED else shocked.outcomes[future].id,
            trajectory=trajectory,
            blocked={
                issue: tuple(
                    actor for a, actor in enumerate(arrays.actors) if verdict.blocked[0, a, i]
                )
                for i, issue in enumerate(arrays.issues)
                if not verdict.agreed[0, i]
            },
            refusals=tuple(refusals(terms, arrays, trajectory.forecast, spec.utility)),
        )
    ensemble, tree, recommended, headline_odds, traces = None, None, None, None, None
    outcomes, issues = shocked.outcomes, arrays.issues
    recommendation = shipped()
    stated_zone = zone_of_agreement(terms, arrays) if terms.needed else None
    drawn_zone = stated_zone
    if request.draws > STREAMED_ABOVE and not (request.tree or request.paths):
        started = time.perf_counter()
        sums = _summed_draws(prepared, arrays, outcomes, reversion, recommendation, progress)
        timings["monte_carlo"] = time.perf_counter() - started
        drawn_zone = None  # summed-up draws keep no zone of agreement
        results = {
            name: replace(
                result,
                spread=sums.models[name].spread(outcomes, issues),
                agreement=sums.agreement[name].odds(arrays.issues, arrays.actors)
                if name in sums.agreement
                else None,
            )
            for name, result in results.items()
        }
        ensemble = sums.pooled.spread(outcomes, issues)
        if HEADLINE in sums.models:
            recommended = sums.models[HEADLINE].spread(outcomes, issues)
            if HEADLINE in sums.agreement:
                headline_odds = sums.agreement[HEADLINE].odds(arrays.issues, arrays.actors)
    elif request.draws > 1:
        started = time.perf_counter()
        drawn, tree = _draws(prepared, recommendation, progress)
        values, tests = agreement_of(drawn)
        drawn_zone = zones_of(drawn)
        paths = paths_of(drawn)
        timings["monte_carlo"] = time.perf_counter() - started
        results = {
            name: replace(
                result,
                spread=spread(values[name], outcomes, issues, reversion, agreed_of(tests, name)),
                agreement=odds(*tests[name], arrays.issues, arrays.actors)
                if name in tests
                else None,
                path=path_bands(result.trajectory.positions[:, 0], paths[name])
                if name in paths
                else None,
            )
            for name, result in results.items()
        }
        traces = {name: values[name] for name in results}
        ensemble = spread(
            np.concatenate(list(traces.values())),
            outcomes,
            issues,
            reversion,
            np.concatenate([tests[name][0] for name in results]) if tests else None,
        )
        if HEADLINE in values:
            agreed = agreed_of(tests, HEADLINE)
            recommended = spread(values[HEADLINE], outcomes, issues, reversion, agreed)
            if HEADLINE in tests:
                headline_odds = odds(*tests[HEADLINE], arrays.issues, arrays.actors)
    else:
        for name, options in prepared.headline_runs(recommendation.models):
            spec = get_model(name)
            bargains[name] = spec(arrays, options, named_stream(seed, name), events=False).forecast
        stated = {name: np.repeat(b, STATED_SAMPLES, axis=0) for name, b in bargains.items()}
        rng = named_stream(seed, HEADLINE)
        verdict = headline_outcomes(recommendation, stated, arrays, terms, rng)
        if verdict is not None:
            agreed = verdict.agreed if terms.needed else None
            recommended = spread(verdict.outcome, outcomes, issues, reversion, agreed)
            if terms.needed:
                refused, lines = verdict.blocked.any(axis=2), verdict.crossed.any(axis=2)
                headline_odds = odds(verdict.agreed, refused, lines, arrays.issues, arrays.actors)
    return Forecast(
        request=prepared.request,
        scenario=shocked,
        source=prepared.source,
        results=results,
        timings=timings,
        ensemble=ensemble,
        recommended=recommended,
        recommendation=recommendation if recommended is not None else None,
        headline_agreement=headline_odds,
        basis=None
        if recommended is None
        else basis(recommendation, shocked, recommended, request.draws),
        zones=_zones(terms, stated_zone, drawn_zone, arrays),
        tree=tree,
        traces=traces,
        signposts=signposts(prepared, recommendation, shocked)
        if request.brief and recommended is not None
        else None,
    )


def _brief_dict(found: Brief | None) -> dict[str, Any] | None:
    return None if found is None else found.to_dict()


def _zones(
    terms: Terms,
    stated: tuple[np.ndarray, ...] | None,
    drawn: tuple[np.ndarray, ...] | None,
    arrays: ScenarioArrays,
) -> dict[str, ZoneOdds] | None:
    """The zone of agreement of each issue that needs consent, on the stated values and over
    the draws kept (the stated values' alone without them; None where nothing needs consent,
    or the draws were summed up)."""
    if stated is None or drawn is None:
        return None
    found = zone_odds(stated, drawn, arrays.issues, arrays.actors)
    needed = terms.consent.any(axis=0)
    return {issue: zone for i, (issue, zone) in enumerate(found.items()) if needed[i]}


def _summed_draws(
    prepared: Prepared,
    arrays: ScenarioArrays,
    outcomes: Sequence[Outcome],
    reversion: Reversion,
    recommendation: Recommendation,
    progress: Progress | None,
) -> RunSums:
    """The request's Monte Carlo draws (of the scenario before its shocks, the shocks applied
    to each draw), summed up block by block where they run
    (:mod:`flashpoint.analysis.streaming`)."""
    request = prepared.request
    run = MonteCarlo(
        prepared.scenario,
        prepared.model_runs,
        prepared.seed,
        request.jitter,
        shocks=(request.shocks,),
        recommendation=recommendation,
        headline_models=prepared.headline_runs(recommendation.models),
    )
    task = SummedMonteCarlo(
        run, arrays.issues, tuple(outcomes), tuple(reversion), arrays.lower, arrays.upper
    )
    tally = Tally(progress, request.draws)
    return run_blocks(
        task, task.sizes(request.draws), progress=tally.counter(1), **request.execution()
    )


def _draws(
    prepared: Prepared, recommendation: Recommendation, progress: Progress | None
) -> tuple[dict[str, np.ndarray], list[Branch] | None]:
    """Each model's forecasts, and the headline's, on the request's Monte Carlo draws (of the
    scenario before its shocks, the shocks applied to each draw; with a tree, each draw's from
    the branch it follows), and the tree's branches."""
    request = prepared.request
    branches = ((),) + tuple((s,) for s in likely_shocks(prepared.scenario)) if request.tree else ()
    run = MonteCarlo(
        prepared.scenario,
        prepared.model_runs,
        prepared.seed,
        request.jitter,
        shocks=branches or (request.shocks,),
        recommendation=recommendation,
        headline_models=prepared.headline_runs(recommendation.models),
        paths=request.paths,
    )
    tally = Tally(progress, request.draws * len(run.variants))
    per_variant = run_draws(
        run, request.draws, progress=tally.counter(len(run.variants)), **request.execution()
    )
    if not request.tree:
        return per_variant[0], None
    return follow(prepared.scenario, per_variant, named_stream(prepared.seed, "tree"))
