"""One round of the expected utility model for a chunk of one-issue problems at once: votes and
probabilities of success, expected utilities of challenges, risk exponents, and the offer each
actor takes (``docs/specs/eum.md`` §3 and §5; the formulas are in the package's docstring). In an
``[member, l, m]`` matrix, rows are one actor of a pair and columns the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from flashpoint.models.eum.options import EUMOptions

NONE, CONFRONTATION, COMPROMISE, CAPITULATION = 0, 1, 2, 3
MOVES = ("", "confrontation", "compromise", "capitulation")

# Up to this many actors, every voter's votes on every pair are formed at once (n³ numbers per
# batch member, in blocks of members of about _BLOCK_ELEMENTS numbers); above it, voter by voter.
_ALL_VOTERS_AT_ONCE = 32
_BLOCK_ELEMENTS = 1 << 20


@dataclass(frozen=True, eq=False)
class State:
    """A chunk of one-issue problems at the start of a round: ``[member, actor]`` arrays, plus
    what every step of the round needs (``gap[b, l, m] = |x_l - x_m|`` and ``distance``, the
    same divided by Δ; ``pairs`` marks two different actors who both take part;
    ``median_gap = |x - μ|``)."""

    x: np.ndarray
    salience: np.ndarray
    weight: np.ndarray
    present: np.ndarray
    span: np.ndarray
    median: np.ndarray
    gap: np.ndarray
    distance: np.ndarray
    pairs: np.ndarray
    median_gap: np.ndarray

    @classmethod
    def of(cls, x, salience, weight, present, span, median) -> State:
        pairs = _other_actors(x.shape[1]) & present[:, :, None] & present[:, None, :]
        gap = np.abs(x[:, :, None] - x[:, None, :])
        return cls(
            x, salience, weight, present, span, median,
            gap=gap,
            distance=gap / span[:, None, None],
            pairs=pairs,
            median_gap=np.abs(x - median[:, None]),
        )  # fmt: skip


@cache
def _other_actors(n: int) -> np.ndarray:
    """``[l, m]``: True where ``l`` and ``m`` are different actors."""
    return ~np.eye(n, dtype=bool)


def vote_totals(state: State, exponent: np.ndarray | None) -> np.ndarray:
    """``N[b, l, m] = Σ_k max(0, v_k(x_l, x_m))``, the positive votes for ``l`` over ``m``, with
    distances raised to each voter's ``exponent`` (``None``: linear votes).

    The votes are added voter by voter, in the order of the rows (the runner's canonical order,
    not the listing), whichever way the work is split (all voters at once for small ``n``, one
    voter at a time with ``Θ(n²)`` memory for large ``n``), so a batch gives exactly the numbers
    each of its members gives alone.
    """
    batch, n = state.x.shape
    distance = state.distance
    if exponent is not None:
        distance = distance ** exponent[:, :, None]
    weighted = state.weight[:, :, None] * distance  # [b, voter, position]
    if n <= _ALL_VOTERS_AT_ONCE:
        step = max(1, _BLOCK_ELEMENTS // n**3)
        if batch <= step:
            return np.maximum(weighted[:, :, None, :] - weighted[:, :, :, None], 0.0).sum(axis=1)
        parts = np.split(weighted, range(step, batch, step))
        return np.concatenate(
            [np.maximum(p[:, :, None, :] - p[:, :, :, None], 0.0).sum(axis=1) for p in parts]
        )
    total = np.zeros((batch, n, n))
    votes = np.empty((batch, n, n))
    for voter in range(n):
        row = weighted[:, voter]
        np.subtract(row[:, None, :], row[:, :, None], out=votes)
        total += np.maximum(votes, 0.0, out=votes)
    return total


def success_probability(
    state: State, exponent: np.ndarray | None, options: EUMOptions
) -> np.ndarray:
    """``P[b, l, m]``: the probability that ``x_l`` beats ``x_m`` (``docs/specs/eum.md`` §3.2,
    §5)."""
    votes = np.where(state.pairs, vote_totals(state, exponent), 0.0)
    if options.probability == "all_pairs":
        # Z sums |v| over ordered pairs: each pair's positive votes once in each direction.
        every_vote = 2.0 * votes.reshape(len(votes), -1).sum(axis=1)[:, None, None]
        denominator = np.where(every_vote > 0, every_vote, np.inf)
    else:
        denominator = votes + votes.transpose(0, 2, 1)
        denominator[denominator == 0] = np.inf
    probability = votes / denominator
    if options.probability_cutoff > 0:
        probability[state.gap < options.probability_cutoff] = 0.0
    return probability


@dataclass(frozen=True, eq=False)
class OutcomeUtilities:
    """What a challenge's outcomes are worth to an actor with risk exponent ``r`` (Bueno de Mesquita
    1994, eq. 3-8; ``docs/specs/eum.md`` §3.3 and §5), for challenger-target distance ``δ`` and,
    in the median term, distance ``m`` to the median (both divided by Δ)::

        win    U_s  = 2 - 4 (1/2 - δ/2)**r          lose   U_f = 2 - 4 (1/2 + δ/2)**r
        status U_sq = 2 - 4 (1/2)**r
        median T U_b + (1 - T) U_w,  U_b = 2 - 4 (1/2 - (m + δ)/4)**r,  U_w = 2 - 4 (1/2 + (m + δ)/4)**r

    with ``T = 1`` when the median is nearer than the rival (``median`` is 0 without the term).
    """

    win: np.ndarray
    lose: np.ndarray
    status_quo: np.ndarray
    median: np.ndarray | float

    @classmethod
    def of(cls, risk: np.ndarray | float, state: State, options: EUMOptions) -> OutcomeUtilities:
        """For every ordered pair ``(row, column)`` of ``state``; ``m`` is the row actor's
        distance to the median (the challenger's in the danger, the receiver's in an offer)."""
        delta = state.distance
        median: np.ndarray | float = 0.0
        if options.median_term:
            median_gap = state.median_gap[:, :, None]
            reach = (median_gap / state.span[:, None, None] + delta) / 4.0
            better = 2.0 - 4.0 * (0.5 - reach) ** risk
            worse = 2.0 - 4.0 * (0.5 + reach) ** risk
            median = np.where(median_gap < state.gap, better, worse)
        return cls(
            win=2.0 - 4.0 * (0.5 - 0.5 * delta) ** risk,
            lose=2.0 - 4.0 * (0.5 + 0.5 * delta) ** risk,
            status_quo=2.0 - 4.0 * 0.5**risk,
            median=median,
        )

    def expected(self, target_salience, success, options: EUMOptions) -> np.ndarray:
        """The expected utility of the challenge::

        E = s_b [P U_s + (1 - P) U_f] + (1 - s_b) U_s - Q U_sq - (1 - Q) [T U_b + (1 - T) U_w]

        with ``s_b`` the target's salience (the chance it resists) and ``P`` the chance of success.
        """
        q = options.status_quo_probability
        utility = (
            target_salience * (success * self.win + (1.0 - success) * self.lose)
            + (1.0 - target_salience) * self.win
            - q * self.status_quo
        )
        if options.median_term:
            utility = utility - (1.0 - q) * self.median
        return utility


def risk_exponents(state: State, options: EUMOptions) -> np.ndarray:
    """Each actor's risk exponent from its danger relative to the others' (``docs/specs/eum.md``
    §3.4).

    ``E[b, j, i]`` is ``j``'s expected utility of challenging ``i`` with every exponent at 1;
    the median term (literal preset) uses the challenger's distance to the median (§5b C2).
    """
    success = success_probability(state, None, options)
    utilities = OutcomeUtilities.of(1.0, state, options)
    threat = utilities.expected(state.salience[:, None, :], success, options)
    danger = np.where(state.pairs, threat, 0.0).sum(axis=1)
    highest = np.where(state.present, danger, -np.inf).max(axis=1, keepdims=True)
    lowest = np.where(state.present, danger, np.inf).min(axis=1, keepdims=True)
    spread = highest - lowest
    unequal = (spread > 0) & state.present
    acceptance = (2.0 * danger - highest - lowest) / np.where(unequal, spread, 1.0)
    # R lies in [-1, 1]; when the dangers differ by rounding only, the quotient may not.
    acceptance = np.clip(acceptance, -1.0, 1.0)
    risk = (1.0 - acceptance / 3.0) / (1.0 + acceptance / 3.0)
    return np.where(unequal, risk, options.equal_danger_risk)


@dataclass(frozen=True)
class Moves:
    """The offer each actor takes in a round (see :class:`EUMLog` for the fields)."""

    position: np.ndarray
    move: np.ndarray
    partner: np.ndarray
    alpha: np.ndarray
    beta: np.ndarray
    offers: np.ndarray


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

# Which kind of offer an actor takes first: confrontation, then compromise, then capitulation.
_PRIORITY = np.array([0, 3, 2, 1])
_KINDS = np.array([CONFRONTATION, COMPROMISE, CAPITULATION])


def classify_offers(alpha: np.ndarray, beta: np.ndarray, options: EUMOptions) -> np.ndarray:
    """The kind of each offer from ``α`` and ``β``, read top to bottom (``docs/specs/eum.md``
    §3.5, §5b C4)."""
    tolerance = options.zero_tolerance
    alpha_zero = np.abs(alpha) < tolerance
    # |α| and β closer than rounding noise count as equal (neither side's case is stronger), so
    # that the order in which the actors' numbers were added up does not decide an offer.
    noise = np.maximum(_ROUNDING * np.maximum(np.abs(alpha), np.abs(beta)), _ROUNDING_FLOOR)
    challenged = (alpha < 0) & (beta > 0)
    kind = np.where(challenged & (beta > noise - alpha), COMPROMISE, NONE)
    if options.capitulation:
        kind[challenged & (-alpha > beta + noise)] = CAPITULATION
    kind[(alpha > 0) & (alpha < beta - noise)] = CONFRONTATION
    if tolerance > 0:
        kind[alpha_zero & (beta > 0)] = COMPROMISE
        kind[alpha_zero & (np.abs(beta) < tolerance)] = NONE
    return kind


def choose_moves(
    state: State, risk: np.ndarray, options: EUMOptions, listed: np.ndarray | None = None
) -> Moves:
    """Every actor's offers and the one it takes (``docs/specs/eum.md`` §3.5-3.6, §5, §5b C1 and
    C4).

    Rows are receivers ``i``, columns proposers ``j``; ``listed[b, j]`` is where actor ``j`` is
    listed in the scenario (``None``: the actors are in the listed order). The listing decides
    only what the tie rule leaves to it (see :func:`~flashpoint.models.eum.runner.canonical_order`):
    with ``"first_listed"``, which of equally good offers is taken; with ``"lowest_position"``,
    which of the proposers at one position is named the partner of the same move.
    """
    x, salience = state.x, state.salience
    success = success_probability(state, risk if options.votes == "voter_risk" else None, options)
    mine = OutcomeUtilities.of(risk[:, :, None], state, options)
    alpha = mine.expected(salience[:, None, :], success, options)
    theirs = mine
    if options.point_of_view == "each_side":
        theirs = OutcomeUtilities.of(risk[:, None, :], state, options)
    resist = salience[:, :, None] if options.beta_salience == "receiver" else salience[:, None, :]
    beta = theirs.expected(resist, success.transpose(0, 2, 1), options)
    pairs = state.pairs if options.colocated_offers else state.pairs & (state.gap > 0)
    kind = np.where(pairs, classify_offers(alpha, beta, options), NONE)

    here, there = x[:, :, None], x[:, None, :]
    weak, strong = np.abs(alpha), np.abs(beta)
    compromise = kind == COMPROMISE
    total = np.where(compromise, weak + strong, 1.0)
    average = (weak * here + strong * there) / total
    if options.compromise_position == "scaled_step":
        middle = here + (there - here) * weak / np.where(compromise, beta, 1.0)
    else:
        middle = average
    destination = np.where(compromise, middle, there)
    move_length = np.abs(destination - here)
    key = move_length
    if options.compromise_pick == "lowest_average":
        key = np.where(compromise, average, move_length)

    rank = _PRIORITY[kind]
    top = rank.max(axis=2)
    ranked = np.where(rank == top[:, :, None], key, np.inf)
    tied = ranked == ranked.min(axis=2, keepdims=True)
    if options.tie_break == "lowest_position":
        lowest = np.where(tied, destination, np.inf)
        tied &= lowest == lowest.min(axis=2, keepdims=True)
    n = x.shape[1]
    listing = np.arange(n) if listed is None else listed[:, None, :]
    chosen = np.where(tied, listing, n).argmin(axis=2)  # the tied proposer listed first
    moved = top > 0
    members, actors = np.indices(x.shape, sparse=True)

    def pick(table: np.ndarray) -> np.ndarray:
        return table[members, actors, chosen]

    return Moves(
        position=np.where(moved, pick(destination), x),
        move=np.where(moved, pick(kind), NONE).astype(np.int8),
        partner=np.where(moved, chosen, -1),
        alpha=np.where(moved, pick(alpha), np.nan),
        beta=np.where(moved, pick(beta), np.nan),
        offers=(kind[..., None] == _KINDS).sum(axis=2, dtype=np.int16),
    )
