"""A state of the spatial model: distances, risk attitudes and win probabilities
(``docs/specs/ktab.md`` §4.1, §4.2, §4.5, §4.8 and corrections C1, C3), compiled with numba.

Positions and ideals are on KTAB's [0, 1] scale, ``[actor, dimension]``; saliences are per
actor and dimension with at most 1 in total per actor.
"""

from __future__ import annotations

import numpy as np

from flashpoint.models.pairwise import pairwise_sum
from flashpoint.models.smp.kernels import (
    compiled,
    condorcet,
    greedy_distinct,
    linked_groups,
    utility,
)
from flashpoint.models.smp.summation import weighted_squared_gap

# docs/specs/ktab.md §4.1: positions closer than this (Euclidean, [0, 1]) are one
SAME_POSITION = 1e-3


@compiled
def distances(ideal: np.ndarray, position: np.ndarray, salience: np.ndarray) -> np.ndarray:
    """``d[a, b]``: the distance from ``a``'s ideal to ``b``'s position, weighted by ``a``'s
    squared saliences and normalised to [0, 1] (``docs/specs/ktab.md`` §4.2)."""
    squared = salience * salience
    distance = np.zeros((ideal.shape[0], position.shape[0]))
    for a in range(ideal.shape[0]):
        total = pairwise_sum(squared[a])
        # an actor that cares about nothing is indifferent: every position is at distance 0
        # (KTAB stops with an error instead)
        if total > 0:
            for b in range(position.shape[0]):
                gap = weighted_squared_gap(squared, ideal, position, a, b)
                distance[a, b] = np.sqrt(gap / total)
    return distance


@compiled
def utilities(distance: np.ndarray, risk: np.ndarray) -> np.ndarray:
    """``U[a, b] = u(d[a, b]; R_a)``, each actor's own utility of each position (§4.2)."""
    result = np.empty(distance.shape)
    for a in range(distance.shape[0]):
        for b in range(distance.shape[1]):
            result[a, b] = utility(distance[a, b], risk[a])
    return result


@compiled
def risk_attitudes(probability: np.ndarray, risk_range: int) -> np.ndarray:
    """Risk attitudes from the win probabilities of the actors' positions (BigRRange,
    ``docs/specs/ktab.md`` §4.5 step 4): the most likely position's actor gets 1, the least likely
    0 (Min), -1/2 (Mid) or -1 (Max). When every position is equally likely, everyone is risk neutral
    (KTAB has no guard and divides by zero)."""
    low, high = probability.min(), probability.max()
    risk = np.zeros(probability.shape[0])
    if high - low <= 1e-15 * high:
        return risk
    spread = high - low
    for a in range(probability.shape[0]):
        p = probability[a]
        if risk_range == 0:
            risk[a] = (p - low) / spread
        elif risk_range == 1:
            risk[a] = (3.0 * p - high - 2.0 * low) / (2.0 * spread)
        else:
            risk[a] = (2.0 * p - high - low) / spread
    return risk


@compiled
def merged_positions(position: np.ndarray, capability: np.ndarray) -> np.ndarray:
    """The distinct positions for the forecast, independent of the order actors are listed in:
    positions linked by steps shorter than ``SAME_POSITION`` form one group, placed at its
    members' capability-weighted mean (the plain mean if none has capability)."""
    member = linked_groups(position, SAME_POSITION)
    groups = member.max() + 1
    largest = np.zeros(groups)
    for a in range(member.shape[0]):
        largest[member[a]] = max(largest[member[a]], capability[a])
    summed = np.zeros((groups, position.shape[1]))
    total = np.zeros(groups)
    for a in range(member.shape[0]):
        g = member[a]
        # relative to the group's largest, so that tiny (even subnormal) capabilities keep
        # their precision
        weight = capability[a] / largest[g] if largest[g] > 0 else 1.0
        for k in range(position.shape[1]):
            summed[g, k] += weight * position[a, k]
        total[g] += weight
    for g in range(groups):
        for k in range(position.shape[1]):
            summed[g, k] /= total[g]
    return summed


@compiled
def evaluate_state(
    position: np.ndarray,
    ideal: np.ndarray,
    salience: np.ndarray,
    capability: np.ndarray,
    listed: np.ndarray,
    voting: int,
    victory: int,
    pce: int,
    risk_range: int,
    reported: bool,
    forecast: bool,
):
    """Everything a turn needs to know about the current positions (§4.5, §4.8): the
    distances ``d[a, b]``, the risk attitudes, each actor's own utilities, the win probability
    KTAB reports for each actor's position (§4.8, C1), and the forecast's distinct positions
    with their probabilities (the forecast, the expected outcome, is their weighted mean).

    Risk attitudes come from an election over every actor's position (duplicates kept) with
    risk-neutral utilities ``1 - d`` (C3); the reported probabilities from an election over the
    distinct positions as KTAB finds them, greedily in the order actors are listed
    (``listed[k]``: the row of the ``k``-th listed actor), with the risk-aware utilities (C1).
    The forecast comes from the same kind of election over the distinct positions of
    :func:`merged_positions`, which does not depend on the actors' order. Every election weighs
    voters by capability. Without ``reported`` (only the log shows them) the win probabilities,
    and without ``forecast`` the forecast's positions and probabilities, come back empty: their
    elections are not held.
    """
    distance = distances(ideal, position, salience)
    neutral_utility = np.empty(distance.shape)
    for a in range(distance.shape[0]):
        for b in range(distance.shape[1]):
            neutral_utility[a, b] = 1.0 - distance[a, b]
    neutral, _ = condorcet(neutral_utility, capability, voting, victory, pce)
    risk = risk_attitudes(neutral, risk_range)
    own = utilities(distance, risk)
    win_probability = np.empty(0)
    if reported:
        win_probability = reported_probabilities(
            own, capability, position, listed, voting, victory, pce
        )
    merged = np.empty((0, position.shape[1]))
    shares = np.empty(0)
    if forecast:
        merged = merged_positions(position, capability)
        shares, _ = condorcet(
            utilities(distances(ideal, merged, salience), risk), capability, voting, victory, pce
        )
    return distance, risk, own, win_probability, merged, shares


@compiled
def reported_probabilities(
    own: np.ndarray,
    capability: np.ndarray,
    position: np.ndarray,
    listed: np.ndarray,
    voting: int,
    victory: int,
    pce: int,
) -> np.ndarray:
    """The win probability KTAB reports for each actor's position (§4.8, C1): an election over
    the distinct positions as KTAB finds them, greedily in the order actors are listed, with
    the risk-aware utilities ``own``."""
    n = position.shape[0]
    as_listed = np.empty(position.shape)
    for k in range(n):
        for dimension in range(position.shape[1]):
            as_listed[k, dimension] = position[listed[k], dimension]
    options, reported = greedy_distinct(as_listed, SAME_POSITION)
    columns = np.empty((n, options.shape[0]))
    for a in range(n):
        for q in range(options.shape[0]):
            columns[a, q] = own[a, listed[options[q]]]
    shares, _ = condorcet(columns, capability, voting, victory, pce)
    win_probability = np.empty(n)
    for k in range(n):
        win_probability[listed[k]] = shares[reported[k]]
    return win_probability
