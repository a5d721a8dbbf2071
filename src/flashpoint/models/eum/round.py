"""One round of the expected utility model for a chunk of one-issue problems, compiled with
numba: votes and probabilities of success, expected utilities of challenges, risk exponents,
and the offer each actor takes (``docs/specs/eum.md`` §3 and §5; the formulas are in the
package's docstring).

:func:`play_round` runs the round for every member of a chunk (one draw of one issue each), one
member at a time in ``Θ(n³)`` time and ``Θ(n²)`` memory, and writes each actor's move into the
runner's tables. In an ``[l, m]`` matrix, rows are one actor of a pair and columns the other.

Sums are taken in a fixed order that does not depend on the chunk: a vote total voter by voter
in the order of the rows (the runner's canonical order, not the listing), a danger challenger by
challenger, ``Z`` as numpy sums an array (:func:`~flashpoint.models.pairwise.pairwise_sum`). So a
chunk gives exactly the numbers each of its members gives alone.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from flashpoint.models.borrowing import borrowing
from flashpoint.models.eum.log import CAPITULATION, COMPROMISE, CONFRONTATION, NONE
from flashpoint.models.eum.options import EUMOptions
from flashpoint.models.pairwise import pairwise_sum

compiled = njit(cache=True, nogil=True, error_model="numpy")
# The steps of a round, each called once per member and round, borrow the chunk's arrays
# (:mod:`flashpoint.models.borrowing`): none allocates or returns an array.
borrower = borrowing(error_model="numpy")


# Relative difference below which two expected utilities are equal: a few units of rounding.
_ROUNDING = 1e-12
# Absolute difference below which they are equal however small they are: a unit in the last
# place of 4 (8.9e-16). A utility is 2 - 4 (1/2 ± δ/2)**r, so it is rounded by up to half of
# that, and near a rival α and β are tiny differences of such utilities. In the reference runs,
# the |α| and β that running the actors in canonical order (runner.canonical_order) put on the
# other side of each other were 6e-17 to 5e-16 apart; any floor from 6e-16 to 1.5e-15 keeps
# every reference run's moves, 4.5e-16 or 2.5e-15 does not (random_n20 rounds 4-6, EU emissions
# with the shortest-move compromise from round 6, where |α| and β are near 1e-14 or 1e-9).
_ROUNDING_FLOOR = float(np.spacing(4.0))


class Switches(NamedTuple):
    """:class:`~flashpoint.models.eum.options.EUMOptions` as the compiled round reads them."""

    status_quo_probability: float
    median_term: bool
    all_pairs: bool
    voter_risk: bool
    each_side: bool
    receiver_resists: bool
    scaled_step: bool
    lowest_average: bool
    capitulation: bool
    zero_tolerance: float
    probability_cutoff: float
    colocated_offers: bool
    equal_danger_risk: float
    lowest_position: bool

    @classmethod
    def of(cls, options: EUMOptions) -> Switches:
        return cls(
            status_quo_probability=float(options.status_quo_probability),
            median_term=options.median_term,
            all_pairs=options.probability == "all_pairs",
            voter_risk=options.votes == "voter_risk",
            each_side=options.point_of_view == "each_side",
            receiver_resists=options.beta_salience == "receiver",
            scaled_step=options.compromise_position == "scaled_step",
            lowest_average=options.compromise_pick == "lowest_average",
            capitulation=options.capitulation,
            zero_tolerance=float(options.zero_tolerance),
            probability_cutoff=float(options.probability_cutoff),
            colocated_offers=options.colocated_offers,
            equal_danger_risk=float(options.equal_danger_risk),
            lowest_position=options.tie_break == "lowest_position",
        )


class Moved(NamedTuple):
    """What :func:`play_round` writes, per member and actor (see
    :class:`~flashpoint.models.eum.runner.EUMLog` for the fields)."""

    position: np.ndarray
    move: np.ndarray
    partner: np.ndarray
    alpha: np.ndarray
    beta: np.ndarray
    risk: np.ndarray
    offers: np.ndarray

    @classmethod
    def empty(cls, batch: int, n: int) -> Moved:
        shape = (batch, n)
        return cls(
            position=np.empty(shape),
            move=np.empty(shape, dtype=np.int8),
            partner=np.empty(shape, dtype=np.int32),
            alpha=np.empty(shape),
            beta=np.empty(shape),
            risk=np.empty(shape),
            offers=np.empty((*shape, 3), dtype=np.int16),
        )


@borrower
def vote_totals(b, x, weight, present, span, exponent, linear, votes, weighted) -> None:
    """``votes[l, m] = Σ_k max(0, v_k(x_l, x_m))`` for member ``b``: the positive votes for
    ``l`` over ``m`` (``docs/specs/eum.md`` §3.2), with distances raised to each voter's
    ``exponent`` unless ``linear``; 0 where ``l`` and ``m`` are not two different actors taking
    part. Voter ``k`` gives ``w_k (d(x_k, x_m)**e_k - d(x_k, x_l)**e_k)``, added voter by voter
    (``weighted``: room for one voter's ``w_k d(x_k, x_m)**e_k``)."""
    n = x.shape[1]
    for l in range(n):
        for m in range(n):
            votes[l, m] = 0.0
    for k in range(n):
        for m in range(n):
            distance = abs(x[b, k] - x[b, m]) / span[b]
            weighted[m] = weight[b, k] * (distance if linear else distance ** exponent[k])
        for l in range(n):
            below = weighted[l]
            for m in range(n):
                votes[l, m] += max(weighted[m] - below, 0.0)
    for l in range(n):
        for m in range(n):
            if l == m or not (present[b, l] and present[b, m]):
                votes[l, m] = 0.0


@compiled
def success_probability(b, x, votes, switches, success):
    """``success[l, m]``: the probability that ``x_l`` beats ``x_m`` in member ``b``
    (``docs/specs/eum.md`` §3.2, §5), from the vote totals: over every vote on every ordered pair
    (``Z``, each pair's positive votes once in each direction) or over the contested pair's."""
    n = x.shape[1]
    every_vote = 2.0 * pairwise_sum(votes.ravel()) if switches.all_pairs else 0.0
    for l in range(n):
        for m in range(n):
            if switches.all_pairs:
                denominator = every_vote if every_vote > 0 else np.inf
            else:
                denominator = votes[l, m] + votes[m, l]
                if denominator == 0:
                    denominator = np.inf
            success[l, m] = votes[l, m] / denominator
            if abs(x[b, l] - x[b, m]) < switches.probability_cutoff:
                success[l, m] = 0.0


@compiled
def outcome_utilities(risk, delta, median_gap, gap, span, switches):
    """What a challenge's outcomes are worth to an actor with risk exponent ``r = risk``, the
    challenger at distance ``δ = delta`` (over Δ) from its target (Bueno de Mesquita 1994,
    eq. 3-8; ``docs/specs/eum.md`` §3.3 and §5): ``(U_s, U_f, median)`` with::

        win    U_s  = 2 - 4 (1/2 - δ/2)**r          lose   U_f = 2 - 4 (1/2 + δ/2)**r
        median T U_b + (1 - T) U_w,
               U_b = 2 - 4 (1/2 - (m + δ)/4)**r,  U_w = 2 - 4 (1/2 + (m + δ)/4)**r

    ``m = median_gap / Δ`` and ``T = 1`` when the median is nearer than the rival
    (``median_gap < gap``); the median term is 0 without ``median_term``. The status quo's
    utility depends on ``r`` only: :func:`status_quo_utility`."""
    win = 2.0 - 4.0 * _power(0.5 - 0.5 * delta, risk)
    lose = 2.0 - 4.0 * _power(0.5 + 0.5 * delta, risk)
    median = 0.0
    if switches.median_term:
        reach = (median_gap / span + delta) / 4.0
        if median_gap < gap:
            median = 2.0 - 4.0 * _power(0.5 - reach, risk)
        else:
            median = 2.0 - 4.0 * _power(0.5 + reach, risk)
    return win, lose, median


@compiled
def status_quo_utility(risk):
    """``U_sq = 2 - 4 (1/2)**r``, what the status quo is worth to an actor with risk exponent
    ``r = risk`` (Bueno de Mesquita 1994, eq. 5)."""
    return 2.0 - 4.0 * _power(0.5, risk)


@compiled
def _power(base, exponent):
    """``base ** exponent``; ``base`` itself for an exponent of 1 (the same number, sooner)."""
    return base if exponent == 1.0 else base**exponent


@compiled
def expected_utility(utilities, status_quo, resists, success, switches):
    """The expected utility of a challenge, from its :func:`outcome_utilities` and the
    :func:`status_quo_utility` of the actor who weighs it::

        E = s_b [P U_s + (1 - P) U_f] + (1 - s_b) U_s - Q U_sq - (1 - Q) [T U_b + (1 - T) U_w]

    with ``s_b = resists`` the chance the target resists and ``P = success`` the chance the
    challenge succeeds."""
    win, lose, median = utilities
    q = switches.status_quo_probability
    utility = resists * (success * win + (1.0 - success) * lose) + (1.0 - resists) * win
    utility = utility - q * status_quo
    if switches.median_term:
        utility = utility - (1.0 - q) * median
    return utility


@compiled
def risk_exponents(
    b, x, salience, weight, present, span, median, switches, votes, success, risk, room
):
    """Each actor's risk exponent from its danger relative to the others' (``docs/specs/eum.md``
    §3.4): with every exponent at 1 and linear votes, ``S_i = Σ_{j≠i} E(j → i)`` (the median
    term seen from the challenger ``j``, §5b C2), ``R_i = (2 S_i - S_max - S_min) / (S_max -
    S_min)`` and ``r_i = (1 - R_i/3) / (1 + R_i/3)``; ``equal_danger_risk`` when all dangers are
    equal. ``room``: two rows of ``n`` numbers to work in."""
    n = x.shape[1]
    vote_totals(b, x, weight, present, span, risk, np.bool_(True), votes, room[0])
    success_probability(b, x, votes, switches, success)
    danger = room[1]
    for i in range(n):
        danger[i] = 0.0
    # U_sq = 2 - 4 (1/2)**1 = 0
    for j in range(n):  # the challenger
        for i in range(n):  # its target
            if i != j and present[b, i] and present[b, j]:
                gap = abs(x[b, j] - x[b, i])
                utilities = outcome_utilities(
                    1.0, gap / span[b], abs(x[b, j] - median[b]), gap, span[b], switches
                )
                danger[i] += expected_utility(
                    utilities, 0.0, salience[b, i], success[j, i], switches
                )
    highest, lowest = -np.inf, np.inf
    for i in range(n):
        if present[b, i]:
            highest, lowest = max(highest, danger[i]), min(lowest, danger[i])
    spread = highest - lowest
    for i in range(n):
        if present[b, i] and spread > 0:
            # R lies in [-1, 1]; when the dangers differ by rounding only, the quotient may not.
            acceptance = min(max((2.0 * danger[i] - highest - lowest) / spread, -1.0), 1.0)
            risk[i] = (1.0 - acceptance / 3.0) / (1.0 + acceptance / 3.0)
        else:
            risk[i] = switches.equal_danger_risk


@compiled
def classify_offer(alpha, beta, switches):
    """The kind of an offer from ``α`` and ``β``, read top to bottom (``docs/specs/eum.md``
    §3.5, §5b C4). ``|α|`` and ``β`` closer than rounding noise count as equal (neither side's
    case is stronger), so that the order in which numbers were added up decides no offer."""
    tolerance = switches.zero_tolerance
    noise = max(_ROUNDING * max(abs(alpha), abs(beta)), _ROUNDING_FLOOR)
    kind = NONE
    if alpha < 0 and beta > 0:
        if beta > noise - alpha:
            kind = COMPROMISE
        if switches.capitulation and -alpha > beta + noise:
            kind = CAPITULATION
    if alpha > 0 and alpha < beta - noise:
        kind = CONFRONTATION
    if tolerance > 0 and abs(alpha) < tolerance:
        if beta > 0:
            kind = COMPROMISE
        if abs(beta) < tolerance:
            kind = NONE
    return kind


@compiled
def _priority(kind):
    """Which kind of offer an actor takes first: a confrontation (3), then a compromise (2),
    then a capitulation (1); no offer is 0."""
    return 0 if kind == NONE else 4 - kind


@borrower
def choose_moves(
    b, x, salience, present, span, median, risk, status_quo, listed, switches, success, moved
) -> None:
    """The offers every actor ``i`` of member ``b`` gets from every proposer ``j`` and the one
    it takes (``docs/specs/eum.md`` §3.5-3.6, §5, §5b C1 and C4), written into row ``b`` of
    ``moved`` (:class:`Moved`).

    ``α`` is ``i``'s expected utility of challenging ``j``, ``β`` that of ``j`` challenging
    ``i``, with ``i``'s risk exponent or, ``each_side``, ``j``'s (``status_quo[k]``: the
    :func:`status_quo_utility` of actor ``k``'s exponent). ``i`` takes a confrontation if it has
    one, else a compromise, else a capitulation; within a kind the shortest move (or, for
    compromises with ``lowest_average``, the lowest weighted average); exact ties go to the
    lowest destination (``lowest_position``) and then to the proposer listed first
    (``listed[b, j]``: where ``j`` is listed in the scenario).

    The whole chunk's arrays come in with the member's index, not the member's rows: numba
    changes an array's reference count atomically each time one is made or handed over, which
    in this loop over every pair of actors cost more than the arithmetic."""
    n = x.shape[1]
    for i in range(n):
        here = x[b, i]
        median_gap = abs(here - median[b])
        best, best_rank, best_key, best_place = -1, 0, np.inf, np.inf
        best_kind, best_alpha, best_beta, best_destination = NONE, np.nan, np.nan, here
        confrontations = compromises = capitulations = 0
        for j in range(n):
            there = x[b, j]
            gap = abs(here - there)
            if j == i or not (present[b, i] and present[b, j]):
                continue
            if not (switches.colocated_offers or gap > 0):
                continue
            delta = gap / span[b]
            mine = outcome_utilities(risk[i], delta, median_gap, gap, span[b], switches)
            alpha = expected_utility(mine, status_quo[i], salience[b, j], success[i, j], switches)
            resists = salience[b, i] if switches.receiver_resists else salience[b, j]
            if switches.each_side:
                theirs = outcome_utilities(risk[j], delta, median_gap, gap, span[b], switches)
                beta = expected_utility(theirs, status_quo[j], resists, success[j, i], switches)
            else:
                beta = expected_utility(mine, status_quo[i], resists, success[j, i], switches)
            kind = classify_offer(alpha, beta, switches)
            if kind == NONE:
                continue
            confrontations += kind == CONFRONTATION
            compromises += kind == COMPROMISE
            capitulations += kind == CAPITULATION
            weak, strong = abs(alpha), abs(beta)
            destination = there
            key = abs(there - here)
            if kind == COMPROMISE:
                average = (weak * here + strong * there) / (weak + strong)
                destination = (
                    here + (there - here) * weak / beta if switches.scaled_step else average
                )
                key = average if switches.lowest_average else abs(destination - here)
            rank = _priority(kind)
            if rank < best_rank:
                continue
            place = destination if switches.lowest_position else 0.0
            if (
                rank > best_rank
                or key < best_key
                or (
                    key == best_key
                    and (
                        place < best_place
                        or (place == best_place and listed[b, j] < listed[b, best])
                    )
                )
            ):
                best, best_rank, best_key, best_place = j, rank, key, place
                best_kind, best_alpha, best_beta, best_destination = kind, alpha, beta, destination
        moved.offers[b, i, 0] = confrontations
        moved.offers[b, i, 1] = compromises
        moved.offers[b, i, 2] = capitulations
        moved.risk[b, i] = risk[i] if present[b, i] else np.nan
        moved.partner[b, i] = best
        moved.position[b, i] = best_destination
        moved.move[b, i] = best_kind
        moved.alpha[b, i] = best_alpha
        moved.beta[b, i] = best_beta


@compiled
def play_round(x, salience, weight, present, span, median, listed, switches, moved):
    """One round for every member ``b`` of a chunk (``x[b, actor]``, the actors in canonical
    order; ``listed[b, c]``: where the ``c``-th is listed; ``span[b]``: Δ; ``median[b]``: the
    last round's weighted median). Fills the tables of ``moved`` (:class:`Moved`) for every
    member and actor: new position, move, partner (-1: none), α, β, risk exponent and the
    number of offers of each kind."""
    batch, n = x.shape
    votes, success = np.empty((n, n)), np.empty((n, n))
    risk, status_quo = np.empty(n), np.empty(n)
    room = np.empty((2, n))
    for b in range(batch):
        risk_exponents(
            b, x, salience, weight, present, span, median, switches, votes, success, risk, room
        )
        for i in range(n):
            status_quo[i] = status_quo_utility(risk[i])
        if switches.voter_risk:
            vote_totals(b, x, weight, present, span, risk, np.bool_(False), votes, room[0])
            success_probability(b, x, votes, switches, success)
        choose_moves(
            b, x, salience, present, span, median, risk, status_quo, listed, switches, success,
            moved,
        )  # fmt: skip
