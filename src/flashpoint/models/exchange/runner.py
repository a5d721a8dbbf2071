"""Rounds of the exchange model: each round's exchanges, its voting outcome (the forecast), and
the preferences that carry into the next round (``exchange.md`` §4.7)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from flashpoint.models.exchange.candidates import RoundStart
from flashpoint.models.exchange.round import Boundary, Chooser, Policy, RoundResult, run_round


@dataclass(frozen=True)
class ExchangeRound:
    """One round: its start (preferences), its result, the outcomes before and after its
    exchanges, and the preferences it leaves for the next round (all on 0-100)."""

    number: int
    start: RoundStart
    result: RoundResult
    start_outcome: np.ndarray
    voting_outcome: np.ndarray
    preferences_after: np.ndarray


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
    chooser: Callable[[int], Chooser | None] | None = None,
    boundary: Boundary = "keep",
    policy: Policy = "decide-parity",
    p: float = 0.0,
    rng: np.random.Generator | None = None,
) -> list[ExchangeRound]:
    """``rounds`` rounds from ``first``; ``chooser(round)`` may settle ties in that round; ``p``
    and ``rng`` vary the exchange rates at random (:mod:`.randomized`)."""
    history = []
    start = first
    for number in range(1, rounds + 1):
        result = run_round(start, chooser(number) if chooser else None, boundary, policy, p, rng)
        voted = RoundStart(result.voting, start.salience, start.weight, start.present)
        after = preference_update(start, result)
        history.append(ExchangeRound(number, start, result, start.outcome, voted.outcome, after))
        start = RoundStart(after, start.salience, start.weight, start.present)
    return history
