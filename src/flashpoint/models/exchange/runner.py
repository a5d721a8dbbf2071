"""Rounds of the exchange model: each round's exchanges, its voting outcome (the forecast), and
the preferences that carry into the next round (``exchange.md`` §4.7)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from flashpoint.models.exchange.candidates import RoundStart
from flashpoint.models.exchange.round import Boundary, Chooser, RoundResult, run_round


@dataclass(frozen=True)
class ExchangeRound:
    """One round: its start (preferences), its result, and the outcomes before and after."""

    number: int
    start: RoundStart
    result: RoundResult
    start_outcome: np.ndarray
    voting_outcome: np.ndarray


def preference_update(start: RoundStart, voting: np.ndarray) -> np.ndarray:
    """§4.7: an actor that supplied on an issue keeps part of its move as its new preference,
    ``x' = x + (0.1 + 0.4 (1 - s)) (y - x)``; saliences and powers never change."""
    share = 0.1 + 0.4 * (1.0 - start.salience)
    return np.where(
        voting != start.position, start.position + share * (voting - start.position), start.position
    )


def run_rounds(
    first: RoundStart,
    rounds: int,
    chooser: Callable[[int], Chooser | None] | None = None,
    boundary: Boundary = "literal",
) -> list[ExchangeRound]:
    """``rounds`` rounds from ``first``; ``chooser(round)`` may settle ties in that round."""
    history = []
    start = first
    for number in range(1, rounds + 1):
        result = run_round(start, chooser(number) if chooser else None, boundary)
        voted = RoundStart(result.voting, start.salience, start.weight, start.present)
        history.append(ExchangeRound(number, start, result, start.outcome, voted.outcome))
        start = RoundStart(
            preference_update(start, result.voting), start.salience, start.weight, start.present
        )
    return history
