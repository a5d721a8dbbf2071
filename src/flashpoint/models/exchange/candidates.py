"""The candidate exchanges of a round of the Stokman exchange model, kept in arrays.

Notation (``exchange.md`` §4): actors ``k``, issues ``d``; positions ``x`` rescaled to 0-100,
salience ``s``, power ``c``, weight ``w = c s`` and ``D_d = Σ_k w_kd`` over the actors present
on ``d``. The round's starting outcome is ``O_d = Σ_k w_kd x_kd / D_d`` (§4.1).

A candidate pairs two actors who sit on opposite sides of the outcome on two issues ``p`` and
``q`` (§4.2). The actor ``a`` with the larger salience ratio ``s_ap / s_aq`` demands ``p`` and
supplies ``q``: it moves its own (voting) position on ``q`` towards ``b``'s, and ``b`` moves on
``p`` towards ``a``'s. :mod:`.solve` sizes the moves.

A round's candidates live in a :class:`CandidateTable`: one row per candidate, in the
reference's creation order, so that a round can work out any batch of them at once. Compiled
code fills it (:mod:`.table`); this module holds none, so that importing the model does not load
numba.

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
    """One issue-space at the start of a round: ``[actor, issue]`` arrays on 0-100. Its outcome
    and sides are worked out by the compiled code that runs the rounds (:mod:`.table`)."""

    position: np.ndarray
    salience: np.ndarray
    weight: np.ndarray
    present: np.ndarray

    @property
    def outcome(self) -> np.ndarray:
        """``O_d``: the weighted mean of the positions (§4.1)."""
        from flashpoint.models.exchange.table import outcome  # compiled: numba loads here

        return outcome(self.position, self.weight, self.present)

    @property
    def right(self) -> np.ndarray:
        """``[actor, issue]``: right of the outcome (§4.2; :func:`.table.right_of`)."""
        from flashpoint.models.exchange.table import right_of

        return right_of(self.position, self.outcome)


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
    """Every candidate exchange at the start of a round, in the reference's creation order
    (:func:`.table.create`); nothing is solved yet."""
    from flashpoint.models.exchange.table import create, weighted_sums

    weighted_sum, total = weighted_sums(start.position, start.weight, start.present)
    return CandidateTable(
        *create(start.position, start.salience, start.weight, start.present, weighted_sum, total)
    )
