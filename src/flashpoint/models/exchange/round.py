"""One round of the exchange model: execute the best valid candidate until none is left, with
the reference's within-round bookkeeping (``exchange.md`` §4.4-4.5 and corrections C1-C5).

After an exchange, a candidate in which one of its two suppliers supplies the same issue again
continues from that supplier's new position (its move history grows, C3); a candidate in which
one of its demanders demands the same issue again sees the new position of the supplier as a
"third-party update" in its outcome checks (the less-moved value wins, C4). Every other
candidate is left as it was. Which candidate is executed is the largest gain (compared after
rounding to 1e-12), then the one created first; a ``chooser`` may decide ties instead (C1).

The candidates live in a :class:`~.candidates.CandidateTable`. The loop over exchanges is
compiled with numba: the candidates an exchange touches are found through maps from (actor,
issue) to table rows, and only they are worked out again; the best is the largest rounded gain.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np

from flashpoint.models.exchange.candidates import (
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
    RoundStart,
    create_candidates,
)
from flashpoint.models.exchange.randomized import perturb
from flashpoint.models.exchange.records import Executed, RoundResult
from flashpoint.models.exchange.replay import Exchange, choose, recording
from flashpoint.models.exchange.solve import compiled, solve_equal_gain

# Moves and gains at or below this are no move and no gain (exchange.md §4.3).
NEGLIGIBLE = 1e-10
# Rounding allowed on the bounds of a position (0-100) and of a move history's sum.
_SLACK = 1e-9
GONE = -np.inf  # the rank of a candidate that is no longer valid

Boundary = Literal["keep", "drop"]
Policy = Literal["decide-parity", "full-recompute"]


def run_round(
    start: RoundStart,
    recorded: Sequence[Exchange] | None = None,
    boundary: Boundary = "keep",
    policy: Policy = "decide-parity",
    p: float = 0.0,
    rng: np.random.Generator | None = None,
) -> RoundResult:
    """Execute exchanges until no valid candidate remains.

    With ``policy="decide-parity"`` an exchange updates the candidates as the reference does
    (module docstring); with ``"full-recompute"`` every remaining candidate is worked out again
    from the current voting positions and outcomes. ``boundary`` says what becomes of a
    candidate at the outcome cap's boundary (:func:`is_valid`). With ``p > 0`` every
    candidate's moves vary at random around equal gain each time it is worked out
    (:mod:`.randomized`), drawn from ``rng``. ``recorded`` replays the reference's choices
    (:mod:`.replay`).
    """
    table = create_candidates(start)
    voting = start.position.copy()
    order, counted = _run(
        *table,
        start.counted_weight,
        start.present,
        start.position,
        start.weighted_sum,
        start.total,
        voting,
        boundary == "drop",
        policy == "full-recompute",
        p,
        rng if rng is not None else np.random.default_rng(0),
        recording(recorded or ()),
        recorded is not None,
    )
    executed = [
        Executed(
            number,
            float(table.gain[row]),
            float(table.reported_gain[row]),
            *table.sides(row),
        )
        for number, row in enumerate(order.tolist(), start=1)
    ]
    return RoundResult(voting, executed, int(counted))


@compiled
def is_valid(values: np.ndarray, flags: np.ndarray, row: int, drop_boundary: bool) -> bool:
    """§4.3: a real gain; each move real, at most 100, inside the scale; the supplier's moves in
    this candidate all one way and together at most 100 (C3); and at the outcome cap's boundary
    (C2) kept (``drop_boundary`` false: the cap reads "strictly between", and rounding counts as
    exact) or dropped (no room left)."""
    if values[row, GAIN] < NEGLIGIBLE:
        return False
    if drop_boundary and flags[row, AT_BOUNDARY]:
        return False
    return _side_valid(values, flags, row, np.int64(0)) and _side_valid(
        values, flags, row, np.int64(1)
    )


@compiled
def _side_valid(values: np.ndarray, flags: np.ndarray, row: int, side: int) -> bool:
    v, f = side * SIDE_VALUES, side * SIDE_FLAGS
    move = values[row, v + MOVE]
    if not NEGLIGIBLE < abs(move) <= 100:
        return False
    if not -_SLACK <= values[row, v + POSITION] + move <= 100 + _SLACK:
        return False
    if not (
        (flags[row, f + HISTORY_UP] and move > 0) or (flags[row, f + HISTORY_DOWN] and move < 0)
    ):
        return False
    return not values[row, v + HISTORY_SUM] + move > 100 + _SLACK


@compiled
def _commit_move(values: np.ndarray, flags: np.ndarray, row: int, side: int) -> None:
    """C3: the supplier executed, so the current move of this side becomes part of its history,
    and the next one is added after it (instead of replacing it)."""
    v, f = side * SIDE_VALUES, side * SIDE_FLAGS
    move = values[row, v + MOVE]
    values[row, v + HISTORY_SUM] += move
    flags[row, f + HISTORY_UP] = flags[row, f + HISTORY_UP] and move > 0
    flags[row, f + HISTORY_DOWN] = flags[row, f + HISTORY_DOWN] and move < 0


@compiled
def _group(numbers: np.ndarray, live: np.ndarray, issues: int, actors: int, role: int):
    """A map from ``actor * issues + issue`` to the live rows in which that actor has that
    issue as its ``role`` (``SUPPLY`` or ``DEMAND``), in row order, with the side (0: ``a``,
    1: ``b``): offsets, rows, sides."""
    count = np.zeros(actors * issues + 1, dtype=np.int64)
    for row in range(len(live)):
        if live[row]:
            for side in range(2):
                n = side * SIDE_NUMBERS
                count[numbers[row, n + ACTOR] * issues + numbers[row, n + role] + 1] += 1
    offsets = np.cumsum(count)
    fill = offsets[:-1].copy()
    rows = np.empty(offsets[-1], dtype=np.int64)
    sides = np.empty(offsets[-1], dtype=np.int64)
    for row in range(len(live)):
        if live[row]:
            for side in range(2):
                n = side * SIDE_NUMBERS
                key = numbers[row, n + ACTOR] * issues + numbers[row, n + role]
                rows[fill[key]], sides[fill[key]] = row, side
                fill[key] += 1
    return offsets, rows, sides


@compiled
def _register(
    values: np.ndarray,
    row: int,
    side: int,
    actor: int,
    issue: int,
    value: float,
    weight: np.ndarray,
    start_position: np.ndarray,
    weighted_sum: np.ndarray,
    lists: tuple,
):
    """``actor`` now votes ``value`` on ``issue``, the supply issue of ``side`` in candidate
    ``row``. Of two updates for one actor the one that moved less from its round-start position
    is kept (C4); the outcome this side sees sums the updates in the order they came. Returns
    ``lists`` (:func:`_run`), grown if it was full."""
    head, tail, pool_actor, pool_value, pool_next, used = lists
    slot, seen_sum = 2 * row + side, side * SIDE_VALUES + SEEN_SUM
    node = head[slot]
    while node != -1 and pool_actor[node] != actor:
        node = pool_next[node]
    start = start_position[actor, issue]
    if node == -1:
        if used == len(pool_actor):
            pool_actor = np.concatenate((pool_actor, np.empty_like(pool_actor)))
            pool_value = np.concatenate((pool_value, np.empty_like(pool_value)))
            pool_next = np.concatenate((pool_next, np.empty_like(pool_next)))
        pool_actor[used], pool_value[used], pool_next[used] = actor, value, -1
        if tail[slot] == -1:
            head[slot] = used
        else:
            pool_next[tail[slot]] = used
        tail[slot] = used
        used += 1
        values[row, seen_sum] += weight[actor, issue] * (value - start)
        return head, tail, pool_actor, pool_value, pool_next, used
    stored = pool_value[node]
    kept = min(stored, value) if stored >= start else max(stored, value)
    if kept != stored:
        pool_value[node] = kept
        total = weighted_sum[issue]
        node = head[slot]
        while node != -1:
            other = pool_actor[node]
            total += weight[other, issue] * (pool_value[node] - start_position[other, issue])
            node = pool_next[node]
        values[row, seen_sum] = total
    return head, tail, pool_actor, pool_value, pool_next, used


@compiled
def _work_out(
    numbers: np.ndarray,
    values: np.ndarray,
    flags: np.ndarray,
    row: int,
    current: np.ndarray,
    p: float,
    rng: np.random.Generator,
    drop_boundary: bool,
) -> float:
    """Solve candidate ``row`` and return its rank: its gain rounded to 1e-12 (C1), or
    ``GONE`` if it is not valid."""
    solve_equal_gain(numbers, values, flags, row, current)
    if p > 0:
        perturb(numbers, values, flags, row, current, p, rng)
    if not is_valid(values, flags, row, drop_boundary):
        return GONE
    return round(values[row, GAIN], 12)


@compiled
def _run(
    numbers: np.ndarray,
    values: np.ndarray,
    flags: np.ndarray,
    weight: np.ndarray,
    present: np.ndarray,
    start_position: np.ndarray,
    weighted_sum: np.ndarray,
    total: np.ndarray,
    voting: np.ndarray,
    drop_boundary: bool,
    full_recompute: bool,
    p: float,
    rng: np.random.Generator,
    recorded: np.ndarray,
    replaying: bool,
):
    """The round's loop (:func:`run_round`) on a table's three arrays; updates ``voting`` and
    returns the executed rows in order and the number of valid candidates at the start.

    The third-party updates of §4.5 (C4) are kept in linked lists, one per slot ``2 row + side``
    (the side whose supply issue they are on), in ``lists``: the ``head`` and ``tail`` of each
    slot, and a pool of ``actor``, ``value`` and ``next`` with the number of entries used.
    """
    count = len(numbers)
    actors, issues = weight.shape
    current, own_view = np.empty(issues), np.empty(0)  # see solve.outcome_seen
    rank = np.empty(count)
    for row in range(count):
        rank[row] = _work_out(numbers, values, flags, row, own_view, p, rng, drop_boundary)
    live = rank > GONE
    supplies = _group(numbers, live, issues, actors, np.int64(SUPPLY))
    demands = _group(numbers, live, issues, actors, np.int64(DEMAND))
    lists = (
        np.full(2 * count, -1, dtype=np.int64),
        np.full(2 * count, -1, dtype=np.int64),
        np.empty(1024, dtype=np.int64),
        np.empty(1024),
        np.empty(1024, dtype=np.int64),
        np.int64(0),
    )
    order = np.empty(count, dtype=np.int64)
    done = 0
    seen = np.full(count, -1, dtype=np.int64)
    touched = np.empty(count, dtype=np.int64)
    step = np.int64(0)
    while True:
        if replaying:
            chosen, step, dropped = choose(numbers, values, flags, rank, recorded, step)
            if chosen == -1:
                if dropped:
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
        offsets, rows, sides = supplies
        for side in range(2):
            n, v = side * SIDE_NUMBERS, side * SIDE_VALUES
            actor, issue = numbers[chosen, n + ACTOR], numbers[chosen, n + SUPPLY]
            new = values[chosen, v + POSITION] + values[chosen, v + MOVE]
            voting[actor, issue] = new
            key = actor * issues + issue
            for entry in range(offsets[key], offsets[key + 1]):
                row = rows[entry]
                if rank[row] == GONE:
                    continue
                values[row, sides[entry] * SIDE_VALUES + POSITION] = new
                _commit_move(values, flags, row, sides[entry])
                if seen[row] != done:
                    seen[row], touched[found] = done, row
                    found += 1
        if full_recompute:
            # Every candidate afresh from the current voting positions, with no move history:
            # a supplier is held back only by its partner's position. The outcomes are those of
            # RoundStart.outcome, summed in the same order, inside the compiled loop.
            for issue in range(issues):
                weighted = 0.0
                for actor in range(actors):
                    position = voting[actor, issue] if present[actor, issue] else 0.0
                    weighted += weight[actor, issue] * position
                current[issue] = weighted / total[issue]
            for row in range(count):
                if rank[row] == GONE:
                    continue
                for side in range(2):
                    n, v, f = side * SIDE_NUMBERS, side * SIDE_VALUES, side * SIDE_FLAGS
                    actor, issue = numbers[row, n + ACTOR], numbers[row, n + SUPPLY]
                    values[row, v + POSITION] = voting[actor, issue]
                    values[row, v + HISTORY_SUM] = 0.0
                    flags[row, f + HISTORY_UP] = flags[row, f + HISTORY_DOWN] = True
                rank[row] = _work_out(numbers, values, flags, row, current, p, rng, drop_boundary)
            continue
        offsets, rows, sides = demands
        for side in range(2):
            # This side demanded ``issue``; its partner supplied it, moving to ``value``.
            n, partner = side * SIDE_NUMBERS, (1 - side) * SIDE_NUMBERS
            third, issue = numbers[chosen, partner + ACTOR], numbers[chosen, n + DEMAND]
            partner_values = (1 - side) * SIDE_VALUES
            value = (
                values[chosen, partner_values + POSITION] + values[chosen, partner_values + MOVE]
            )
            key = numbers[chosen, n + ACTOR] * issues + issue
            for entry in range(offsets[key], offsets[key + 1]):
                row = rows[entry]
                if rank[row] == GONE:
                    continue
                # The demander's partner in this candidate supplies ``issue``; its own position
                # is no update (the candidate follows it anyway).
                other = 1 - sides[entry]
                if numbers[row, other * SIDE_NUMBERS + ACTOR] != third:
                    lists = _register(
                        values, row, other, third, issue, value,
                        weight, start_position, weighted_sum, lists,
                    )  # fmt: skip
                if seen[row] != done:
                    seen[row], touched[found] = done, row
                    found += 1
        for entry in range(found):
            row = touched[entry]
            rank[row] = _work_out(numbers, values, flags, row, own_view, p, rng, drop_boundary)
    return order[:done], live.sum()
