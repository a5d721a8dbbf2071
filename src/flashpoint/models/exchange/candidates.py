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
from typing import NamedTuple

import numpy as np

from flashpoint.models.exchange.records import Side

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


# The columns of a CandidateTable. Each side has its block: side ``a`` starts at column 0 and side
# ``b`` at ``SIDE_NUMBERS`` of ``numbers``, ``SIDE_VALUES`` of ``values`` and ``SIDE_FLAGS`` of
# ``flags``.
# numbers (int64): the supplier, its supply issue and its demand issue; then p, q and the group.
ACTOR, SUPPLY, DEMAND = 0, 1, 2
SIDE_NUMBERS = 3
P, Q, GROUP = 6, 7, 8
# values (float64): fixed for the round ...
TARGET = 0  # the partner's round-start position on the supply issue
START = 1  # the supplier's round-start position on the supply issue
SUPPLY_SALIENCE, DEMAND_SALIENCE = 2, 3
WEIGHT = 4  # the supplier's weight on the supply issue
TOTAL = 5  # D of the supply issue
# ... and the working state:
POSITION = 6  # the supplier's current voting position on the supply issue
SEEN_SUM = 7  # Σ w x on the supply issue as this candidate sees it (§4.5 updates)
MOVE = 8
OUTCOME_BEFORE, OUTCOME_AFTER = 9, 10
HISTORY_SUM = 11  # the sum of the move history (C3) before its last entry (which is MOVE)
SIDE_VALUES = 12
GAIN = 24
REPORTED_GAIN = 25  # the gain before the outcome caps, as the reference credits it
# flags (bool): every earlier entry of the move history > 0, < 0; then the boundary mark (C2).
HISTORY_UP, HISTORY_DOWN = 0, 1
SIDE_FLAGS = 2
AT_BOUNDARY = 4


class CandidateTable(NamedTuple):
    """A round's candidates, one row each in creation order (which breaks ties, §4.4): ``a``
    supplies ``q`` and demands ``p``, ``b`` supplies ``p`` and demands ``q``. Three arrays, with
    the columns above, which compiled code reads and writes."""

    numbers: np.ndarray
    values: np.ndarray
    flags: np.ndarray

    @property
    def size(self) -> int:
        """The number of candidates."""
        return len(self.numbers)

    @property
    def p(self) -> np.ndarray:
        return self.numbers[:, P]

    @property
    def q(self) -> np.ndarray:
        return self.numbers[:, Q]

    @property
    def group(self) -> np.ndarray:
        """The index into ``GROUPS``."""
        return self.numbers[:, GROUP]

    @property
    def gain(self) -> np.ndarray:
        return self.values[:, GAIN]

    @property
    def reported_gain(self) -> np.ndarray:
        return self.values[:, REPORTED_GAIN]

    def sides(self, row: int) -> tuple[Side, Side]:
        """Both sides of candidate ``row`` as they stand, as records."""
        numbers, values = self.numbers[row].tolist(), self.values[row].tolist()

        def side(number: int, value: int) -> Side:
            return Side(
                numbers[number + ACTOR],
                numbers[number + SUPPLY],
                numbers[number + DEMAND],
                values[value + POSITION],
                values[value + TARGET],
                values[value + MOVE],
                values[value + OUTCOME_BEFORE],
                values[value + OUTCOME_AFTER],
            )

        return side(0, 0), side(SIDE_NUMBERS, SIDE_VALUES)


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
    numbers = np.empty((count, 9), dtype=np.int64)
    values = np.zeros((count, 26))
    flags = np.zeros((count, 5), dtype=bool)
    numbers[:, P], numbers[:, Q], numbers[:, GROUP] = p, q, group
    for base, actor, partner, supply, demand in ((0, a, b, q, p), (1, b, a, p, q)):
        number, value, flag = base * SIDE_NUMBERS, base * SIDE_VALUES, base * SIDE_FLAGS
        numbers[:, number + ACTOR] = actor
        numbers[:, number + SUPPLY] = supply
        numbers[:, number + DEMAND] = demand
        values[:, value + TARGET] = position[partner, supply]
        values[:, value + START] = values[:, value + POSITION] = position[actor, supply]
        values[:, value + SUPPLY_SALIENCE] = salience[actor, supply]
        values[:, value + DEMAND_SALIENCE] = salience[actor, demand]
        values[:, value + WEIGHT] = weight[actor, supply]
        values[:, value + TOTAL] = total[supply]
        values[:, value + SEEN_SUM] = weighted_sum[supply]
        values[:, value + OUTCOME_BEFORE] = values[:, value + OUTCOME_AFTER] = np.nan
        flag_columns = [flag + HISTORY_UP, flag + HISTORY_DOWN]
        flags[:, flag_columns] = True
    return CandidateTable(numbers, values, flags)
