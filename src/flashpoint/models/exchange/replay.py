"""Settle the reference's undecidable choices from its recorded sequence (``exchange.md`` C1, C2).

The reference program computes in 28-digit decimals, so between mathematically equal gains, and
at the outcome cap's boundary, its choice is decided by rounding noise that no float64 rule can
reproduce. A replay chooser takes, at each step of a round, the reference's next exchange when it
is among the candidates tied for best, and drops the boundary candidates the reference dropped;
everything else is decided by the model itself. A parity test can then follow a run to its end.
"""

from __future__ import annotations

from collections.abc import Sequence

from flashpoint.models.exchange.candidates import CandidateTable, Side
from flashpoint.models.exchange.round import Chooser, Executed

# Gains within this of the best are ties the recorded sequence may settle.
TIED = 1e-9

Exchange = frozenset[tuple[int, int]]  # {(actor, supply issue), (actor, supply issue)}


def key(executed: Executed) -> Exchange:
    """Who supplies what in an executed exchange."""
    return _supplies(executed.a, executed.b)


def _supplies(a: Side, b: Side) -> Exchange:
    return frozenset({(a.actor, a.supply), (b.actor, b.supply)})


def replay(recorded: Sequence[Exchange]) -> Chooser:
    """A chooser for one round that follows ``recorded`` where the model cannot decide."""
    step = 0

    def choose(table: CandidateTable, ranked: list[int]) -> tuple[int | None, list[int]]:
        nonlocal step
        dropped = []
        wanted = recorded[step] if step < len(recorded) else None
        best = table.gain[ranked[0]] if ranked else 0.0
        for row in ranked:
            if _supplies(*table.sides(row)) == wanted:
                step += 1
                return row, dropped
            if table.at_boundary[row]:
                dropped.append(row)  # at the boundary, and not taken: the reference dropped it
                continue
            if wanted is not None and abs(table.gain[row] - best) <= TIED:
                continue  # tied with the best: the recorded exchange may be further down
            step += 1
            return row, dropped  # the model's own choice (a divergence if one was recorded)
        return None, dropped

    return choose
