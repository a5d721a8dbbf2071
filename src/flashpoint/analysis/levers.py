"""What would it take? Search one actor's offer (its positions, and optionally its saliences, on
chosen issues) for the one that makes a target most likely, or reaches a threshold with the
smallest move, under the scenario's uncertainty.

Every candidate offer is a shock that *sets* the actor's inputs (an offer is a commitment, so
those inputs become certain: :mod:`flashpoint.scenario.shocks`) and runs on the same Monte Carlo
draws as every other candidate (common random numbers, :mod:`flashpoint.analysis.montecarlo`),
so candidates differ only by the offer. The target is the headline forecast's
(:mod:`flashpoint.analysis.headline`); with ``models`` named, it is those models' pooled with
equal weights. The offer found is then checked on every model too (:attr:`Levers.models`), and
flagged if it works under one only.

The headline needs all six models on every draw (its errors' sizes grow with their
disagreement), about 0.1 s for each offer on 200 draws of Korea, where the search tries some
600 offers. So the search runs on a *screen*: the headline with its errors' sizes held at the
stated values' (:meth:`~flashpoint.analysis.backtest.recommend.Recommendation.held_at`), which
only the compromise model's run and the agreement test need. The screen's ``CONFIRMED`` best
offers of the last generation (and the stated inputs) are then run on the headline itself,
which chooses among them, and everything after (taking back, worth, the curve, before and
after) is the headline's. The screen leaves out how an offer changes the models' disagreement
(on Korea, its disagreement is 3 points of the range off the offer's own, on average), so the
offer found is good on the headline but not always the best a search on the headline would
find (``Levers.screened`` offers on the screen, ``Levers.evaluations`` on the headline).

The search is differential evolution (Storn & Price 1997, "Differential evolution - a simple
and efficient heuristic for global optimization over continuous spaces", J. Global
Optimization 11: 341-359; ``scipy.optimize.differential_evolution``), seeded from the run's
seed, which suits the objective: a share of draws is a step function of the offer, noisy
between neighbours and flat in places, where gradient and line-search methods stall. Each
generation's candidates run together in one Monte Carlo run. The size of an offer is its total
move: the sum over the searched inputs of ``|new - stated|`` in points of the input's range
(each issue's scale, or the salience scale, as 0-100). With ``budget``, no offer moves more;
with ``threshold``, the search minimises the move among offers that reach it (the target
maximised otherwise, or minimised with ``direction="minimise"``), and a very small cost of the
move breaks ties towards smaller offers. Last, on the target itself, each input whose move does not help beyond the
noise of the draws is taken back to its stated value, and each input left is weighed by what
the target would lose were it alone taken back (its worth).
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from flashpoint.analysis.backtest.recommend import Recommendation, shipped
from flashpoint.analysis.headline import HEADLINE
from flashpoint.analysis.montecarlo import MonteCarlo, agreed_of, agreement_of, run_variants
from flashpoint.analysis.prepare import RequestedRun, document_head, prepare
from flashpoint.analysis.progress import Progress
from flashpoint.analysis.request import LeversRequest
from flashpoint.analysis.signposts import bargains_on
from flashpoint.analysis.targets import Target, UnknownChoice, parse_target
from flashpoint.analysis.uncertainty import Z_95, paired_difference_interval, wilson_interval
from flashpoint.engine.arrays import ScenarioArrays
from flashpoint.engine.executors import Executor
from flashpoint.scenario.load import DEFAULT_SCENARIO
from flashpoint.scenario.schema import Change, Scenario, Shock

SCHEMA = "flashpoint.levers/1"
TIE_BREAK = 1e-4  # the cost of a move of the whole range, against the target's units
POPULATION = 6  # candidates per searched input in each generation
CURVE_POINTS = 11
WORKS = 0.05  # a change of the target counted as working (a share of its range)
CONFIRMED = 8  # the screen's best offers checked on the headline itself


@dataclass(frozen=True)
class Lever:
    """One searched input: the actor's ``field`` (position or salience) on ``issue``, its stated
    value and range."""

    issue: str
    field: str
    stated: float
    low: float
    high: float

    def points(self, value: float | np.ndarray) -> Any:
        """A move to ``value`` in points of the input's range (0-100)."""
        return np.abs(value - self.stated) * 100 / (self.high - self.low)


@dataclass(frozen=True)
class Estimate:
    """The target under one offer: its value and 95% interval (Wilson for a probability)."""

    value: float
    interval_95: tuple[float, float]


@dataclass(frozen=True, eq=False)
class Levers(RequestedRun):
    """The result of a levers search (see the module docstring)."""

    request: LeversRequest
    scenario: Scenario
    source: str
    target: Target
    levers: list[Lever]
    offer: dict[tuple[str, str], float]
    worth: dict[tuple[str, str], float]
    before: Estimate
    after: Estimate
    change: Estimate
    move: float
    evaluations: int
    screened: int
    generations: int
    reached: bool | None
    curve: list[tuple[float, float, float]]
    curve_lever: Lever
    models: dict[str, tuple[float, float]]
    only_under: str | None
    timings: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        """The search as JSON (``docs/json-output.md``, the levers document): ``before``,
        ``after``, ``evaluations`` and ``screened`` at the top, then the offer, the curve and each model's
        view."""
        return {
            **document_head(SCHEMA, self.scenario, self.source, self.request),
            "before": _estimate(self.before),
            "after": _estimate(self.after),
            "evaluations": self.evaluations,
            "screened": self.screened,
            "target": {"text": self.target.text, "label": self.target.label},
            "actor": self.request.actor,
            "change": _estimate(self.change),
            "move": self.move,
            "budget": self.request.budget,
            "threshold": self.request.threshold,
            "reached": self.reached,
            "generations": self.generations,
            "offer": [
                {
                    "issue": lever.issue,
                    "field": lever.field,
                    "stated": lever.stated,
                    "offer": self.offer[(lever.issue, lever.field)],
                    "move": float(lever.points(self.offer[(lever.issue, lever.field)])),
                    "worth": self.worth[(lever.issue, lever.field)],
                }
                for lever in self.levers
            ],
            "curve": {
                "issue": self.curve_lever.issue,
                "field": self.curve_lever.field,
                "points": [{"value": v, "move": m, "target": t} for v, m, t in self.curve],
            },
            "models": {m: {"before": b, "after": a} for m, (b, a) in self.models.items()},
            "only_under": self.only_under,
            "seed": self.seed,
            "draws": self.draws,
            "timings": dict(self.timings),
        }


def _estimate(estimate: Estimate) -> dict[str, Any]:
    return {"value": estimate.value, "interval_95": list(estimate.interval_95)}


def levers(
    scenario: Scenario | str | Path = DEFAULT_SCENARIO,
    actor: str = "",
    target: str | None = None,
    issues: Sequence[str] | None = None,
    models: Sequence[str] | None = None,
    *,
    budget: float | None = None,
    threshold: float | None = None,
    direction: str = "maximise",
    saliences: bool = False,
    options: Mapping[str, Mapping[str, Any]] | None = None,
    seed: int | None = None,
    draws: int = 200,
    generations: int = 15,
    jitter: float = 0.0,
    executor: Executor = "serial",
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> Levers:
    """Search ``actor``'s offer on ``issues`` (default: every issue it takes part in) for the
    one that maximises ``target`` (``"P(future)"`` or an issue; default the first future's
    probability): the :class:`~flashpoint.analysis.request.LeversRequest` of these arguments,
    run. See the module docstring for ``budget``, ``threshold``, ``direction`` and
    ``saliences``; ``generations`` caps the search's generations; the rest is as for
    :func:`flashpoint.compare`."""
    return run_levers(LeversRequest.of_arguments(locals()), progress)


class _Search:
    """The candidates' evaluation: each a shock setting the levers, all run on the same draws."""

    def __init__(self, request: LeversRequest, progress: Progress | None) -> None:
        recommendation = shipped()
        request = request.resolved(recommendation.models)
        prepared = prepare(request)
        self.prepared = prepared
        self.request = request
        self.headline = recommendation if request.headline else None
        scenario = prepared.scenario
        self.scenario = scenario
        index = scenario.find_actor(request.actor)
        if index is None:
            names = ", ".join(a.id for a in scenario.actors)
            raise UnknownChoice(f"no actor '{request.actor}' (actors: {names})", "actor")
        self.actor = scenario.actors[index]
        self.target = parse_target(request.target, scenario)
        self.levers = _levers(scenario, self.actor.id, request.issues, request.saliences)
        self.span = _span(self.target, scenario)
        self.size = max(5, POPULATION * len(self.levers))  # offers in each generation
        self.screen = None if self.headline is None else self._screen()
        options = dict(prepared.model_runs)
        self.screen_runs = tuple((m, options[m]) for m in getattr(self.screen, "models", ()))
        self.evaluations = 0
        self.screened = 0
        self.known: dict[tuple[Any, ...], dict[str, np.ndarray]] = {}
        self.every_runs: tuple[tuple[str, dict[str, Any]], ...] | None = None
        self.progress = progress
        prune = len(self.levers) * (len(self.levers) + 1) // 2 + 1
        searched = self.size * (1 + request.generations)
        checked = (CONFIRMED if self.screen is not None else 0) + prune + 2 + CURVE_POINTS
        self.expected = searched + checked
        if progress is not None:
            progress(0, self.expected)

    def _screen(self) -> Recommendation:
        """The headline with its errors' sizes held at the stated values' (the six models'
        disagreement on them, :meth:`Recommendation.held_at`): the same combination, errors and
        agreement test, run by the combination's models alone."""
        assert self.headline is not None
        arrays = ScenarioArrays.from_scenario(self.scenario)
        bargains = bargains_on(self.prepared, self.headline, arrays, "levers:")
        return self.headline.held_at(
            self.headline.error_sizes(bargains, arrays.lower, arrays.upper)[0]
        )

    def values(
        self, offers: np.ndarray, every_model: bool = False, screen: bool = False
    ) -> list[dict[str, np.ndarray]]:
        """The target per draw under each offer ``offers[candidate, lever]``: the headline's
        (or each named model's); with ``every_model``, the headline's and every model's (with
        models named, theirs); with ``screen``, the screen's (:meth:`_screen`) under the
        headline's name. An offer already run is not run again: on the same draws, it gives
        the same numbers."""
        screen = screen and self.screen is not None
        every_model = every_model and self.headline is not None
        runs, recommendation = self.prepared.model_runs, self.headline
        if screen:
            runs, recommendation = self.screen_runs, self.screen
        elif every_model:
            runs = self._every_runs()
        kind = "screen" if screen else "target" if runs == self.prepared.model_runs else "every"
        keys = [(kind, offer.tobytes()) for offer in offers]
        new = [k for k, key in enumerate(keys) if key not in self.known]
        if new:
            self._run(offers[new], [keys[k] for k in new], runs, recommendation)
            if screen:
                self.screened += len(new)
            else:
                self.evaluations += len(new)
            if self.progress is not None:
                done = self.screened + self.evaluations
                self.progress(min(done, self.expected), self.expected)
        return [
            {
                name: value
                for name, value in self.known[key].items()
                if every_model or (name == HEADLINE) == (self.headline is not None)
            }
            for key in keys
        ]

    def _run(
        self,
        offers: np.ndarray,
        keys: list[tuple[Any, ...]],
        runs: tuple[tuple[str, dict[str, Any]], ...],
        recommendation: Recommendation | None,
    ) -> None:
        """Run ``offers`` on the same draws and keep every forecast's target per draw under
        ``keys``; the screen runs here, its offers too cheap to send to other processes."""
        shocks = tuple((self.shock(offer),) for offer in offers)
        run = MonteCarlo(
            self.scenario,
            runs,
            self.prepared.seed,
            self.request.jitter,
            shocks=shocks,
            recommendation=recommendation,
        )
        execution = self.request.execution()
        if recommendation is self.screen:
            execution["executor"] = "serial"
        found = run_variants(run, self.request.draws, **execution)
        for key, variant, results in zip(keys, run.variants, found, strict=True):
            values, tests = agreement_of(results)
            self.known[key] = {
                name: self.target.per_draw(variant, values[name], agreed_of(tests, name))
                for name in values
            }

    def _every_runs(self) -> tuple[tuple[str, dict[str, Any]], ...]:
        """Every model with its options (the per-model view of a headline search)."""
        if self.every_runs is None:
            every = self.request.model_copy(update={"models": None, "headline": False})
            self.every_runs = prepare(every).model_runs
        return self.every_runs

    def pooled(self, offers: np.ndarray, screen: bool = False) -> np.ndarray:
        """The target under each offer: the headline's (with ``screen``, the screen's), or
        pooled over the models' draws."""
        return np.array([np.mean(list(v.values())) for v in self.values(offers, screen=screen)])

    def lead(self, per_draw: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Of every forecast's target per draw, what the search measures: the headline's, or
        the named models'."""
        if self.headline is not None:
            return {HEADLINE: per_draw[HEADLINE]}
        return {name: per_draw[name] for name in self.prepared.options}

    def shock(self, offer: np.ndarray) -> Shock:
        changes = [
            Change(actor=self.actor.id, issue=lever.issue, field=lever.field, set=float(value))
            for lever, value in zip(self.levers, offer, strict=True)
        ]
        return Shock(id="offer", label="the offer", changes=changes)

    def move(self, offers: np.ndarray) -> np.ndarray:
        """The total move of each offer (points of each input's range)."""
        return sum(lever.points(offers[:, k]) for k, lever in enumerate(self.levers))


def _levers(
    scenario: Scenario, actor: str, issues: Sequence[str] | None, saliences: bool
) -> list[Lever]:
    stances = next(a for a in scenario.actors if a.id == actor).issues
    known = [issue.id for issue in scenario.issues]
    chosen = list(issues) if issues else [i for i in known if i in stances]
    for issue in chosen:
        if issue not in known:
            raise UnknownChoice(f"no issue '{issue}' (issues: {', '.join(known)})", "issue")
        if issue not in stances:
            raise ValueError(f"'{actor}' takes no part in '{issue}': it has no offer to make there")
    found = []
    for issue in chosen:
        item = scenario.issue(issue)
        found.append(Lever(issue, "position", stances[issue].position, item.min, item.max))
        if saliences:
            found.append(
                Lever(issue, "salience", stances[issue].salience, 0.0, scenario.salience_scale)
            )
    return found


def run_levers(request: LeversRequest, progress: Progress | None = None) -> Levers:
    """Run a levers request (see :func:`levers` and the module docstring)."""
    started = time.perf_counter()
    search = _Search(request, progress)
    levers_ = search.levers
    up = 1.0 if request.direction == "maximise" else -1.0  # which way the target should move
    span = search.span

    def cost(offers: np.ndarray, pooled: np.ndarray) -> np.ndarray:
        """What the search minimises for offers whose targets are ``pooled``."""
        move = search.move(offers)
        if request.threshold is None:
            cost = -up * pooled / span + TIE_BREAK * move / 100
        else:
            short = np.maximum(0.0, up * (request.threshold - pooled)) / span
            cost = move / 100 + np.where(short > 0, 10.0 + short, 0.0)
        if request.budget is not None:
            over = np.maximum(0.0, move - request.budget)
            cost = np.where(over > 0, 100.0 + over, cost)
        return cost

    def objective(population: np.ndarray) -> np.ndarray:
        offers = np.atleast_2d(population.T)
        return cost(offers, search.pooled(offers, screen=True))

    bounds = [(lever.low, lever.high) for lever in levers_]
    stated = np.array([lever.stated for lever in levers_])
    population = _first_generation(stated, bounds, request, search)
    from scipy.optimize import differential_evolution  # only this search: imported when run

    found = differential_evolution(
        objective,
        bounds,
        init=population,
        maxiter=request.generations,
        seed=np.random.default_rng(np.random.SeedSequence([search.prepared.seed, 7])),
        vectorized=True,
        updating="deferred",
        polish=False,
        tol=0.0,
        atol=0.0,
    )
    offer = _confirmed(found, stated, search, cost)
    offer = np.clip(offer, [b[0] for b in bounds], [b[1] for b in bounds])
    if request.budget is not None and search.move(offer[None, :])[0] > request.budget:
        offer = stated  # no offer within the budget beat the stated inputs
    offer, worth = _prune(offer, stated, search, cost, up)
    base, best = search.values(np.array([stated, offer]), every_model=True)
    before, after, change = _estimates(search.target, search.lead(base), search.lead(best))
    curve_lever, curve = _curve(search, offer, worth)
    per_model = {m: (float(base[m].mean()), float(best[m].mean())) for m in base}
    gains = {m: up * (a - b) for m, (b, a) in per_model.items() if m != HEADLINE}
    working = [m for m, gain in gains.items() if gain >= WORKS * span]
    only_under = working[0] if len(working) == 1 and len(gains) > 1 else None
    reached = None
    if request.threshold is not None:
        reached = bool(up * (request.threshold - after.value) <= 0)
    return Levers(
        request=search.prepared.request,
        scenario=search.scenario,
        source=search.prepared.source,
        target=search.target,
        levers=levers_,
        offer={
            (lever.issue, lever.field): float(v) for lever, v in zip(levers_, offer, strict=True)
        },
        worth={
            (lever.issue, lever.field): float(w) for lever, w in zip(levers_, worth, strict=True)
        },
        before=before,
        after=after,
        change=change,
        move=float(search.move(offer[None, :])[0]),
        evaluations=search.evaluations,
        screened=search.screened,
        generations=int(found.nit),
        reached=reached,
        curve=curve,
        curve_lever=curve_lever,
        models=per_model,
        only_under=only_under,
        timings={"search": time.perf_counter() - started},
    )


def _confirmed(found: Any, stated: np.ndarray, search: _Search, cost: Any) -> np.ndarray:
    """The offer the search found, checked on the target itself where it searched on the
    screen: of the last generation's ``CONFIRMED`` best offers on the screen and the stated
    inputs, the one best on the target."""
    if search.screen is None:
        return found.x
    order = np.argsort(found.population_energies, kind="stable")
    best = np.unique(found.population[order[:CONFIRMED]], axis=0)
    offers = np.vstack([stated[None, :], best])
    return offers[int(np.argmin(cost(offers, search.pooled(offers))))]


def _prune(
    offer: np.ndarray, stated: np.ndarray, search: _Search, cost: Any, up: float
) -> tuple[np.ndarray, np.ndarray]:
    """Take back, one at a time, the parts of the offer that do not help: while returning some
    input to its stated value loses no more of the target than Monte Carlo noise (two draws of
    one model, all told) and keeps the offer feasible, return the one that loses least. The
    search leaves small moves that fit the noise of the draws; an analyst wants the offer that
    matters. Returns the offer and what each input is worth: how much of the target it would
    lose, were it alone taken back (0 for an input at its stated value)."""
    found = float(search.pooled(offer[None, :])[0])
    models = len(search.prepared.model_runs)
    noise = 2.0 / (search.request.draws * models) * search.span
    while True:
        moved = [k for k in range(len(offer)) if offer[k] != stated[k]]
        if not moved:
            return offer, np.zeros(len(offer))
        trials = np.repeat(offer[None, :], len(moved), axis=0)
        for row, k in enumerate(moved):
            trials[row, k] = stated[k]
        pooled = search.pooled(trials)
        loss = up * (found - pooled)
        current = cost(offer[None, :], np.array([found]))[0]
        feasible = cost(trials, pooled) < max(current, 0.0) + 10.0
        acceptable = [row for row in range(len(moved)) if loss[row] <= noise and feasible[row]]
        if not acceptable:
            worth = np.zeros(len(offer))
            worth[moved] = loss
            return offer, worth
        pick = min(acceptable, key=lambda row: loss[row])
        offer = trials[pick]


def _first_generation(
    stated: np.ndarray, bounds: list[tuple[float, float]], request: LeversRequest, search: _Search
) -> np.ndarray:
    """The first generation: the stated inputs, and candidates spread over the box by a
    Latin hypercube from the run's seed (with a budget, pulled towards the stated inputs until
    they fit it)."""
    rng = np.random.default_rng(np.random.SeedSequence([search.prepared.seed, 5]))
    size = search.size
    low, high = np.array(bounds).T
    cuts = (
        np.argsort(rng.random((size, len(bounds))), axis=0) + rng.random((size, len(bounds)))
    ) / size
    population = low + cuts * (high - low)
    if request.budget is not None:
        move = search.move(population)
        scale = np.minimum(1.0, request.budget / np.maximum(move, 1e-12))[:, None]
        population = stated + (population - stated) * scale
    population[0] = stated
    return population


def _span(target: Target, scenario: Scenario) -> float:
    if target.kind == "probability":
        return 1.0
    issue = scenario.issue(target.name)
    return issue.max - issue.min


def _estimates(
    target: Target, base: dict[str, np.ndarray], best: dict[str, np.ndarray]
) -> tuple[Estimate, Estimate, Estimate]:
    """The target before and after the offer, pooled over the models' draws, with 95%
    intervals (Wilson; for the change, Newcombe's for paired draws; for an issue, normal)."""
    before = np.concatenate(list(base.values()))
    after = np.concatenate(list(best.values()))
    n = len(before)
    if target.kind == "probability":
        was, is_ = before > 0.5, after > 0.5
        both = int(np.count_nonzero(was & is_))
        lost = int(np.count_nonzero(was & ~is_))
        gained = int(np.count_nonzero(~was & is_))
        return (
            Estimate(float(before.mean()), wilson_interval(int(was.sum()), n)),
            Estimate(float(after.mean()), wilson_interval(int(is_.sum()), n)),
            Estimate(
                float(after.mean() - before.mean()),
                paired_difference_interval(both, lost, gained, n - both - lost - gained),
            ),
        )

    def normal(values: np.ndarray) -> Estimate:
        half = Z_95 * values.std(ddof=1) / math.sqrt(n) if n > 1 else 0.0
        mean = float(values.mean())
        return Estimate(mean, (mean - half, mean + half))

    return normal(before), normal(after), normal(after - before)


def _curve(
    search: _Search, offer: np.ndarray, worth: np.ndarray
) -> tuple[Lever, list[tuple[float, float, float]]]:
    """The target against the size of the offer on its most important input (the one worth the
    most: whose taking back would lose the most): that input from its stated value to its
    offer, the others as offered."""
    k = int(np.argmax(worth)) if worth.any() else 0
    lever = search.levers[k]
    values = np.linspace(lever.stated, offer[k], CURVE_POINTS)
    offers = np.repeat(offer[None, :], CURVE_POINTS, axis=0)
    offers[:, k] = values
    found = search.pooled(offers)
    return lever, [
        (float(v), float(lever.points(v)), float(t)) for v, t in zip(values, found, strict=True)
    ]
