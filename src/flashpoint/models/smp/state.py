"""A state of the spatial model: distances, risk attitudes and win probabilities
(``ktab.md`` §4.1, §4.2, §4.5, §4.8 and corrections C1, C3).

Positions and ideals are on KTAB's [0, 1] scale, ``[actor, dimension]``; saliences are per
actor and dimension with at most 1 in total per actor.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from flashpoint.models.smp.kernels import condorcet, greedy_distinct, linked_groups

SAME_POSITION = 1e-3  # ktab.md §4.1: positions closer than this (Euclidean, [0, 1]) are one


@dataclass(frozen=True)
class Rules:
    """The option codes a state's elections use (see :mod:`.kernels`)."""

    voting: int
    victory: int
    pce: int
    risk_range: int


def distances(ideal: np.ndarray, position: np.ndarray, salience: np.ndarray) -> np.ndarray:
    """``d[a, b]``: the distance from ``a``'s ideal to ``b``'s position, weighted by ``a``'s
    squared saliences and normalised to [0, 1] (``ktab.md`` §4.2)."""
    squared = salience**2
    gaps = (ideal[:, None, :] - position[None, :, :]) ** 2
    total = squared.sum(axis=1)[:, None]
    weighted = np.einsum("ak,abk->ab", squared, gaps)
    # an actor that cares about nothing is indifferent: every position is at distance 0 (KTAB
    # stops with an error instead)
    return np.sqrt(np.divide(weighted, total, out=np.zeros_like(weighted), where=total > 0))


def risk_attitudes(probability: np.ndarray, risk_range: int) -> np.ndarray:
    """Risk attitudes from the win probabilities of the actors' positions (BigRRange,
    ``ktab.md`` §4.5 step 4): the most likely position's actor gets 1, the least likely 0
    (Min), -1/2 (Mid) or -1 (Max). When every position is equally likely, everyone is risk
    neutral (KTAB has no guard and divides by zero)."""
    low, high = probability.min(), probability.max()
    if high - low <= 1e-15 * high:
        return np.zeros_like(probability)
    spread = high - low
    if risk_range == 0:
        return (probability - low) / spread
    if risk_range == 1:
        return (3 * probability - high - 2 * low) / (2 * spread)
    return (2 * probability - high - low) / spread


def utilities(distance: np.ndarray, risk: np.ndarray) -> np.ndarray:
    """``U[a, b] = u(d[a, b]; R_a)``, each actor's own utility of each position (§4.2)."""
    return (1 - distance) * (1 + risk[:, None] * np.minimum(distance, 1.0))


def merged_positions(position: np.ndarray, capability: np.ndarray) -> np.ndarray:
    """The distinct positions for the forecast, independent of the order actors are listed in:
    positions linked by steps shorter than ``SAME_POSITION`` form one group, placed at its
    members' capability-weighted mean (the plain mean if none has capability)."""
    member = linked_groups(position, SAME_POSITION)
    groups = member.max() + 1
    largest = np.zeros(groups)
    np.maximum.at(largest, member, capability)
    # relative to the group's largest, so that tiny (even subnormal) capabilities keep precision
    weight = np.ones_like(capability)
    np.divide(capability, largest[member], out=weight, where=largest[member] > 0)
    summed = np.zeros((groups, position.shape[1]))
    np.add.at(summed, member, weight[:, None] * position)
    return summed / np.bincount(member, weights=weight, minlength=groups)[:, None]


@dataclass(frozen=True, eq=False)
class State:
    """One state of a run (``ktab.md`` §4.5): ``distance[a, b]``, risk attitudes, each actor's
    own utilities, the win probability KTAB reports for each actor's position (§4.8, C1) and
    the forecast: the expected outcome of an election among the distinct positions."""

    position: np.ndarray
    ideal: np.ndarray
    distance: np.ndarray
    risk: np.ndarray
    own_utility: np.ndarray
    win_probability: np.ndarray
    outcome: np.ndarray


def evaluate_state(
    position: np.ndarray,
    ideal: np.ndarray,
    salience: np.ndarray,
    capability: np.ndarray,
    rules: Rules,
    listed: np.ndarray,
) -> State:
    """Everything a turn needs to know about the current positions (§4.5, §4.8).

    Risk attitudes come from an election over every actor's position (duplicates kept) with
    risk-neutral utilities ``1 - d`` (C3); the reported probabilities from an election over the
    distinct positions as KTAB finds them, greedily in the order actors are listed
    (``listed[k]``: the row of the ``k``-th listed actor), with the risk-aware utilities (C1). The forecast comes from the same kind of election over the distinct
    positions of :func:`merged_positions`, which does not depend on the actors' order. Every
    election weighs voters by capability.
    """
    distance = distances(ideal, position, salience)

    def election(utility: np.ndarray) -> np.ndarray:
        shares, _ = condorcet(
            np.ascontiguousarray(utility), capability, rules.voting, rules.victory, rules.pce
        )
        return shares

    risk = risk_attitudes(election(1 - distance), rules.risk_range)
    own = utilities(distance, risk)
    options, reported = greedy_distinct(position[listed], SAME_POSITION)
    win_probability = np.empty(position.shape[0])
    win_probability[listed] = election(own[:, listed[options]])[reported]
    merged = merged_positions(position, capability)
    forecast = election(utilities(distances(ideal, merged, salience), risk))
    return State(
        position=position,
        ideal=ideal,
        distance=distance,
        risk=risk,
        own_utility=own,
        win_probability=win_probability,
        outcome=forecast @ merged,
    )
