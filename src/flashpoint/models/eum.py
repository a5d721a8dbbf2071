"""Bueno de Mesquita's expected utility model (EUM), as replicated by Scholz et al. (2011).

Each round, every actor (1) works out how much danger it is in, which sets its attitude to risk,
(2) judges, for every other actor, whether it would challenge that actor and whether that actor
would challenge it, and (3) takes the best offer this leaves it: move to a rival's position
(it loses a confrontation, or capitulates) or part of the way (a compromise). All actors move at
once. The forecast is the weighted median after the last round. The model is run on each issue
separately, for every issue and Monte Carlo draw at once.

Notation (``eum.md`` §2): actor ``k`` has capability ``c_k``, salience ``s_k`` (0-1), weight
``w_k = c_k s_k`` and position ``x_k``; ``Δ`` is the range of the initial positions and
``d(a, b) = |a - b| / Δ``.

- **Votes and probability of success** (Bueno de Mesquita 1994, eq. 1-2; ``eum.md`` §3.2, §5).
  Voter ``k`` gives ``v_k(a, b) = w_k (d(x_k, b)**e_k - d(x_k, a)**e_k)`` to ``a`` over ``b``,
  with ``e_k`` its risk exponent (``votes="voter_risk"``) or 1 (``"linear"``). ``P(a ≻ b)`` is the
  sum of the positive votes for ``a`` over either every vote on every ordered pair of actors
  (``probability="all_pairs"``, the denominator ``Z`` of the replication) or the votes on this
  pair only (``"contested_pair"``, the paper's form, so that ``P(a≻b) + P(b≻a) = 1``).
- **Expected utility of a challenge** by ``a`` against ``b`` as seen by an actor with risk
  exponent ``r`` (Bueno de Mesquita 1994, eq. 3-8; ``eum.md`` §3.3, §5), ``δ = d(a, b)``::

      U_s  = 2 - 4 (1/2 - δ/2)**r        U_f = 2 - 4 (1/2 + δ/2)**r        U_sq = 2 - 4 (1/2)**r
      U_b  = 2 - 4 (1/2 - (m + δ)/4)**r  U_w = 2 - 4 (1/2 + (m + δ)/4)**r
      E    = s_b [P U_s + (1 - P) U_f] + (1 - s_b) U_s - Q U_sq - (1 - Q) [T U_b + (1 - T) U_w]

  where ``s_b`` is the target's salience (the chance it resists), ``Q`` the probability that the
  status quo holds, ``m`` a distance to last round's median ``μ`` and ``T = 1`` when that
  distance is smaller than ``δ``. The last term is dropped with ``median_term=False`` (the
  replication, where ``Q = 1`` anyway).
- **Risk** (``eum.md`` §3.4). With every exponent at 1, actor ``i``'s danger is
  ``S_i = Σ_{j≠i} E(j → i)``; ``R_i = (2 S_i - S_max - S_min) / (S_max - S_min)`` and the exponent
  is ``r_i = (1 - R_i/3) / (1 + R_i/3)`` in [0.5, 2]. When every actor is in equal danger the
  exponent is ``equal_danger_risk``.
- **Offers** (``eum.md`` §3.5, §5): for receiver ``i`` and proposer ``j``, ``α`` is ``i``'s
  expected utility of challenging ``j`` and ``β`` that of ``j`` challenging ``i`` (as ``i`` sees it,
  ``point_of_view="receiver"``, or as ``j`` does, ``"each_side"``). Read top to bottom, with
  ``≈ 0`` meaning ``|·| < zero_tolerance``: both ≈ 0: nothing; ``α ≈ 0 < β``: compromise;
  ``0 < α < β``: ``i`` loses a confrontation and moves to ``x_j``; ``α < 0 < β`` and ``|α| > β``:
  ``i`` capitulates to ``x_j`` (when ``capitulation``); ``α < 0 < β`` and ``|α| < β``: compromise
  (``|α| = β``: nothing, as in the replication, where it decides one move in random_n20;
  values equal to within 1e-12 of their size count as equal, whatever the rounding), to
  ``x_i + (x_j - x_i)|α|/β`` (``"scaled_step"``) or ``(|α| x_i + |β| x_j)/(|α| + |β|)``
  (``"weighted_average"``). ``i`` takes a confrontation if it has one, else a compromise, else a
  capitulation; within a kind, the shortest move, or for compromises the offer with the lowest
  weighted average (``compromise_pick="lowest_average"``, the replication's rule). Exact ties
  go to the lowest destination (``tie_break="lowest_position"``, so that the order in which
  actors are listed changes nothing) or, as in the reference programs, to the proposer listed
  first (``"first_listed"``). The two agree on every reference run but one variant.

The two presets are option sets: ``scholz`` reproduces jmckib's replication of Scholz et al.
(the paper's numbers; its capitulation test can never be true, so ``capitulation=False``), and
``literal`` the printed equations as decisionmechanics/eum implements them, with the
corrections of ``eum.md`` §5b (co-located actors make offers; the danger includes the median
term, seen from the challenger). Every other option overrides its preset value.

Cost: per round and draw ``Θ(n³)`` time and ``Θ(n²)`` memory (``eum.md`` §8): the vote matrix is
built once per state from blocks of voters, ``Z`` is its sum, and the dangers are one matrix
sum. Draws are processed in chunks so that memory stays bounded.

References
----------
- Bueno de Mesquita, B. (1994). Political forecasting: an expected utility method. In
  B. Bueno de Mesquita & F. N. Stokman (eds.), *European Community Decision Making*, pp. 71-104.
- Scholz, J. B., Calbert, G. J. & Smith, G. A. (2011). Unravelling Bueno De Mesquita's group
  decision model. *Journal of Theoretical Politics* 23(4): 510-531.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from flashpoint.engine.arrays import ScenarioArrays
from flashpoint.models.base import ModelSpec, Trajectory
from flashpoint.models.median import lower_weighted_median

NONE, CONFRONTATION, COMPROMISE, CAPITULATION = 0, 1, 2, 3
MOVES = ("", "confrontation", "compromise", "capitulation")

PRESETS: dict[str, dict[str, Any]] = {
    "scholz": {
        "status_quo_probability": 1.0,
        "median_term": False,
        "probability": "all_pairs",
        "votes": "voter_risk",
        "point_of_view": "receiver",
        "beta_salience": "receiver",
        "compromise_position": "scaled_step",
        "compromise_pick": "lowest_average",
        "capitulation": False,
        "zero_tolerance": 0.0,
        "probability_cutoff": 0.0,
        "colocated_offers": False,
        "equal_danger_risk": 1.0,
    },
    "literal": {
        "status_quo_probability": 0.5,
        "median_term": True,
        "probability": "contested_pair",
        "votes": "linear",
        "point_of_view": "each_side",
        "beta_salience": "proposer",
        "compromise_position": "weighted_average",
        "compromise_pick": "shortest_move",
        "capitulation": True,
        "zero_tolerance": 1e-4,
        "probability_cutoff": 1e-4,
        "colocated_offers": True,
        "equal_danger_risk": 0.0,
    },
}

# Up to this many actors, every voter's votes on every pair are formed at once (n³ numbers per
# batch member, in blocks of members of about _BLOCK_ELEMENTS numbers); above it, voter by voter.
_ALL_VOTERS_AT_ONCE = 32
_BLOCK_ELEMENTS = 1 << 20
# Elements per chunk of draws: bounds the n x n matrices of a round.
_CHUNK_ELEMENTS = 1 << 21


class EUMOptions(BaseModel):
    """Options of the expected utility model; ``preset`` fills every option not given."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    preset: Literal["scholz", "literal"] = Field(
        "scholz", description="scholz: the replication of Scholz et al.; literal: the equations."
    )
    rounds: int = Field(10, ge=0, le=1000, description="Maximum number of rounds.")
    stop_at_repeat: bool = Field(
        True, description="Stop a run once its positions repeat (a fixed point or a cycle)."
    )
    tie_break: Literal["lowest_position", "first_listed"] = Field(
        "lowest_position",
        description="Equally good offers: the lowest destination, or the proposer listed first.",
    )
    forecast: Literal["last_round", "cycle_mean"] = Field(
        "last_round",
        description="The weighted median at the last round, or its mean over a detected cycle.",
    )
    status_quo_probability: float = Field(
        ge=0, le=1, description="Q: the probability that the status quo holds."
    )
    median_term: bool = Field(description="Include -(1-Q)(T U_b + (1-T) U_w) in expected utility.")
    probability: Literal["all_pairs", "contested_pair"] = Field(
        description="Denominator of P: every vote on every pair, or the contested pair's."
    )
    votes: Literal["voter_risk", "linear"] = Field(
        description="Votes on distances raised to each voter's risk exponent, or linear."
    )
    point_of_view: Literal["receiver", "each_side"] = Field(
        description="beta as the receiver estimates it, or as the proposer sees it."
    )
    beta_salience: Literal["receiver", "proposer"] = Field(
        description="Whose salience is the chance of resisting in beta."
    )
    compromise_position: Literal["scaled_step", "weighted_average"] = Field(
        description="Where a compromise moves: x_i + (x_j - x_i)|a|/b, or the weighted average."
    )
    compromise_pick: Literal["lowest_average", "shortest_move"] = Field(
        description="Which compromise is taken: lowest weighted average, or shortest move."
    )
    capitulation: bool = Field(description="Whether capitulation offers are made.")
    zero_tolerance: float = Field(ge=0, description="|alpha|, |beta| below this count as 0.")
    probability_cutoff: float = Field(
        ge=0, description="P = 0 for positions closer than this (0: only equal positions)."
    )
    colocated_offers: bool = Field(description="Actors at the same position make offers.")
    equal_danger_risk: float = Field(
        ge=0, description="Risk exponent of every actor when all are in equal danger."
    )

    @model_validator(mode="before")
    @classmethod
    def _fill_from_preset(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        preset = data.get("preset", "scholz")
        if preset not in PRESETS:
            return data  # the field check reports the unknown preset
        given = {key: value for key, value in data.items() if value is not None}
        return {**PRESETS[preset], **given}


@dataclass(frozen=True, eq=False)
class EUMLog:
    """What happened in a run, per round ``r`` (1..), draw ``d``, actor ``a`` and issue ``i``.

    ``risk`` is the exponent used in the round; ``move`` a code into :data:`MOVES`; ``partner``
    the proposer of the offer taken (-1: none); ``alpha`` and ``beta`` the expected utilities of
    that offer; ``offers[r, d, a, i, k]`` how many offers of kind ``k`` (confrontation,
    compromise, capitulation) the actor had. Round 0 (the input) is included with no moves.
    ``median`` and ``mean`` are per round, draw and issue; ``repeat_round`` is the round whose
    positions first repeated an earlier round's (-1: none within the run) and ``cycle_length``
    how far back (1: a fixed point).
    """

    risk: np.ndarray
    move: np.ndarray
    partner: np.ndarray
    alpha: np.ndarray
    beta: np.ndarray
    offers: np.ndarray
    median: np.ndarray
    mean: np.ndarray
    repeat_round: np.ndarray
    cycle_length: np.ndarray


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

    The votes are added voter by voter, in the order the actors are listed, whichever way the
    work is split (all voters at once for small ``n``, one voter at a time with ``Θ(n²)`` memory
    for large ``n``), so a batch gives exactly the numbers each of its members gives alone.
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
    """``P[b, l, m]``: the probability that ``x_l`` beats ``x_m`` (``eum.md`` §3.2, §5)."""
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
    """What a challenge's outcomes are worth to an actor with risk exponent ``r``
    (Bueno de Mesquita 1994, eq. 3-8; ``eum.md`` §3.3 and §5), for challenger-target distance
    ``δ`` and, in the median term, distance ``m`` to the median (both divided by Δ)::

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
    """Each actor's risk exponent from its danger relative to the others' (``eum.md`` §3.4).

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

# Which kind of offer an actor takes first: confrontation, then compromise, then capitulation.
_PRIORITY = np.array([0, 3, 2, 1])
_KINDS = np.array([CONFRONTATION, COMPROMISE, CAPITULATION])


def classify_offers(alpha: np.ndarray, beta: np.ndarray, options: EUMOptions) -> np.ndarray:
    """The kind of each offer from ``α`` and ``β``, read top to bottom (``eum.md`` §3.5, §5b C4)."""
    tolerance = options.zero_tolerance
    alpha_zero = np.abs(alpha) < tolerance
    # |α| and β closer than rounding noise count as equal (neither side's case is stronger), so
    # that the order in which the actors' numbers were added up cannot decide an offer.
    noise = _ROUNDING * np.maximum(np.abs(alpha), np.abs(beta))
    challenged = (alpha < 0) & (beta > 0)
    kind = np.where(challenged & (beta > noise - alpha), COMPROMISE, NONE)
    if options.capitulation:
        kind[challenged & (-alpha > beta + noise)] = CAPITULATION
    kind[(alpha > 0) & (alpha < beta - noise)] = CONFRONTATION
    if tolerance > 0:
        kind[alpha_zero & (beta > 0)] = COMPROMISE
        kind[alpha_zero & (np.abs(beta) < tolerance)] = NONE
    return kind


def choose_moves(state: State, risk: np.ndarray, options: EUMOptions) -> Moves:
    """Every actor's offers and the one it takes (``eum.md`` §3.5-3.6, §5, §5b C1 and C4).

    Rows are receivers ``i``, columns proposers ``j``.
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
    if options.tie_break == "first_listed":
        chosen = ranked.argmin(axis=2)
    else:  # the listing order decides only between proposers at one position: the same move
        tied = ranked == ranked.min(axis=2, keepdims=True)
        chosen = np.where(tied, destination, np.inf).argmin(axis=2)
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


def weighted_mean(x: np.ndarray, w: np.ndarray, present: np.ndarray) -> np.ndarray:
    """``Σ w x / Σ w`` over the actors present; the plain mean if no one has weight."""
    weight = np.where(present, w, 0.0)
    total = weight.sum(axis=1)
    plain = np.where(present, x, 0.0).sum(axis=1) / present.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(total > 0, (weight * x).sum(axis=1) / total, plain)


@dataclass
class _Run:
    """The rounds of one chunk of batch members: ``[round, member, ...]`` tables (see
    :class:`EUMLog`), allocated for the maximum number of rounds and cut to those run."""

    positions: np.ndarray
    median: np.ndarray
    mean: np.ndarray
    risk: np.ndarray
    move: np.ndarray
    partner: np.ndarray
    alpha: np.ndarray
    beta: np.ndarray
    offers: np.ndarray
    repeat_round: np.ndarray
    cycle_length: np.ndarray

    @classmethod
    def empty(cls, rounds: int, batch: int, n: int) -> _Run:
        shape = (rounds + 1, batch, n)
        return cls(
            positions=np.empty(shape),
            median=np.empty(shape[:2]),
            mean=np.empty(shape[:2]),
            risk=np.full(shape, np.nan),
            move=np.zeros(shape, dtype=np.int8),
            partner=np.full(shape, -1, dtype=np.int32),
            alpha=np.full(shape, np.nan),
            beta=np.full(shape, np.nan),
            offers=np.zeros((*shape, 3), dtype=np.int16),
            repeat_round=np.full(batch, -1),
            cycle_length=np.zeros(batch, dtype=int),
        )

    def cut(self, rounds: int) -> _Run:
        """The first ``rounds + 1`` rows; later rows repeat the last positions and medians."""
        for name in ("positions", "median", "mean"):
            getattr(self, name)[rounds + 1 :] = getattr(self, name)[rounds]
        return self


def _run_chunk(
    x0: np.ndarray, s: np.ndarray, w: np.ndarray, present: np.ndarray, options: EUMOptions
) -> tuple[_Run, int]:
    """Run the rounds for a chunk of one-issue problems ``[member, actor]``; also return the
    number of rounds run.

    With ``stop_at_repeat`` a member whose positions repeat is frozen from then on, and the
    chunk stops when every member is frozen; so a member's numbers never depend on the others.
    """
    batch, n = x0.shape
    low = np.where(present, x0, np.inf).min(axis=1)
    high = np.where(present, x0, -np.inf).max(axis=1)
    span = np.where(high > low, high - low, 1.0)
    run = _Run.empty(options.rounds, batch, n)
    run.positions[0] = x0
    run.median[0] = lower_weighted_median(x0, w, present)
    run.mean[0] = weighted_mean(x0, w, present)
    last = 0
    for round_ in range(1, options.rounds + 1):
        run.positions[round_] = run.positions[round_ - 1]
        run.median[round_] = run.median[round_ - 1]
        run.mean[round_] = run.mean[round_ - 1]
        live: slice | np.ndarray = slice(None)
        if options.stop_at_repeat:
            live = np.flatnonzero(run.repeat_round < 0)
            if live.size == 0:
                break
            if live.size == batch:
                live = slice(None)
        last = round_
        x, weight, here = run.positions[round_ - 1, live], w[live], present[live]
        state = State.of(x, s[live], weight, here, span[live], run.median[round_ - 1, live])
        risk = risk_exponents(state, options)
        moves = choose_moves(state, risk, options)
        run.positions[round_, live] = moves.position
        run.median[round_, live] = lower_weighted_median(moves.position, weight, here)
        run.mean[round_, live] = weighted_mean(moves.position, weight, here)
        run.risk[round_, live] = np.where(here, risk, np.nan)
        run.move[round_, live] = moves.move
        run.partner[round_, live] = moves.partner
        run.alpha[round_, live] = moves.alpha
        run.beta[round_, live] = moves.beta
        run.offers[round_, live] = moves.offers
        same = np.all(run.positions[:round_, live] == moves.position, axis=2)
        members = np.arange(batch)[live]
        first = (run.repeat_round[members] < 0) & same.any(axis=0)
        run.repeat_round[members[first]] = round_
        run.cycle_length[members[first]] = round_ - same.argmax(axis=0)[first]
    return run.cut(last), last


def _chunk_size(n: int, rounds: int) -> int:
    """Batch members per chunk: about ``_CHUNK_ELEMENTS`` numbers in a round's n x n matrices
    and in the chunk's record of every round."""
    return max(1, _CHUNK_ELEMENTS // (n * n + 8 * (rounds + 1) * n))


def run(arrays: ScenarioArrays, options: EUMOptions, rng: np.random.Generator) -> Trajectory:
    """Run the expected utility model on every draw and issue of ``arrays``."""
    draws, n, issues = arrays.position.shape
    batch = draws * issues

    def flat(table: np.ndarray) -> np.ndarray:  # [d, a, i] -> [d * i, a]
        return table.transpose(0, 2, 1).reshape(batch, n)

    present = flat(np.broadcast_to(arrays.present, arrays.position.shape))
    # An absent actor is parked at the lowest position of its issue: it never votes, offers or
    # moves, and its distances stay within the scale, so no power of a negative number is taken.
    x0 = flat(arrays.position)
    lowest = np.where(present, x0, np.inf).min(axis=1, keepdims=True)
    x0 = np.where(present, x0, lowest)
    s, w = flat(arrays.salience), flat(arrays.weight)
    size = _chunk_size(n, options.rounds)
    chunks = [
        _run_chunk(
            x0[k : k + size], s[k : k + size], w[k : k + size], present[k : k + size], options
        )
        for k in range(0, batch, size)
    ]
    rounds = max(last for _, last in chunks)

    def gather(name: str) -> np.ndarray:
        """``[round, member, actor, ...]`` -> ``[round, draw, actor, issue, ...]``."""
        table = np.concatenate([getattr(r, name)[: rounds + 1] for r, _ in chunks], axis=1)
        table = table.reshape(rounds + 1, draws, issues, *table.shape[2:])
        return np.moveaxis(table, 2, 3) if table.ndim > 3 else table

    def per_member(name: str) -> np.ndarray:
        return np.concatenate([getattr(r, name) for r, _ in chunks]).reshape(draws, issues)

    median = gather("median")
    repeat_round, cycle_length = per_member("repeat_round"), per_member("cycle_length")
    log = EUMLog(
        risk=gather("risk"),
        move=gather("move"),
        partner=gather("partner"),
        alpha=gather("alpha"),
        beta=gather("beta"),
        offers=gather("offers"),
        median=median,
        mean=gather("mean"),
        repeat_round=repeat_round,
        cycle_length=cycle_length,
    )
    positions = np.where(arrays.present, gather("positions"), np.nan)
    final = None
    if options.forecast == "cycle_mean":
        final = _cycle_mean(median, repeat_round, cycle_length)
    return Trajectory(positions=positions, outcome=median, events=log, final=final)


def _cycle_mean(
    median: np.ndarray, repeat_round: np.ndarray, cycle_length: np.ndarray
) -> np.ndarray:
    """Per draw and issue, the mean median over the rounds of the detected cycle (the rounds
    ``repeat_round - cycle_length + 1 .. repeat_round``); the last round's where none was found."""
    rounds = np.arange(median.shape[0])[:, None, None]
    inside = (rounds > repeat_round - cycle_length) & (rounds <= repeat_round)
    found = repeat_round >= 0
    cycle = np.where(inside, median, 0.0).sum(axis=0) / np.maximum(cycle_length, 1)
    return np.where(found, cycle, median[-1])


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
    references=(
        "Bueno de Mesquita (1994), Political forecasting: an expected utility method",
        "Scholz, Calbert & Smith (2011), Unravelling Bueno De Mesquita's group decision model, "
        "JTP 23(4)",
    ),
)
