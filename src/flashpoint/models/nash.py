"""The Nash bargaining solution, weighted by capability x salience, on each issue.

The outcome ``o`` maximises the weighted product of the actors' utility gains over the
disagreement point (Nash 1950, the asymmetric form of Kalai 1977):

    o* = argmax_o  prod_a ( u_a(o) - u_a(d_a) ) ** w_a,      w_a = c_a s_a

with

- **utility** quadratic in the distance to the actor's position, ``u_a(o) = -(o - x_a)**2``:
  actors are risk averse over outcomes, as in the spatial bargaining models of the European
  Union Decides project (Achen 2006);
- **disagreement point** ``d_a``: the end of the issue's scale farthest from ``x_a``, the worst
  outcome the actor could be made to accept, so that every outcome on the scale is a gain
  over breakdown and ``u_a(o) - u_a(d_a) = R_a**2 - (o - x_a)**2`` with
  ``R_a = max(x_a - min, max - x_a)``.

The logarithm of the product, ``sum_a w_a log(R_a**2 - (o - x_a)**2)``, is strictly concave in
``o``, so the solution is unique and lies within the range of the positions. It is found as the
root of the derivative ``sum_a w_a (x_a - o) / (R_a**2 - (o - x_a)**2)`` (Newton's method kept
within a shrinking bracket), for all draws and issues at once. Issues are bargained separately.

References
----------
- Nash, J. F. (1950). The bargaining problem. *Econometrica* 18(2): 155-162.
- Kalai, E. (1977). Nonsymmetric Nash solutions and replications of 2-person bargaining.
  *International Journal of Game Theory* 6(3): 129-133.
- Achen, C. H. (2006). Institutional realism and bargaining models. In *The European Union
  Decides*, ch. 4. Cambridge University Press.
"""

from __future__ import annotations

import numpy as np

from flashpoint.engine.arrays import ScenarioArrays
from flashpoint.models.base import ModelSpec, NoOptions, Trajectory

MAX_STEPS = 100


def nash_solution(arrays: ScenarioArrays) -> np.ndarray:
    """The weighted Nash bargaining outcome per draw and issue, ``[d, i]``.

    Newton's method on the derivative of the log-product, kept inside a bracket that shrinks
    every step (a step that would leave the bracket is replaced by bisection), until no draw and
    issue moves by more than 1e-12 of its scale.
    """
    weight = arrays.weight
    active = weight > 0
    position = np.where(active, arrays.position, 0.0)
    reach = np.maximum(position - arrays.lower, arrays.upper - position) ** 2
    low = np.where(active, position, np.inf).min(axis=1)
    high = np.where(active, position, -np.inf).max(axis=1)
    tolerance = 1e-12 * (arrays.upper - arrays.lower)
    outcome = 0.5 * (low + high)
    done = high - low <= tolerance
    for _ in range(MAX_STEPS):
        offset = position - outcome[:, None, :]
        gain = np.where(active, reach - offset**2, 1.0)
        # A gain of exactly 0 (the outcome at an actor's worst end of the scale, reachable when
        # the optimum lies within rounding of that end) gives an infinite slope pointing back
        # inside the bracket, which is the right direction.
        with np.errstate(divide="ignore", invalid="ignore"):
            slope = np.where(active, weight * offset / gain, 0.0).sum(axis=1)
            curvature = -np.where(active, weight * (reach + offset**2) / gain**2, 0.0).sum(axis=1)
            newton = outcome - slope / curvature
        low = np.where(slope > 0, outcome, low)
        high = np.where(slope > 0, high, outcome)
        inside = np.isfinite(newton) & (newton >= low) & (newton <= high)
        step = np.where(inside, newton, 0.5 * (low + high))
        # Each draw and issue stops on its own, so a batch gives the numbers its draws give alone.
        settled = done | (np.abs(step - outcome) <= tolerance) | (high - low <= tolerance)
        outcome = np.where(done, outcome, step)
        done = settled
        if done.all():
            break
    return outcome


def run(
    arrays: ScenarioArrays, options: NoOptions, rng: np.random.Generator, events: bool = True
) -> Trajectory:
    """One round: actors stay where they are; the outcome is the Nash bargaining solution (no
    log)."""
    return Trajectory(positions=arrays.position[None], outcome=nash_solution(arrays)[None])


SPEC = ModelSpec(
    name="nash",
    label="Nash bargaining",
    summary=(
        "Maximises the capability x salience weighted product of utility gains (quadratic utility)"
        " over each actor's worst point of the scale."
    ),
    run=run,
    utility="quadratic",
    references=(
        "Nash (1950), The bargaining problem, Econometrica 18(2)",
        "Kalai (1977), Nonsymmetric Nash solutions, IJGT 6(3)",
    ),
)
