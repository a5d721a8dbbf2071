"""Settle the reference's undecidable choices from its recorded sequence (``exchange.md`` C1, C2).

The reference program computes in 28-digit decimals, so between mathematically equal gains, and
at the outcome cap's boundary, its choice is decided by rounding noise that no float64 rule can
reproduce. A replay chooser takes, at each step of a round, the reference's next exchange when it
is among the candidates tied for best, and drops the boundary candidates the reference dropped;
everything else is decided by the model itself. A parity test can then follow a run to its end.
"""

from __future__ import annotations

from collections.abc import Sequence

from flashpoint.models.exchange.candidates import Candidate
from flashpoint.models.exchange.round import Chooser

# Gains within this of the best are ties the recorded sequence may settle.
TIED = 1e-9

Exchange = frozenset[tuple[int, int]]  # {(actor, supply issue), (actor, supply issue)}


def key(candidate: Candidate) -> Exchange:
    """Who supplies what in a candidate."""
    return frozenset(
        {(candidate.a.actor, candidate.a.supply), (candidate.b.actor, candidate.b.supply)}
    )


def replay(recorded: Sequence[Exchange]) -> Chooser:
    """A chooser for one round that follows ``recorded`` where the model cannot decide."""
    step = 0

    def choose(ranked: list[Candidate]) -> tuple[Candidate | None, list[Candidate]]:
        nonlocal step
        dropped = []
        wanted = recorded[step] if step < len(recorded) else None
        for candidate in ranked:
            if key(candidate) == wanted:
                step += 1
                return candidate, dropped
            if candidate.at_boundary:
                dropped.append(
                    candidate
                )  # at the boundary, and not taken: the reference dropped it
                continue
            if wanted is not None and abs(candidate.gain - ranked[0].gain) <= TIED:
                continue  # tied with the best: the recorded exchange may be further down
            step += 1
            return candidate, dropped  # the model's own choice (a divergence if one was recorded)
        return None, dropped

    return choose
