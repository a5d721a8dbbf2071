"""Random variation of exchange rates (Dijkstra, Van Assen, Stokman & Draaijer 2018;
``docs/specs/exchange.md`` §4.8), with parameter ``p`` in [0, 1].

Each time a candidate is worked out, after its equal-gain solution ``G``: one of its two actors,
the focal actor ``f``, is drawn (each with probability 1/2), and its gain becomes
``G + p z (G_f^max - G)`` (it wins, probability 1/2) or ``G (1 - p z)`` (it loses), ``z`` uniform
on [0, 1]. ``G_f^max`` is the most ``f`` can gain while its partner still gains at least 0,
each outcome shift limited by its supplier moving all the way to the partner:
``G_a^max = min(Δp^max, Δq^max s_bq/s_bp) (s_ap - s_aq s_bp / s_bq)`` and symmetrically for ``b``.
The shifts are solved again for that gain: ``f`` first moves all the way; if that would push
its partner past ``f``, the partner moves all the way and ``f``'s move is solved instead; the
outcome caps of §4.3 apply. Candidates are still ranked by ``G``.

Three choices the reference leaves open (§4.11), made here:

- when an outcome cap binds after the re-solve, the other shift is solved again for the focal
  actor's target gain (not for the equal-gain ratio);
- the moves kept in a candidate's move history are the perturbed ones (the ones executed);
- the reference's quirks of §4.10 are not copied: no supplier is ever moved away from its
  partner.

A candidate in which an actor has no salience on one of the two issues keeps its equal-gain
solution (the formulas divide by it). ``p = 0`` is exactly equal gain, and draws nothing.

Compiled with numba, like :mod:`.solve`.
"""

from __future__ import annotations

import numpy as np

from flashpoint.models.exchange.columns import (
    DEMAND_SALIENCE,
    GAIN,
    POSITION,
    SUPPLY_SALIENCE,
    TARGET,
    TOTAL,
    WEIGHT,
    A,
    B,
)
from flashpoint.models.exchange.solve import inlined, solve_shifts


@inlined
def perturb(
    numbers: np.ndarray,
    values: np.ndarray,
    flags: np.ndarray,
    row: int,
    current: np.ndarray,
    p: float,
    rng: np.random.Generator,
) -> None:
    """Re-solve the moves of candidate ``row`` (already solved for equal gain) for a randomly
    varied exchange rate (module docstring). Draws three numbers from ``rng``, always."""
    u, v, z = rng.random(), rng.random(), rng.random()
    x = values
    s_ap, s_aq = x[row, A + DEMAND_SALIENCE], x[row, A + SUPPLY_SALIENCE]
    s_bp, s_bq = x[row, B + SUPPLY_SALIENCE], x[row, B + DEMAND_SALIENCE]
    gain = x[row, GAIN]
    if min(s_ap, s_aq, s_bp, s_bq) <= 0 or gain <= 0:
        return
    max_p = x[row, B + WEIGHT] * abs(x[row, B + TARGET] - x[row, B + POSITION]) / x[row, B + TOTAL]
    max_q = x[row, A + WEIGHT] * abs(x[row, A + TARGET] - x[row, A + POSITION]) / x[row, A + TOTAL]
    focal_a = u < 0.5
    if focal_a:
        best = min(max_p, max_q * s_bq / s_bp) * (s_ap - s_aq * s_bp / s_bq)
    else:
        best = min(max_q, max_p * s_ap / s_aq) * (s_bq - s_bp * s_aq / s_ap)
    target = gain + p * z * (best - gain) if v < 0.5 else gain * (1.0 - p * z)
    if focal_a:  # G_a = s_ap Δp - s_aq Δq
        offset, rate = -target / s_aq, s_ap / s_aq
    else:  # G_b = s_bq Δq - s_bp Δp
        offset, rate = target / s_bq, s_bp / s_bq
    solve_shifts(numbers, values, flags, row, current, offset, rate, focal_a)
