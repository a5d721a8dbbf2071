"""A run of the spatial model on one draw: turns until the positions settle (``ktab.md``
§4.7-4.9), with everything reports need kept in an :class:`SMPRun`."""

from __future__ import annotations

import numpy as np

from flashpoint.models.smp.listing import canonical_order, listed_state, listed_turn
from flashpoint.models.smp.records import STOP_FRACTION, SMPRun, TurnRules
from flashpoint.models.smp.state import Rules, evaluate_state
from flashpoint.models.smp.turn import step

MINIMUM_TURNS = 2
FIRST_STEP_GUARD = 1e-4


def accommodation_matrix(n: int, pairs: list[tuple[int, int, float]]) -> np.ndarray | None:
    """KTAB's accommodation matrix: the identity with the listed ``(actor, towards, rate)``
    entries written over it (``ktab.md`` §4.1); None when it stays the identity."""
    if not pairs:
        return None
    matrix = np.eye(n)
    for actor, towards, rate in pairs:
        matrix[actor, towards] = rate
    return None if np.array_equal(matrix, np.eye(n)) else matrix


def run_draw(
    position: np.ndarray,
    salience: np.ndarray,
    capability: np.ndarray,
    turn_rules: TurnRules,
    risk_range: int,
    max_turns: int,
    accommodation: np.ndarray | None,
    rng: np.random.Generator,
) -> SMPRun:
    """Turns from ``position`` (``[actor, dimension]`` on [0, 1]) until the stopping rule: at
    least 2 turns, at most ``max_turns``, and stop once a turn moves the actors (the sum of
    each actor's Euclidean move) by less than 2% of the first turn's movement (§4.9, C5).

    The actors are run in a canonical order and reported in the listed one (:mod:`.listing`).
    Ideals follow ``accommodation`` after each turn: ``ξ ← A x + (1 - Σ_j A_ij) ξ`` (§4.1);
    without it each ideal is the actor's position.
    """
    order = canonical_order(position, salience, capability)
    listed = np.argsort(order)
    position, salience, capability = position[order], salience[order], capability[order]
    if accommodation is not None:
        accommodation = accommodation[np.ix_(order, order)]
    rules = Rules(turn_rules.voting, turn_rules.victory, turn_rules.pce, risk_range)
    state = evaluate_state(position, position, salience, capability, rules, listed)
    states, turns, ratios = [state], [], []
    first = 0.0
    for t in range(1, max_turns + 1):
        turn = step(state, salience, capability, turn_rules, rng)
        moved = float(np.linalg.norm(turn.position - state.position, axis=1).sum())
        if t == 1:
            first = moved
        ratios.append(moved / (first + FIRST_STEP_GUARD))
        if accommodation is None:
            ideal = turn.position
        else:
            kept = 1 - accommodation.sum(axis=1)
            ideal = accommodation @ turn.position + kept[:, None] * state.ideal
        state = evaluate_state(turn.position, ideal, salience, capability, rules, listed)
        states.append(state)
        turns.append(turn)
        if t >= MINIMUM_TURNS and ratios[-1] < STOP_FRACTION:
            break
    return SMPRun(
        states=[listed_state(state, listed) for state in states],
        turns_log=[listed_turn(turn, order, listed) for turn in turns],
        fractional_change=np.array(ratios),
    )
