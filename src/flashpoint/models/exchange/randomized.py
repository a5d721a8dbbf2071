"""Random variation of exchange rates (Dijkstra, Van Assen, Stokman & Draaijer 2018;
``exchange.md`` §4.8), with parameter ``p`` in [0, 1].

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
"""

from __future__ import annotations

import numpy as np

from flashpoint.models.exchange.candidates import CandidateTable
from flashpoint.models.exchange.solve import Batch, solve_shifts


def perturb(
    table: CandidateTable,
    rows: Batch,
    current: np.ndarray | None,
    p: float,
    rng: np.random.Generator,
) -> None:
    """Re-solve the moves of the candidates ``rows`` (already solved for equal gain) for randomly
    varied exchange rates (module docstring). Three numbers are drawn per candidate, in order."""
    u, v, z = rng.random((len(rows), 3)).T
    a, b = table.a, table.b
    s_ap, s_aq = a.demand_salience[rows], a.supply_salience[rows]
    s_bp, s_bq = b.supply_salience[rows], b.demand_salience[rows]
    gain = table.gain[rows]
    varied = (np.minimum(np.minimum(s_ap, s_aq), np.minimum(s_bp, s_bq)) > 0) & (gain > 0)
    if not varied.any():
        return
    rows, u, v, z, gain = rows[varied], u[varied], v[varied], z[varied], gain[varied]
    s_ap, s_aq, s_bp, s_bq = s_ap[varied], s_aq[varied], s_bp[varied], s_bq[varied]
    max_p = b.weight[rows] * np.abs(b.target[rows] - b.position[rows]) / b.total[rows]
    max_q = a.weight[rows] * np.abs(a.target[rows] - a.position[rows]) / a.total[rows]
    focal_a = u < 0.5
    best = np.where(
        focal_a,
        np.minimum(max_p, max_q * s_bq / s_bp) * (s_ap - s_aq * s_bp / s_bq),
        np.minimum(max_q, max_p * s_ap / s_aq) * (s_bq - s_bp * s_aq / s_ap),
    )
    target = np.where(v < 0.5, gain + p * z * (best - gain), gain * (1.0 - p * z))
    # G_a = s_ap Δp - s_aq Δq, and G_b = s_bq Δq - s_bp Δp, each set to the target.
    offset = np.where(focal_a, -target / s_aq, target / s_bq)
    rate = np.where(focal_a, s_ap / s_aq, s_bp / s_bq)
    solve_shifts(table, rows, current, offset, rate, a_first=focal_a)
