"""One turn of the spatial model (``ktab.md`` §4.7): every actor picks the target it expects to
gain most from challenging, proposes a bargain, and every actor then holds an election over the
bargains it is party to and its status quo, and moves to its side of the winner.
"""

from __future__ import annotations

import numpy as np

from flashpoint.models.smp.kernels import choose_targets, receiver_success, resolve_bargains
from flashpoint.models.smp.records import Bargains, Turn, TurnRules
from flashpoint.models.smp.state import State, distances, utilities

MINIMUM_GAIN = 1e-5  # ktab.md §4.7: a challenge must be expected to gain more than this
TIE_BREAK = 1e-6  # §4.11 C2: added to each party's own weight in an S1P1/S2P2 bargain

# BargnModel codes (options.BARGAIN); a bargain's view is an index into records.VIEWS
INIT_ONLY, INIT_RECEIVER, COMPROMISE = range(3)
# InterVecBrgn codes (options.INTERPOLATION)
S1P1, S2P2, S2PMAX = range(3)


def round4(values: np.ndarray) -> np.ndarray:
    """Rounded to 4 decimals, halves away from zero (positions are in [0, 1])."""
    return np.floor(values * 1e4 + 0.5) / 1e4


def interpolate(
    start: np.ndarray,
    other: np.ndarray,
    salience: np.ndarray,
    other_salience: np.ndarray,
    p: np.ndarray,
    method: int,
) -> tuple[np.ndarray, np.ndarray]:
    """The positions a bargain gives the initiator and the receiver (``ktab.md`` §4.7 step 2),
    per bargain and dimension, from their positions, saliences and the probability ``p`` that
    the initiator would win.

    S1P1/S2P2: the average weighted by ``(s p)^a`` and ``(s' (1-p))^a`` (``a`` = 1, 2), with
    1e-6 added to each party's own weight and rounded to 4 decimals (C2), within the parties'
    positions. S2PMax: only the
    weaker side moves, in proportion to the other's squared salience; not rounded.
    """
    p = p[:, None]
    if method == S2PMAX:
        weak_i = np.maximum(0.0, (1 - p) - p)
        weak_j = np.maximum(0.0, p - (1 - p))
        s_i, s_j = salience**2, other_salience**2
        move_i = weak_i * s_j / (weak_i * s_j + TIE_BREAK + (1 - weak_i) * s_i)
        move_j = weak_j * s_i / (weak_j * s_i + TIE_BREAK + (1 - weak_j) * s_j)
        return start + move_i * (other - start), other + move_j * (start - other)
    power = 1 if method == S1P1 else 2
    w_i, w_j = (salience * p) ** power, (other_salience * (1 - p)) ** power
    mine = round4(((w_i + TIE_BREAK) * start + w_j * other) / (w_i + TIE_BREAK + w_j))
    theirs = round4((w_i * start + (w_j + TIE_BREAK) * other) / (w_i + w_j + TIE_BREAK))
    # rounding must not carry a bargain outside the parties' positions (it cannot when they
    # are on KTAB's grid of 1e-4, as in KTAB's files)
    low, high = np.minimum(start, other), np.maximum(start, other)
    return np.clip(mine, low, high), np.clip(theirs, low, high)


def propose(
    state: State,
    initiator: np.ndarray,
    receiver: np.ndarray,
    success: np.ndarray,
    salience: np.ndarray,
    weight: np.ndarray,
    total_salience: np.ndarray,
    rules: TurnRules,
) -> Bargains:
    """The bargains of a turn (BargnModel, ``ktab.md`` §4.7 step 2): the initiator's view, both
    views, or their compromise weighted by capability x total salience."""
    x, s = state.position, salience

    def view(p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return interpolate(
            x[initiator], x[receiver], s[initiator], s[receiver], p, rules.interpolation
        )

    own = view(success)
    if rules.bargain == INIT_ONLY:
        return Bargains(initiator, receiver, *own, np.zeros(initiator.shape[0], dtype=np.int64))
    theirs = view(
        receiver_success(
            initiator,
            receiver,
            state.distance,
            state.risk,
            weight,
            total_salience,
            rules.adjust,
            rules.voting,
            rules.commit,
        )
    )
    if rules.bargain == INIT_RECEIVER:  # each initiator's two bargains, its own view first

        def pairs(a: np.ndarray, b: np.ndarray) -> np.ndarray:
            return np.stack([a, b], axis=1).reshape(-1, *a.shape[1:])

        return Bargains(
            pairs(initiator, initiator),
            pairs(receiver, receiver),
            pairs(own[0], theirs[0]),
            pairs(own[1], theirs[1]),
            np.tile(np.array([0, 1]), initiator.shape[0]),
        )
    w_i, w_j = weight[initiator][:, None], weight[receiver][:, None]
    return Bargains(
        initiator,
        receiver,
        (w_i * own[0] + w_j * theirs[0]) / (w_i + w_j),
        (w_i * own[1] + w_j * theirs[1]) / (w_i + w_j),
        np.full(initiator.shape[0], COMPROMISE, dtype=np.int64),
    )


def bargain_values(state: State, bargains: Bargains, salience: np.ndarray) -> np.ndarray:
    """``values[a, q]``: to each actor, the mean of its utilities of all positions after option
    ``q`` (``ktab.md`` §4.7 step 3); option 0 is the status quo, option ``1 + b`` bargain ``b``,
    which moves only its two parties."""
    n = state.position.shape[0]
    own = state.own_utility
    row = own.sum(axis=1)
    if bargains.size == 0:
        return (row / n)[:, None]
    moved = np.concatenate([bargains.initiator_position, bargains.receiver_position])
    after = utilities(distances(state.ideal, moved, salience), state.risk)
    size = bargains.size
    changed = (
        after[:, :size] + after[:, size:] - own[:, bargains.initiator] - own[:, bargains.receiver]
    )
    return np.concatenate([row[:, None], row[:, None] + changed], axis=1) / n


def queues(n: int, bargains: Bargains) -> tuple[np.ndarray, np.ndarray]:
    """Each actor's options as ``(start, options)``: actor ``k``'s are
    ``options[start[k]:start[k + 1]]``, its status quo (0) first, then the bargains it is party
    to (``1 + b``) in the order they were made (KTAB: as its threads happen to add them)."""
    columns = np.arange(1, bargains.size + 1)
    party = np.concatenate([np.arange(n), bargains.initiator, bargains.receiver])
    option = np.concatenate([np.zeros(n, dtype=np.int64), columns, columns])
    order = np.lexsort((option, party))
    start = np.zeros(n + 1, dtype=np.int64)
    start[1:] = np.cumsum(np.bincount(party, minlength=n))
    return start, option[order]


def step(
    state: State,
    salience: np.ndarray,
    capability: np.ndarray,
    rules: TurnRules,
    rng: np.random.Generator,
) -> Turn:
    """One turn from ``state``: targets, bargains, elections and the new positions."""
    n = state.position.shape[0]
    total_salience = salience.sum(axis=1)
    weight = capability * total_salience
    target, success, gain = choose_targets(
        state.distance,
        state.risk,
        weight,
        total_salience,
        rules.adjust,
        rules.voting,
        rules.commit,
        MINIMUM_GAIN,
    )
    initiator = np.flatnonzero(target >= 0)
    bargains = propose(
        state,
        initiator,
        target[initiator],
        success[initiator],
        salience,
        weight,
        total_salience,
        rules,
    )
    values = bargain_values(state, bargains, salience)
    start, options = queues(n, bargains)
    draws = rng.random(n) if rules.stochastic else np.zeros(n)
    picked, probability = resolve_bargains(
        np.ascontiguousarray(values),
        capability,
        start,
        options,
        draws,
        rules.voting,
        rules.victory,
        rules.pce,
        rules.stochastic,
    )
    column = options[start[:-1] + picked]
    chosen = column - 1
    position = state.position.copy()
    for k in np.flatnonzero(chosen >= 0):
        b = chosen[k]
        side = (
            bargains.initiator_position
            if bargains.initiator[b] == k
            else bargains.receiver_position
        )
        position[k] = side[b]
    return Turn(
        target=target,
        success=success,
        gain=gain,
        bargains=bargains,
        chosen=chosen,
        chosen_probability=probability[start[:-1] + picked],
        position=position,
    )
