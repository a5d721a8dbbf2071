"""The equal-gain solution of candidate exchanges, for a batch of a round's candidates at once
(``exchange.md`` §4.3).

For a candidate in which ``a`` supplies ``q`` and ``b`` supplies ``p``, the outcome shifts
``Δp`` (towards ``a``) and ``Δq`` (towards ``b``) give both the same gain when::

    κ = (s_ap + s_bp) / (s_aq + s_bq)            Δq = κ Δp
    G = Δp (s_ap s_bq - s_aq s_bp) / (s_aq + s_bq)

The exchange is as large as possible without a supplier passing its partner, then capped so that
neither issue's outcome passes the demander's position. Every operation is elementwise and in
the same order for every candidate, so a batch gives, bit for bit, what each candidate gives
alone.

References
----------
- Stokman, F. N. & Van Oosten, R. (1994). The exchange of voting positions: an object-oriented
  model of policy networks. In B. Bueno de Mesquita & F. N. Stokman (eds.), *European Community
  Decision Making*, pp. 105-127. Yale University Press.
"""

from __future__ import annotations

import numpy as np

from flashpoint.models.exchange.candidates import BOUNDARY, CandidateTable, SideColumns

Batch = np.ndarray  # row numbers of a CandidateTable


def solve_equal_gain(table: CandidateTable, rows: Batch, current: np.ndarray | None = None) -> None:
    """Sizes, gains and outcome checks of the candidates ``rows`` from their sides' current
    positions (§4.3), with the outcomes of :func:`outcome_seen`.

    Sets each side's ``move``, ``outcome_before`` and ``outcome_after`` and the candidates'
    ``gain``, ``reported_gain`` (before the caps) and ``at_boundary``; validity is judged by
    the caller.
    """
    a, b = table.a, table.b
    s_ap, s_aq = a.demand_salience[rows], a.supply_salience[rows]
    s_bp, s_bq = b.supply_salience[rows], b.demand_salience[rows]
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa = (s_ap + s_bp) / (s_aq + s_bq)
        factor = (s_ap * s_bq - s_aq * s_bp) / (s_aq + s_bq)
        shift_p, uncapped = solve_shifts(table, rows, current, 0.0, kappa, a_first=False)
        table.reported_gain[rows] = uncapped * factor
        table.gain[rows] = shift_p * factor
    # A supplier of no weight cannot move an outcome (and a zero salience sum gives no exchange
    # rate): no exchange, where the reference divides by zero.
    weightless = (
        np.minimum(np.minimum(s_aq + s_bq, s_ap + s_bp), np.minimum(a.weight[rows], b.weight[rows]))
        <= 0
    )
    if weightless.any():
        none = rows[weightless]
        for column in (a.move, b.move, table.gain, table.reported_gain):
            column[none] = 0.0
        table.at_boundary[none] = False


def outcome_seen(side: SideColumns, rows: Batch, current: np.ndarray | None) -> np.ndarray:
    """The outcome of each candidate's supply issue for ``side`` as the candidate sees it:
    round-start positions with its third-party updates and the supplier's current position
    (§4.5); or the ``current`` outcomes (every actor's current voting position)."""
    if current is not None:
        return current[side.supply[rows]]
    weight = side.weight[rows]
    return (side.seen_sum[rows] + weight * (side.position[rows] - side.start[rows])) / side.total[
        rows
    ]


def solve_shifts(
    table: CandidateTable,
    rows: Batch,
    current: np.ndarray | None,
    offset: float | np.ndarray,
    rate: float | np.ndarray,
    a_first: bool | np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """The outcome shifts of the candidates ``rows`` linked by ``Δq = offset + rate Δp`` (§4.3:
    equal gain is ``offset = 0, rate = κ``; §4.8 gives the others), as large as the partners'
    positions allow, then capped at the demanders' positions; sets the moves and outcome checks
    of both sides and ``at_boundary``.

    One supplier moves all the way first (``a`` where ``a_first``, else ``b``); if the other
    would then pass its partner, the other moves all the way instead. Returns ``Δp`` after and
    before the caps.
    """
    a, b = table.a, table.b
    w_aq, w_bp = a.weight[rows], b.weight[rows]
    total_q, total_p = a.total[rows], b.total[rows]
    target_a, target_b = a.target[rows], b.target[rows]
    room_a, room_b = target_a - a.position[rows], target_b - b.position[rows]
    max_p, max_q = w_bp * np.abs(room_b) / total_p, w_aq * np.abs(room_a) / total_q

    def moves(a_full, b_full, shift_p, shift_q):
        """The two moves from the shifts; a side that moves all the way moves exactly its room."""
        return (
            np.where(a_full, room_a, np.sign(room_a) * shift_q * total_q / w_aq),
            np.where(b_full, room_b, np.sign(room_b) * shift_p * total_p / w_bp),
        )

    # b moves all the way; if a would then pass b, a moves all the way instead.
    shift_q = offset + rate * max_p
    a_full = shift_q * total_q / w_aq > np.abs(room_a)
    shift_p = np.where(a_full, (max_q - offset) / rate, max_p)
    shift_q = np.where(a_full, max_q, shift_q)
    if np.any(a_first):
        # a moves all the way; if b would then pass a, b moves all the way instead.
        first_p = (max_q - offset) / rate
        b_full = first_p * total_p / w_bp > np.abs(room_b)
        first_q = np.where(b_full, offset + rate * max_p, max_q)
        first_p = np.where(b_full, max_p, first_p)
        shift_p = np.where(a_first, first_p, shift_p)
        shift_q = np.where(a_first, first_q, shift_q)
        a_full = np.where(a_first, ~b_full, a_full)
    move_a, move_b = moves(a_full, ~a_full, shift_p, shift_q)
    uncapped = shift_p

    # The outcome caps: the outcome of a supply issue may not pass the demander's position.
    # C2: an outcome already at the demander's position (to rounding) is not "strictly
    # between", so the full move stands (the reference decides such a case by rounding noise);
    # the candidate is marked, and the caller decides (``round.Boundary``).
    before_a = outcome_seen(a, rows, current)
    after_a = before_a + w_aq * move_a / total_q
    at_a = np.abs(target_a - before_a) <= BOUNDARY
    crossed = ~at_a & _strictly_between(target_a, before_a, after_a)
    if crossed.any():
        shift_q = np.where(crossed, np.abs(target_a - before_a), shift_q)
        shift_p = np.where(crossed, (shift_q - offset) / rate, shift_p)
        capped_a, capped_b = moves(False, False, shift_p, shift_q)
        move_a = np.where(crossed, capped_a, move_a)
        move_b = np.where(crossed, capped_b, move_b)
        after_a = np.where(crossed, before_a + w_aq * move_a / total_q, after_a)
    before_b = outcome_seen(b, rows, current)
    after_b = before_b + w_bp * move_b / total_p
    at_b = np.abs(target_b - before_b) <= BOUNDARY
    crossed = ~at_b & _strictly_between(target_b, before_b, after_b)
    if crossed.any():
        shift_p = np.where(crossed, np.abs(target_b - before_b), shift_p)
        shift_q = np.where(crossed, offset + rate * shift_p, shift_q)
        capped_a, capped_b = moves(False, False, shift_p, shift_q)
        move_a = np.where(crossed, capped_a, move_a)
        move_b = np.where(crossed, capped_b, move_b)
        # a's outcome after its move is left as it was: the reference's is stale too (§4.10).
        after_b = np.where(crossed, before_b + w_bp * move_b / total_p, after_b)
    a.move[rows], b.move[rows] = move_a, move_b
    a.outcome_before[rows], a.outcome_after[rows] = before_a, after_a
    b.outcome_before[rows], b.outcome_after[rows] = before_b, after_b
    table.at_boundary[rows] = at_a | at_b
    return shift_p, uncapped


def _strictly_between(value: np.ndarray, one: np.ndarray, other: np.ndarray) -> np.ndarray:
    return (np.minimum(one, other) < value) & (value < np.maximum(one, other))
