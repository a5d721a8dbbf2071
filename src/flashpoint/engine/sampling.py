"""Monte Carlo draws of a scenario's uncertain inputs, as one :class:`ScenarioArrays` batch.

Each ``uncertainty`` entry of the scenario (``docs/scenario-format.md``, Uncertainty) is drawn
through a Gaussian copula: an input's standard normal score is
``z = ρ Z_g + sqrt(1 - ρ²) ε``, with ``Z_g`` the common factor of its group (one per group and
draw), ``ρ`` its correlation with it (1 by default; 0 without a group) and ``ε`` its own noise;
the value is the distribution's quantile at ``Φ(z)``. So each input has exactly its stated
distribution, and inputs of one group move together (two inputs' scores correlate as
``ρ₁ ρ₂``). Quantiles:

- uniform on ``[low, high]``: ``low + u (high - low)``;
- triangular with mode ``c``: ``low + sqrt(u (high - low)(c - low))`` below ``F(c)``, else
  ``high - sqrt((1 - u)(high - low)(high - c))``;
- normal ``N(mean, sd)`` truncated to ``[low, high]``: ``mean + sd Φ⁻¹(Φ(a) + u (Φ(b) - Φ(a)))``
  with ``a, b`` the standardised bounds;
- beta on ``[low, high]`` with the given mean ``m`` and sd ``s`` (on ``[0, 1]`` after rescaling):
  shape ``α = m k``, ``β = (1 - m) k`` with ``k = m (1 - m) / s² - 1``, and the regularised
  incomplete beta function's inverse.

An optional ``jitter`` spreads every position, salience and capability that has no entry of its
own: a normal of standard deviation ``jitter`` x its range (a capability: x its value), truncated
to the range. (A cost of no deal moves only by an entry of its own.)

References: Nelsen, R. B. (2006). *An Introduction to Copulas*, 2nd ed., §3.3 (the Gaussian
copula).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# scipy.special loads in the functions that use it: every command imports this module, and
# building the wheel imports flashpoint without scipy (hatch_build.py).
from flashpoint.engine.arrays import ScenarioArrays
from flashpoint.scenario.limits import bounds
from flashpoint.scenario.schema import Scenario, Uncertainty

FIELDS = ("position", "salience", "capability")  # the inputs the jitter spreads
INPUTS = (*FIELDS, "no_deal_cost", "red_line")  # every input an uncertainty entry may draw


def sample_arrays(
    scenario: Scenario, draws: int, rng: np.random.Generator, *, jitter: float = 0.0
) -> ScenarioArrays:
    """``draws`` draws of the scenario's inputs (see the module docstring); without
    uncertainty entries and jitter every draw is the stated scenario."""
    return place_scores(scenario, draw_scores(scenario, draws, rng, jitter=jitter))


@dataclass(frozen=True, eq=False)
class Scores:
    """The standard normal scores behind a batch of draws: each group's common factor
    ``[draw]``, each uncertainty entry's own noise ``[draw]`` (by the input it draws, its
    ``target``), and the jitter ``[field, draw, actor, issue]`` (by actor and issue id).

    Drawn once for a scenario, they can be placed on it or on any scenario a shock made of it
    (:func:`place_scores`): inputs the shock leaves uncertain keep their scores, so the
    baseline and the shocked scenario see the same random numbers (common random numbers).
    """

    draws: int
    factor: dict[str, np.ndarray]
    own: dict[tuple[str, str | None, str], np.ndarray]
    jitter: float
    jitter_scores: np.ndarray | None
    actors: tuple[str, ...]
    issues: tuple[str, ...]


def draw_scores(
    scenario: Scenario, draws: int, rng: np.random.Generator, *, jitter: float = 0.0
) -> Scores:
    """Draw the normal scores of ``draws`` draws of the scenario, in a fixed order: the
    groups' factors (by group name), then each entry's own noise (in the scenario's order),
    then the jitter, each ``[draws]`` or ``[draws, actor, issue]`` at once; the same generator
    state gives the same scores."""
    if draws < 1:
        raise ValueError(f"draws must be 1 or more, not {draws}")
    if jitter < 0:
        raise ValueError(f"jitter must be 0 or more, not {jitter}")
    groups = sorted({entry.group for entry in scenario.uncertainty if entry.group is not None})
    factor = {group: rng.standard_normal(draws) for group in groups}
    own = {entry.target: rng.standard_normal(draws) for entry in scenario.uncertainty}
    shape = (draws, len(scenario.actors), len(scenario.issues))
    jitter_scores = np.stack([rng.standard_normal(shape) for _ in FIELDS]) if jitter > 0 else None
    return Scores(
        draws=draws,
        factor=factor,
        own=own,
        jitter=jitter,
        jitter_scores=jitter_scores,
        actors=tuple(actor.id for actor in scenario.actors),
        issues=tuple(issue.id for issue in scenario.issues),
    )


def place_scores(scenario: Scenario, scores: Scores) -> ScenarioArrays:
    """The draws that ``scores`` give on ``scenario``: the scenario the scores were drawn for,
    or one that shocks made of it (its inputs are a subset of the original's)."""
    from scipy import special

    arrays = ScenarioArrays.from_scenario(scenario, scores.draws)
    values = {field: getattr(arrays, field) for field in INPUTS}  # views: set in place
    covered = np.zeros((len(FIELDS), arrays.n_actors, arrays.n_issues), dtype=bool)
    for entry in scenario.uncertainty:
        if entry.target not in scores.own or (
            entry.group is not None and entry.group not in scores.factor
        ):
            raise ValueError(
                f"the scores were not drawn for the uncertainty of {entry.target} "
                "(draw them for this scenario, or for the scenario it was shocked from)"
            )
        own = scores.own[entry.target]
        rho = correlation(entry)
        score = (
            own
            if entry.group is None
            else rho * scores.factor[entry.group] + np.sqrt(1 - rho**2) * own
        )
        _set(scenario, entry, values, special.ndtr(score))
        if entry.field in FIELDS:
            a, cells = _cells(scenario, entry)
            covered[FIELDS.index(entry.field), a, cells] = True
    if scores.jitter_scores is not None:
        rows = [scores.actors.index(actor) for actor in arrays.actors]
        columns = [scores.issues.index(issue) for issue in arrays.issues]
        own_cells = scores.jitter_scores[:, :, rows][:, :, :, columns]
        _jitter(arrays, values, covered, scores.jitter, own_cells)
    return arrays


@dataclass(frozen=True)
class Source:
    """An independent source of a scenario's uncertainty, what a designed experiment varies:
    a correlation group's common factor ``Z_g`` (``group``) or one entry's own noise ``ε``
    (``entry``: its place in the scenario's uncertainty)."""

    group: str | None = None
    entry: int | None = None


def sources(scenario: Scenario) -> list[Source]:
    """The independent sources of the scenario's uncertainty: each group's factor (by group
    name), then each entry's own noise in the scenario's order; an entry of a group with
    correlation ±1 has no noise of its own."""
    groups = sorted({entry.group for entry in scenario.uncertainty if entry.group is not None})
    return [Source(group=group) for group in groups] + [
        Source(entry=k)
        for k, entry in enumerate(scenario.uncertainty)
        if entry.group is None or abs(correlation(entry)) < 1
    ]


def correlation(entry: Uncertainty) -> float:
    """An entry's correlation ``ρ`` with its group's factor: 1 by default, 0 without a group."""
    if entry.group is None:
        return 0.0
    return 1.0 if entry.correlation is None else entry.correlation


def place_levels(scenario: Scenario, levels: np.ndarray) -> ScenarioArrays:
    """Draws at chosen points: ``levels[draw, j]`` in [0, 1] is the level of the ``j``-th of
    the scenario's :func:`sources`; inputs without an entry keep their stated values. This is
    how designed experiments (Morris, Sobol) place inputs.

    An entry outside any group is at that level within its range (:func:`entry_range`). In a
    group, the factor's and each member's own noise's levels are scores over their central 90%,
    ``Z = Φ⁻¹(0.05 + 0.9 level)``, combined as in a Monte Carlo draw (the module docstring),
    so the members move together as their correlations say."""
    from scipy import special

    found = sources(scenario)
    if levels.ndim != 2 or levels.shape[1] != len(found):
        raise ValueError(f"levels must be [draw, {len(found)}], not {list(levels.shape)}")
    column = {source: levels[:, j] for j, source in enumerate(found)}
    arrays = ScenarioArrays.from_scenario(scenario, levels.shape[0])
    values = {field: getattr(arrays, field) for field in INPUTS}  # views: set in place
    for k, entry in enumerate(scenario.uncertainty):
        own = column.get(Source(entry=k))
        if entry.group is None:
            low, high = RANGE_LEVELS[entry.distribution]
            _set(scenario, entry, values, low + own * (high - low))
            continue
        rho = correlation(entry)
        score = rho * _central_score(column[Source(group=entry.group)])
        if own is not None:
            score = score + np.sqrt(1 - rho**2) * _central_score(own)
        _set(scenario, entry, values, special.ndtr(score))
    return arrays


def _central_score(level: np.ndarray) -> np.ndarray:
    """The standard normal score at ``level`` of its central 90%."""
    from scipy import special

    return special.ndtri(0.05 + 0.9 * level)


# The range of an entry, as levels of its distribution: a uniform or triangular entry's range is
# its support; a normal's or beta's, its central 90%.
RANGE_LEVELS = {
    "uniform": (0.0, 1.0),
    "triangular": (0.0, 1.0),
    "normal": (0.05, 0.95),
    "beta": (0.05, 0.95),
}


def entry_range(scenario: Scenario, entry: Uncertainty) -> tuple[float, float]:
    """The low and high end of an entry's range, in the scenario's units (see RANGE_LEVELS):
    what a tornado sets the input to."""
    stated = stated_value(scenario, entry)
    levels = np.array(RANGE_LEVELS[entry.distribution])
    low, high = _quantile(entry, scenario, stated, levels)
    return float(low), float(high)


def stated_value(scenario: Scenario, entry: Uncertainty) -> float:
    """The stated value of the input an entry draws, in the scenario's units."""
    actor = next(actor for actor in scenario.actors if actor.id == entry.actor)
    if entry.field == "capability":
        return actor.capability_on(entry.issue) if entry.issue is not None else actor.capability
    return float(getattr(actor.issues[entry.issue], entry.field))


def _set(
    scenario: Scenario, entry: Uncertainty, values: dict[str, np.ndarray], u: np.ndarray
) -> None:
    """Set the input an entry draws to its distribution's quantiles at ``u`` ``[draw]``."""
    a, cells = _cells(scenario, entry)
    unit = _unit(entry.field, scenario)
    drawn = _quantile(entry, scenario, stated_value(scenario, entry), u)
    values[entry.field][:, a, cells] = (drawn / unit)[:, None]


def _unit(field: str, scenario: Scenario) -> float:
    """What an input is stored in the arrays as, per unit of the scenario: saliences on 0-1."""
    return scenario.salience_scale if field == "salience" else 1.0


def _cells(scenario: Scenario, entry: Uncertainty) -> tuple[int, np.ndarray]:
    """The actor's row and the issue columns an entry draws: its issue, or for an actor's own
    capability every issue where the actor brings that capability."""
    a = next(k for k, actor in enumerate(scenario.actors) if actor.id == entry.actor)
    actor = scenario.actors[a]
    issues = [issue.id for issue in scenario.issues]
    if entry.issue is not None:
        return a, np.array([issues.index(entry.issue)])
    inherits = [
        k
        for k, issue in enumerate(issues)
        if issue in actor.issues and actor.issues[issue].capability is None
    ]
    return a, np.array(inherits, dtype=int)


def _quantile(entry: Uncertainty, scenario: Scenario, stated: float, u: np.ndarray) -> np.ndarray:
    """The entry's distribution's quantiles at ``u`` (see the module docstring)."""
    from scipy import special

    issue = next((i for i in scenario.issues if i.id == entry.issue), None)
    low_bound, high_bound = bounds(entry.field, issue, scenario.salience_scale)
    low = entry.low if entry.low is not None else low_bound
    high = entry.high if entry.high is not None else high_bound
    if entry.distribution == "uniform":
        return low + u * (high - low)
    if entry.distribution == "triangular":
        mode = entry.mode if entry.mode is not None else stated
        width = high - low
        below = u < (mode - low) / width
        return np.where(
            below,
            low + np.sqrt(u * width * (mode - low)),
            high - np.sqrt((1 - u) * width * (high - mode)),
        )
    mean = entry.mean if entry.mean is not None else stated
    assert entry.sd is not None  # the schema requires it for normal and beta
    if entry.distribution == "normal":
        a, b = special.ndtr((low - mean) / entry.sd), special.ndtr((high - mean) / entry.sd)
        return np.clip(mean + entry.sd * special.ndtri(a + u * (b - a)), low, high)
    m, s = (mean - low) / (high - low), entry.sd / (high - low)
    k = m * (1 - m) / s**2 - 1
    return low + (high - low) * special.betaincinv(m * k, (1 - m) * k, u)


def _jitter(
    arrays: ScenarioArrays,
    values: dict[str, np.ndarray],
    covered: np.ndarray,
    jitter: float,
    scores: np.ndarray,
) -> None:
    """Spread every present input without an entry of its own (see the module docstring)."""
    shape = arrays.position.shape
    for f, field in enumerate(FIELDS):
        spread = np.broadcast_to(arrays.present & ~covered[f], shape)
        stated = values[field]
        if field == "position":
            low, high = arrays.lower, arrays.upper
            sd = jitter * (high - low)
        elif field == "salience":
            low, high = 0.0, 1.0
            sd = jitter
        else:
            low, high = 0.0, np.inf
            sd = jitter * stated
        moved = np.clip(stated + sd * scores[f], low, high)
        values[field][...] = np.where(spread, moved, stated)
