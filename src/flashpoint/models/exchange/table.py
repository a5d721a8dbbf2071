"""The start of a round of the exchange model, compiled: its outcome (``docs/specs/exchange.md``
§4.1), the sides of the actors (§4.2 step 1) and the candidate exchanges (§4.2), filled into the
three arrays of a :class:`~.candidates.CandidateTable` (column names from :mod:`.columns`).

The outcome sums over actors in numpy's order for ``sum(axis=0)`` of an ``[actor, issue]`` array,
so that every number is bit for bit what the earlier array code gave: one actor after another,
except with a single issue, where numpy sums the column pairwise
(:func:`~flashpoint.models.pairwise.pairwise_sum`).
"""

from __future__ import annotations

import numpy as np

from flashpoint.models.exchange.columns import (
    ACTOR,
    AT_BOUNDARY,
    BOUNDARY,
    DEMAND,
    DEMAND_SALIENCE,
    GROUP,
    HISTORY_DOWN,
    HISTORY_UP,
    OUTCOME_AFTER,
    OUTCOME_BEFORE,
    POSITION,
    REPORTED_GAIN,
    SEEN_SUM,
    SIDE_FLAGS,
    SIDE_NUMBERS,
    SIDE_VALUES,
    START,
    SUPPLY,
    SUPPLY_SALIENCE,
    TARGET,
    TOTAL,
    WEIGHT,
    P,
    Q,
)
from flashpoint.models.exchange.solve import compiled, inlined
from flashpoint.models.pairwise import pairwise_sum


@compiled
def weighted_sums(
    position: np.ndarray, weight: np.ndarray, present: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``Σ_k w_kd x_kd`` and ``D_d = Σ_k w_kd`` over the actors present on each issue (§4.1)."""
    actors, issues = position.shape
    weighted_sum, total = np.zeros(issues), np.zeros(issues)
    if issues == 1:  # one column: numpy's pairwise order (module docstring)
        terms, weights = np.zeros(actors), np.zeros(actors)
        for k in range(actors):
            if present[k, 0]:
                terms[k], weights[k] = weight[k, 0] * position[k, 0], weight[k, 0]
        weighted_sum[0], total[0] = pairwise_sum(terms), pairwise_sum(weights)
        return weighted_sum, total
    for k in range(actors):
        for d in range(issues):
            if present[k, d]:
                weighted_sum[d] += weight[k, d] * position[k, d]
                total[d] += weight[k, d]
    return weighted_sum, total


@compiled
def outcome(position: np.ndarray, weight: np.ndarray, present: np.ndarray) -> np.ndarray:
    """``O_d = Σ_k w_kd x_kd / D_d``: the weighted mean of the positions (§4.1)."""
    weighted_sum, total = weighted_sums(position, weight, present)
    return weighted_sum / total


@compiled
def right_of(position: np.ndarray, outcome: np.ndarray) -> np.ndarray:
    """``[actor, issue]``: right of the outcome (§4.2; a tie counts as left, and positions within
    rounding, ``BOUNDARY``, of the outcome are ties)."""
    right = np.empty(position.shape, dtype=np.bool_)
    for k in range(position.shape[0]):
        for d in range(position.shape[1]):
            right[k, d] = position[k, d] > outcome[d] + BOUNDARY
    return right


@inlined
def _larger_ratio(left: float, right: float) -> bool:
    """Is one actor's ``s_p / s_q`` larger than another's beyond rounding, given the two
    cross-products? (Saliences may be 0; ratios equal to 1e-12 are equal, as in decimals.)"""
    return left - right > 1e-12 * max(abs(left), abs(right))


@compiled
def create(
    position: np.ndarray,
    salience: np.ndarray,
    weight: np.ndarray,
    present: np.ndarray,
    weighted_sum: np.ndarray,
    total: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every candidate exchange of a round that starts from ``position``, with the issues'
    ``weighted_sum`` and ``total`` weight (:func:`weighted_sums`), in the reference's creation
    order: issue pairs in file order; for each, right/right with left/left actors ("ad"), then
    left/right with right/left ("bc"), actors in file order (§4.2). The actor with the larger
    salience ratio is ``a``: it supplies ``q`` and demands ``p``. Returns the table's
    ``numbers``, ``values`` and ``flags``; nothing is solved yet."""
    actors, issues = position.shape
    right = right_of(position, weighted_sum / total)
    # Each actor's quadrant on each issue pair: 2 (right on p) + (right on q), -1 if absent.
    quadrant = np.empty((issues * (issues - 1) // 2, actors), dtype=np.int64)
    tally = np.zeros(4, dtype=np.int64)
    count = pair = 0
    for p in range(issues):
        for q in range(p + 1, issues):
            for c in range(4):
                tally[c] = 0
            for k in range(actors):
                quadrant[pair, k] = -1
                if present[k, p] and present[k, q]:
                    quadrant[pair, k] = 2 * right[k, p] + right[k, q]
                    tally[quadrant[pair, k]] += 1
            count += tally[3] * tally[0] + tally[1] * tally[2]
            pair += 1
    numbers = np.empty((count, GROUP + 1), dtype=np.int64)  # each array up to its last column
    values = np.zeros((count, REPORTED_GAIN + 1))
    flags = np.zeros((count, AT_BOUNDARY + 1), dtype=np.bool_)
    row = pair = 0
    for p in range(issues):
        for q in range(p + 1, issues):
            for group in range(2):
                # "ad": right/right (3) with left/left (0); "bc": left/right (1) with right/left (2)
                first, second = 3 - 2 * group, 2 * group
                for one in range(actors):
                    if quadrant[pair, one] != first:
                        continue
                    for other in range(actors):
                        if quadrant[pair, other] != second:
                            continue
                        numbers[row, P], numbers[row, Q], numbers[row, GROUP] = p, q, group
                        a, b = one, other
                        if _larger_ratio(
                            salience[other, p] * salience[one, q],
                            salience[one, p] * salience[other, q],
                        ):
                            a, b = other, one
                        for side in range(2):
                            _fill(
                                numbers, values, flags, row, side,
                                (a, b)[side], (b, a)[side], (q, p)[side], (p, q)[side],
                                position, salience, weight, weighted_sum, total,
                            )  # fmt: skip
                        row += 1
            pair += 1
    return numbers, values, flags


@inlined
def _fill(
    numbers: np.ndarray,
    values: np.ndarray,
    flags: np.ndarray,
    row: int,
    side: int,
    actor: int,
    partner: int,
    supply: int,
    demand: int,
    position: np.ndarray,
    salience: np.ndarray,
    weight: np.ndarray,
    weighted_sum: np.ndarray,
    total: np.ndarray,
) -> None:
    """One side of a new candidate: ``actor`` supplies ``supply`` towards ``partner``'s
    position and demands ``demand``; it starts where it stands, with no move history."""
    n, v, f = side * SIDE_NUMBERS, side * SIDE_VALUES, side * SIDE_FLAGS
    numbers[row, n + ACTOR] = actor
    numbers[row, n + SUPPLY] = supply
    numbers[row, n + DEMAND] = demand
    values[row, v + TARGET] = position[partner, supply]
    values[row, v + START] = values[row, v + POSITION] = position[actor, supply]
    values[row, v + SUPPLY_SALIENCE] = salience[actor, supply]
    values[row, v + DEMAND_SALIENCE] = salience[actor, demand]
    values[row, v + WEIGHT] = weight[actor, supply]
    values[row, v + TOTAL] = total[supply]
    values[row, v + SEEN_SUM] = weighted_sum[supply]
    values[row, v + OUTCOME_BEFORE] = values[row, v + OUTCOME_AFTER] = np.nan
    flags[row, f + HISTORY_UP] = flags[row, f + HISTORY_DOWN] = True
