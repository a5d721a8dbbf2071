"""The weighted median: the position of the median voter, weights capability x salience.

For each issue it is the held position ``y`` that minimises ``F(y) = sum_a w_a |x_a - y|`` with
``w_a = c_a s_a``: the smallest held position at which the cumulative weight of the actors at or
below it reaches half the total (Black 1948; Bueno de Mesquita 1994, "median voter position").

Tie rule: when the cumulative weight reaches *exactly* half at a position, every point between
it and the next held position minimises ``F``; the smaller of the two (the lower median) is
chosen, as recommended for the expected utility model's replication (``eum.md`` §3.1). Actors
at the same position are summed in a fixed order (by weight), so the result does not depend on
the order in which actors are listed. With this rule the model's mean absolute error on the DEU
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
    held = np.where(present, position, np.inf).transpose(0, 2, 1)
    weights = np.where(present, weight, 0.0).transpose(0, 2, 1)
    order = np.lexsort((weights, held), axis=-1)
    held = np.take_along_axis(held, order, axis=-1)
    cumulative = np.cumsum(np.take_along_axis(weights, order, axis=-1), axis=-1)
    first = np.argmax(2.0 * cumulative >= cumulative[..., -1:], axis=-1)
    return np.take_along_axis(held, first[..., None], axis=-1)[..., 0]


def run(arrays: ScenarioArrays, options: NoOptions, rng: np.random.Generator) -> Trajectory:
    """One round: actors stay where they are; the outcome is the weighted median."""
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
