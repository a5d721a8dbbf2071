"""What a run of the expected utility model leaves behind: the kinds of move and the log of every
round (:class:`EUMLog`). No compiled code here: reports read the log without loading numba."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

NONE, CONFRONTATION, COMPROMISE, CAPITULATION = 0, 1, 2, 3
MOVES = ("", "confrontation", "compromise", "capitulation")


@dataclass(frozen=True, eq=False)
class EUMLog:
    """What happened in a run, per round ``r`` (1..), draw ``d``, actor ``a`` and issue ``i``.

    ``risk`` is the exponent used in the round; ``move`` a code into :data:`MOVES`; ``partner``
    the proposer of the offer taken (-1: none); ``alpha`` and ``beta`` the expected utilities of
    that offer; ``offers[r, d, a, i, k]`` how many offers of kind ``k`` (confrontation,
    compromise, capitulation) the actor had. Round 0 (the input) is included with no moves.
    ``median`` and ``mean`` are per round, draw and issue; ``repeat_round`` is the round whose
    positions first repeated an earlier round's (-1: none within the run) and ``cycle_length``
    how far back (1: a fixed point).
    """

    risk: np.ndarray
    move: np.ndarray
    partner: np.ndarray
    alpha: np.ndarray
    beta: np.ndarray
    offers: np.ndarray
    median: np.ndarray
    mean: np.ndarray
    repeat_round: np.ndarray
    cycle_length: np.ndarray
