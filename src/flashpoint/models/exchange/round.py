"""One round of the exchange model: execute the best valid candidate until none is left, with
the reference's within-round bookkeeping (``exchange.md`` §4.4-4.5 and corrections C1-C5).

After an exchange, a candidate in which one of its two suppliers supplies the same issue again
continues from that supplier's new position (its move history grows, C3); a candidate in which
one of its demanders demands the same issue again sees the new position of the supplier as a
"third-party update" in its outcome checks (the less-moved value wins, C4). Every other
candidate is left as it was. Which candidate is executed is the largest gain (compared after
rounding to 1e-12), then the one created first; a ``chooser`` may decide ties instead (C1).

The candidates live in a :class:`~.candidates.CandidateTable`; the ones an exchange touches are
found through maps from (actor, issue) to table rows and worked out again as one batch, and the
best is the largest rounded gain (an argmax over the table).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from flashpoint.models.exchange.candidates import (
    CandidateTable,
    RoundStart,
    Side,
    SideColumns,
    create_candidates,
)
from flashpoint.models.exchange.randomized import perturb
from flashpoint.models.exchange.solve import Batch, solve_equal_gain

# Moves and gains at or below this are no move and no gain (exchange.md §4.3).
NEGLIGIBLE = 1e-10
# Rounding allowed on the bounds of a position (0-100) and of a move history's sum.
_SLACK = 1e-9

# Given the table and its valid candidates' rows, best first, a chooser returns the row to
# execute (None: none) and any rows to drop.
Chooser = Callable[[CandidateTable, list[int]], tuple[int | None, list[int]]]
Boundary = Literal["keep", "drop"]
Policy = Literal["decide-parity", "full-recompute"]


@dataclass(frozen=True)
class Executed:
    """An executed exchange: the candidate as it was when executed. ``gain`` ranked it;
    ``reported_gain`` is what the reference credits each actor with (the gain before the outcome
    caps, which differs when a cap binds)."""

    sequence: int
    gain: float
    reported_gain: float
    a: Side
    b: Side


@dataclass(frozen=True)
class RoundResult:
    """The round's voting positions ``[actor, issue]`` (0-100), its executed exchanges in order
    and how many valid candidates it started with."""

    voting: np.ndarray
    executed: list[Executed]
    candidates: int


def is_valid(table: CandidateTable, rows: Batch, boundary: Boundary) -> np.ndarray:
    """§4.3, for each candidate of ``rows``: a real gain; each move real, at most 100, inside
    the scale; the supplier's moves in this candidate all one way and together at most 100
    (C3); and at the outcome cap's boundary (C2), as ``boundary`` says: ``"keep"`` keeps its
    full move (the cap reads "strictly between", and rounding counts as exact), ``"drop"``
    drops it (no room left)."""
    valid = ~(table.gain[rows] < NEGLIGIBLE)
    if boundary == "drop":
        valid &= ~table.at_boundary[rows]
    for side in (table.a, table.b):
        move = side.move[rows]
        size, end = np.abs(move), side.position[rows] + move
        valid &= (NEGLIGIBLE < size) & (size <= 100)
        valid &= (-_SLACK <= end) & (end <= 100 + _SLACK)
        valid &= (side.history_up[rows] & (move > 0)) | (side.history_down[rows] & (move < 0))
        valid &= ~(side.history_sum[rows] + move > 100 + _SLACK)
    return valid


def _commit_moves(side: SideColumns, rows: Batch) -> None:
    """C3: the supplier executed, so the current move of these candidates' side becomes part of
    their history, and the next one is added after it (instead of replacing it)."""
    move = side.move[rows]
    side.history_sum[rows] += move
    side.history_up[rows] &= move > 0
    side.history_down[rows] &= move < 0


def _forget_moves(side: SideColumns, rows: Batch) -> None:
    """An empty move history (every candidate worked out afresh)."""
    side.history_sum[rows] = 0.0
    side.history_up[rows] = True
    side.history_down[rows] = True


class _Index:
    """Maps from (actor, issue) to the rows in which that actor supplies, or demands, that
    issue, with which side (0: ``a``, 1: ``b``) it is; rows in creation order."""

    def __init__(self, table: CandidateTable, rows: Batch, issues: int):
        self.supplies = self._group(table, rows, issues, "supply")
        self.demands = self._group(table, rows, issues, "demand")

    @staticmethod
    def _group(table: CandidateTable, rows: Batch, issues: int, role: str):
        if not len(rows):
            return {}
        keys = np.concatenate(
            [side.actor[rows] * issues + getattr(side, role)[rows] for side in (table.a, table.b)]
        )
        found = np.concatenate([rows, rows])
        which = np.repeat([0, 1], len(rows))
        order = np.lexsort((found, keys))
        keys, found, which = keys[order], found[order], which[order]
        cuts = np.flatnonzero(np.diff(keys)) + 1
        starts = np.concatenate([[0], cuts])
        return {
            divmod(int(keys[first]), issues): (rows_, sides)
            for first, rows_, sides in zip(
                starts, np.split(found, cuts), np.split(which, cuts), strict=True
            )
        }


class _ThirdParties:
    """§4.5 and C4: the new positions of third parties that each candidate's outcome checks use
    instead of their round-start positions, kept per (row, side whose supply issue it is) in
    the order they came, and summed into that side's ``seen_sum``."""

    def __init__(self, table: CandidateTable, start: RoundStart):
        self.table = table
        self.start_position = start.position
        self.weight = start.counted_weight
        self.weighted_sum = start.weighted_sum
        self.stored: dict[tuple[int, int], dict[int, float]] = {}

    def register(self, rows: Batch, sides: Batch, actor: int, issue: int, value: float) -> None:
        """``actor`` now votes ``value`` on ``issue``, the supply issue of side ``sides`` of the
        candidates ``rows``. Of two updates for one actor the one that moved less from its
        round-start position is kept (C4). The supplier's own position is no update: the
        candidate follows it anyway."""
        start = self.start_position[actor, issue]
        weight = self.weight[actor, issue]
        for number, side in enumerate((self.table.a, self.table.b)):
            chosen = rows[(sides == number) & (side.actor[rows] != actor)]
            first = []
            for row in chosen.tolist():
                updates = self.stored.setdefault((row, number), {})
                stored = updates.get(actor)
                if stored is None:
                    updates[actor] = value
                    first.append(row)
                    continue
                kept = min(stored, value) if stored >= start else max(stored, value)
                if kept != stored:
                    updates[actor] = kept
                    self._sum_again(side, row, number, issue)
            side.seen_sum[first] += weight * (value - start)

    def _sum_again(self, side: SideColumns, row: int, number: int, issue: int) -> None:
        total = self.weighted_sum[issue]
        for actor, value in self.stored[(row, number)].items():
            total += self.weight[actor, issue] * (value - self.start_position[actor, issue])
        side.seen_sum[row] = total


def run_round(
    start: RoundStart,
    choose: Chooser | None = None,
    boundary: Boundary = "keep",
    policy: Policy = "decide-parity",
    p: float = 0.0,
    rng: np.random.Generator | None = None,
) -> RoundResult:
    """Execute exchanges until no valid candidate remains.

    With ``policy="decide-parity"`` an exchange updates the candidates as the reference does
    (module docstring); with ``"full-recompute"`` every remaining candidate is worked out again
    from the current voting positions and outcomes. With ``p > 0`` every candidate's moves vary
    at random around equal gain each time it is worked out (:mod:`.randomized`), drawn from
    ``rng``.
    """
    draws = rng if rng is not None else np.random.default_rng(0)
    table = create_candidates(start)
    issues = start.position.shape[1]

    def work_out(rows: Batch, current: np.ndarray | None = None) -> np.ndarray:
        """Solve ``rows`` and return the valid ones."""
        solve_equal_gain(table, rows, current)
        if p > 0:
            perturb(table, rows, current, p, draws)
        return rows[is_valid(table, rows, boundary)]

    valid = work_out(np.arange(len(table)))
    # The rank of each valid candidate: its gain rounded to 1e-12 (C1); -inf once it is gone.
    # The best is the largest rank, and of equal ranks the first row (created first).
    rank = np.full(len(table), -np.inf)
    rank[valid] = _rounded(table.gain[valid])
    index = _Index(table, valid, issues)
    third_parties = _ThirdParties(table, start)
    voting = start.position.copy()
    executed: list[Executed] = []
    nothing = (np.empty(0, dtype=np.intp), np.empty(0, dtype=np.intp))
    while True:
        if choose:
            rows = np.flatnonzero(rank > -np.inf)
            if not len(rows):
                break
            chosen, dropped = choose(table, rows[np.lexsort((rows, -rank[rows]))].tolist())
            rank[dropped] = -np.inf
            if chosen is None:
                continue
        else:
            chosen = int(np.argmax(rank)) if len(rank) else 0
            if not len(rank) or rank[chosen] == -np.inf:
                break
        rank[chosen] = -np.inf
        a, b = table.sides(chosen)
        executed.append(
            Executed(
                len(executed) + 1,
                float(table.gain[chosen]),
                float(table.reported_gain[chosen]),
                a,
                b,
            )
        )
        touched = []
        for side in (a, b):
            voting[side.actor, side.supply] = side.position + side.move
            rows, sides = index.supplies.get((side.actor, side.supply), nothing)
            live = rank[rows] > -np.inf
            rows, sides = rows[live], sides[live]
            for number, column in enumerate((table.a, table.b)):
                moved = rows[sides == number]
                column.position[moved] = side.position + side.move
                _commit_moves(column, moved)
            touched.append(rows)
        if policy == "full-recompute":
            # Every candidate afresh from the current voting positions, with no move history:
            # a supplier is held back only by its partner's position.
            current = RoundStart(voting, start.salience, start.weight, start.present).outcome
            rows = np.flatnonzero(rank > -np.inf)
            for column in (table.a, table.b):
                column.position[rows] = voting[column.actor[rows], column.supply[rows]]
                _forget_moves(column, rows)
        else:
            current = None
            for side, supplier in ((a, b), (b, a)):
                rows, sides = index.demands.get((side.actor, side.demand), nothing)
                live = rank[rows] > -np.inf
                rows, sides = rows[live], sides[live]
                # The demander's partner in these candidates supplies ``side.demand``.
                third_parties.register(
                    rows, 1 - sides, supplier.actor, side.demand, supplier.position + supplier.move
                )
                touched.append(rows)
            rows = _first_seen(np.concatenate(touched))
        still = work_out(rows, current)
        rank[rows] = -np.inf
        rank[still] = _rounded(table.gain[still])
    return RoundResult(voting, executed, int(len(valid)))


def _rounded(gain: np.ndarray) -> list[float]:
    """Gains rounded to 1e-12 (correctly rounded, as Python's ``round`` does)."""
    return [round(value, 12) for value in gain.tolist()]


def _first_seen(rows: np.ndarray) -> np.ndarray:
    """``rows`` without repeats, in the order each first appears."""
    _, first = np.unique(rows, return_index=True)
    return rows[np.sort(first)]
