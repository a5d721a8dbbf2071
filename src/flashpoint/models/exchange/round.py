"""One round of the exchange model: execute the best valid candidate until none is left, with the
reference's within-round bookkeeping (``docs/specs/exchange.md`` §4.4-4.5 and corrections C1-C5).

After an exchange, a candidate in which one of its two suppliers supplies the same issue again
continues from that supplier's new position (its move history grows, C3); a candidate in which
one of its demanders demands the same issue again sees the new position of the supplier as a
"third-party update" in its outcome checks (the less-moved value wins, C4). Every other
candidate is left as it was. Which candidate is executed is the largest gain (compared after
rounding to 1e-12), then the one created first; a recorded sequence may decide ties instead
(C1, :mod:`.replay`).

The round is compiled with numba (:func:`play_round`): its candidates are created in a
:class:`~.candidates.CandidateTable` (:mod:`.table`), the candidates an exchange touches are
found through maps from (actor, issue) to table rows, and only they are worked out again. An
executed candidate is not touched again, so the table keeps it as it stood when executed, for the
records (:mod:`.log`).

The steps of the round's innermost loops (a candidate's validity, a third-party update) are
written out in :func:`play_round` or take numbers, not the table's arrays, and solving a
candidate borrows them (:mod:`flashpoint.models.borrowing`): numba changes an array's reference
count atomically each time it is handed to a function, even one it writes into its caller, and
in these loops that cost more than the steps themselves (Korea 2018, a Monte Carlo draw: 0.26 ms
with them as functions of the arrays, 0.18 ms written out, 0.15 ms with the solving borrowing).
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from flashpoint.models.exchange.columns import (
    ACTOR,
    AT_BOUNDARY,
    DEMAND,
    GAIN,
    HISTORY_DOWN,
    HISTORY_SUM,
    HISTORY_UP,
    MOVE,
    POSITION,
    SEEN_SUM,
    SIDE_FLAGS,
    SIDE_NUMBERS,
    SIDE_VALUES,
    SUPPLY,
    A,
    B,
)
from flashpoint.models.exchange.randomized import perturb
from flashpoint.models.exchange.replay import choose
from flashpoint.models.exchange.solve import compiled, inlined, solve_equal_gain
from flashpoint.models.exchange.table import create, outcome, weighted_sums

# Moves and gains at or below this are no move and no gain (docs/specs/exchange.md §4.3).
NEGLIGIBLE = 1e-10
# Rounding allowed on the bounds of a position (0-100) and of a move history's sum.
_SLACK = 1e-9
GONE = -np.inf  # the rank of a candidate that is no longer valid

Boundary = Literal["keep", "drop"]
Policy = Literal["decide-parity", "full-recompute"]


@compiled
def is_valid(gain: float, at_boundary: bool, drop_boundary: bool, a: tuple, b: tuple) -> bool:
    """§4.3: a real ``gain``; each move real, at most 100, inside the scale; the supplier's
    moves in this candidate all one way and together at most 100 (C3); and at the outcome cap's
    boundary (C2) kept (``drop_boundary`` false: the cap reads "strictly between", and rounding
    counts as exact) or dropped (no room left). ``a`` and ``b``: each side's move, position,
    move history's sum, and whether that history went all up, all down."""
    if gain < NEGLIGIBLE:
        return False
    if drop_boundary and at_boundary:
        return False
    return _side_valid(*a) and _side_valid(*b)


@compiled
def _side_valid(move: float, position: float, history: float, up: bool, down: bool) -> bool:
    """One side of :func:`is_valid`, in numbers (an array handed to a compiled function costs
    more than these tests: see :mod:`.solve`): its ``move`` from ``position``, the sum of its
    move ``history`` and whether that history went all ``up`` or all ``down``."""
    if not NEGLIGIBLE < abs(move) <= 100:
        return False
    if not -_SLACK <= position + move <= 100 + _SLACK:
        return False
    if not ((up and move > 0) or (down and move < 0)):
        return False
    return not history + move > 100 + _SLACK


@inlined
def _commit_move(values: np.ndarray, flags: np.ndarray, row: int, side: int) -> None:
    """C3: the supplier executed, so the current move of this side becomes part of its history,
    and the next one is added after it (instead of replacing it)."""
    v, f = side * SIDE_VALUES, side * SIDE_FLAGS
    move = values[row, v + MOVE]
    values[row, v + HISTORY_SUM] += move
    flags[row, f + HISTORY_UP] = flags[row, f + HISTORY_UP] and move > 0
    flags[row, f + HISTORY_DOWN] = flags[row, f + HISTORY_DOWN] and move < 0


@compiled
def _group(numbers: np.ndarray, issues: int, actors: int, role: int):
    """A map from ``actor * issues + issue`` to the rows in which that actor has that issue as
    its ``role`` (``SUPPLY`` or ``DEMAND``), in row order, with the side (0: ``a``, 1: ``b``):
    offsets, rows, sides."""
    count = np.zeros(actors * issues + 1, dtype=np.int64)
    for row in range(len(numbers)):
        for side in range(2):
            n = side * SIDE_NUMBERS
            count[numbers[row, n + ACTOR] * issues + numbers[row, n + role] + 1] += 1
    offsets = np.cumsum(count)
    fill = offsets[:-1].copy()
    rows = np.empty(offsets[-1], dtype=np.int64)
    sides = np.empty(offsets[-1], dtype=np.int64)
    for row in range(len(numbers)):
        for side in range(2):
            n = side * SIDE_NUMBERS
            key = numbers[row, n + ACTOR] * issues + numbers[row, n + role]
            rows[fill[key]], sides[fill[key]] = row, side
            fill[key] += 1
    return offsets, rows, sides


@compiled
def play_round(
    position: np.ndarray,
    salience: np.ndarray,
    weight: np.ndarray,
    present: np.ndarray,
    drop_boundary: bool,
    full_recompute: bool,
    p: float,
    rng: np.random.Generator | None,
    recorded: np.ndarray | None,
    voting: np.ndarray,
    supplied: np.ndarray,
):
    """One round from the preferences ``position`` (``[actor, issue]``, with ``salience``,
    ``weight`` and ``present``): creates its candidates and executes them until none is valid.

    ``drop_boundary``, ``full_recompute``, ``p`` and ``rng`` are the choices of
    :func:`.runner.run_round`; ``recorded`` (rows ``(actor, supply, actor, supply)``), if given,
    settles choices as the reference made them (:mod:`.replay`; numba compiles the round
    without that code when it is ``None``). Writes the round's voting positions into ``voting``
    and marks in ``supplied`` every (actor, issue) that supplied. Returns the candidate table
    (``numbers``, ``values``, ``flags``; an executed row stays as it was executed), the rows
    executed in order and the number of valid candidates at the start (C5).

    The third-party updates of §4.5 (C4) are kept in linked lists, one per slot ``2 row + side``
    (the side whose supply issue they are on): the ``head`` and ``tail`` of each slot, and a
    pool of ``actor``, ``value`` and ``next`` entries (at most one per actor and slot).
    """
    weighted_sum, total = weighted_sums(position, weight, present)
    numbers, values, flags = create(position, salience, weight, present, weighted_sum, total)
    actors, issues = position.shape
    for k in range(actors):
        for d in range(issues):
            voting[k, d] = position[k, d]
            supplied[k, d] = False
    count = len(numbers)
    rank = np.empty(count)
    order = np.empty(count, dtype=np.int64)
    done = 0
    # The rows to work out (again), in order, and the outcomes they see (solve.outcome_seen):
    # at first every row, each with its own view.
    touched = np.arange(count)
    found = count
    own_view = np.empty(0)
    view = own_view
    seen = np.full(count, -1, dtype=np.int64)
    # Who plays which role where. A candidate no longer valid is skipped wherever it is found,
    # so that the maps may list every candidate, valid at the start or not.
    supply_offsets, supply_rows, supply_sides = _group(numbers, issues, actors, np.int64(SUPPLY))
    demand_offsets, demand_rows, demand_sides = _group(numbers, issues, actors, np.int64(DEMAND))
    head = np.full(2 * count, -1, dtype=np.int64)
    tail = np.full(2 * count, -1, dtype=np.int64)
    pool_actor = np.empty(2 * count * actors, dtype=np.int64)
    pool_value = np.empty(2 * count * actors)
    pool_next = np.empty(2 * count * actors, dtype=np.int64)
    used = 0
    valid = -1
    step = 0
    while True:
        for entry in range(found):
            # Solve each touched candidate and rank it: its gain rounded to 1e-12 (C1), or GONE
            # if it is not valid.
            row = touched[entry]
            solve_equal_gain(numbers, values, flags, row, view)
            if rng is not None:  # p > 0 (without it numba compiles the round without this)
                perturb(numbers, values, flags, row, view, p, rng)
            a = (
                values[row, A + MOVE], values[row, A + POSITION], values[row, A + HISTORY_SUM],
                flags[row, HISTORY_UP], flags[row, HISTORY_DOWN],
            )  # fmt: skip
            b = (
                values[row, B + MOVE], values[row, B + POSITION], values[row, B + HISTORY_SUM],
                flags[row, SIDE_FLAGS + HISTORY_UP], flags[row, SIDE_FLAGS + HISTORY_DOWN],
            )  # fmt: skip
            rank[row] = GONE
            if is_valid(values[row, GAIN], flags[row, AT_BOUNDARY], drop_boundary, a, b):
                rank[row] = round(values[row, GAIN], 12)
        if valid == -1:  # the start of the round (C5)
            valid = 0
            for row in range(count):
                valid += rank[row] > GONE
        if recorded is not None:
            chosen, step, dropped = choose(numbers, values, flags, rank, recorded, step)
            if chosen == -1:
                if dropped:
                    found = 0
                    continue
                break
        else:
            if count == 0:
                break
            chosen = np.argmax(rank)
            if rank[chosen] == GONE:
                break
        rank[chosen] = GONE
        order[done] = chosen
        done += 1
        found = 0
        for side in range(2):
            n, v = side * SIDE_NUMBERS, side * SIDE_VALUES
            actor, issue = numbers[chosen, n + ACTOR], numbers[chosen, n + SUPPLY]
            new = values[chosen, v + POSITION] + values[chosen, v + MOVE]
            voting[actor, issue] = new
            supplied[actor, issue] = True
            key = actor * issues + issue
            for entry in range(supply_offsets[key], supply_offsets[key + 1]):
                row = supply_rows[entry]
                if rank[row] == GONE:
                    continue
                values[row, supply_sides[entry] * SIDE_VALUES + POSITION] = new
                _commit_move(values, flags, row, supply_sides[entry])
                if seen[row] != done:
                    seen[row], touched[found] = done, row
                    found += 1
        if full_recompute:
            # Every candidate afresh from the current voting positions, with no move history:
            # a supplier is held back only by its partner's position.
            view = outcome(voting, weight, present)
            found = 0
            for row in range(count):
                if rank[row] == GONE:
                    continue
                for side in range(2):
                    n, v, f = side * SIDE_NUMBERS, side * SIDE_VALUES, side * SIDE_FLAGS
                    actor, issue = numbers[row, n + ACTOR], numbers[row, n + SUPPLY]
                    values[row, v + POSITION] = voting[actor, issue]
                    values[row, v + HISTORY_SUM] = 0.0
                    flags[row, f + HISTORY_UP] = flags[row, f + HISTORY_DOWN] = True
                touched[found] = row
                found += 1
            continue
        for side in range(2):
            # This side demanded ``issue``; its partner supplied it, moving to ``value``.
            n, partner = side * SIDE_NUMBERS, (1 - side) * SIDE_NUMBERS
            third, issue = numbers[chosen, partner + ACTOR], numbers[chosen, n + DEMAND]
            partner_values = (1 - side) * SIDE_VALUES
            value = (
                values[chosen, partner_values + POSITION] + values[chosen, partner_values + MOVE]
            )
            key = numbers[chosen, n + ACTOR] * issues + issue
            for entry in range(demand_offsets[key], demand_offsets[key + 1]):
                row = demand_rows[entry]
                if rank[row] == GONE:
                    continue
                # The demander's partner in this candidate supplies ``issue``; its own position
                # is no update (the candidate follows it anyway).
                other = 1 - demand_sides[entry]
                if numbers[row, other * SIDE_NUMBERS + ACTOR] != third:
                    # ``third`` now votes ``value`` on ``issue``, the supply issue of side
                    # ``other`` of candidate ``row``. Of two updates for one actor the one that
                    # moved less from its round-start position is kept (C4); the outcome this
                    # side sees sums the updates in the order they came.
                    slot, seen_sum = 2 * row + other, other * SIDE_VALUES + SEEN_SUM
                    node = head[slot]
                    while node != -1 and pool_actor[node] != third:
                        node = pool_next[node]
                    start_third = position[third, issue]
                    if node == -1:
                        pool_actor[used], pool_value[used], pool_next[used] = third, value, -1
                        if tail[slot] == -1:
                            head[slot] = used
                        else:
                            pool_next[tail[slot]] = used
                        tail[slot] = used
                        values[row, seen_sum] += weight[third, issue] * (value - start_third)
                        used += 1
                    else:
                        stored = pool_value[node]
                        kept = min(stored, value) if stored >= start_third else max(stored, value)
                        if kept != stored:
                            pool_value[node] = kept
                            total_seen = weighted_sum[issue]
                            node = head[slot]
                            while node != -1:
                                one = pool_actor[node]
                                total_seen += weight[one, issue] * (
                                    pool_value[node] - position[one, issue]
                                )
                                node = pool_next[node]
                            values[row, seen_sum] = total_seen
                if seen[row] != done:
                    seen[row], touched[found] = done, row
                    found += 1
    return numbers, values, flags, order[:done], valid
