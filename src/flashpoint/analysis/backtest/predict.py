"""The models' forecasts of decided issues, part by part.

The issues are cut into parts (:class:`Parts`): the issues of one proposal, which were decided
together (an issue without a proposal is a part of its own). Each part is a scenario of its own
(:meth:`~flashpoint.scenario.schema.Scenario.only`), so a model that trades across issues (the
exchange model) or treats them as one space (the spatial model) does so only within a proposal.
Every model forecasts each part, after the agreement test of the part's terms
(:mod:`flashpoint.analysis.agreement`), on the stated values and on ``draws`` Monte Carlo draws of
its uncertain inputs (:class:`~flashpoint.analysis.montecarlo.MonteCarlo`, with the part's number as
its block, so the parts' random streams differ and do not depend on the executor). The parts run
as the blocks of :func:`flashpoint.engine.executors.run_blocks`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from flashpoint.analysis.agreement import Terms
from flashpoint.analysis.montecarlo import MonteCarlo, run_models
from flashpoint.engine.arrays import ScenarioArrays
from flashpoint.scenario.schema import Scenario

# model -> (point forecast [issue], draws [draw, issue]) over the issues of consecutive parts
Forecasts = dict[str, tuple[np.ndarray, np.ndarray]]


def parts_of(issues: Sequence[str], proposals: Sequence[str | None]) -> list[tuple[str, ...]]:
    """The issues grouped by proposal, in the order each proposal first appears."""
    grouped: dict[str, list[str]] = {}
    for issue, proposal in zip(issues, proposals, strict=True):
        grouped.setdefault(proposal if proposal is not None else f"issue:{issue}", []).append(issue)
    return [tuple(members) for members in grouped.values()]


@dataclass(frozen=True)
class Parts:
    """Forecasts of every model on each part of ``scenario`` (a block task, see the module
    docstring); block ``k`` is part ``k``, its size the part's number of issues."""

    scenario: Scenario
    parts: tuple[tuple[str, ...], ...]
    models: tuple[tuple[str, dict[str, Any]], ...]
    seed: int
    jitter: float
    draws: int

    def sizes(self) -> list[int]:
        return [len(part) for part in self.parts]

    def run_block(self, block: int, size: int) -> Forecasts:
        part = self.scenario.only(self.parts[block])
        arrays = ScenarioArrays.from_scenario(part)
        drawn = MonteCarlo(part, self.models, self.seed, self.jitter, block_size=self.draws)
        (samples,) = drawn.run_block(block, self.draws)
        stated = run_models(self.models, arrays, self.seed, block, terms=Terms.of(part, arrays))
        return {name: (stated[name][0], samples[name]) for name, _ in self.models}

    def merge(self, parts: Sequence[Forecasts]) -> Forecasts:
        """Consecutive parts' forecasts as one, issue after issue."""
        return {
            name: (
                np.concatenate([part[name][0] for part in parts]),
                np.concatenate([part[name][1] for part in parts], axis=1),
            )
            for name in parts[0]
        }
