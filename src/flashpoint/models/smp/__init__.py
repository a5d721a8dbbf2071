"""The spatial model of politics (SMP) of KTAB, the KAPSARC Toolkit for Behavioral Analysis.

The issues form one space. Each turn (``docs/specs/ktab.md`` §4; the modules cite its sections):

1. every actor's position gets a win probability in a probabilistic Condorcet election, and
   from it each actor's risk attitude: the likelier its position, the more risk averse
   (:mod:`.state`);
2. every actor estimates, with its own beliefs about the others' risk attitudes, what
   challenging each other actor would gain it, third parties joining the side they expect to
   serve them, and proposes a bargain to the best target (:mod:`.turn`, :mod:`.kernels`);
3. every actor holds an election over the bargains it is party to and keeping its position,
   and moves to its side of the winner.

The run stops when a turn moves the actors by less than 2% of the first turn's movement
(:mod:`.runner`). The forecast of a state is the expected outcome of the election over the
distinct positions: each position weighted by its win probability.

How flashpoint scenarios map onto KTAB's conventions (``docs/models.md``): each issue is
rescaled to [0, 1] (KTAB's 0-100 divided by 100) and back; an actor's saliences are divided by
their total when that exceeds 1 (KTAB requires a total of at most 100 on its 0-100 scale), and
an actor that cares about no issue is indifferent to every position (KTAB refuses it); its
capability is the mean of its capabilities on the issues it takes part in; where an actor is
absent from an issue it has no salience there and its coordinate is the capability-weighted mean
of the present actors' positions.

References
----------
- KAPSARC. An Introduction to KTAB; Multidimensional Bargaining Using KTAB (methodology papers of
  the KAPSARC Toolkit for Behavioral Analysis; ``docs/specs/ktab.md`` §6). The formulas here follow
  ``docs/specs/ktab.md`` §4, written from KTAB's code and checked against its reference runs.
- Efird, B., Lester, L. & Wise, B. (2016). *Journal of East Asian Studies* 16: 117-145 (China's
  upstream oil and gas SOE reform; the SOE cases of the reference data).
"""

from __future__ import annotations

import numpy as np

from flashpoint.engine.arrays import ScenarioArrays
from flashpoint.models.base import ModelSpec, Trajectory
from flashpoint.models.smp import options as choices
from flashpoint.models.smp.listing import canonical_order
from flashpoint.models.smp.log import Recording, SMPRuns
from flashpoint.models.smp.options import SMPOptions
from flashpoint.models.smp.records import SMPRun, TurnRules

CAPABILITY_SCALE = 100.0  # the mean capability the model works with (KTAB's files: 50-130)

__all__ = ["SPEC", "SMPOptions", "SMPRun", "ktab_inputs", "run", "turn_rules"]


def turn_rules(options: SMPOptions) -> TurnRules:
    """The integer codes of the options, as the compiled loops take them."""
    return TurnRules(
        voting=choices.VOTING.index(options.voting_rule),
        victory=choices.VICTORY.index(options.victory_probability),
        pce=choices.PCE.index(options.pce),
        adjust=choices.RISK_ADJUST.index(options.risk_adjust),
        commit=choices.COMMIT.index(options.third_party_commit),
        interpolation=choices.INTERPOLATION.index(options.bargain_interpolation),
        bargain=choices.BARGAIN.index(options.bargain_model),
        stochastic=options.transitions == "Stochastic",
    )


def ktab_inputs(
    arrays: ScenarioArrays, draw: int | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Positions on [0, 1], saliences (at most 1 in total per actor) and capabilities per
    actor, as the module docstring describes: ``[draw, actor, ...]``, or one draw's."""
    if draw is not None:
        position, salience, capability = ktab_inputs(arrays)
        return position[draw], salience[draw], capability[draw]
    present = arrays.present
    span = arrays.upper - arrays.lower
    capability = np.where(present, arrays.capability, 0.0)
    per_actor = capability.sum(axis=2) / np.maximum(present.sum(axis=1), 1)
    from flashpoint.models.exact_sum import exact_sums  # compiled: numba loads here

    # exact sums (math.fsum's): the same in any actor order
    mean = exact_sums(per_actor) / per_actor.shape[1]
    # on a fixed scale, so that KTAB's absolute floors weigh the same in any unit
    scale = np.ones_like(mean)
    np.divide(CAPABILITY_SCALE, mean, out=scale, where=mean > 0)
    per_actor = per_actor * scale[:, None]
    salience = np.where(present, arrays.salience, 0.0)
    total = salience.sum(axis=2)
    salience = salience / np.maximum(total, 1.0)[:, :, None]
    scaled = (arrays.position - arrays.lower) / span
    weights = np.where(present, per_actor[:, :, None], 0.0)
    largest = weights.max(axis=1, keepdims=True)
    # relative to the largest, so that tiny (even subnormal) capabilities keep precision
    weights = np.where(largest > 0, weights / np.where(largest > 0, largest, 1.0), present)
    weighted = np.where(present, scaled, 0.0) * weights
    by_issue = (arrays.n_draws * arrays.n_issues, arrays.n_actors)  # rows [draw, issue]
    fill = exact_sums(np.swapaxes(weighted, 1, 2).reshape(by_issue)) / exact_sums(
        np.swapaxes(weights, 1, 2).reshape(by_issue)
    )
    fill = fill.reshape(arrays.n_draws, arrays.n_issues)
    position = np.where(present, scaled, fill[:, None, :])
    return position, salience, per_actor


def run(
    arrays: ScenarioArrays, options: SMPOptions, rng: np.random.Generator, events: bool = True
) -> Trajectory:
    """Run the spatial model on every draw.

    The trajectory's positions are the states (state 0: the input); a draw that stops early
    keeps its last state in the later rounds. Its outcome is each state's expected outcome
    (the module docstring); ``events`` holds one :class:`SMPRun` per draw, built when read.
    Without ``events`` the trajectory holds the last state only and no log: a draw that runs
    to 100 turns would otherwise make every draw's trajectory 101 states long (a Monte Carlo
    draw needs its forecast only).
    Stochastic transitions draw from ``rng``, draw after draw.
    """
    from flashpoint.models.smp.runner import accommodation_matrix, run_draws  # numba loads here

    index = {actor: a for a, actor in enumerate(arrays.actors)}
    unknown = sorted(
        {name for pair in options.accommodation for name in (pair.actor, pair.towards)} - set(index)
    )
    if unknown:
        raise ValueError("accommodation names actors not in the scenario: " + ", ".join(unknown))
    accommodation = accommodation_matrix(
        arrays.n_actors,
        [(index[pair.actor], index[pair.towards], pair.rate) for pair in options.accommodation],
    )
    position, salience, capability = ktab_inputs(arrays)
    # the actors in canonical order (listing.py); listed[d, k]: the row of the k-th listed
    order = canonical_order(position, salience, capability)
    listed = np.argsort(order, axis=1)
    rules = turn_rules(options)
    recording = Recording(
        *run_draws(
            np.take_along_axis(position, order[:, :, None], axis=1),
            np.take_along_axis(salience, order[:, :, None], axis=1),
            np.take_along_axis(capability, order, axis=1),
            listed,
            accommodation,
            (
                rules.voting,
                rules.victory,
                rules.pce,
                rules.adjust,
                rules.commit,
                rules.interpolation,
                rules.bargain,
                int(rules.stochastic),
                choices.RISK_RANGE.index(options.risk_range),
            ),
            options.rounds,
            rng,
            events,
        )
    )
    expected = recording.expected_outcomes()
    turns = recording.turns
    # state s of each draw, a draw that stopped keeping its last; without events, the last only
    state = recording.state_start[:-1] + np.minimum(np.arange(turns.max() + 1)[:, None], turns)
    if not events:
        state = state[-1:]
    span = arrays.upper - arrays.lower
    unit = recording.position[state[:, :, None], listed[None, :, :]]
    return Trajectory(
        positions=np.where(arrays.present, arrays.lower + unit * span, np.nan),
        outcome=arrays.lower + expected[state] * span,
        events=SMPRuns(recording, expected, listed) if events else None,
    )


SPEC = ModelSpec(
    name="smp",
    label="Spatial model (KTAB)",
    summary=(
        "KTAB's spatial model of politics: actors weigh all issues together, challenge the "
        "actor they expect to gain most from and bargain; win probabilities from "
        "probabilistic Condorcet elections."
    ),
    run=run,
    options=SMPOptions,
    iterative=True,
    compile_seconds=15,
    stochastic=True,
    joint_issues=True,
    references=(
        "KAPSARC, An Introduction to KTAB and Multidimensional Bargaining Using KTAB "
        "(KAPSARC Toolkit for Behavioral Analysis)",
    ),
)
