"""One turn of the spatial model (``docs/specs/ktab.md`` §4.7), compiled with numba: every actor
picks the target it expects to gain most from challenging, proposes a bargain, and every actor then
holds an election over the bargains it is party to and its status quo, and moves to its side of the
winner.
"""

from __future__ import annotations

import numpy as np

from flashpoint.models.pairwise import pairwise_sum
from flashpoint.models.smp.kernels import (
    choose_targets,
    compiled,
    receiver_success,
    resolve_bargains,
)
from flashpoint.models.smp.state import distances, utilities

MINIMUM_GAIN = 1e-5  # docs/specs/ktab.md §4.7: a challenge must be expected to gain more than this
TIE_BREAK = 1e-6  # §4.11 C2: added to each party's own weight in an S1P1/S2P2 bargain

# BargnModel codes (options.BARGAIN); a bargain's view is an index into records.VIEWS
INIT_ONLY, INIT_RECEIVER, COMPROMISE = range(3)
# InterVecBrgn codes (options.INTERPOLATION)
S1P1, S2P2, S2PMAX = range(3)


@compiled
def round4(value: float) -> float:
    """Rounded to 4 decimals, halves away from zero (positions are in [0, 1])."""
    return np.floor(value * 1e4 + 0.5) / 1e4


@compiled
def within(value: float, low: float, high: float) -> float:
    """``value`` clipped to ``[low, high]``."""
    value = value if value > low else low
    return value if value < high else high


@compiled
def interpolate(
    start: np.ndarray,
    other: np.ndarray,
    salience: np.ndarray,
    other_salience: np.ndarray,
    p: float,
    method: int,
    mine: np.ndarray,
    theirs: np.ndarray,
) -> None:
    """Fills ``mine`` and ``theirs``, per dimension, with the positions a bargain gives the
    initiator and the receiver (``docs/specs/ktab.md`` §4.7 step 2), from their positions,
    saliences and the probability ``p`` that the initiator would win.

    S1P1/S2P2: the average weighted by ``(s p)^a`` and ``(s' (1-p))^a`` (``a`` = 1, 2), with
    1e-6 added to each party's own weight and rounded to 4 decimals (C2), within the parties'
    positions. S2PMax: only the weaker side moves, in proportion to the other's squared
    salience; not rounded.
    """
    for k in range(start.shape[0]):
        t_i, t_j = start[k], other[k]
        if method == S2PMAX:
            weak_i = max(0.0, (1.0 - p) - p)
            weak_j = max(0.0, p - (1.0 - p))
            s_i, s_j = salience[k] * salience[k], other_salience[k] * other_salience[k]
            move_i = weak_i * s_j / (weak_i * s_j + TIE_BREAK + (1.0 - weak_i) * s_i)
            move_j = weak_j * s_i / (weak_j * s_i + TIE_BREAK + (1.0 - weak_j) * s_j)
            mine[k] = t_i + move_i * (t_j - t_i)
            theirs[k] = t_j + move_j * (t_i - t_j)
            continue
        w_i, w_j = salience[k] * p, other_salience[k] * (1.0 - p)
        if method == S2P2:
            w_i, w_j = w_i * w_i, w_j * w_j
        # rounding must not carry a bargain outside the parties' positions (it cannot when they
        # are on KTAB's grid of 1e-4, as in KTAB's files)
        low, high = min(t_i, t_j), max(t_i, t_j)
        mine[k] = within(
            round4(((w_i + TIE_BREAK) * t_i + w_j * t_j) / (w_i + TIE_BREAK + w_j)), low, high
        )
        theirs[k] = within(
            round4((w_i * t_i + (w_j + TIE_BREAK) * t_j) / (w_i + w_j + TIE_BREAK)), low, high
        )


@compiled
def propose(
    position: np.ndarray,
    distance: np.ndarray,
    risk: np.ndarray,
    salience: np.ndarray,
    weight: np.ndarray,
    total_salience: np.ndarray,
    target: np.ndarray,
    success: np.ndarray,
    codes: tuple,
):
    """The bargains of a turn, in the order they are made (BargnModel, ``docs/specs/ktab.md`` §4.7
    step 2): the initiator's view, both views (each initiator's own first), or their compromise
    weighted by capability x total salience. Returns ``parties[b]``: bargain ``b``'s initiator,
    receiver and view (an index into ``records.VIEWS``), and ``moved[0, b]`` and ``moved[1, b]``:
    the positions it gives the initiator and the receiver."""
    voting, _, _, adjust, commit, interpolation, bargain, _, _ = codes
    count = 0
    for i in range(target.shape[0]):
        count += target[i] >= 0
    initiator, receiver = np.empty(count, dtype=np.int64), np.empty(count, dtype=np.int64)
    b = 0
    for i in range(target.shape[0]):
        if target[i] >= 0:
            initiator[b], receiver[b] = i, target[i]
            b += 1
    their_success = success  # the receivers' view, when the bargain model asks for it
    if bargain != INIT_ONLY:
        their_success = receiver_success(
            initiator, receiver, distance, risk, weight, total_salience, adjust, voting, commit
        )
    views = 2 if bargain == INIT_RECEIVER else 1
    parties = np.empty((views * count, 3), dtype=np.int64)
    moved = np.empty((2, views * count, position.shape[1]))
    own, theirs = np.empty((2, position.shape[1])), np.empty((2, position.shape[1]))
    for b in range(count):
        i, j = initiator[b], receiver[b]
        interpolate(
            position[i],
            position[j],
            salience[i],
            salience[j],
            success[i],
            interpolation,
            own[0],
            own[1],
        )
        if bargain != INIT_ONLY:
            interpolate(
                position[i],
                position[j],
                salience[i],
                salience[j],
                their_success[b],
                interpolation,
                theirs[0],
                theirs[1],
            )
        if bargain == COMPROMISE:
            w_i, w_j = weight[i], weight[j]
            for side in range(2):
                for k in range(position.shape[1]):
                    own[side, k] = (w_i * own[side, k] + w_j * theirs[side, k]) / (w_i + w_j)
        for view in range(views):
            row = views * b + view
            parties[row, 0], parties[row, 1] = i, j
            parties[row, 2] = COMPROMISE if bargain == COMPROMISE else view
            offered = own if view == 0 else theirs
            for side in range(2):
                for k in range(position.shape[1]):
                    moved[side, row, k] = offered[side, k]
    return parties, moved


@compiled
def bargain_values(
    ideal: np.ndarray,
    own: np.ndarray,
    risk: np.ndarray,
    salience: np.ndarray,
    parties: np.ndarray,
    moved: np.ndarray,
) -> np.ndarray:
    """``values[a, q]``: to each actor, the mean of its utilities of all positions after option
    ``q`` (``docs/specs/ktab.md`` §4.7 step 3); option 0 is the status quo, option ``1 + b``
    bargain ``b``, which moves only its two parties (to ``moved[0, b]`` and ``moved[1, b]``)."""
    n, size = own.shape[0], parties.shape[0]
    after = utilities(distances(ideal, moved.reshape(2 * size, moved.shape[2]), salience), risk)
    values = np.empty((n, 1 + size))
    for a in range(n):
        row = pairwise_sum(own[a])
        values[a, 0] = row / n
        for b in range(size):
            changed = after[a, b] + after[a, size + b] - own[a, parties[b, 0]]
            values[a, 1 + b] = (row + (changed - own[a, parties[b, 1]])) / n
    return values


@compiled
def queues(n: int, parties: np.ndarray):
    """Each actor's options as ``(start, options)``: actor ``k``'s are
    ``options[start[k]:start[k + 1]]``, its status quo (0) first, then the bargains it is party
    to (``1 + b``) in the order they were made (KTAB: as its threads happen to add them)."""
    start = np.zeros(n + 1, dtype=np.int64)
    for k in range(n):
        start[k + 1] = 1
    for b in range(parties.shape[0]):
        start[parties[b, 0] + 1] += 1
        start[parties[b, 1] + 1] += 1
    for k in range(n):
        start[k + 1] += start[k]
    options = np.zeros(start[n], dtype=np.int64)
    filled = start[:n] + 1
    for b in range(parties.shape[0]):
        for side in range(2):
            k = parties[b, side]
            options[filled[k]] = 1 + b
            filled[k] += 1
    return start, options


@compiled
def step(
    position: np.ndarray,
    ideal: np.ndarray,
    distance: np.ndarray,
    risk: np.ndarray,
    own: np.ndarray,
    salience: np.ndarray,
    capability: np.ndarray,
    weight: np.ndarray,
    total_salience: np.ndarray,
    codes: tuple,
    rng: np.random.Generator,
):
    """One turn from a state (:func:`.state.evaluate_state`): per actor its target (-1: none), its
    estimate of the probability of winning and of its gain (``docs/specs/ktab.md`` §4.7 step 1);
    the bargains (:func:`propose`); per actor the bargain it takes (-1: it keeps its position) and
    that option's probability in its election (step 3); and the new positions (step 4). ``weight``
    is capability x total salience. Stochastic transitions draw one number per actor from
    ``rng``."""
    voting, victory, pce, adjust, commit, _, _, stochastic, _ = codes
    n = position.shape[0]
    target, success, gain = choose_targets(
        distance, risk, weight, total_salience, adjust, voting, commit, MINIMUM_GAIN
    )
    parties, moved = propose(
        position, distance, risk, salience, weight, total_salience, target, success, codes
    )
    values = bargain_values(ideal, own, risk, salience, parties, moved)
    start, options = queues(n, parties)
    draws = rng.random(n) if stochastic else np.zeros(n)
    picked, probability = resolve_bargains(
        values, capability, start, options, draws, voting, victory, pce, stochastic == 1
    )
    chosen = np.empty(n, dtype=np.int64)
    chosen_probability = np.empty(n)
    after = position.copy()
    for k in range(n):
        chosen[k] = options[start[k] + picked[k]] - 1
        chosen_probability[k] = probability[start[k] + picked[k]]
        b = chosen[k]
        if b >= 0:
            side = 0 if parties[b, 0] == k else 1
            for dimension in range(position.shape[1]):
                after[k, dimension] = moved[side, b, dimension]
    return target, success, gain, parties, moved, chosen, chosen_probability, after
