"""The candidate exchanges of a round of the Stokman exchange model, kept in arrays.

Notation (``docs/specs/exchange.md`` §4): actors ``k``, issues ``d``; positions ``x`` rescaled to
0-100, salience ``s``, power ``c``, weight ``w = c s`` and ``D_d = Σ_k w_kd`` over the actors
present on ``d``. The round's starting outcome is ``O_d = Σ_k w_kd x_kd / D_d`` (§4.1).

A candidate pairs two actors who sit on opposite sides of the outcome on two issues ``p`` and
``q`` (§4.2). The actor ``a`` with the larger salience ratio ``s_ap / s_aq`` demands ``p`` and
supplies ``q``: it moves its own (voting) position on ``q`` towards ``b``'s, and ``b`` moves on
``p`` towards ``a``'s. :mod:`.solve` sizes the moves.

A round's candidates live in a :class:`CandidateTable`: one row per candidate, in the
reference's creation order, so that a round can work out any batch of them at once; the columns
of its arrays are laid out in :mod:`.columns`. It is created from a round's start
(:class:`~.records.RoundStart`) by compiled code (:mod:`.table`); this module holds none and
loads it only when a table is created, so that reading a run's log (:mod:`.log`) does not load
numba.

References
----------
- Stokman, F. N. & Van Oosten, R. (1994). The exchange of voting positions: an object-oriented
  model of policy networks. In B. Bueno de Mesquita & F. N. Stokman (eds.), *European Community
  Decision Making*, pp. 105-127. Yale University Press.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from flashpoint.models.exchange.columns import (
    ACTOR,
    DEMAND,
    GAIN,
    GROUP,
    MOVE,
    OUTCOME_AFTER,
    OUTCOME_BEFORE,
    POSITION,
    REPORTED_GAIN,
    SIDE_NUMBERS,
    SIDE_VALUES,
    SUPPLY,
    TARGET,
    P,
    Q,
)
from flashpoint.models.exchange.records import RoundStart, Side

# The two ways of sitting on opposite sides of both issues (§4.2), in creation order.
GROUPS = ("ad", "bc")


class CandidateTable(NamedTuple):
    """A round's candidates, one row each in creation order (which breaks ties, §4.4): ``a``
    supplies ``q`` and demands ``p``, ``b`` supplies ``p`` and demands ``q``. Three arrays, with
    the columns of :mod:`.columns`, which compiled code reads and writes."""

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
    from flashpoint.models.exchange.table import create, weighted_sums  # compiled: numba loads here

    weighted_sum, total = weighted_sums(start.position, start.weight, start.present)
    return CandidateTable(
        *create(start.position, start.salience, start.weight, start.present, weighted_sum, total)
    )
