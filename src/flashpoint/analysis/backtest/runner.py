"""Run a backtest request: the models' forecasts of decided issues, their scores, and the
recommended forecast scored out of fold (nested cross-validation: the choice and fit of the
recommendation in each fold see only the other folds)."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from flashpoint.analysis.backtest.predict import Parts, parts_of
from flashpoint.analysis.backtest.recommend import (
    BASELINE,
    Choice,
    Recommendation,
    choose,
    folds,
    recommendation,
    shipped,
)
from flashpoint.analysis.backtest.result import Backtest, Forecaster
from flashpoint.analysis.backtest.rules import with_eu_rules
from flashpoint.analysis.backtest.scores import mae_difference, score
from flashpoint.analysis.cost import BACKTEST_START, check, estimate_parts
from flashpoint.analysis.prepare import prepare
from flashpoint.analysis.progress import Progress, Tally
from flashpoint.analysis.request import BacktestRequest
from flashpoint.engine.executors import Executor, processes, run_blocks
from flashpoint.engine.seeding import named_stream
from flashpoint.scenario.errors import Location, Problem, ScenarioError
from flashpoint.scenario.outcomes import KnownOutcome, read_outcomes
from flashpoint.scenario.schema import Scenario

ENSEMBLE = "ensemble"
FIXED = "fixed"  # a recommendation scored as given, not fitted again (--recommendation)
# the recommended forecast is cross-validated within cross-validation: it needs groups to spare
MIN_GROUPS = 3


def backtest(
    scenario: Scenario | str | Path,
    outcomes: str | Path | None = None,
    models: Sequence[str] | None = None,
    *,
    options: dict | None = None,
    seed: int | None = None,
    draws: int = 100,
    jitter: float = 0.05,
    folds: int = 10,
    eu_rules: bool = False,
    recommendation: str | Path | None = None,
    executor: Executor = "auto",
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> Backtest:
    """Score every model, and the recommended forecast out of fold, on decided issues: the
    :class:`~flashpoint.analysis.request.BacktestRequest` of these arguments, run.

    ``scenario`` holds the actors (any scenario file, e.g. a long actor table of many issues),
    ``outcomes`` the table of what was decided (:mod:`flashpoint.scenario.outcomes`; without
    one, the ``actual`` outcome the scenario gives its issues); the other
    settings are as for :func:`flashpoint.forecast`, with ``jitter`` spreading the inputs where
    the scenario states no uncertainty, so that the models' intervals have a width, and
    ``folds`` the number of cross-validation folds. ``eu_rules`` runs the agreement test with
    the EU's decision rules (:mod:`.rules`). ``recommendation`` (``"shipped"`` or a saved
    recommendation's file) is scored as given, not fitted again, as the forecaster ``fixed``.
    ``progress(done, total)`` counts issues.
    """
    return run_backtest(BacktestRequest.of_arguments(locals()), progress)


def run_backtest(request: BacktestRequest, progress: Progress | None = None) -> Backtest:
    """Run a backtest request (see :func:`backtest`)."""
    started = time.perf_counter()
    prepared = prepare(request, cost=False)
    loaded = prepared.scenario
    if request.outcomes is None:
        known, where = _actual_outcomes(loaded, prepared.source), prepared.source
    else:
        known, where = read_outcomes(request.outcomes), Path(request.outcomes).name
    cases = _cases(loaded, known, where)
    if request.eu_rules:
        loaded = with_eu_rules(loaded, known)
    issues = [issue.id for issue in loaded.issues if issue.id in known]
    groups = np.array(
        [known[i].proposal if known[i].proposal is not None else f"issue:{i}" for i in issues]
    )
    task = Parts(
        loaded,
        tuple(parts_of(issues, [known[i].proposal for i in issues])),
        prepared.model_runs,
        prepared.seed,
        request.jitter,
        request.draws,
    )
    sizes = [(len(loaded.only(part).actors), len(part)) for part in task.parts]
    shared = processes(request.executor, request.workers, len(task.sizes()))
    models = [name for name, _ in task.models]
    check(estimate_parts(sizes, request.draws, models, processes=shared, start=BACKTEST_START))
    tally = Tally(progress, len(issues))
    forecasts = run_blocks(task, task.sizes(), progress=tally.counter(), **request.execution())
    timings = {"models": time.perf_counter() - started}
    actual = np.array([known[i].outcome for i in issues])
    lower, upper = cases
    span = upper - lower
    points = {name: values[0] for name, values in forecasts.items()}
    rng = named_stream(prepared.seed, "backtest")
    forecasters = {
        name: Forecaster(name, point, samples, score(point, samples, actual, span))
        for name, (point, samples) in forecasts.items()
    }
    if request.recommendation is not None:
        given = given_recommendation(request.recommendation)
        forecasters[FIXED] = fixed_forecaster(given, points, actual, span, lower, upper)
    started = time.perf_counter()
    choice, fitted = None, None
    if BASELINE in points and len(set(groups)) >= MIN_GROUPS:
        recommended, choice = _recommended(points, actual, span, groups, lower, upper, request, rng)
        forecasters[ENSEMBLE] = recommended
        chosen = recommendation(choice, {})
        fitted = recommendation(
            choice,
            {
                "out_of_fold": recommended.scores.to_dict(),
                "scores": fixed_forecaster(
                    chosen, points, actual, span, lower, upper
                ).scores.to_dict(),
                "data": f"{len(issues)} issues of {where}",
                "request": prepared.request.model_dump(mode="json"),
                "models": list(points),
                "folds": request.folds,
                "grouped_by": "proposal",
                "seed": prepared.seed,
                "cross_validated_mae": choice.mae,
            },
        )
    timings["recommendation"] = time.perf_counter() - started
    differences = {}
    if BASELINE in forecasters:
        base = np.abs(forecasters[BASELINE].point - actual) * 100 / span
        differences = {
            name: mae_difference(np.abs(f.point - actual) * 100 / span, base, groups, rng)
            for name, f in forecasters.items()
        }
    return Backtest(
        request=prepared.request,
        scenario=loaded,
        source=prepared.source,
        issues=issues,
        proposals=[known[i].proposal for i in issues],
        actual=actual,
        forecasters=forecasters,
        differences=differences,
        candidates={}
        if choice is None
        else {name: (choice.mae[name], choice.difference[name]) for name in choice.mae},
        recommendation=fitted,
        timings=timings,
    )


def given_recommendation(name: str) -> Recommendation:
    """The recommendation a backtest request names: ``shipped``, or a file that
    ``--save-recommendation`` wrote."""
    if name == "shipped":
        return shipped()
    path = Path(name)
    try:
        return Recommendation.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ScenarioError(
            [
                Problem(
                    Location(file=path.name),
                    f"cannot read a recommendation from it ({error}): give 'shipped' or a file"
                    " written by flashpoint backtest --save-recommendation",
                )
            ]
        ) from None


def fixed_forecaster(
    given: Recommendation,
    points: dict[str, np.ndarray],
    actual: np.ndarray,
    span: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
) -> Forecaster:
    """A recommendation scored as it is: its combination of the models' point forecasts,
    spread by its own errors (not fitted on these issues)."""
    missing = [model for model in given.models if model not in points]
    if missing:
        raise ValueError(
            f"the recommendation combines {', '.join(given.models)}: run the backtest with"
            f" {', '.join(missing)} too"
        )
    point = given.combination.predict(points)
    samples = given.samples(points, lower, upper)
    return Forecaster(FIXED, point, samples, score(point, samples, actual, span))


def _actual_outcomes(scenario: Scenario, source: str) -> dict[str, KnownOutcome]:
    """The outcomes a scenario gives its decided issues (``actual``), each its own proposal."""
    known = {
        issue.id: KnownOutcome(issue.id, issue.actual)
        for issue in scenario.issues
        if issue.actual is not None
    }
    if not known:
        raise ScenarioError(
            [
                Problem(
                    Location(file=source),
                    "no issue has an actual outcome: give one per decided issue (actual:) or a"
                    " table of outcomes (--outcomes)",
                )
            ]
        )
    return known


def _cases(
    scenario: Scenario, known: dict[str, KnownOutcome], file: str
) -> tuple[np.ndarray, np.ndarray]:
    """The scale of each issue with a known outcome, after checking that the outcomes name
    issues of the scenario and lie on their scales."""
    issues = {issue.id: issue for issue in scenario.issues}
    problems = []
    for issue, outcome in known.items():
        if issue not in issues:
            where = Location(file=file, row=outcome.row, column="issue")
            problems.append(Problem(where, f"the scenario has no issue '{issue}'"))
        elif not issues[issue].min <= outcome.outcome <= issues[issue].max:
            scale = issues[issue]
            problems.append(
                Problem(
                    Location(file=file, row=outcome.row, column="outcome"),
                    f"outcome {outcome.outcome:g} is outside the issue's scale"
                    f" {scale.min:g} to {scale.max:g}",
                )
            )
    if problems:
        raise ScenarioError(problems)
    kept = [issue for issue in scenario.issues if issue.id in known]
    return np.array([i.min for i in kept]), np.array([i.max for i in kept])


def _recommended(
    points: dict[str, np.ndarray],
    actual: np.ndarray,
    span: np.ndarray,
    groups: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    request: BacktestRequest,
    rng: np.random.Generator,
) -> tuple[Forecaster, Choice]:
    """The recommended forecast of every issue out of fold (each fold's recommendation chosen
    and fitted on the other folds), and the choice on every issue (what would be shipped)."""
    point = np.empty(len(actual))
    samples: list[tuple[np.ndarray, np.ndarray]] = []
    masks = folds(groups, request.folds, rng)
    for test in masks:
        train = ~test
        inner = choose(
            {m: v[train] for m, v in points.items()},
            actual[train],
            span[train],
            groups[train],
            rng,
            request.folds,
        )
        fitted = recommendation(inner, {})
        test_points = {m: v[test] for m, v in points.items()}
        point[test] = fitted.combination.predict(test_points)
        samples.append((test, fitted.samples(test_points, lower[test], upper[test])))
    size = max(drawn.shape[0] for _, drawn in samples)
    per_fold = np.empty((size, len(actual)))
    for test, drawn in samples:
        # a fold's errors, resampled to a common count by their quantiles
        per_fold[:, test] = np.quantile(drawn, np.linspace(0, 1, size), axis=0)
    scores = score(point, per_fold, actual, span)
    choice = choose(points, actual, span, groups, rng, request.folds)
    return Forecaster(ENSEMBLE, point, per_fold, scores), choice
