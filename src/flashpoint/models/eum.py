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
  (``|α| = β`` exactly: nothing, as in the replication; it decides one move in random_n20), to
  ``x_i + (x_j - x_i)|α|/β`` (``"scaled_step"``) or ``(|α| x_i + |β| x_j)/(|α| + |β|)``
  (``"weighted_average"``). ``i`` takes a confrontation if it has one, else a compromise, else a
  capitulation; within a kind, the shortest move, or for compromises the offer with the lowest
  weighted average (``compromise_pick="lowest_average"``, the replication's rule). Remaining
  ties go to the proposer listed first.

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
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from flashpoint.engine.arrays import ScenarioArrays
from flashpoint.models.base import ModelSpec, Trajectory
from flashpoint.models.median import weighted_median

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

# Elements of the largest temporary array (the block of voters' votes on every pair).
_BLOCK_ELEMENTS = 1 << 18
# Elements per chunk of draws: bounds the n x n matrices of a round.
_CHUNK_ELEMENTS = 1 << 21


class EUMOptions(BaseModel):
    """Options of the expected utility model; ``preset`` fills every option not given."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    preset: Literal["scholz", "literal"] = Field(
        "scholz", description="scholz: the replication of Scholz et al.; literal: the equations."
    )
    rounds: int = Field(10, ge=0, le=10_000, description="Maximum number of rounds.")
    stop_at_repeat: bool = Field(
        True, description="Stop a run once its positions repeat (a fixed point or a cycle)."
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


def vote_totals(x: np.ndarray, w: np.ndarray, exponent: np.ndarray, span: np.ndarray) -> np.ndarray:
    """``N[b, l, m] = Σ_k max(0, v_k(x_l, x_m))``, the positive votes for ``l`` over ``m``.

    Voters are taken in blocks whose size depends on ``n`` only, so that a batch gives exactly
    the numbers each of its members gives alone; memory is ``Θ(n²)`` per batch member.
    """
    batch, n = x.shape
    block = max(1, min(n, _BLOCK_ELEMENTS // (n * n)))
    total = np.zeros((batch, n, n))
    for start in range(0, n, block):
        voters = slice(start, start + block)
        distance = np.abs(x[:, voters, None] - x[:, None, :]) / span[:, None, None]
        weighted = w[:, voters, None] * distance ** exponent[:, voters, None]
        total += np.maximum(weighted[:, :, None, :] - weighted[:, :, :, None], 0.0).sum(axis=1)
    return total


def success_probability(
    x: np.ndarray,
    w: np.ndarray,
    exponent: np.ndarray,
    span: np.ndarray,
    present: np.ndarray,
    options: EUMOptions,
) -> np.ndarray:
    """``P[b, l, m]``: the probability that ``x_l`` beats ``x_m`` (``eum.md`` §3.2, §5)."""
    votes = vote_totals(x, w, exponent, span)
    pairs = present[:, :, None] & present[:, None, :]
    votes = np.where(pairs, votes, 0.0)
    if options.probability == "all_pairs":
        # Z sums |v| over ordered pairs: each pair's positive votes once in each direction.
        every_vote = 2.0 * votes.reshape(len(x), -1).sum(axis=1)
        denominator = np.broadcast_to(every_vote[:, None, None], votes.shape)
    else:
        denominator = votes + votes.transpose(0, 2, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        probability = np.where(denominator > 0, votes / denominator, 0.0)
    if options.probability_cutoff > 0:
        close = np.abs(x[:, :, None] - x[:, None, :]) < options.probability_cutoff
        probability = np.where(close, 0.0, probability)
    return probability


def challenge_utility(
    risk: np.ndarray,
    target_salience: np.ndarray,
    success: np.ndarray,
    gap: np.ndarray,
    median_gap: np.ndarray,
    span: np.ndarray,
    options: EUMOptions,
) -> np.ndarray:
    """Expected utility of a challenge (Bueno de Mesquita 1994, eq. 3-8; ``eum.md`` §3.3, §5).

    ``gap`` is the raw distance between challenger and target, ``median_gap`` the raw distance
    used in the median term; ``span`` is Δ, all broadcastable together.
    """
    delta = gap / span
    win = 2.0 - 4.0 * (0.5 - 0.5 * delta) ** risk
    lose = 2.0 - 4.0 * (0.5 + 0.5 * delta) ** risk
    status_quo = 2.0 - 4.0 * 0.5**risk
    q = options.status_quo_probability
    utility = (
        target_salience * (success * win + (1.0 - success) * lose)
        + (1.0 - target_salience) * win
        - q * status_quo
    )
    if options.median_term:
        reach = (median_gap / span + delta) / 4.0
        better = 2.0 - 4.0 * (0.5 - reach) ** risk
        worse = 2.0 - 4.0 * (0.5 + reach) ** risk
        utility = utility - (1.0 - q) * np.where(median_gap < gap, better, worse)
    return utility


def risk_exponents(
    x: np.ndarray,
    s: np.ndarray,
    w: np.ndarray,
    span: np.ndarray,
    present: np.ndarray,
    median: np.ndarray,
    options: EUMOptions,
) -> np.ndarray:
    """Each actor's risk exponent from its danger relative to the others' (``eum.md`` §3.4).

    ``E[b, j, i]`` is ``j``'s expected utility of challenging ``i`` with every exponent at 1;
    the median term (literal preset) uses the challenger's distance to the median (§5b C2).
    """
    ones = np.ones_like(x)
    success = success_probability(x, w, ones, span, present, options)
    gap = np.abs(x[:, :, None] - x[:, None, :])
    median_gap = np.abs(x - median[:, None])[:, :, None]
    threat = challenge_utility(
        1.0, s[:, None, :], success, gap, median_gap, span[:, None, None], options
    )
    others = present[:, :, None] & present[:, None, :] & ~np.eye(x.shape[1], dtype=bool)
    danger = np.where(others, threat, 0.0).sum(axis=1)
    highest = np.where(present, danger, -np.inf).max(axis=1, keepdims=True)
    lowest = np.where(present, danger, np.inf).min(axis=1, keepdims=True)
    spread = highest - lowest
    with np.errstate(divide="ignore", invalid="ignore"):
        acceptance = (2.0 * danger - highest - lowest) / spread
        risk = (1.0 - acceptance / 3.0) / (1.0 + acceptance / 3.0)
    return np.where((spread > 0) & present, risk, options.equal_danger_risk)


@dataclass(frozen=True)
class _Moves:
    position: np.ndarray
    move: np.ndarray
    partner: np.ndarray
    alpha: np.ndarray
    beta: np.ndarray
    offers: np.ndarray


def choose_moves(
    x: np.ndarray,
    s: np.ndarray,
    w: np.ndarray,
    risk: np.ndarray,
    span: np.ndarray,
    present: np.ndarray,
    median: np.ndarray,
    options: EUMOptions,
) -> _Moves:
    """Every actor's offers and the one it takes (``eum.md`` §3.5-3.6, §5, §5b C1 and C4).

    Rows are receivers ``i``, columns proposers ``j``.
    """
    n = x.shape[1]
    exponent = risk if options.votes == "voter_risk" else np.ones_like(x)
    success = success_probability(x, w, exponent, span, present, options)
    gap = np.abs(x[:, :, None] - x[:, None, :])
    median_gap = np.abs(x - median[:, None])[:, :, None]
    scale = span[:, None, None]
    own = risk[:, :, None]
    alpha = challenge_utility(own, s[:, None, :], success, gap, median_gap, scale, options)
    their = own if options.point_of_view == "receiver" else risk[:, None, :]
    resist = s[:, :, None] if options.beta_salience == "receiver" else s[:, None, :]
    beta = challenge_utility(
        their, resist, success.transpose(0, 2, 1), gap, median_gap, scale, options
    )

    pairs = present[:, :, None] & present[:, None, :] & ~np.eye(n, dtype=bool)
    if not options.colocated_offers:
        pairs &= gap > 0
    tolerance = options.zero_tolerance
    alpha_zero = np.abs(alpha) < tolerance
    challenged = (alpha < 0) & (beta > 0)
    kind = np.where(challenged & (beta > -alpha), COMPROMISE, NONE)
    giving_way = CAPITULATION if options.capitulation else NONE
    kind = np.where(challenged & (-alpha > beta), giving_way, kind)
    kind = np.where((alpha > 0) & (alpha < beta), CONFRONTATION, kind)
    kind = np.where(alpha_zero & (beta > 0), COMPROMISE, kind)
    kind = np.where(alpha_zero & (np.abs(beta) < tolerance), NONE, kind)
    kind = np.where(pairs, kind, NONE)

    target = np.broadcast_to(x[:, None, :], gap.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        weak, strong = np.abs(alpha), np.abs(beta)
        average = (weak * x[:, :, None] + strong * target) / (weak + strong)
        if options.compromise_position == "scaled_step":
            middle = x[:, :, None] + (target - x[:, :, None]) * weak / beta
        else:
            middle = average
    destination = np.where(kind == COMPROMISE, middle, target)
    move_length = np.abs(destination - x[:, :, None])
    compromise_key = average if options.compromise_pick == "lowest_average" else move_length

    chosen = np.full(x.shape, -1)
    taken = np.full(x.shape, NONE)
    for code in (CAPITULATION, COMPROMISE, CONFRONTATION):  # the last assigned wins
        key = compromise_key if code == COMPROMISE else move_length
        key = np.where(kind == code, key, np.inf)
        best = key.argmin(axis=2)
        has = np.isfinite(key).any(axis=2)
        chosen = np.where(has, best, chosen)
        taken = np.where(has, code, taken)

    index = np.maximum(chosen, 0)[..., None]
    pick = lambda table: np.take_along_axis(table, index, axis=2)[..., 0]  # noqa: E731
    moved = taken != NONE
    offers = np.stack(
        [(kind == code).sum(axis=2) for code in (CONFRONTATION, COMPROMISE, CAPITULATION)],
        axis=-1,
    )
    return _Moves(
        position=np.where(moved, pick(destination), x),
        move=taken,
        partner=chosen,
        alpha=np.where(moved, pick(alpha), np.nan),
        beta=np.where(moved, pick(beta), np.nan),
        offers=offers,
    )


def held_median(x: np.ndarray, w: np.ndarray, present: np.ndarray) -> np.ndarray:
    """The weighted median over held positions (``eum.md`` §3.1), per batch member."""
    return weighted_median(x[:, :, None], w[:, :, None], present[:, :, None])[:, 0]


def weighted_mean(x: np.ndarray, w: np.ndarray, present: np.ndarray) -> np.ndarray:
    """``Σ w x / Σ w`` over the actors present; the plain mean if no one has weight."""
    weight = np.where(present, w, 0.0)
    total = weight.sum(axis=1)
    plain = np.where(present, x, 0.0).sum(axis=1) / present.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(total > 0, (weight * x).sum(axis=1) / total, plain)


@dataclass
class _Run:
    """The rounds of one chunk of batch members (positions ``[round, member, actor]``)."""

    positions: list[np.ndarray]
    median: list[np.ndarray]
    mean: list[np.ndarray]
    risk: list[np.ndarray]
    move: list[np.ndarray]
    partner: list[np.ndarray]
    alpha: list[np.ndarray]
    beta: list[np.ndarray]
    offers: list[np.ndarray]
    repeat_round: np.ndarray
    cycle_length: np.ndarray


def _run_chunk(
    x0: np.ndarray, s: np.ndarray, w: np.ndarray, present: np.ndarray, options: EUMOptions
) -> _Run:
    """Run the rounds for a chunk of one-issue problems ``[member, actor]``.

    With ``stop_at_repeat`` a member whose positions repeat is frozen from then on, and the
    chunk stops when every member is frozen; so a member's numbers never depend on the others.
    """
    batch, n = x0.shape
    low = np.where(present, x0, np.inf).min(axis=1)
    high = np.where(present, x0, -np.inf).max(axis=1)
    span = np.where(high > low, high - low, 1.0)
    x = x0
    median = held_median(x, w, present)
    run = _Run(
        positions=[x],
        median=[median],
        mean=[weighted_mean(x, w, present)],
        risk=[np.full((batch, n), np.nan)],
        move=[np.zeros((batch, n), dtype=np.int8)],
        partner=[np.full((batch, n), -1)],
        alpha=[np.full((batch, n), np.nan)],
        beta=[np.full((batch, n), np.nan)],
        offers=[np.zeros((batch, n, 3), dtype=np.int32)],
        repeat_round=np.full(batch, -1),
        cycle_length=np.zeros(batch, dtype=int),
    )
    for round_ in range(1, options.rounds + 1):
        live = np.flatnonzero(run.repeat_round < 0) if options.stop_at_repeat else np.arange(batch)
        if live.size == 0:
            break
        sub = (x[live], s[live], w[live])
        risk = risk_exponents(*sub, span[live], present[live], median[live], options)
        moves = choose_moves(*sub, risk, span[live], present[live], median[live], options)
        x = x.copy()
        x[live] = moves.position
        median = median.copy()
        median[live] = held_median(x[live], w[live], present[live])
        mean = run.mean[-1].copy()
        mean[live] = weighted_mean(x[live], w[live], present[live])
        for name, value, blank in (
            ("risk", np.where(present[live], risk, np.nan), np.nan),
            ("move", moves.move, 0),
            ("partner", moves.partner, -1),
            ("alpha", moves.alpha, np.nan),
            ("beta", moves.beta, np.nan),
            ("offers", moves.offers, 0),
        ):
            record = np.full_like(getattr(run, name)[0], blank)
            record[live] = value
            getattr(run, name).append(record)
        earlier = np.stack(run.positions)[:, live]
        same = np.all(earlier == x[live][None], axis=2)
        first = (run.repeat_round[live] < 0) & same.any(axis=0)
        run.repeat_round[live[first]] = round_
        run.cycle_length[live[first]] = round_ - same.argmax(axis=0)[first]
        run.positions.append(x)
        run.median.append(median)
        run.mean.append(mean)
    return run


def _chunk_size(n: int) -> int:
    """Batch members per chunk: about ``_CHUNK_ELEMENTS`` elements per n x n matrix stack."""
    return max(1, _CHUNK_ELEMENTS // (n * n))


def _padded(rows: list[np.ndarray], length: int, blank: Any = None) -> np.ndarray:
    """Stack rounds, extending to ``length`` with the last round (or ``blank``)."""
    stacked = np.stack(rows)
    if len(rows) == length:
        return stacked
    extra = np.repeat(stacked[-1:], length - len(rows), axis=0)
    if blank is not None:
        extra = np.full_like(extra, blank)
    return np.concatenate([stacked, extra])


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
    size = _chunk_size(n)
    runs = [
        _run_chunk(
            x0[k : k + size], s[k : k + size], w[k : k + size], present[k : k + size], options
        )
        for k in range(0, batch, size)
    ]
    length = max(len(r.positions) for r in runs)

    def gather(name: str, blank: Any = None) -> np.ndarray:
        parts = [_padded(getattr(r, name), length, blank) for r in runs]
        table = np.concatenate(parts, axis=1)  # [round, member, ...]
        table = table.reshape(length, draws, issues, *table.shape[2:])
        return np.moveaxis(table, 2, -1) if table.ndim > 3 else table

    positions = np.where(arrays.present, gather("positions"), np.nan)
    median = gather("median")
    repeat_round = np.concatenate([r.repeat_round for r in runs]).reshape(draws, issues)
    cycle_length = np.concatenate([r.cycle_length for r in runs]).reshape(draws, issues)
    offers = np.concatenate([_padded(r.offers, length, 0) for r in runs], axis=1)
    log = EUMLog(
        risk=gather("risk", np.nan),
        move=gather("move", 0),
        partner=gather("partner", -1),
        alpha=gather("alpha", np.nan),
        beta=gather("beta", np.nan),
        offers=np.moveaxis(offers.reshape(length, draws, issues, n, 3), 2, 3),
        median=median,
        mean=gather("mean"),
        repeat_round=repeat_round,
        cycle_length=cycle_length,
    )
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
