"""The equal-gain solution of a candidate exchange (``docs/specs/exchange.md`` §4.3), compiled.

For a candidate in which ``a`` supplies ``q`` and ``b`` supplies ``p``, the outcome shifts
``Δp`` (towards ``a``) and ``Δq`` (towards ``b``) give both the same gain when::

    κ = (s_ap + s_bp) / (s_aq + s_bq)            Δq = κ Δp
    G = Δp (s_ap s_bq - s_aq s_bp) / (s_aq + s_bq)

The exchange is as large as possible without a supplier passing its partner, then capped so that
neither issue's outcome passes the demander's position.

The functions work on one row of a :class:`~.candidates.CandidateTable` (its three arrays,
``numbers``, ``values`` and ``flags``; column names from :mod:`.columns`), with the
arithmetic of the sizes on plain numbers (:func:`shifts`), and are compiled with numba (no
fast-math: every operation is IEEE float64 in the order written). ``current``
holds every issue's outcome from the current voting positions (the full-recompute policy), or
is empty (each candidate's own view, §4.5).

References
----------
- Stokman, F. N. & Van Oosten, R. (1994). The exchange of voting positions: an object-oriented
  model of policy networks. In B. Bueno de Mesquita & F. N. Stokman (eds.), *European Community
  Decision Making*, pp. 105-127. Yale University Press.
"""

from __future__ import annotations

import numba
import numpy as np

from flashpoint.models.borrowing import borrowing
from flashpoint.models.exchange.columns import (
    AT_BOUNDARY,
    BOUNDARY,
    DEMAND_SALIENCE,
    GAIN,
    MOVE,
    OUTCOME_AFTER,
    OUTCOME_BEFORE,
    POSITION,
    REPORTED_GAIN,
    SEEN_SUM,
    SIDE_NUMBERS,
    START,
    SUPPLY,
    SUPPLY_SALIENCE,
    TARGET,
    TOTAL,
    WEIGHT,
    A,
    B,
)

# Compiled functions; a constant argument is written np.int64(...) or np.bool_(...) so that numba
# compiles the callee once, not once per constant.
compiled = numba.njit(cache=True, nogil=True)
# Steps of the round's inner loops, written into their caller by numba, for functions with one or
# two call sites (each copy lengthens the first compile). Inlined, a step that binds the table's
# arrays to its own names still has their reference counts changed, atomically, on every call:
# solve_equal_gain, called for every candidate solved, borrows them instead
# (flashpoint.models.borrowing).
inlined = numba.njit(cache=True, nogil=True, inline="always")


@borrowing()
def solve_equal_gain(
    numbers: np.ndarray,
    values: np.ndarray,
    flags: np.ndarray,
    row: int,
    current: np.ndarray,
) -> None:
    """Size, gain and outcome checks of candidate ``row`` from its sides' current positions,
    with the outcomes of :func:`outcome_seen`.

    Sets each side's ``MOVE``, ``OUTCOME_BEFORE`` and ``OUTCOME_AFTER`` and the candidate's
    ``GAIN``, ``REPORTED_GAIN`` (the gain before the caps, which the reference credits) and
    ``AT_BOUNDARY``; validity is judged by the caller.
    """
    x = values
    s_ap, s_aq = x[row, A + DEMAND_SALIENCE], x[row, A + SUPPLY_SALIENCE]
    s_bp, s_bq = x[row, B + SUPPLY_SALIENCE], x[row, B + DEMAND_SALIENCE]
    if min(s_aq + s_bq, s_ap + s_bp, x[row, A + WEIGHT], x[row, B + WEIGHT]) <= 0:
        # A supplier of no weight cannot move an outcome (and a zero salience sum gives no
        # exchange rate): no exchange, where the reference divides by zero.
        x[row, A + MOVE] = x[row, B + MOVE] = x[row, GAIN] = x[row, REPORTED_GAIN] = 0.0
        flags[row, AT_BOUNDARY] = False
        return
    kappa = (s_ap + s_bp) / (s_aq + s_bq)
    factor = (s_ap * s_bq - s_aq * s_bp) / (s_aq + s_bq)
    shift_p, uncapped = solve_shifts(
        numbers, values, flags, row, current, 0.0, kappa, np.bool_(False)
    )
    x[row, REPORTED_GAIN] = uncapped * factor
    x[row, GAIN] = shift_p * factor


@compiled
def outcome_seen(seen_sum: float, weight: float, position: float, start: float, total: float):
    """The outcome of a side's supply issue as its candidate sees it (§4.5): the round-start
    weighted sum with the candidate's third-party updates (``seen_sum``), moved by the
    supplier's ``weight`` times its move from its round-start position, over the issue's
    ``total`` weight. (With the ``current`` outcomes of the full-recompute policy, those are
    read instead: :func:`solve_shifts`.)"""
    return (seen_sum + weight * (position - start)) / total


@compiled
def _sign(value: float) -> float:
    return 1.0 if value > 0 else -1.0 if value < 0 else 0.0


@inlined
def solve_shifts(
    numbers: np.ndarray,
    values: np.ndarray,
    flags: np.ndarray,
    row: int,
    current: np.ndarray,
    offset: float,
    rate: float,
    a_first: bool,
) -> tuple[float, float]:
    """The outcome shifts of candidate ``row`` linked by ``Δq = offset + rate Δp`` (§4.3: equal
    gain is ``offset = 0, rate = κ``; §4.8 gives the others), as large as the partners'
    positions allow, then capped at the demanders' positions (:func:`shifts`); sets the moves
    and outcome checks of both sides and ``AT_BOUNDARY``. Returns ``Δp`` after and before the
    caps."""
    x = values
    if len(current):
        before_a = current[numbers[row, SUPPLY]]
        before_b = current[numbers[row, SIDE_NUMBERS + SUPPLY]]
    else:
        before_a = outcome_seen(
            x[row, A + SEEN_SUM], x[row, A + WEIGHT], x[row, A + POSITION], x[row, A + START],
            x[row, A + TOTAL],
        )  # fmt: skip
        before_b = outcome_seen(
            x[row, B + SEEN_SUM], x[row, B + WEIGHT], x[row, B + POSITION], x[row, B + START],
            x[row, B + TOTAL],
        )  # fmt: skip
    move_a, move_b, after_a, after_b, at_boundary, shift_p, uncapped = shifts(
        x[row, A + TARGET] - x[row, A + POSITION],
        x[row, B + TARGET] - x[row, B + POSITION],
        x[row, A + WEIGHT],
        x[row, B + WEIGHT],
        x[row, A + TOTAL],
        x[row, B + TOTAL],
        x[row, A + TARGET],
        x[row, B + TARGET],
        before_a,
        before_b,
        offset,
        rate,
        a_first,
    )
    x[row, A + OUTCOME_BEFORE], x[row, A + OUTCOME_AFTER] = before_a, after_a
    x[row, B + OUTCOME_BEFORE], x[row, B + OUTCOME_AFTER] = before_b, after_b
    x[row, A + MOVE], x[row, B + MOVE] = move_a, move_b
    flags[row, AT_BOUNDARY] = at_boundary
    return shift_p, uncapped


@compiled
def shifts(
    room_a: float,
    room_b: float,
    w_aq: float,
    w_bp: float,
    total_q: float,
    total_p: float,
    target_a: float,
    target_b: float,
    before_a: float,
    before_b: float,
    offset: float,
    rate: float,
    a_first: bool,
) -> tuple[float, float, float, float, bool, float, float]:
    """:func:`solve_shifts` in numbers: ``room`` is how far each supplier is from its partner,
    ``w`` its weight on its supply issue, ``total`` that issue's total weight, ``target`` the
    partner's position there and ``before`` the outcome there before the move.

    One supplier moves all the way first (``a`` if ``a_first``, else ``b``); if the other would
    then pass its partner, the other moves all the way instead. Returns both moves, the outcome
    of each supply issue after the move, whether an outcome sat at the boundary (C2), and ``Δp``
    after and before the caps.
    """
    max_p, max_q = w_bp * abs(room_b) / total_p, w_aq * abs(room_a) / total_q
    if a_first:
        shift_q, a_full = max_q, True
        shift_p = (shift_q - offset) / rate
        if shift_p * total_p / w_bp > abs(room_b):
            shift_p, a_full = max_p, False
            shift_q = offset + rate * shift_p
    else:
        shift_p, a_full = max_p, False
        shift_q = offset + rate * shift_p
        if shift_q * total_q / w_aq > abs(room_a):
            shift_q, a_full = max_q, True
            shift_p = (shift_q - offset) / rate
    # A side that moves all the way moves exactly its room.
    move_a = room_a if a_full else _sign(room_a) * shift_q * total_q / w_aq
    move_b = _sign(room_b) * shift_p * total_p / w_bp if a_full else room_b
    uncapped = shift_p

    # The outcome caps: the outcome of a supply issue may not pass the demander's position.
    # C2: an outcome already at the demander's position (to rounding) is not "strictly
    # between", so the full move stands (the reference decides such a case by rounding noise);
    # the candidate is marked, and the caller decides.
    at_boundary = False
    before = before_a
    after_a = before + w_aq * move_a / total_q
    if abs(target_a - before) <= BOUNDARY:
        at_boundary = True
    elif min(before, after_a) < target_a < max(before, after_a):
        shift_q = abs(target_a - before)
        shift_p = (shift_q - offset) / rate
        move_a = _sign(room_a) * shift_q * total_q / w_aq
        move_b = _sign(room_b) * shift_p * total_p / w_bp
        after_a = before + w_aq * move_a / total_q
    before = before_b
    after_b = before + w_bp * move_b / total_p
    if abs(target_b - before) <= BOUNDARY:
        at_boundary = True
    elif min(before, after_b) < target_b < max(before, after_b):
        shift_p = abs(target_b - before)
        shift_q = offset + rate * shift_p
        move_a = _sign(room_a) * shift_q * total_q / w_aq
        move_b = _sign(room_b) * shift_p * total_p / w_bp
        # a's outcome after its move is left as it was: the reference's is stale too (§4.10).
        after_b = before + w_bp * move_b / total_p
    return move_a, move_b, after_a, after_b, at_boundary, shift_p, uncapped
