"""Signposts: the observable changes that would make each future the most likely one.

An analyst watches for statements: an actor moving its position, or redrawing a red line. For
each actor whose consent some issue needs (each actor, where none needs anyone's), each of its
positions and red lines is a *lever*.
Each lever is set, one at a time and everything else as stated, to each point of a grid over
its issue's scale (``GRID`` steps), and the headline forecast
(:func:`~flashpoint.analysis.headline.headline_outcomes`: the recommended combination of the
models' bargains, its errors, the agreement test) is measured at each point over ``SAMPLES``
errors. Every point is one draw of one batch, so the models run once over all of them, and
every point gets the same errors (common random numbers): what differs between two points is
the lever alone.

For each future that does not lead as stated, its signpost is the smallest move of one lever
(as a share of its scale) at which that future leads (its probability ahead of every other's
by at least ``MARGIN``, 5 points: closer than that, the errors' sampling could reverse them);
where no single lever does, two of the levers that swing it most are moved together; a future
neither makes lead has none, and the brief says so. Each lever's *swing* is how
far the leading future's probability moves over the lever's grid: what moves the forecast most.

These are measured on the stated values (the uncertainty of the other inputs left out), which
the sentences say.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from flashpoint.analysis.agreement import Terms
from flashpoint.analysis.backtest.recommend import Recommendation
from flashpoint.analysis.headline import HEADLINE, headline_outcomes
from flashpoint.analysis.outcomes import classify, reversion_of
from flashpoint.analysis.prepare import Prepared
from flashpoint.engine.arrays import ScenarioArrays
from flashpoint.engine.seeding import named_stream
from flashpoint.models.registry import get_model
from flashpoint.scenario.schema import Scenario

GRID = 20  # steps over an issue's scale (21 points, 5% apart)
SAMPLES = 400  # the headline's errors at each point
CHUNK = 32  # points whose samples are tested at once (memory: CHUNK x SAMPLES draws)
PAIRED = 4  # the widest-swinging levers tried two at a time where no one lever suffices
MARGIN = 0.05  # a future leads a point where it is this far ahead of every other
NONE = -1  # no future leads by the margin


def leading(probabilities: np.ndarray) -> np.ndarray:
    """The future that leads at each point ``[point, future]``: ahead of every other by at
    least ``MARGIN`` (more than the errors' sampling noise between close futures), else
    ``NONE``."""
    order = np.sort(probabilities, axis=1)
    ahead = order[:, -1] - order[:, -2] >= MARGIN if probabilities.shape[1] > 1 else True
    return np.where(ahead, np.argmax(probabilities, axis=1), NONE)


Field = str  # "position" or "red_line"


@dataclass(frozen=True)
class Lever:
    """An input an analyst can observe move: ``field`` (``position`` or ``red_line``) of
    ``actor`` on ``issue``, stated at ``stated``."""

    actor: str
    issue: str
    field: Field
    stated: float


@dataclass(frozen=True)
class Signpost:
    """``future`` leads (with ``probability``) when each lever of ``changes`` moves from its
    stated value to the value given, everything else as stated."""

    future: str
    changes: tuple[tuple[Lever, float], ...]
    probability: float

    def to_dict(self) -> dict[str, object]:
        return {
            "future": self.future,
            "changes": [
                {
                    "actor": lever.actor,
                    "issue": lever.issue,
                    "field": lever.field,
                    "stated": lever.stated,
                    "value": value,
                }
                for lever, value in self.changes
            ],
            "probability": self.probability,
        }


@dataclass(frozen=True)
class Swing:
    """How far the leading future's probability moves as ``lever`` runs over its scale: its
    lowest and highest, and the lever's values there."""

    lever: Lever
    low: float
    low_at: float
    high: float
    high_at: float

    @property
    def size(self) -> float:
        return self.high - self.low


@dataclass(frozen=True)
class Signposts:
    """The futures' probabilities on the stated values (``stated``, over ``SAMPLES`` errors),
    the one leading there, a signpost for each other future that one lever makes lead, the
    futures no single lever makes lead (``unreached``), and every lever's swing, widest
    first."""

    stated: dict[str, float]
    leader: str
    posts: tuple[Signpost, ...]
    unreached: tuple[str, ...]
    swings: tuple[Swing, ...]


def levers_of(scenario: Scenario) -> list[Lever]:
    """The positions and red lines of every actor whose consent some issue needs (of every
    actor, where no issue needs anyone's), on the issues it takes part in (in the scenario's
    order)."""
    consenting = {actor for issue in scenario.issues for actor in issue.consent}
    found = []
    for actor in scenario.actors:
        if consenting and actor.id not in consenting:
            continue
        for issue in scenario.issues:
            stance = actor.issues.get(issue.id)
            if stance is None:
                continue
            found.append(Lever(actor.id, issue.id, "position", stance.position))
            if stance.red_line is not None:
                found.append(Lever(actor.id, issue.id, "red_line", stance.red_line))
    return found


def grid_of(scenario: Scenario, lever: Lever) -> np.ndarray:
    """The points a lever is set to: its issue's scale in ``GRID`` steps, and its stated value."""
    issue = next(issue for issue in scenario.issues if issue.id == lever.issue)
    points = np.linspace(issue.min, issue.max, GRID + 1)
    return np.unique(np.append(points, lever.stated))


def headline_at(
    prepared: Prepared,
    recommendation: Recommendation,
    scenario: Scenario,
    settings: list[tuple[Lever, float]],
    together: int = 1,
) -> np.ndarray:
    """The headline's probability of each of ``scenario``'s futures ``[point, future]``, a
    point being ``together`` consecutive settings (each a lever at a value) applied at once,
    everything else as stated, over ``SAMPLES`` errors, the same at every point (common random
    numbers)."""
    points = [settings[k : k + together] for k in range(0, len(settings), together)]
    arrays = _set(ScenarioArrays.from_scenario(scenario, len(points)), points)
    bargains = bargains_on(prepared, recommendation, arrays, "signposts:")
    rng = named_stream(prepared.seed, "signposts:" + HEADLINE)
    errors = recommendation.draw_errors((SAMPLES, arrays.n_issues), rng)
    terms, reversion = Terms.of(scenario, arrays), reversion_of(scenario)
    found = []
    for start in range(0, len(points), CHUNK):
        here = np.arange(start, min(start + CHUNK, len(points)))
        each = np.repeat(here, SAMPLES)
        verdict = headline_outcomes(
            recommendation,
            {model: bargain[each] for model, bargain in bargains.items()},
            arrays.select(each),
            terms,
            rng,
            errors=np.tile(errors, (len(here), 1)),
        )
        assert verdict is not None  # every model the combination needs ran
        agreed = verdict.agreed if terms.needed else None
        futures = classify(scenario.outcomes, verdict.outcome, arrays.issues, reversion, agreed)
        found.append(futures.reshape(len(here), SAMPLES))
    chosen_future = np.concatenate(found)
    return np.stack(
        [(chosen_future == f).mean(axis=1) for f in range(len(scenario.outcomes))], axis=1
    )


def bargains_on(
    prepared: Prepared, recommendation: Recommendation, arrays: ScenarioArrays, stream: str
) -> dict[str, np.ndarray]:
    """The bargain ``[draw, issue]`` on ``arrays`` of each model ``recommendation`` needs (with
    the request's options, else the scenario's), each model drawing from the stream ``stream``
    + its name."""
    chosen = dict(prepared.model_runs) | dict(prepared.headline_runs(recommendation.models))
    return {
        model: get_model(model)(
            arrays, chosen[model], named_stream(prepared.seed, stream + model), events=False
        ).forecast
        for model in recommendation.models
    }


def _set(arrays: ScenarioArrays, points: list[list[tuple[Lever, float]]]) -> ScenarioArrays:
    """``arrays`` (one draw per point) with each point's levers at their values."""
    position, red_line = arrays.position.copy(), arrays.red_line.copy()
    actors, issues = list(arrays.actors), list(arrays.issues)
    for k, point in enumerate(points):
        for lever, value in point:
            a, i = actors.index(lever.actor), issues.index(lever.issue)
            (position if lever.field == "position" else red_line)[k, a, i] = value
    return replace(arrays, position=position, red_line=red_line)


def signposts(
    prepared: Prepared, recommendation: Recommendation, scenario: Scenario
) -> Signposts | None:
    """The signposts of ``scenario`` (the module docstring); None where it has no futures or no
    lever."""
    levers = levers_of(scenario)
    if not scenario.outcomes or not levers:
        return None
    grids = [grid_of(scenario, lever) for lever in levers]
    settings = [(lever, float(v)) for lever, grid in zip(levers, grids, strict=True) for v in grid]
    probabilities = headline_at(prepared, recommendation, scenario, settings)
    futures = [outcome.id for outcome in scenario.outcomes]
    first = settings.index((levers[0], levers[0].stated))
    stated = probabilities[first]
    leader = int(np.argmax(stated))
    posts, unreached, swings = [], [], []
    start = 0
    best: dict[int, tuple[float, Signpost]] = {}
    for lever, grid in zip(levers, grids, strict=True):
        here = probabilities[start : start + len(grid)]
        start += len(grid)
        span = grid[-1] - grid[0]
        leads = leading(here)
        for f in range(len(futures)):
            if f == leader:
                continue
            for k in np.flatnonzero(leads == f):
                move = abs(grid[k] - lever.stated) / span
                if f not in best or move < best[f][0]:
                    best[f] = (
                        move,
                        Signpost(futures[f], ((lever, float(grid[k])),), float(here[k, f])),
                    )
        low, high = int(np.argmin(here[:, leader])), int(np.argmax(here[:, leader]))
        swings.append(
            Swing(
                lever,
                float(here[low, leader]),
                float(grid[low]),
                float(here[high, leader]),
                float(grid[high]),
            )
        )
    swings.sort(key=lambda swing: -swing.size)
    pairs = _pairs(prepared, recommendation, scenario, swings, leader)
    for f, future in enumerate(futures):
        if f == leader:
            continue
        if f in best:
            posts.append(best[f][1])
        elif f in pairs:
            posts.append(pairs[f])
        else:
            unreached.append(future)
    return Signposts(
        stated={future: float(stated[f]) for f, future in enumerate(futures)},
        leader=futures[leader],
        posts=tuple(posts),
        unreached=tuple(unreached),
        swings=tuple(swings),
    )


def _pairs(
    prepared: Prepared,
    recommendation: Recommendation,
    scenario: Scenario,
    swings: list[Swing],
    leader: int,
) -> dict[int, Signpost]:
    """For futures no single lever makes lead: two of the ``PAIRED`` widest-swinging levers
    (on different inputs) moved together, each to where the leader is least likely; per future,
    the pair under which it leads with the highest probability."""
    top = [swing for swing in swings[:PAIRED] if swing.size > 0]
    pairs = [
        ((a.lever, a.low_at), (b.lever, b.low_at)) for n, a in enumerate(top) for b in top[n + 1 :]
    ]
    if not pairs:
        return {}
    settings = [change for pair in pairs for change in pair]
    probabilities = headline_at(prepared, recommendation, scenario, settings, together=2)
    found: dict[int, Signpost] = {}
    for pair, here in zip(pairs, probabilities, strict=True):
        f = int(leading(here[None, :])[0])
        if f not in (leader, NONE) and (f not in found or here[f] > found[f].probability):
            found[f] = Signpost(scenario.outcomes[f].id, pair, float(here[f]))
    return found
