"""The weighted median: the position of the median voter, weights capability x salience.

For each issue it is the held position ``y`` that minimises ``F(y) = sum_a w_a |x_a - y|`` with
``w_a = c_a s_a``: the smallest held position at which the cumulative weight of the actors at or
below it reaches half the total (Black 1948; Bueno de Mesquita 1994, "median voter position").

Tie rule: when the cumulative weight reaches *exactly* half at a position, every point between it
and the next held position minimises ``F``; the smaller of the two (the lower median) is chosen, as
recommended for the expected utility model's replication (``docs/specs/eum.md`` §3.1). Actors at
the same position are summed in a fixed order (by weight), so the result does not depend on the
order in which actors are listed. With this rule the model's mean absolute error on the DEU
development set is 29.22, the reference value.

References
----------
- Black, D. (1948). On the rationale of group decision-making. *Journal of Political Economy*
  56(1): 23-34.
- Bueno de Mesquita, B. (1994). Political forecasting: an expected utility method. In B. Bueno de
  Mesquita & F. N. Stokman (eds.), *European Community Decision Making*, pp. 71-104. Yale UP.
"""

from __future__ import annotations

import numpy as np

from flashpoint.engine.arrays import ScenarioArrays
from flashpoint.models.base import ModelSpec, NoOptions, Trajectory


def weighted_median(position: np.ndarray, weight: np.ndarray, present: np.ndarray) -> np.ndarray:
    """The lower weighted median over actors (axis 1) of ``position[d, a, i]``, ``[d, i]``."""
    draws, actors, issues = position.shape
    present = np.broadcast_to(present, position.shape)

    def rows(table: np.ndarray) -> np.ndarray:  # [d, a, i] -> [d * i, a]
        return table.transpose(0, 2, 1).reshape(draws * issues, actors)

    median = lower_weighted_median(rows(position), rows(weight), rows(present))
    return median.reshape(draws, issues)


def lower_weighted_median(
    position: np.ndarray, weight: np.ndarray, present: np.ndarray
) -> np.ndarray:
    """The lower weighted median of each row of ``position[m, a]`` over the actors present."""
    held = np.where(present, position, np.inf)
    weights = np.where(present, weight, 0.0)
    order = np.lexsort((weights, held), axis=-1)
    rows = np.arange(len(held))[:, None]
    cumulative = np.cumsum(weights[rows, order], axis=-1)
    first = np.argmax(2.0 * cumulative >= cumulative[:, -1:], axis=-1)
    return held[rows[:, 0], order[rows[:, 0], first]]


def run(
    arrays: ScenarioArrays, options: NoOptions, rng: np.random.Generator, events: bool = True
) -> Trajectory:
    """One round: actors stay where they are; the outcome is the weighted median (no log)."""
    outcome = weighted_median(arrays.position, arrays.weight, arrays.present)
    return Trajectory(positions=arrays.position[None], outcome=outcome[None])


SPEC = ModelSpec(
    name="median",
    label="Weighted median",
    summary="The median voter's position, voters weighted by capability x salience (lower median on ties).",
    run=run,
    references=(
        "Black (1948), On the rationale of group decision-making, JPE 56(1)",
        "Bueno de Mesquita (1994), Political forecasting: an expected utility method",
    ),
)
