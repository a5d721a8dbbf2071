"""What a spatial model run leaves behind: its states, its turns and their bargains, and the
option codes a turn runs with. No compiled code here: reports import this module, and numba is
loaded only when the model runs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# docs/specs/ktab.md §4.9: stop when a turn moves less than 2% of the first turn
STOP_FRACTION = 0.02
VIEWS = ("initiator", "receiver", "compromise")  # whose view of a challenge a bargain comes from


@dataclass(frozen=True)
class TurnRules:
    """The option codes a turn uses (see :mod:`.kernels` and :mod:`.options`)."""

    voting: int
    victory: int
    pce: int
    adjust: int
    commit: int
    interpolation: int
    bargain: int
    stochastic: bool


@dataclass(frozen=True, eq=False)
class Bargains:
    """The bargains proposed in a turn, in the order they were made: ``initiator`` and
    ``receiver`` per bargain, the positions each would take (``[bargain, dimension]``) and
    whose view of the challenge the bargain comes from (an index into ``VIEWS``)."""

    initiator: np.ndarray
    receiver: np.ndarray
    initiator_position: np.ndarray
    receiver_position: np.ndarray
    view: np.ndarray

    @property
    def size(self) -> int:
        return self.initiator.shape[0]


@dataclass(frozen=True, eq=False)
class Turn:
    """What happened in a turn: per actor its target (-1: none), its estimate of the
    probability of winning that challenge and of its gain; the bargains; per actor the bargain
    it took (-1: it kept its position) and that option's probability in its election."""

    target: np.ndarray
    success: np.ndarray
    gain: np.ndarray
    bargains: Bargains
    chosen: np.ndarray
    chosen_probability: np.ndarray
    position: np.ndarray


@dataclass(frozen=True, eq=False)
class StateRecord:
    """What a run's log keeps of a state: positions and ideals ``[actor, dimension]``, risk
    attitudes, KTAB's reported win probabilities and the forecast."""

    position: np.ndarray
    ideal: np.ndarray
    risk: np.ndarray
    win_probability: np.ndarray
    outcome: np.ndarray


@dataclass(frozen=True, eq=False)
class SMPRun:
    """One draw's run: ``states[s]`` for s = 0 (the input) ... ``turns``, ``turns_log[t]`` the
    turn from state ``t`` to ``t + 1``, and the fractional change after each turn (§4.9)."""

    states: list[StateRecord]
    turns_log: list[Turn]
    fractional_change: np.ndarray

    @property
    def turns(self) -> int:
        return len(self.turns_log)

    @property
    def positions(self) -> np.ndarray:
        """``[state, actor, dimension]`` on the [0, 1] scale."""
        return np.stack([state.position for state in self.states])

    @property
    def win_probability(self) -> np.ndarray:
        """``[state, actor]``: the probability KTAB reports for each actor's position."""
        return np.stack([state.win_probability for state in self.states])

    @property
    def risk(self) -> np.ndarray:
        """``[state, actor]``: the risk attitudes inferred in each state."""
        return np.stack([state.risk for state in self.states])
