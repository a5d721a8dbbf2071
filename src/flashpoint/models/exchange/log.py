"""The log of a run of the exchange model: the arrays its compiled loop writes
(:func:`.runner.run_draws`), and a draw's records (:mod:`.records`) read from them when asked,
so that a Monte Carlo run, which reads only the outcomes, builds none."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from flashpoint.models.exchange.candidates import CandidateTable
from flashpoint.models.exchange.records import ExchangeRound, Executed, RoundResult, RoundStart


@dataclass(frozen=True, eq=False)
class RunLog(Sequence[list[ExchangeRound]]):
    """Every round of every draw, on 0-100; ``log[draw]`` is that draw's list of
    :class:`~.records.ExchangeRound`.

    ``salience`` and ``weight`` are ``[draw, actor, issue]``, ``present`` is ``[actor, issue]``.
    ``preferences[r]`` are the positions that start round ``r + 1`` (the last: those after the
    last round) and ``start_outcome[r]`` their outcome; ``voting[r]`` and ``voting_outcome[r]``
    are round ``r``'s voting positions and outcome (round 0: the stated positions), each
    ``[round, draw, ...]``. ``candidates[r - 1, draw]`` counts round ``r``'s valid candidates
    at its start and ``executed[draw, r - 1]`` its exchanges; ``exchanges`` holds every executed
    candidate as it stood when executed, by draw, round and order of execution.
    """

    salience: np.ndarray
    weight: np.ndarray
    present: np.ndarray
    preferences: np.ndarray
    voting: np.ndarray
    start_outcome: np.ndarray
    voting_outcome: np.ndarray
    candidates: np.ndarray
    executed: np.ndarray
    exchanges: CandidateTable

    def __len__(self) -> int:
        return self.voting.shape[1]

    def __getitem__(self, draw):  # type: ignore[override]
        if isinstance(draw, slice):
            return [self[d] for d in range(len(self))[draw]]
        draw = range(len(self))[draw]
        row = int(self.executed[:draw].sum())
        history = []
        for number in range(1, self.candidates.shape[0] + 1):
            count = int(self.executed[draw, number - 1])
            executed = [
                Executed(
                    sequence,
                    float(self.exchanges.gain[row + sequence - 1]),
                    float(self.exchanges.reported_gain[row + sequence - 1]),
                    *self.exchanges.sides(row + sequence - 1),
                )
                for sequence in range(1, count + 1)
            ]
            row += count
            start = RoundStart(
                self.preferences[number - 1, draw],
                self.salience[draw],
                self.weight[draw],
                self.present,
            )
            result = RoundResult(
                self.voting[number, draw], executed, int(self.candidates[number - 1, draw])
            )
            history.append(
                ExchangeRound(
                    number,
                    start,
                    result,
                    self.start_outcome[number - 1, draw],
                    self.voting_outcome[number, draw],
                    self.preferences[number, draw],
                )
            )
        return history
