"""``ScenarioArrays``: a scenario as numbers, batched over Monte Carlo draws.

Models never see pydantic objects, only this: for draw ``d``, actor ``a`` and issue ``i``,
``position[d, a, i]`` (on the issue's own scale), ``salience[d, a, i]`` (on 0-1, i.e. divided by
the scenario's salience scale), ``capability[d, a, i]`` (the capability the actor brings to the
issue), ``no_deal_cost[d, a, i]`` (how much worse than the issue's reversion point no agreement
is to the actor, in points of the issue's scale: read only by the agreement test of
:mod:`flashpoint.analysis.agreement`) and ``present[a, i]`` (does the actor take part in the
issue). Where an actor is absent its position is NaN and its salience, capability and cost of no
deal are 0, so ``weight`` (capability x salience) is 0.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from flashpoint.scenario.schema import Scenario

# the inputs with a draw axis
DRAWN = ("position", "salience", "capability", "no_deal_cost", "red_line")


@dataclass(frozen=True, eq=False)
class ScenarioArrays:
    """The numeric state of a scenario for ``n_draws`` draws (see the module docstring)."""

    actors: tuple[str, ...]
    issues: tuple[str, ...]
    position: np.ndarray
    salience: np.ndarray
    capability: np.ndarray
    present: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    no_deal_cost: np.ndarray = None  # type: ignore[assignment]  # None: no cost anywhere
    red_line: np.ndarray = None  # type: ignore[assignment]  # None: no red line anywhere (NaN)

    def __post_init__(self) -> None:
        shape = (self.position.shape[0], len(self.actors), len(self.issues))
        if self.no_deal_cost is None:
            object.__setattr__(self, "no_deal_cost", np.zeros(shape))
        if self.red_line is None:
            object.__setattr__(self, "red_line", np.full(shape, np.nan))
        for name in DRAWN:
            array = getattr(self, name)
            if array.shape != shape:
                raise ValueError(f"{name} has shape {array.shape}, expected {shape}")
        if self.present.shape != shape[1:] or self.present.dtype != bool:
            raise ValueError(f"present must be a boolean array of shape {shape[1:]}")
        if self.lower.shape != (shape[2],) or self.upper.shape != (shape[2],):
            raise ValueError("lower and upper need one bound per issue")

    @classmethod
    def from_scenario(cls, scenario: Scenario, draws: int = 1) -> ScenarioArrays:
        """The scenario's stated values, repeated for ``draws`` identical draws."""
        actors = tuple(actor.id for actor in scenario.actors)
        issues = tuple(issue.id for issue in scenario.issues)
        shape = (len(actors), len(issues))
        position = np.full(shape, np.nan)
        salience = np.zeros(shape)
        capability = np.zeros(shape)
        no_deal_cost = np.zeros(shape)
        red_line = np.full(shape, np.nan)
        present = np.zeros(shape, dtype=bool)
        for a, actor in enumerate(scenario.actors):
            for i, issue_id in enumerate(issues):
                stance = actor.issues.get(issue_id)
                if stance is None:
                    continue
                present[a, i] = True
                position[a, i] = stance.position
                salience[a, i] = stance.salience / scenario.salience_scale
                capability[a, i] = actor.capability_on(issue_id)
                no_deal_cost[a, i] = stance.no_deal_cost
                if stance.red_line is not None:
                    red_line[a, i] = stance.red_line
        batch = (draws, *shape)
        return cls(
            actors=actors,
            issues=issues,
            position=np.broadcast_to(position, batch).copy(),
            salience=np.broadcast_to(salience, batch).copy(),
            capability=np.broadcast_to(capability, batch).copy(),
            no_deal_cost=np.broadcast_to(no_deal_cost, batch).copy(),
            red_line=np.broadcast_to(red_line, batch).copy(),
            present=present,
            lower=np.array([issue.min for issue in scenario.issues], dtype=float),
            upper=np.array([issue.max for issue in scenario.issues], dtype=float),
        )

    def select(self, draws: slice | np.ndarray) -> ScenarioArrays:
        """The batch's draws ``draws`` (a slice, or draw numbers) as a batch of their own."""
        return replace(
            self,
            **{name: getattr(self, name)[draws] for name in DRAWN},
        )

    @property
    def n_draws(self) -> int:
        return self.position.shape[0]

    @property
    def n_actors(self) -> int:
        return len(self.actors)

    @property
    def n_issues(self) -> int:
        return len(self.issues)

    @property
    def weight(self) -> np.ndarray:
        """Capability x salience, ``[d, a, i]``; 0 where an actor is absent."""
        return self.capability * self.salience
