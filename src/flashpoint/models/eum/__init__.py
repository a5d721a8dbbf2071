"""Bueno de Mesquita's expected utility model (EUM), as replicated by Scholz et al. (2011).

Each round, every actor (1) works out how much danger it is in, which sets its attitude to risk,
(2) judges, for every other actor, whether it would challenge that actor and whether that actor
would challenge it, and (3) takes the best offer this leaves it: move to a rival's position
(it loses a confrontation, or capitulates) or part of the way (a compromise). All actors move at
once. The forecast is the weighted median after the last round. The model is run on each issue
separately, for every issue and Monte Carlo draw at once.

Notation (``docs/specs/eum.md`` §2): actor ``k`` has capability ``c_k``, salience ``s_k`` (0-1),
weight ``w_k = c_k s_k`` and position ``x_k``; ``Δ`` is the range of the initial positions and
``d(a, b) = |a - b| / Δ``.

- **Votes and probability of success** (Bueno de Mesquita 1994, eq. 1-2; ``docs/specs/eum.md``
  §3.2, §5). Voter ``k`` gives ``v_k(a, b) = w_k (d(x_k, b)**e_k - d(x_k, a)**e_k)`` to ``a`` over
  ``b``, with ``e_k`` its risk exponent (``votes="voter_risk"``) or 1 (``"linear"``). ``P(a ≻ b)``
  is the sum of the positive votes for ``a`` over either every vote on every ordered pair of actors
  (``probability="all_pairs"``, the denominator ``Z`` of the replication) or the votes on this pair
  only (``"contested_pair"``, the paper's form, so that ``P(a≻b) + P(b≻a) = 1``).
- **Expected utility of a challenge** by ``a`` against ``b`` as seen by an actor with risk exponent
  ``r`` (Bueno de Mesquita 1994, eq. 3-8; ``docs/specs/eum.md`` §3.3, §5), ``δ = d(a, b)``::

      U_s  = 2 - 4 (1/2 - δ/2)**r        U_f = 2 - 4 (1/2 + δ/2)**r        U_sq = 2 - 4 (1/2)**r
      U_b  = 2 - 4 (1/2 - (m + δ)/4)**r  U_w = 2 - 4 (1/2 + (m + δ)/4)**r
      E    = s_b [P U_s + (1 - P) U_f] + (1 - s_b) U_s - Q U_sq - (1 - Q) [T U_b + (1 - T) U_w]

  where ``s_b`` is the target's salience (the chance it resists), ``Q`` the probability that the
  status quo holds, ``m`` a distance to last round's median ``μ`` and ``T = 1`` when that
  distance is smaller than ``δ``. The last term is dropped with ``median_term=False`` (the
  replication, where ``Q = 1`` anyway).
- **Risk** (``docs/specs/eum.md`` §3.4). With every exponent at 1, actor ``i``'s danger is
  ``S_i = Σ_{j≠i} E(j → i)``; ``R_i = (2 S_i - S_max - S_min) / (S_max - S_min)`` and the exponent
  is ``r_i = (1 - R_i/3) / (1 + R_i/3)`` in [0.5, 2]. When every actor is in equal danger the
  exponent is ``equal_danger_risk``.
- **Offers** (``docs/specs/eum.md`` §3.5, §5): for receiver ``i`` and proposer ``j``, ``α`` is
  ``i``'s expected utility of challenging ``j`` and ``β`` that of ``j`` challenging ``i`` (as ``i``
  sees it, ``point_of_view="receiver"``, or as ``j`` does, ``"each_side"``). Read top to bottom,
  with ``≈ 0`` meaning ``|·| < zero_tolerance``: both ≈ 0: nothing; ``α ≈ 0 < β``: compromise;
  ``0 < α < β``: ``i`` loses a confrontation and moves to ``x_j``; ``α < 0 < β`` and ``|α| > β``:
  ``i`` capitulates to ``x_j`` (when ``capitulation``); ``α < 0 < β`` and ``|α| < β``: compromise
  (``|α| = β``: nothing, as in the replication, where it decides one move in random_n20; values
  equal to within 1e-12 of their size, or to within 8.9e-16 however small they are, count as equal,
  whatever the rounding), to ``x_i + (x_j - x_i)|α|/β`` (``"scaled_step"``) or
  ``(|α| x_i + |β| x_j)/(|α| + |β|)`` (``"weighted_average"``). ``i`` takes a confrontation if it
  has one, else a compromise, else a capitulation; within a kind, the shortest move, or for
  compromises the offer with the lowest weighted average (``compromise_pick="lowest_average"``, the
  replication's rule). Exact ties go to the lowest destination (``tie_break="lowest_position"``, so
  that the order in which actors are listed changes nothing) or, as in the reference programs, to
  the proposer listed first (``"first_listed"``). The two agree on every reference run but one
  variant.
- **Listing** (``runner.canonical_order``): every draw and issue runs its actors sorted by what
  they are (taking part, weight, salience, initial position) and reports them in the listed
  order, so that the listing changes nothing, not even the rounding of a sum, which the model
  can blow up (an actor closing in on a rival by compromises, ``|α|/β`` near 1, with votes that
  are square roots of tiny distances). The reference programs add in listed order; where that
  rounding alone decided between ``|α|`` and ``β`` in their runs, the 8.9e-16 above makes it a
  tie, which keeps every reference run's moves.

The two presets are option sets: ``scholz`` reproduces jmckib's replication of Scholz et al. (the
paper's numbers; its capitulation test can never be true, so ``capitulation=False``), and
``literal`` the printed equations as decisionmechanics/eum implements them, with the corrections of
``docs/specs/eum.md`` §5b (co-located actors make offers; the danger includes the median term, seen
from the challenger). Every other option overrides its preset value.

Cost: per round and draw ``Θ(n³)`` time and ``Θ(n²)`` memory (``docs/specs/eum.md`` §8): the
vote matrix is built once per state, voter by voter, ``Z`` is its sum, and the dangers are one
matrix sum. A round runs in code compiled by numba, draw by draw (``round.play_round``); draws
are processed in chunks so that memory stays bounded. Powers are computed by the C library
(numpy's own vectorised ``pow``, used before, differs from it in the last bit for about one power in
twenty on a machine with AVX-512).

References
----------
- Bueno de Mesquita, B. (1994). Political forecasting: an expected utility method. In
  B. Bueno de Mesquita & F. N. Stokman (eds.), *European Community Decision Making*, pp. 71-104.
- Scholz, J. B., Calbert, G. J. & Smith, G. A. (2011). Unravelling Bueno De Mesquita's group
  decision model. *Journal of Theoretical Politics* 23(4): 510-531.
"""

import numpy as np

from flashpoint.engine.arrays import ScenarioArrays
from flashpoint.models.base import ModelSpec, Trajectory
from flashpoint.models.eum.log import (
    CAPITULATION,
    COMPROMISE,
    CONFRONTATION,
    MOVES,
    NONE,
    EUMLog,
)
from flashpoint.models.eum.options import PRESETS, EUMOptions

__all__ = [
    "CAPITULATION",
    "COMPROMISE",
    "CONFRONTATION",
    "MOVES",
    "NONE",
    "PRESETS",
    "SPEC",
    "EUMLog",
    "EUMOptions",
    "run",
]


def run(
    arrays: ScenarioArrays, options: EUMOptions, rng: np.random.Generator, events: bool = True
) -> Trajectory:
    """Run the expected utility model on every draw and issue of ``arrays``
    (:func:`.runner.run`); ``events`` is the run's :class:`EUMLog` (None without ``events``)."""
    from flashpoint.models.eum import runner  # compiled code: numba loads here

    return runner.run(arrays, options, rng, events)


SPEC = ModelSpec(
    name="eum",
    label="Expected utility (BDM)",
    summary=(
        "Bueno de Mesquita's expected utility model: actors challenge, compromise or give way "
        "round by round; the forecast is the weighted median after the last round."
    ),
    run=run,
    options=EUMOptions,
    iterative=True,
    compile_seconds=4,
    references=(
        "Bueno de Mesquita (1994), Political forecasting: an expected utility method",
        "Scholz, Calbert & Smith (2011), Unravelling Bueno De Mesquita's group decision model, "
        "JTP 23(4)",
    ),
)
