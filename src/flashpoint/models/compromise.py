"""The compromise model: the capability x salience weighted mean of the positions.

For each issue, ``O = sum_a w_a x_a / sum_a w_a`` with ``w_a = c_a s_a`` over the actors present
on the issue. It is the standard baseline of the bargaining literature: Achen derives it as the
outcome of a bargain in which actors weigh deviations by salience (the "compromise model" of
Achen 2006), and in the European Union Decides evaluation it predicted as well as any of the
more elaborate models (Achen 2006b). On the DEU development set its mean absolute error is 23.97.

References
----------
- Achen, C. H. (2006). Institutional realism and bargaining models. In R. Thomson,
  F. N. Stokman, C. H. Achen & T. König (eds.), *The European Union Decides*, ch. 4.
  Cambridge University Press.
- Achen, C. H. (2006b). Evaluating political decision-making models. *Ibid.*, ch. 10.
- Van den Bos, J. M. M. (1991). *Dutch EC Policy Making: A Model-Guided Approach to
  Coordination and Negotiation*. Amsterdam: Thesis Publishers.
"""

from __future__ import annotations

import numpy as np

from flashpoint.engine.arrays import ScenarioArrays
from flashpoint.models.base import ModelSpec, NoOptions, Trajectory


def weighted_mean(position: np.ndarray, weight: np.ndarray, present: np.ndarray) -> np.ndarray:
    """The weighted mean over actors (axis 1) of the actors present: ``[d, a, i] -> [d, i]``, or
    ``[m, a] -> [m]``."""
    weight = np.where(present, weight, 0.0)
    return (weight * np.where(present, position, 0.0)).sum(axis=1) / weight.sum(axis=1)


def run(
    arrays: ScenarioArrays, options: NoOptions, rng: np.random.Generator, events: bool = True
) -> Trajectory:
    """One round: actors stay where they are; the outcome is the weighted mean (no log)."""
    outcome = weighted_mean(arrays.position, arrays.weight, arrays.present)
    return Trajectory(positions=arrays.position[None], outcome=outcome[None])


SPEC = ModelSpec(
    name="compromise",
    label="Compromise (weighted mean)",
    summary="Capability x salience weighted mean of the positions on each issue.",
    run=run,
    references=(
        "Achen (2006), Institutional realism and bargaining models, in The European Union Decides, ch. 4",
        "Van den Bos (1991), Dutch EC Policy Making",
    ),
)
