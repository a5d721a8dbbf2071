"""The log of a batch of spatial model runs: the arrays the compiled loop records
(:func:`.runner.run_draws`), the trajectory they give, and each draw's :class:`SMPRun`, built
when it is read. No compiled code here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple, overload

import numpy as np

from flashpoint.models.smp.listing import listed_state, listed_turn
from flashpoint.models.smp.records import Bargains, SMPRun, StateRecord, Turn


class Recording(NamedTuple):
    """Every state and turn of a batch of runs, actors in each draw's canonical order.

    Draw ``d``'s states are rows ``state_start[d]`` to ``state_start[d + 1] - 1`` of the
    per-state arrays, its turns the rows from ``state_start[d] - d`` on (a run of ``T`` turns
    has ``T + 1`` states). State ``s``'s forecast positions and their probabilities are rows
    ``group_start[s]`` to ``group_start[s + 1] - 1`` of the ``group_`` arrays; turn ``t``'s
    bargains rows ``bargain_start[t]`` to ``bargain_start[t + 1] - 1`` of the ``bargain_``
    arrays: initiator, receiver and view, and the positions it gives them."""

    state_start: np.ndarray
    position: np.ndarray  # [state, actor, dimension]
    ideal: np.ndarray  # [state, actor, dimension]
    risk: np.ndarray  # [state, actor]
    win_probability: np.ndarray  # [state, actor]
    group_start: np.ndarray
    group_position: np.ndarray  # [group, dimension]
    group_probability: np.ndarray  # [group]
    target: np.ndarray  # [turn, actor]
    chosen: np.ndarray  # [turn, actor]
    estimate: np.ndarray  # [turn, success | gain | the chosen option's probability, actor]
    fractional_change: np.ndarray  # [turn]
    bargain_start: np.ndarray
    bargain_parties: np.ndarray  # [bargain, initiator | receiver | view]
    bargain_position: np.ndarray  # [bargain, initiator | receiver, dimension]

    @property
    def turns(self) -> np.ndarray:
        """Per draw, its number of turns."""
        return np.diff(self.state_start) - 1

    def expected_outcomes(self) -> np.ndarray:
        """``[state, dimension]``: each state's forecast, the mean of its distinct positions
        weighted by their win probabilities (``docs/specs/ktab.md`` §4.8), summed in one order
        on every CPU (:func:`.summation.weighted_position`)."""
        from flashpoint.models.smp.summation import weighted_positions  # compiled: loads numba

        return weighted_positions(self.group_start, self.group_probability, self.group_position)


class SMPRuns(Sequence[SMPRun]):
    """One :class:`SMPRun` per draw, actors as listed, each built from the recording when it is
    first read (``listed[d, k]``: the canonical row of draw ``d``'s ``k``-th listed actor)."""

    def __init__(self, recording: Recording, outcome: np.ndarray, listed: np.ndarray) -> None:
        self.recording, self.outcome, self.listed = recording, outcome, listed
        self.order = np.argsort(listed, axis=1)
        self._built: dict[int, SMPRun] = {}

    def __len__(self) -> int:
        return self.listed.shape[0]

    @overload
    def __getitem__(self, index: int) -> SMPRun: ...

    @overload
    def __getitem__(self, index: slice) -> list[SMPRun]: ...

    def __getitem__(self, index: int | slice) -> SMPRun | list[SMPRun]:
        if isinstance(index, slice):
            return [self[d] for d in range(*index.indices(len(self)))]
        d = range(len(self))[index]  # negative indices, and IndexError past the end
        if d not in self._built:
            self._built[d] = self._run(d)
        return self._built[d]

    def _run(self, d: int) -> SMPRun:
        r, listed, order = self.recording, self.listed[d], self.order[d]
        first, last = r.state_start[d], r.state_start[d + 1]
        states = [
            listed_state(
                StateRecord(
                    position=r.position[s],
                    ideal=r.ideal[s],
                    risk=r.risk[s],
                    win_probability=r.win_probability[s],
                    outcome=self.outcome[s],
                ),
                listed,
            )
            for s in range(first, last)
        ]
        turns = []
        for s in range(first, last - 1):
            t = s - d
            bargains = slice(r.bargain_start[t], r.bargain_start[t + 1])
            parties, moved = r.bargain_parties[bargains], r.bargain_position[bargains]
            turn = Turn(
                target=r.target[t],
                success=r.estimate[t, 0],
                gain=r.estimate[t, 1],
                bargains=Bargains(
                    initiator=parties[:, 0],
                    receiver=parties[:, 1],
                    initiator_position=moved[:, 0],
                    receiver_position=moved[:, 1],
                    view=parties[:, 2],
                ),
                chosen=r.chosen[t],
                chosen_probability=r.estimate[t, 2],
                position=r.position[s + 1],
            )
            turns.append(listed_turn(turn, order, listed))
        fractional_change = r.fractional_change[first - d : last - d - 1].copy()
        return SMPRun(states=states, turns_log=turns, fractional_change=fractional_change)
