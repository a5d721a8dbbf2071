"""Runs of the spatial model, draw after draw, compiled with numba: turns until the positions
settle (``docs/specs/ktab.md`` §4.7-4.9), with everything the log needs recorded into arrays
(:class:`.log.Recording`).
"""

from __future__ import annotations

import numpy as np

from flashpoint.models.pairwise import pairwise_sum
from flashpoint.models.smp.kernels import borrower, compiled
from flashpoint.models.smp.records import STOP_FRACTION
from flashpoint.models.smp.state import evaluate_state
from flashpoint.models.smp.summation import matrix_product
from flashpoint.models.smp.turn import step

MINIMUM_TURNS = 2
FIRST_STEP_GUARD = 1e-4


def accommodation_matrix(n: int, pairs: list[tuple[int, int, float]]) -> np.ndarray | None:
    """KTAB's accommodation matrix: the identity with the listed ``(actor, towards, rate)``
    entries written over it (``docs/specs/ktab.md`` §4.1); None when it stays the identity."""
    if not pairs:
        return None
    matrix = np.eye(n)
    for actor, towards, rate in pairs:
        matrix[actor, towards] = rate
    return None if np.array_equal(matrix, np.eye(n)) else matrix


@compiled
def follow(accommodation: np.ndarray, position: np.ndarray, ideal: np.ndarray) -> np.ndarray:
    """The ideals after a turn: ``ξ ← A x + (1 - Σ_j A_ij) ξ`` (``docs/specs/ktab.md``
    §4.1)."""
    moved = matrix_product(accommodation, position)
    for a in range(ideal.shape[0]):
        kept = 1.0 - pairwise_sum(accommodation[a])
        for k in range(ideal.shape[1]):
            moved[a, k] += kept * ideal[a, k]
    return moved


@compiled
def movement(before: np.ndarray, after: np.ndarray) -> float:
    """How far a turn moved the actors: the sum of each actor's Euclidean move (§4.9, C5)."""
    n = before.shape[0]
    each = np.empty(n)
    squares = np.empty(before.shape[1])
    for a in range(n):
        for k in range(before.shape[1]):
            gap = after[a, k] - before[a, k]
            squares[k] = gap * gap
        each[a] = np.sqrt(pairwise_sum(squares))
    return pairwise_sum(each)


@compiled
def grown(table: np.ndarray, rows: int) -> np.ndarray:
    """``table`` (``[row, column]``) if it has ``rows`` rows, else a copy of it with room for
    twice as many."""
    if table.shape[0] >= rows:
        return table
    larger = np.empty((max(rows, 2 * table.shape[0]), table.shape[1]), table.dtype)
    for r in range(table.shape[0]):
        for c in range(table.shape[1]):
            larger[r, c] = table[r, c]
    return larger


@borrower
def put(table: np.ndarray, row: int, column: int, values: np.ndarray) -> None:
    """Writes ``values`` into ``table[row]`` from ``column`` on."""
    for c in range(values.shape[0]):
        table[row, column + c] = values[c]


@compiled
def run_draws(
    position: np.ndarray,
    salience: np.ndarray,
    capability: np.ndarray,
    listed: np.ndarray,
    accommodation: np.ndarray | None,
    codes: tuple,
    max_turns: int,
    rng: np.random.Generator,
    logged: bool,
):
    """Every draw from ``position`` (``[draw, actor, dimension]`` on [0, 1], actors in the
    canonical order of :mod:`.listing`; ``listed[d, k]``: the row of draw ``d``'s ``k``-th
    listed actor) turn after turn until the stopping rule: at least 2 turns, at most
    ``max_turns``, and stop once a turn moves the actors by less than 2% of the first turn's
    movement (§4.9, C5).

    Ideals follow ``accommodation`` (``[actor, actor]`` as listed; None: none) after each
    turn (:func:`follow`); without it each ideal is the actor's position (and numba compiles
    the run without :func:`follow`). ``codes``: voting,
    victory, pce, adjust, commit, interpolation, bargain, stochastic, risk range. Returns the
    fields of :class:`.log.Recording`, in its order, with a row per state, group, turn or
    bargain (the values of each flattened). Without ``logged``, only what the forecast needs
    is recorded: each state's positions, and the groups of each draw's last state (earlier
    states have none; the arrays of ideals, risks, win probabilities, turns and bargains come
    back empty), and the elections only the log shows are not held.
    """
    voting, victory, pce, _, _, _, _, _, risk_range = codes
    draws, n, dimensions = position.shape
    capacity = 16 * draws
    log_rows = capacity if logged else 0  # rows of what only the log reads
    state_start = np.zeros((draws + 1, 1), dtype=np.int64)
    group_start = np.zeros((capacity, 1), dtype=np.int64)
    bargain_start = np.zeros((log_rows, 1), dtype=np.int64)
    state_position = np.empty((capacity, n * dimensions))
    state_ideal = np.empty((log_rows, n * dimensions))
    state_risk = np.empty((log_rows, n))
    state_win = np.empty((log_rows, n))
    group_position = np.empty((capacity, dimensions))
    group_probability = np.empty((capacity, 1))
    turn_target = np.empty((log_rows, n), dtype=np.int64)
    turn_chosen = np.empty((log_rows, n), dtype=np.int64)
    turn_estimate = np.empty((log_rows, 3 * n))
    turn_fraction = np.empty((log_rows, 1))
    bargain_parties = np.empty((log_rows, 3), dtype=np.int64)
    bargain_position = np.empty((log_rows, 2 * dimensions))
    states, groups, turns, bargains = 0, 0, 0, 0
    for d in range(draws):
        x, s, c = position[d].copy(), salience[d], capability[d]
        ideal = x
        total_salience, weight = np.empty(n), np.empty(n)
        for a in range(n):
            total_salience[a] = pairwise_sum(s[a])
            weight[a] = c[a] * total_salience[a]
        matrix = np.empty((0, 0))
        if accommodation is not None:  # in canonical order
            matrix = np.empty((n, n))
            for a in range(n):
                for b in range(n):
                    matrix[listed[d, a], listed[d, b]] = accommodation[a, b]
        first, ratio = 0.0, 1.0
        for t in range(max_turns + 1):
            # the stopping rule (known before the state is evaluated): a state's forecast is
            # needed for the log, or when it is the draw's last
            last = t > 0 and (t == max_turns or (t >= MINIMUM_TURNS and ratio < STOP_FRACTION))
            distance, risk, own, win, merged, forecast = evaluate_state(
                x, ideal, s, c, listed[d], voting, victory, pce, risk_range, logged, logged or last
            )
            state_position = grown(state_position, states + 1)
            group_start = grown(group_start, states + 2)
            for a in range(n):
                put(state_position, states, a * dimensions, x[a])
            if logged:
                state_ideal = grown(state_ideal, states + 1)
                state_risk, state_win = grown(state_risk, states + 1), grown(state_win, states + 1)
                for a in range(n):
                    put(state_ideal, states, a * dimensions, ideal[a])
                put(state_risk, states, np.int64(0), risk)
                put(state_win, states, np.int64(0), win)
            group_position = grown(group_position, groups + merged.shape[0])
            group_probability = grown(group_probability, groups + merged.shape[0])
            for g in range(merged.shape[0]):
                put(group_position, groups, np.int64(0), merged[g])
                group_probability[groups, 0] = forecast[g]
                groups += 1
            states += 1
            group_start[states, 0] = groups
            if last:
                break
            target, success, gain, parties, moved, chosen, probability, after = step(
                x, ideal, distance, risk, own, s, c, weight, total_salience, codes, rng
            )
            moving = movement(x, after)
            if t == 0:
                first = moving
            ratio = moving / (first + FIRST_STEP_GUARD)
            if logged:
                turn_target = grown(turn_target, turns + 1)
                turn_chosen = grown(turn_chosen, turns + 1)
                turn_estimate = grown(turn_estimate, turns + 1)
                turn_fraction = grown(turn_fraction, turns + 1)
                bargain_start = grown(bargain_start, turns + 2)
                put(turn_target, turns, np.int64(0), target)
                put(turn_chosen, turns, np.int64(0), chosen)
                put(turn_estimate, turns, np.int64(0), success)
                put(turn_estimate, turns, n, gain)
                put(turn_estimate, turns, 2 * n, probability)
                turn_fraction[turns, 0] = ratio
                bargain_parties = grown(bargain_parties, bargains + parties.shape[0])
                bargain_position = grown(bargain_position, bargains + parties.shape[0])
                for b in range(parties.shape[0]):
                    put(bargain_parties, bargains, np.int64(0), parties[b])
                    put(bargain_position, bargains, np.int64(0), moved[0, b])
                    put(bargain_position, bargains, dimensions, moved[1, b])
                    bargains += 1
                bargain_start[turns + 1, 0] = bargains
            turns += 1
            ideal = after if accommodation is None else follow(matrix, after, ideal)
            x = after
        state_start[d + 1, 0] = states
    kept_states, kept_turns = (states, turns) if logged else (0, 0)
    return (
        state_start[:, 0],
        state_position[:states].reshape(states, n, dimensions),
        state_ideal[:kept_states].reshape(kept_states, n, dimensions),
        state_risk[:kept_states],
        state_win[:kept_states],
        group_start[: states + 1, 0],
        group_position[:groups],
        group_probability[:groups, 0],
        turn_target[:kept_turns],
        turn_chosen[:kept_turns],
        turn_estimate[:kept_turns].reshape(kept_turns, 3, n),
        turn_fraction[:kept_turns, 0],
        bargain_start[: kept_turns + 1 if logged else 0, 0],
        bargain_parties[:bargains],
        bargain_position[:bargains].reshape(bargains, 2, dimensions),
    )
