"""One round of the exchange model: execute the best valid candidate until none is left, with
the reference's within-round bookkeeping (``exchange.md`` §4.4-4.5 and corrections C1-C5).

After an exchange, a candidate in which one of its two suppliers supplies the same issue again
continues from that supplier's new position (its move history grows, C3); a candidate in which
one of its demanders demands the same issue again sees the new position of the supplier as a
"third-party update" in its outcome checks (the less-moved value wins, C4). Every other
candidate is left as it was. Which candidate is executed is the largest gain (compared after
rounding to 1e-12), then the one created first; a ``chooser`` may decide ties instead (C1).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from flashpoint.models.exchange.candidates import (
    NEGLIGIBLE,
    Candidate,
    RoundStart,
    Side,
    create_candidates,
    solve_equal_gain,
)
from flashpoint.models.exchange.randomized import perturb

# Rounding allowed on the bounds of a position (0-100) and of a move history's sum.
_SLACK = 1e-9

# Given the valid candidates, best first, a chooser returns the one to execute (None: none) and
# any to drop.
Chooser = Callable[[list[Candidate]], tuple[Candidate | None, list[Candidate]]]
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


def _executed(candidate: Candidate, sequence: int) -> Executed:
    """A record of ``candidate`` as executed, ``sequence``-th in its round."""
    sides = (replace(side, history=list(side.history)) for side in (candidate.a, candidate.b))
    return Executed(sequence, candidate.gain, candidate.reported_gain, *sides)


def _record(side: Side, append: bool) -> None:
    """C3: a recomputation replaces the last move, or adds one after the supplier executed."""
    if append or not side.history:
        side.history.append(side.move)
    else:
        side.history[-1] = side.move


def is_valid(candidate: Candidate, boundary: Boundary) -> bool:
    """§4.3: a real gain; each move real, at most 100, inside the scale; the supplier's moves in
    this candidate all one way and together at most 100 (C3); and at the outcome cap's boundary
    (C2), as ``boundary`` says: ``"keep"`` keeps its full move (the cap reads "strictly
    between", and rounding counts as exact), ``"drop"`` drops it (no room left)."""
    if candidate.gain < NEGLIGIBLE:
        return False
    if candidate.at_boundary and boundary == "drop":
        return False
    for side in (candidate.a, candidate.b):
        if not NEGLIGIBLE < abs(side.move) <= 100:
            return False
        if not -_SLACK <= side.position + side.move <= 100 + _SLACK:
            return False
        history = side.history
        if not (all(m > 0 for m in history) or all(m < 0 for m in history)):
            return False
        if sum(history) > 100 + _SLACK:
            return False
    return True


def _ranked(pending: list[Candidate]) -> list[Candidate]:
    """Best first: the largest gain after rounding to 1e-12, then the one created first (C1)."""
    return sorted(pending, key=lambda c: (-round(c.gain, 12), c.index))


def _register(
    candidate: Candidate, issue: int, actor: int, value: float, start: RoundStart
) -> None:
    """C4: a third party's new position; of two, the one that moved less from its start."""
    updates = candidate.updates.setdefault(issue, {})
    stored = updates.get(actor)
    if stored is None:
        updates[actor] = value
    elif stored >= start.position[actor, issue]:
        updates[actor] = min(stored, value)
    else:
        updates[actor] = max(stored, value)


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

    Candidates are found through maps from (actor, issue) to the candidates in which that actor
    supplies or demands that issue, so an exchange touches only the candidates it affects; the
    best is kept on a heap (entries of recomputed or removed candidates are skipped).
    """

    draws = rng if rng is not None else np.random.default_rng(0)

    def work_out(candidate: Candidate, current: list[float] | None = None) -> None:
        solve_equal_gain(candidate, start, current)
        if p > 0:
            perturb(candidate, start, current, p, draws)

    pending: dict[int, Candidate] = {}
    for candidate in create_candidates(start):
        work_out(candidate)
        _record(candidate.a, False)
        _record(candidate.b, False)
        if is_valid(candidate, boundary):
            pending[candidate.index] = candidate
    counted = len(pending)
    supplies: dict[tuple[int, int], list[tuple[Candidate, int]]] = {}
    demands: dict[tuple[int, int], list[Candidate]] = {}
    for candidate in pending.values():
        for number, side in enumerate((candidate.a, candidate.b)):
            supplies.setdefault((side.actor, side.supply), []).append((candidate, number))
            demands.setdefault((side.actor, side.demand), []).append(candidate)
    version = dict.fromkeys(pending, 0)
    heap = [(-round(c.gain, 12), c.index, 0) for c in pending.values()]
    heapq.heapify(heap)
    voting = start.position.copy()
    executed: list[Executed] = []
    while pending:
        if choose:
            chosen, dropped = choose(_ranked(list(pending.values())))
        else:
            chosen, dropped = None, []
            while chosen is None:
                _, index, stamp = heapq.heappop(heap)
                if index in pending and version[index] == stamp:
                    chosen = pending[index]
        for candidate in dropped:
            del pending[candidate.index]
        if chosen is None:
            continue
        del pending[chosen.index]
        executed.append(_executed(chosen, len(executed) + 1))
        touched: dict[int, set[int]] = {}  # candidate -> its sides whose supplier executed
        for side in (chosen.a, chosen.b):
            voting[side.actor, side.supply] = side.position + side.move
            for candidate, number in supplies.get((side.actor, side.supply), ()):
                if candidate.index in pending:
                    (candidate.a, candidate.b)[number].position = side.position + side.move
                    touched.setdefault(candidate.index, set()).add(number)
        for side, supplier in ((chosen.a, chosen.b), (chosen.b, chosen.a)):
            for candidate in demands.get((side.actor, side.demand), ()):
                if candidate.index in pending:
                    position = supplier.position + supplier.move
                    _register(candidate, side.demand, supplier.actor, position, start)
                    touched.setdefault(candidate.index, set())
        current = None
        if policy == "full-recompute":
            # Every candidate afresh from the current voting positions, with no move history:
            # a supplier is held back only by its partner's position.
            current = RoundStart(
                voting, start.salience, start.weight, start.present
            ).outcome.tolist()
            touched = {index: set() for index in pending}
            for candidate in pending.values():
                for side in (candidate.a, candidate.b):
                    side.position = float(voting[side.actor, side.supply])
                    side.history.clear()
        for index, appended in touched.items():
            candidate = pending[index]
            work_out(candidate, current)
            _record(candidate.a, 0 in appended)
            _record(candidate.b, 1 in appended)
            if not is_valid(candidate, boundary):
                del pending[index]
                continue
            version[index] += 1
            heapq.heappush(heap, (-round(candidate.gain, 12), index, version[index]))
    return RoundResult(voting, executed, counted)
