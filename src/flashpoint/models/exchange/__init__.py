"""The Stokman exchange model: issue linkage and reciprocal concessions.

Two actors who sit on opposite sides of the expected outcome on two issues, and care about the
issues in different proportions, can both gain by trading: each moves its voting position on
the issue it cares less about towards the other's, so as to gain on the issue it cares more
about (Stokman & Van Oosten 1994). Sizes give both the same gain ("equal gain"). Each round the
valid candidate with the largest gain is executed, the candidates it touches are recomputed,
and so on until none is left; the round's forecast is the weighted mean of the voting
positions. Actors then move part of the way from their preferences to their voting positions,
and the next round starts (``exchange.md`` §4; the modules cite their sections).

- :mod:`.candidates`: the candidates of a round and their equal-gain solution (§4.1-4.3);
- :mod:`.round`: executing them with the reference's bookkeeping (§4.4-4.5, C1-C5);
- :mod:`.runner`: rounds and preference updates (§4.7);
- :mod:`.randomized`: random variation of the exchange rates (§4.8);
- :mod:`.externalities`: what the exchanges do to the other actors (§4.6);
- :mod:`.replay`: settling the reference's undecidable choices in parity tests (C1, C2).

References
----------
- Stokman, F. N. & Van Oosten, R. (1994). The exchange of voting positions: an object-oriented
  model of policy networks. In B. Bueno de Mesquita & F. N. Stokman (eds.), *European Community
  Decision Making*, pp. 105-127. Yale University Press.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from flashpoint.engine.arrays import ScenarioArrays
from flashpoint.models.base import ModelSpec, Trajectory
from flashpoint.models.exchange.candidates import RoundStart
from flashpoint.models.exchange.records import ExchangeRound


class ExchangeOptions(BaseModel):
    """Options of the exchange model."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    policy: Literal["decide-parity", "full-recompute"] = Field(
        "decide-parity",
        description="decide-parity: the reference's within-round bookkeeping (exchange.md §4.5);"
        " full-recompute: every candidate worked out again after each exchange.",
    )
    p: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description="Random variation of the exchange rates (0: equal gain; exchange.md §4.8).",
    )
    rounds: int = Field(10, ge=0, le=100, description="Number of rounds.")


def run(arrays: ScenarioArrays, options: ExchangeOptions, rng: np.random.Generator) -> Trajectory:
    """Run the exchange model on every draw; issues are rescaled to 0-100 and back (§2).

    The trajectory's positions are each round's voting positions and its outcome each round's
    voting outcome (round 0: the stated positions and their weighted mean); ``events`` holds,
    per draw, the list of :class:`ExchangeRound`. With ``p > 0`` the draws use ``rng`` in turn.
    """
    from flashpoint.models.exchange.runner import run_rounds  # compiled code: numba loads here

    draws = arrays.n_draws
    lower, span = arrays.lower, arrays.upper - arrays.lower
    present = arrays.present
    positions = np.full((options.rounds + 1, *arrays.position.shape), np.nan)
    outcome = np.empty((options.rounds + 1, draws, arrays.n_issues))
    log: list[list[ExchangeRound]] = []

    def back(values: np.ndarray) -> np.ndarray:
        return lower + values * span / 100

    for d in range(draws):
        scaled = np.where(present, (arrays.position[d] - lower) / span * 100, 0.0)
        first = RoundStart(scaled, arrays.salience[d], arrays.weight[d], present)
        boundary = "keep" if options.policy == "decide-parity" else "drop"
        history = run_rounds(
            first, options.rounds, boundary=boundary, policy=options.policy, p=options.p, rng=rng
        )
        positions[0, d] = arrays.position[d]
        outcome[0, d] = back(first.outcome)
        for entry in history:
            positions[entry.number, d] = np.where(present, back(entry.result.voting), np.nan)
            outcome[entry.number, d] = back(entry.voting_outcome)
        log.append(history)
    return Trajectory(positions=positions, outcome=outcome, events=log)


SPEC = ModelSpec(
    name="exchange",
    label="Exchange (Stokman)",
    summary=(
        "Stokman's exchange model: actors trade concessions across issues (equal gain); the "
        "forecast is the weighted mean of the voting positions after the last round."
    ),
    run=run,
    options=ExchangeOptions,
    iterative=True,
    stochastic=True,
    joint_issues=True,
    references=(
        "Stokman & Van Oosten (1994), The exchange of voting positions, in European Community "
        "Decision Making",
    ),
)
