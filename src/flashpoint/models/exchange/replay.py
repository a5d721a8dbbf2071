"""Settle the reference's undecidable choices from its recorded sequence (``docs/specs/exchange.md``
§4.11 C1, C2).

The reference program computes in 28-digit decimals, so between mathematically equal gains, and
at the outcome cap's boundary, its choice is decided by rounding noise that no float64 rule can
reproduce. Replaying a recorded round takes, at each step, the reference's next exchange when it
is among the candidates tied for best, and drops the boundary candidates the reference dropped;
everything else is decided by the model itself. A parity test can then follow a run to its end.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from flashpoint.models.exchange.columns import ACTOR, AT_BOUNDARY, GAIN, SIDE_NUMBERS, SUPPLY
from flashpoint.models.exchange.records import Executed
from flashpoint.models.exchange.solve import compiled

# Gains within this of the best are ties the recorded sequence may settle.
TIED = 1e-9

Exchange = frozenset[tuple[int, int]]  # {(actor, supply issue), (actor, supply issue)}


def key(executed: Executed) -> Exchange:
    """Who supplies what in an executed exchange."""
    return frozenset({(executed.a.actor, executed.a.supply), (executed.b.actor, executed.b.supply)})


def recording(sequence: Sequence[Exchange]) -> np.ndarray:
    """A round's recorded exchanges as rows ``(actor, supply, actor, supply)``."""
    table = np.empty((len(sequence), 4), dtype=np.int64)
    for row, exchange in enumerate(sequence):
        table[row] = [number for pair in sorted(exchange) for number in pair]
    return table


@compiled
def _is(numbers: np.ndarray, row: int, recorded: np.ndarray) -> bool:
    """Is candidate ``row`` the recorded exchange ``(actor, supply, actor, supply)``?"""
    a = (numbers[row, ACTOR], numbers[row, SUPPLY])
    b = (numbers[row, SIDE_NUMBERS + ACTOR], numbers[row, SIDE_NUMBERS + SUPPLY])
    first, second = (recorded[0], recorded[1]), (recorded[2], recorded[3])
    return (a == first and b == second) or (a == second and b == first)


@compiled
def choose(
    numbers: np.ndarray,
    values: np.ndarray,
    flags: np.ndarray,
    rank: np.ndarray,
    recorded: np.ndarray,
    step: int,
) -> tuple[int, int, bool]:
    """The row to execute at ``step`` of a replayed round (-1: none), the next step, and whether
    any candidate was dropped (its rank set to -inf). ``rank`` orders the valid candidates as
    the round does (largest first, then the first row)."""
    rows = np.nonzero(rank > -np.inf)[0]
    if len(rows) == 0:
        return -1, step, False
    ranked = rows[np.argsort(-rank[rows], kind="mergesort")]
    wanted = step < len(recorded)
    best = values[ranked[0], GAIN]
    dropped = False
    for row in ranked:
        if wanted and _is(numbers, row, recorded[step]):
            return row, step + 1, dropped
        if flags[row, AT_BOUNDARY]:
            rank[row] = -np.inf  # at the boundary, and not taken: the reference dropped it
            dropped = True
            continue
        if wanted and abs(values[row, GAIN] - best) <= TIED:
            continue  # tied with the best: the recorded exchange may be further down
        return row, step + 1, dropped  # the model's own choice (a divergence if one was recorded)
    return -1, step, dropped
