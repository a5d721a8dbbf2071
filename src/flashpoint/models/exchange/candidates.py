"""Candidate exchanges of the Stokman exchange model and their equal-gain solution.

Notation (``exchange.md`` §4): actors ``k``, issues ``d``; positions ``x`` rescaled to 0-100,
salience ``s``, power ``c``, weight ``w = c s`` and ``D_d = Σ_k w_kd`` over the actors present
on ``d``. The round's starting outcome is ``O_d = Σ_k w_kd x_kd / D_d`` (§4.1).

A candidate pairs two actors who sit on opposite sides of the outcome on two issues ``p`` and
``q`` (§4.2). The actor ``a`` with the larger salience ratio ``s_ap / s_aq`` demands ``p`` and
supplies ``q``: it moves its own (voting) position on ``q`` towards ``b``'s, and ``b`` moves on
``p`` towards ``a``'s. The sizes make both gain equally (§4.3)::

    κ = (s_ap + s_bp) / (s_aq + s_bq)            Δq = κ Δp
    G = Δp (s_ap s_bq - s_aq s_bp) / (s_aq + s_bq)

as large as possible without a supplier passing its partner, then capped so that neither
issue's outcome passes the demander's position.

References
----------
- Stokman, F. N. & Van Oosten, R. (1994). The exchange of voting positions: an object-oriented
  model of policy networks. In B. Bueno de Mesquita & F. N. Stokman (eds.), *European Community
  Decision Making*, pp. 105-127. Yale University Press.
- Dijkstra, J., Van Assen, M. A. L. M., Stokman, F. N. & Draaijer, G. (2018). Random variation
  of exchange rates in the exchange model. Working paper, University of Groningen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

import numpy as np

# Moves and gains at or below this are no move and no gain (exchange.md §4.3).
NEGLIGIBLE = 1e-10
# An outcome this close to the demander's position has no room left to move (§4.11 C2).
BOUNDARY = 1e-9


class Plain(NamedTuple):
    """A round's start as lists ``[actor][issue]`` (weights 0 where absent), the total weight
    and the weighted sum of the positions per issue."""

    position: list[list[float]]
    salience: list[list[float]]
    weight: list[list[float]]
    total: list[float]
    weighted_sum: list[float]


@dataclass(frozen=True)
class RoundStart:
    """One issue-space at the start of a round: ``[actor, issue]`` arrays on 0-100."""

    position: np.ndarray
    salience: np.ndarray
    weight: np.ndarray
    present: np.ndarray

    @property
    def total(self) -> np.ndarray:
        """``D_d``: the total weight on each issue."""
        return np.where(self.present, self.weight, 0.0).sum(axis=0)

    @property
    def outcome(self) -> np.ndarray:
        """``O_d``: the weighted mean of the positions (§4.1)."""
        weight = np.where(self.present, self.weight, 0.0)
        return (weight * np.where(self.present, self.position, 0.0)).sum(axis=0) / self.total

    @cached_property
    def plain(self) -> Plain:
        """The same numbers as Python lists, for the per-candidate arithmetic."""
        weight = np.where(self.present, self.weight, 0.0)
        position = np.where(self.present, self.position, 0.0)
        return Plain(
            position.tolist(),
            self.salience.tolist(),
            weight.tolist(),
            self.total.tolist(),
            (weight * position).sum(axis=0).tolist(),
        )

    @property
    def right(self) -> np.ndarray:
        """``[actor, issue]``: right of the outcome (a tie counts as left, §4.2; positions within
        rounding, ``BOUNDARY``, of the outcome are ties)."""
        return self.position > self.outcome + BOUNDARY


@dataclass
class Side:
    """One actor of a candidate as supplier: it moves on ``supply`` towards ``target`` (its
    partner's round-start position there) and demands ``demand``."""

    actor: int
    supply: int
    demand: int
    position: float  # its current voting position on the supply issue
    target: float
    history: list[float] = field(default_factory=list)
    move: float = 0.0
    outcome_before: float = float("nan")
    outcome_after: float = float("nan")


@dataclass
class Candidate:
    """A possible exchange between ``a`` (supplies ``q``, demands ``p``) and ``b`` (supplies ``p``,
    demands ``q``). ``updates[d]`` holds positions of third parties on issue ``d`` that this
    candidate's outcome checks use instead of their round-start positions (§4.5)."""

    index: int
    p: int
    q: int
    group: str
    a: Side
    b: Side
    updates: dict[int, dict[int, float]] = field(default_factory=dict)
    gain: float = 0.0
    valid: bool = False
    reported_gain: float = 0.0
    at_boundary: bool = False


def create_candidates(start: RoundStart) -> list[Candidate]:
    """Every candidate exchange at the start of a round, in the reference's creation order:
    issue pairs in file order; for each, right/right with left/left actors ("ad"), then
    left/right with right/left ("bc"), actors in file order (§4.2)."""
    right, present, salience = start.right, start.present, start.salience
    position = start.plain.position
    actors, issues = start.position.shape
    candidates: list[Candidate] = []
    for p in range(issues):
        for q in range(p + 1, issues):
            both = present[:, p] & present[:, q]

            def group(on_p: bool, on_q: bool, p: int = p, q: int = q, both=both) -> list[int]:
                return [
                    k
                    for k in range(actors)
                    if both[k] and right[k, p] == on_p and right[k, q] == on_q
                ]

            for name, first, second in (
                ("ad", group(True, True), group(False, False)),
                ("bc", group(False, True), group(True, False)),
            ):
                for k in first:
                    for other in second:
                        a, b = (other, k) if _larger_ratio(salience, other, k, p, q) else (k, other)
                        candidates.append(
                            Candidate(
                                index=len(candidates) + 1,
                                p=p,
                                q=q,
                                group=name,
                                a=Side(a, q, p, position[a][q], position[b][q]),
                                b=Side(b, p, q, position[b][p], position[a][p]),
                            )
                        )
    return candidates


def _larger_ratio(salience: np.ndarray, one: int, other: int, p: int, q: int) -> bool:
    """Is ``one``'s ``s_p / s_q`` larger than ``other``'s, beyond rounding? (Cross-multiplied,
    as saliences may be 0; ratios equal to 1e-12 are equal, as in decimal arithmetic.)"""
    left = salience[one, p] * salience[other, q]
    right = salience[other, p] * salience[one, q]
    return bool(left - right > 1e-12 * max(abs(left), abs(right)))


def outcome_seen(
    candidate: Candidate,
    side: Side,
    start: RoundStart,
    current: list[float] | None = None,
) -> float:
    """The outcome of ``side``'s supply issue as this candidate sees it: round-start positions,
    with its third-party updates and the supplier's current position (§4.5); or the
    ``current`` outcomes of every issue (from everyone's current voting positions)."""
    issue = side.supply
    if current is not None:
        return current[issue]
    plain = start.plain
    weight = plain.weight
    total = plain.weighted_sum[issue]
    for actor, value in candidate.updates.get(issue, {}).items():
        if actor != side.actor:
            total += weight[actor][issue] * (value - plain.position[actor][issue])
    total += weight[side.actor][issue] * (side.position - plain.position[side.actor][issue])
    return total / plain.total[issue]


def _sign(value: float) -> float:
    return 1.0 if value > 0 else -1.0 if value < 0 else 0.0


def solve_equal_gain(
    candidate: Candidate, start: RoundStart, current: list[float] | None = None
) -> None:
    """Sizes, gain and outcome checks of a candidate from its sides' current positions (§4.3);
    outcomes as :func:`outcome_seen` sees them.

    Sets each side's ``move``, ``outcome_before`` and ``outcome_after`` and the candidate's
    ``gain``; validity is judged by the caller, which also keeps the move histories.
    """
    a, b, p, q = candidate.a, candidate.b, candidate.p, candidate.q
    s, w = start.plain.salience, start.plain.weight
    s_ap, s_aq, s_bp, s_bq = s[a.actor][p], s[a.actor][q], s[b.actor][p], s[b.actor][q]
    if min(s_aq + s_bq, s_ap + s_bp, w[a.actor][q], w[b.actor][p]) <= 0:
        # A supplier of no weight cannot move an outcome (and a zero salience sum no exchange
        # rate): no exchange, where the reference divides by zero.
        a.move = b.move = candidate.gain = candidate.reported_gain = 0.0
        candidate.at_boundary = False
        return
    kappa = (s_ap + s_bp) / (s_aq + s_bq)
    factor = (s_ap * s_bq - s_aq * s_bp) / (s_aq + s_bq)
    shift_p, uncapped = solve_shifts(candidate, start, current, 0.0, kappa, a_first=False)
    # The gain the reference credits to the two actors is the one before the caps.
    candidate.reported_gain = uncapped * factor
    candidate.gain = shift_p * factor


def solve_shifts(
    candidate: Candidate,
    start: RoundStart,
    current: list[float] | None,
    offset: float,
    rate: float,
    a_first: bool,
) -> tuple[float, float]:
    """The outcome shifts of a candidate linked by ``Δq = offset + rate Δp`` (§4.3: equal gain is
    ``offset = 0, rate = κ``; §4.8 gives the others), as large as the partners' positions allow,
    then capped at the demanders' positions; sets the moves and outcome checks of both sides.

    One supplier moves all the way first (``a`` if ``a_first``, else ``b``); if the other would
    then pass its partner, the other moves all the way instead. Returns ``Δp`` after and before
    the caps.
    """
    a, b, p, q = candidate.a, candidate.b, candidate.p, candidate.q
    w_aq, w_bp = start.plain.weight[a.actor][q], start.plain.weight[b.actor][p]
    total = start.plain.total
    room_a, room_b = a.target - a.position, b.target - b.position
    max_p, max_q = w_bp * abs(room_b) / total[p], w_aq * abs(room_a) / total[q]

    def moves(full: Side | None = None) -> tuple[float, float]:
        """The two moves from the shifts; a side that moves all the way moves exactly its room."""
        return (
            room_a if full is a else _sign(room_a) * shift_q * total[q] / w_aq,
            room_b if full is b else _sign(room_b) * shift_p * total[p] / w_bp,
        )

    if a_first:
        shift_q, full = max_q, a
        shift_p = (shift_q - offset) / rate
        if shift_p * total[p] / w_bp > abs(room_b):
            shift_p, full = max_p, b
            shift_q = offset + rate * shift_p
    else:
        shift_p, full = max_p, b
        shift_q = offset + rate * shift_p
        if shift_q * total[q] / w_aq > abs(room_a):
            shift_q, full = max_q, a
            shift_p = (shift_q - offset) / rate
    a.move, b.move = moves(full)
    uncapped = shift_p
    # The outcome cap: the outcome of a supply issue may not pass the demander's position.
    candidate.at_boundary = False
    for side, weight in ((a, w_aq), (b, w_bp)):
        side.outcome_before = outcome_seen(candidate, side, start, current)
        side.outcome_after = side.outcome_before + weight * side.move / total[side.supply]
        low, high = sorted((side.outcome_before, side.outcome_after))
        # C2: the outcome already at the demander's position (to rounding) is not "strictly
        # between", so the full move stands (the reference decides such a case by rounding
        # noise); the candidate is marked, and the caller decides (``round.Boundary``).
        if abs(side.target - side.outcome_before) <= BOUNDARY:
            candidate.at_boundary = True
        elif low < side.target < high:
            if side is a:
                shift_q = abs(side.target - side.outcome_before)
                shift_p = (shift_q - offset) / rate
            else:
                shift_p = abs(side.target - side.outcome_before)
                shift_q = offset + rate * shift_p
            a.move, b.move = moves()
            side.outcome_after = side.outcome_before + weight * side.move / total[side.supply]
    return shift_p, uncapped
