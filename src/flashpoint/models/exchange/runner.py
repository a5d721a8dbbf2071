"""Rounds of the exchange model: each round's exchanges, its voting outcome (the forecast), and
the preferences that carry into the next round (``exchange.md`` §4.7)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from flashpoint.models.exchange.candidates import RoundStart
from flashpoint.models.exchange.records import ExchangeRound, RoundResult
from flashpoint.models.exchange.replay import Exchange
from flashpoint.models.exchange.round import Boundary, Policy, run_round


def preference_update(start: RoundStart, result: RoundResult) -> np.ndarray:
    """§4.7: an actor that supplied on an issue keeps part of its move as its new preference,
    ``x' = x + (0.1 + 0.4 (1 - s)) (y - x)``; saliences and powers never change."""
    supplied = np.zeros_like(start.present)
    for executed in result.executed:
        for side in (executed.a, executed.b):
            supplied[side.actor, side.supply] = True
    share = 0.1 + 0.4 * (1.0 - start.salience)
    moved = start.position + share * (result.voting - start.position)
    return np.where(supplied, moved, start.position)


def run_rounds(
    first: RoundStart,
    rounds: int,
    recorded: Mapping[int, Sequence[Exchange]] | None = None,
    boundary: Boundary = "keep",
    policy: Policy = "decide-parity",
    p: float = 0.0,
    rng: np.random.Generator | None = None,
) -> list[ExchangeRound]:
    """``rounds`` rounds from ``first``; ``recorded[round]`` replays the reference's choices in
    that round (:mod:`.replay`); ``p`` and ``rng`` vary the exchange rates at random
    (:mod:`.randomized`)."""
    history = []
    start = first
    for number in range(1, rounds + 1):
        replayed = recorded.get(number, ()) if recorded is not None else None
        result = run_round(start, replayed, boundary, policy, p, rng)
        voted = RoundStart(result.voting, start.salience, start.weight, start.present)
        after = preference_update(start, result)
        history.append(ExchangeRound(number, start, result, start.outcome, voted.outcome, after))
        start = RoundStart(after, start.salience, start.weight, start.present)
    return history
