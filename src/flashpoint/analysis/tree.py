"""The scenario tree: the scenario as stated and its likely shocks as exclusive branches.

A shock that states a probability (a value or a range, :class:`~flashpoint.scenario.schema.
Shock`) is a branch of the tree; the scenario as stated takes the rest of the probability. Each
Monte Carlo draw follows one branch, drawn with those probabilities (a range's probability
drawn uniformly within it, draw by draw, from the run's stream ``tree``), and takes that
branch's forecast of the draw: all branches run on the same draws (common random numbers), so
the tree's forecast is a mixture of the branches' forecasts in their proportions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from flashpoint.analysis.montecarlo import Results
from flashpoint.scenario.schema import Scenario, Shock


@dataclass(frozen=True)
class Branch:
    """One branch of the tree: its shock (None: the scenario as stated), its probability as
    stated (a range; for the stated scenario, what the shocks leave) and the share of the
    draws that followed it."""

    shock: str | None
    label: str
    probability: tuple[float, float]
    share: float


def likely_shocks(scenario: Scenario) -> tuple[Shock, ...]:
    """The scenario's shocks that state a probability: the tree's branches besides the
    scenario as stated."""
    return tuple(shock for shock in scenario.shocks if shock.probability is not None)


def follow(
    scenario: Scenario, per_branch: list[Results], rng: np.random.Generator
) -> tuple[Results, list[Branch]]:
    """The tree's forecasts: each draw's from the branch it follows (``per_branch``: the
    scenario as stated first, then each likely shock, on the same draws), and the branches."""
    shocks = likely_shocks(scenario)
    draws = next(iter(per_branch[0].values())).shape[0]
    ranges = np.array([shock.probability for shock in shocks]).reshape(len(shocks), 2)
    chances = rng.uniform(ranges[:, 0], ranges[:, 1], size=(draws, len(shocks)))
    cumulative = np.cumsum(np.column_stack([chances, 1 - chances.sum(axis=1)]), axis=1)
    # branch 0 is the scenario as stated; a shock k is branch k + 1
    found = (rng.random(draws)[:, None] >= cumulative).sum(axis=1)
    branch = np.where(found < len(shocks), found + 1, 0)
    mixed = {
        key: np.stack([results[key] for results in per_branch])[branch, np.arange(draws)]
        for key in per_branch[0]
    }
    shares = np.bincount(branch, minlength=len(shocks) + 1) / draws
    rest = (max(0.0, 1 - float(ranges[:, 1].sum())), 1 - float(ranges[:, 0].sum()))
    branches = [Branch(None, "As stated", rest, float(shares[0]))]
    branches += [
        Branch(shock.id, shock.label or shock.id, tuple(shock.probability), float(shares[k + 1]))
        for k, shock in enumerate(shocks)
    ]
    return mixed, branches
