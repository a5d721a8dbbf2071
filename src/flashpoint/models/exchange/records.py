"""What a run of the exchange model leaves behind: per round its start, executed exchanges and
outcomes (plain records, for reports and tests). Nothing here computes but a round start's
outcome and sides, which the compiled code of :mod:`.table` works out when asked, so that
importing the records does not load numba."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


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


@dataclass(frozen=True)
class Side:
    """One actor of an executed exchange as supplier: it moved on ``supply`` from ``position``
    by ``move`` towards ``target`` (its partner's round-start position there), to gain on
    ``demand``; the outcome of ``supply`` went from ``outcome_before`` to ``outcome_after`` (as
    the exchange saw it)."""

    actor: int
    supply: int
    demand: int
    position: float
    target: float
    move: float
    outcome_before: float
    outcome_after: float


@dataclass(frozen=True)
class Executed:
    """An executed exchange: the candidate as it was when executed. ``gain`` ranked it;
    ``reported_gain`` is what the reference credits each actor with (the gain before the outcome
    caps, which differs when a cap binds)."""

    sequence: int
    gain: float
    reported_gain: float
    a: Side
    b: Side


@dataclass(frozen=True)
class RoundResult:
    """The round's voting positions ``[actor, issue]`` (0-100), its executed exchanges in order
    and how many valid candidates it started with."""

    voting: np.ndarray
    executed: list[Executed]
    candidates: int


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
