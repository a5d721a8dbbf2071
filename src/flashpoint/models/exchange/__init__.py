"""The Stokman exchange model: issue linkage and reciprocal concessions.

Two actors who sit on opposite sides of the expected outcome on two issues, and care about the
issues in different proportions, can both gain by trading: each moves its voting position
towards the other's on the issue that matters relatively less to it than to the other (the
smaller ratio of its salience there to its salience on the other issue; this can be its most
salient issue), so as to gain on the other issue (Stokman & Van Oosten 1994). Sizes give both the same gain ("equal gain"). Each round the
valid candidate with the largest gain is executed, the candidates it touches are recomputed,
and so on until none is left; the round's forecast is the weighted mean of the voting
positions. Actors then move part of the way from their preferences to their voting positions,
and the next round starts (``docs/specs/exchange.md`` §4; the modules cite their sections).

- :mod:`.candidates`: the candidates of a round, in a table (§4.1-4.2), whose columns
  :mod:`.columns` lays out;
- :mod:`.table`: a round's outcome, sides and candidates, worked out (§4.1-4.2);
- :mod:`.solve`: the equal-gain solution of a candidate (§4.3);
- :mod:`.round`: executing them with the reference's bookkeeping (§4.4-4.5, C1-C5);
- :mod:`.runner`: rounds and preference updates, for every draw of a batch (§4.7);
- :mod:`.log`: what a run leaves behind, and its records, round starts included
  (:mod:`.records`);
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


class ExchangeOptions(BaseModel):
    """Options of the exchange model."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    policy: Literal["decide-parity", "full-recompute"] = Field(
        "decide-parity",
        description="decide-parity: the reference's within-round bookkeeping"
        " (docs/specs/exchange.md §4.5); full-recompute: every candidate worked out again after"
        " each exchange.",
    )
    p: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description="Random variation of the exchange rates (0: equal gain; docs/specs/exchange.md"
        " §4.8).",
    )
    rounds: int = Field(10, ge=0, le=100, description="Number of rounds.")


def run(
    arrays: ScenarioArrays,
    options: ExchangeOptions,
    rng: np.random.Generator,
    events: bool = True,
) -> Trajectory:
    """Run the exchange model on every draw; issues are rescaled to 0-100 and back (§2).

    The trajectory's positions are each round's voting positions and its outcome each round's
    voting outcome (round 0: the stated positions and their weighted mean); ``events`` is the
    run's :class:`~.log.RunLog`, whose item ``d`` is draw ``d``'s list of
    :class:`~.records.ExchangeRound` (None without ``events``: no exchange is kept). With
    ``p > 0`` the draws use ``rng`` in turn.
    """
    from flashpoint.models.exchange.runner import simulate  # compiled code: numba loads here

    lower, span = arrays.lower, arrays.upper - arrays.lower
    present = arrays.present
    log = simulate(
        np.where(present, (arrays.position - lower) / span * 100, 0.0),
        arrays.salience,
        arrays.weight,
        present,
        options.rounds,
        boundary="keep" if options.policy == "decide-parity" else "drop",
        policy=options.policy,
        p=options.p,
        rng=rng,
        logged=events,
    )
    positions = np.where(present, lower + log.voting * span / 100, np.nan)
    positions[0] = arrays.position
    outcome = lower + log.voting_outcome * span / 100
    return Trajectory(positions=positions, outcome=outcome, events=log if events else None)


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
    compile_seconds=10,
    stochastic=True,
    joint_issues=True,
    references=(
        "Stokman & Van Oosten (1994), The exchange of voting positions, in European Community "
        "Decision Making",
    ),
)
