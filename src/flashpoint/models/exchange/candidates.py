"""The candidate exchanges of a round of the Stokman exchange model, kept in arrays.

Notation (``exchange.md`` §4): actors ``k``, issues ``d``; positions ``x`` rescaled to 0-100,
salience ``s``, power ``c``, weight ``w = c s`` and ``D_d = Σ_k w_kd`` over the actors present
on ``d``. The round's starting outcome is ``O_d = Σ_k w_kd x_kd / D_d`` (§4.1).

A candidate pairs two actors who sit on opposite sides of the outcome on two issues ``p`` and
``q`` (§4.2). The actor ``a`` with the larger salience ratio ``s_ap / s_aq`` demands ``p`` and
supplies ``q``: it moves its own (voting) position on ``q`` towards ``b``'s, and ``b`` moves on
``p`` towards ``a``'s. :mod:`.solve` sizes the moves.

A round's candidates live in a :class:`CandidateTable`: one row per candidate, in the
reference's creation order, so that a round can work out any batch of them at once.

References
----------
- Stokman, F. N. & Van Oosten, R. (1994). The exchange of voting positions: an object-oriented
  model of policy networks. In B. Bueno de Mesquita & F. N. Stokman (eds.), *European Community
  Decision Making*, pp. 105-127. Yale University Press.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# An outcome this close to a position counts as that position (§4.2 sides; §4.11 C2).
BOUNDARY = 1e-9
# The two ways of sitting on opposite sides of both issues (§4.2), in creation order.
GROUPS = ("ad", "bc")


@dataclass(frozen=True)
class RoundStart:
    """One issue-space at the start of a round: ``[actor, issue]`` arrays on 0-100."""

    position: np.ndarray
    salience: np.ndarray
    weight: np.ndarray
    present: np.ndarray

    @property
    def counted_weight(self) -> np.ndarray:
        """``[actor, issue]``: the weights, 0 where an actor is absent."""
        return np.where(self.present, self.weight, 0.0)

    @property
    def counted_position(self) -> np.ndarray:
        """``[actor, issue]``: the positions, 0 where an actor is absent."""
        return np.where(self.present, self.position, 0.0)

    @property
    def total(self) -> np.ndarray:
        """``D_d``: the total weight on each issue."""
        return self.counted_weight.sum(axis=0)

    @property
    def weighted_sum(self) -> np.ndarray:
        """``Σ_k w_kd x_kd`` on each issue."""
        return (self.counted_weight * self.counted_position).sum(axis=0)

    @property
    def outcome(self) -> np.ndarray:
        """``O_d``: the weighted mean of the positions (§4.1)."""
        return self.weighted_sum / self.total

    @property
    def right(self) -> np.ndarray:
        """``[actor, issue]``: right of the outcome (a tie counts as left, §4.2; positions within
        rounding, ``BOUNDARY``, of the outcome are ties)."""
        return self.position > self.outcome + BOUNDARY


@dataclass(frozen=True)
class Side:
    """One actor of an executed exchange as supplier: it moved on ``supply`` from ``position``
    by ``move`` towards ``target`` (its partner's round-start position there), to gain on
    ``demand``; the outcome of ``supply`` went from ``outcome_before`` to ``outcome_after`` (as
    the exchange saw it)."""

    actor: int
    supply: int
    demand: int
    position: float
    target: float
    move: float
    outcome_before: float
    outcome_after: float


@dataclass
class SideColumns:
    """One side of every candidate, as arrays over the candidates: the supplier, what it
    supplies and demands, the fixed numbers of its supply issue, and its working state."""

    actor: np.ndarray
    supply: np.ndarray
    demand: np.ndarray
    target: np.ndarray  # the partner's round-start position on the supply issue
    start: np.ndarray  # the supplier's round-start position on the supply issue
    supply_salience: np.ndarray
    demand_salience: np.ndarray
    weight: np.ndarray  # the supplier's weight on the supply issue
    total: np.ndarray  # D of the supply issue
    # Working state, changed as the round goes on:
    position: np.ndarray  # the supplier's current voting position on the supply issue
    seen_sum: np.ndarray  # Σ w x on the supply issue as this candidate sees it (§4.5 updates)
    move: np.ndarray
    outcome_before: np.ndarray
    outcome_after: np.ndarray
    # The move history of §4.11 C3, but for its last entry (which is ``move``):
    history_sum: np.ndarray
    history_up: np.ndarray  # every earlier entry > 0
    history_down: np.ndarray  # every earlier entry < 0

    def record(self, row: int) -> Side:
        """This side of candidate ``row`` as it stands, as a record."""
        return Side(
            int(self.actor[row]),
            int(self.supply[row]),
            int(self.demand[row]),
            float(self.position[row]),
            float(self.target[row]),
            float(self.move[row]),
            float(self.outcome_before[row]),
            float(self.outcome_after[row]),
        )


@dataclass
class CandidateTable:
    """A round's candidates: ``a`` supplies ``q`` and demands ``p``, ``b`` supplies ``p`` and
    demands ``q``. Rows are in creation order, which breaks ties (§4.4)."""

    p: np.ndarray
    q: np.ndarray
    group: np.ndarray  # index into GROUPS
    a: SideColumns
    b: SideColumns
    gain: np.ndarray
    reported_gain: np.ndarray  # the gain before the outcome caps, as the reference credits it
    at_boundary: np.ndarray

    def __len__(self) -> int:
        return len(self.p)

    def sides(self, row: int) -> tuple[Side, Side]:
        """Both sides of candidate ``row`` as records."""
        return self.a.record(row), self.b.record(row)


def create_candidates(start: RoundStart) -> CandidateTable:
    """Every candidate exchange at the start of a round, in the reference's creation order:
    issue pairs in file order; for each, right/right with left/left actors ("ad"), then
    left/right with right/left ("bc"), actors in file order (§4.2). Nothing is solved yet."""
    right, present = start.right, start.present
    issues = start.position.shape[1]
    first_issue, second_issue = np.triu_indices(issues, 1)  # (0, 1), (0, 2), ..., (1, 2), ...
    both = (present[:, first_issue] & present[:, second_issue]).T  # [pair, actor]
    on_p, on_q = right[:, first_issue].T, right[:, second_issue].T
    first = np.stack([both & on_p & on_q, both & ~on_p & on_q], axis=1)  # [pair, group, actor]
    second = np.stack([both & ~on_p & ~on_q, both & on_p & ~on_q], axis=1)
    pair, group, one, other = np.nonzero(first[..., :, None] & second[..., None, :])
    p, q = first_issue[pair], second_issue[pair]
    salience = start.salience
    larger = _larger_ratio(
        salience[other, p] * salience[one, q], salience[one, p] * salience[other, q]
    )
    a, b = np.where(larger, other, one), np.where(larger, one, other)
    return _table(start, p, q, group, a, b)


def _larger_ratio(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Is one actor's ``s_p / s_q`` larger than another's beyond rounding, given the two
    cross-products? (Saliences may be 0; ratios equal to 1e-12 are equal, as in decimals.)"""
    return left - right > 1e-12 * np.maximum(np.abs(left), np.abs(right))


def _table(
    start: RoundStart, p: np.ndarray, q: np.ndarray, group: np.ndarray, a: np.ndarray, b: np.ndarray
) -> CandidateTable:
    position, weight, salience = start.counted_position, start.counted_weight, start.salience
    total, weighted_sum = start.total, start.weighted_sum
    count = len(p)

    def side(actor: np.ndarray, partner: np.ndarray, supply: np.ndarray, demand: np.ndarray):
        return SideColumns(
            actor=actor,
            supply=supply,
            demand=demand,
            target=position[partner, supply],
            start=position[actor, supply],
            supply_salience=salience[actor, supply],
            demand_salience=salience[actor, demand],
            weight=weight[actor, supply],
            total=total[supply],
            position=position[actor, supply],
            seen_sum=weighted_sum[supply],
            move=np.zeros(count),
            outcome_before=np.full(count, np.nan),
            outcome_after=np.full(count, np.nan),
            history_sum=np.zeros(count),
            history_up=np.ones(count, dtype=bool),
            history_down=np.ones(count, dtype=bool),
        )

    return CandidateTable(
        p=p,
        q=q,
        group=group,
        a=side(a, b, q, p),
        b=side(b, a, p, q),
        gain=np.zeros(count),
        reported_gain=np.zeros(count),
        at_boundary=np.zeros(count, dtype=bool),
    )
