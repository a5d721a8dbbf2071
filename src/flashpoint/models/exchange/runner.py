"""Rounds of the exchange model: each round's exchanges, its voting outcome (the forecast), and the
preferences that carry into the next round (``docs/specs/exchange.md`` §4.7), for a batch of draws.

The loop over draws and rounds is compiled (:func:`run_draws`), one round at a time by
:func:`.round.play_round`; what it leaves behind is a :class:`~.log.RunLog` of arrays, which
gives the records of a draw when asked. :func:`run_rounds` and :func:`run_round` run one draw
and give its records.

The random generator is required: with ``p = 0`` nothing is drawn from it, but a run never
makes up a seed of its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from flashpoint.models.exchange.candidates import CandidateTable
from flashpoint.models.exchange.columns import AT_BOUNDARY, GROUP, REPORTED_GAIN
from flashpoint.models.exchange.log import RunLog
from flashpoint.models.exchange.records import ExchangeRound, RoundResult, RoundStart
from flashpoint.models.exchange.replay import Exchange, recording
from flashpoint.models.exchange.round import Boundary, Policy, play_round
from flashpoint.models.exchange.solve import compiled, inlined
from flashpoint.models.exchange.table import outcome


@compiled
def preferences_after(
    start: np.ndarray,
    salience: np.ndarray,
    voting: np.ndarray,
    supplied: np.ndarray,
    after: np.ndarray,
) -> None:
    """§4.7: an actor that supplied on an issue keeps part of its move as its new preference,
    ``x' = x + (0.1 + 0.4 (1 - s)) (y - x)``, written into ``after``; saliences and powers
    never change."""
    for k in range(start.shape[0]):
        for d in range(start.shape[1]):
            after[k, d] = start[k, d]
            if supplied[k, d]:
                share = 0.1 + 0.4 * (1.0 - salience[k, d])
                after[k, d] = start[k, d] + share * (voting[k, d] - start[k, d])


@inlined
def _copy(source: np.ndarray, target: np.ndarray) -> None:
    """``target[:] = source`` for one-dimensional arrays, element by element (numba's array
    assignment would compile its error message for unequal shapes, which takes seconds)."""
    for i in range(len(source)):
        target[i] = source[i]


@compiled
def run_draws(
    position: np.ndarray,
    salience: np.ndarray,
    weight: np.ndarray,
    present: np.ndarray,
    rounds: int,
    drop_boundary: bool,
    full_recompute: bool,
    p: float,
    rng: np.random.Generator | None,
    recorded: np.ndarray | None,
    offsets: np.ndarray,
    logged: bool,
):
    """``rounds`` rounds of every draw (``position``, ``salience`` and ``weight`` are
    ``[draw, actor, issue]``, positions on 0-100), draw after draw, so that with ``p > 0`` the
    draws use ``rng`` in turn (``rng`` is None when ``p = 0``: nothing is drawn). The round's
    choices are those of :func:`.round.play_round`; if ``recorded`` is given, round ``r``
    replays ``recorded[offsets[r - 1]:offsets[r]]``.

    Returns the arrays of a :class:`~.log.RunLog`: preferences, voting positions, start and
    voting outcomes, valid candidates and executed exchanges per round, and the executed
    candidates (their table rows, in order; none unless ``logged``).
    """
    draws, actors, issues = position.shape
    preferences = np.empty((rounds + 1, draws, actors, issues))
    voting = np.empty((rounds + 1, draws, actors, issues))
    start_outcome = np.empty((rounds + 1, draws, issues))
    voting_outcome = np.empty((rounds + 1, draws, issues))
    candidates = np.zeros((rounds, draws), dtype=np.int64)
    executed = np.zeros((draws, rounds), dtype=np.int64)
    logged_numbers = np.empty((0, GROUP + 1), dtype=np.int64)
    logged_values = np.empty((0, REPORTED_GAIN + 1))
    logged_flags = np.empty((0, AT_BOUNDARY + 1), dtype=np.bool_)
    used = 0
    supplied = np.empty((actors, issues), dtype=np.bool_)
    for d in range(draws):
        for k in range(actors):
            _copy(position[d, k], preferences[0, d, k])
            _copy(position[d, k], voting[0, d, k])
        _copy(outcome(position[d], weight[d], present), start_outcome[0, d])
        _copy(start_outcome[0, d], voting_outcome[0, d])
        for r in range(rounds):
            start, vote = preferences[r, d], voting[r + 1, d]
            if recorded is None:
                numbers, values, flags, order, valid = play_round(
                    start, salience[d], weight[d], present, drop_boundary, full_recompute,
                    p, rng, None, vote, supplied,
                )  # fmt: skip
            else:
                numbers, values, flags, order, valid = play_round(
                    start, salience[d], weight[d], present, drop_boundary, full_recompute,
                    p, rng, recorded[offsets[r] : offsets[r + 1]], vote, supplied,
                )  # fmt: skip
            candidates[r, d], executed[d, r] = valid, len(order)
            if logged:
                if used + len(order) > len(logged_numbers):
                    room = max(2 * len(logged_numbers), used + len(order), 64)
                    logged_numbers = _grown(logged_numbers, room, used)
                    logged_values = _grown(logged_values, room, used)
                    logged_flags = _grown(logged_flags, room, used)
                for row in order:
                    _copy(numbers[row], logged_numbers[used])
                    _copy(values[row], logged_values[used])
                    _copy(flags[row], logged_flags[used])
                    used += 1
            _copy(outcome(vote, weight[d], present), voting_outcome[r + 1, d])
            preferences_after(start, salience[d], vote, supplied, preferences[r + 1, d])
            _copy(outcome(preferences[r + 1, d], weight[d], present), start_outcome[r + 1, d])
    rows = (logged_numbers[:used], logged_values[:used], logged_flags[:used])
    return preferences, voting, start_outcome, voting_outcome, candidates, executed, rows


@inlined
def _grown(rows: np.ndarray, room: int, used: int) -> np.ndarray:
    """``rows`` with room for ``room`` rows, the first ``used`` kept."""
    grown = np.empty((room, rows.shape[1]), dtype=rows.dtype)
    for i in range(used):
        _copy(rows[i], grown[i])
    return grown


def simulate(
    position: np.ndarray,
    salience: np.ndarray,
    weight: np.ndarray,
    present: np.ndarray,
    rounds: int,
    recorded: Mapping[int, Sequence[Exchange]] | None = None,
    boundary: Boundary = "keep",
    policy: Policy = "decide-parity",
    p: float = 0.0,
    *,
    rng: np.random.Generator,
    logged: bool = True,
) -> RunLog:
    """``rounds`` rounds of every draw (:func:`run_draws`; ``[draw, actor, issue]`` arrays on
    0-100); ``recorded[round]`` replays the reference's choices in that round (:mod:`.replay`);
    ``p`` and ``rng`` vary the exchange rates at random (:mod:`.randomized`). Without
    ``logged``, the log keeps positions and outcomes but no exchange (Monte Carlo draws need
    no more). Raises :class:`TypeError` if ``rng`` is None."""
    if rng is None:
        raise TypeError(
            "the exchange model needs a random generator: pass rng=np.random.default_rng(seed)"
        )
    salience = np.ascontiguousarray(salience, dtype=float)
    weight = np.ascontiguousarray(weight, dtype=float)
    tables = [recording(recorded.get(n, ()) if recorded else ()) for n in range(1, rounds + 1)]
    offsets = np.cumsum([0] + [len(table) for table in tables], dtype=np.int64)
    replayed = np.concatenate([np.empty((0, 4), dtype=np.int64), *tables])
    arrays = run_draws(
        np.ascontiguousarray(position, dtype=float),
        salience,
        weight,
        np.ascontiguousarray(present, dtype=bool),
        rounds,
        boundary == "drop",
        policy == "full-recompute",
        float(p),
        rng if p > 0 else None,
        None if recorded is None else replayed,
        offsets,
        logged,
    )
    return RunLog(salience, weight, present, *arrays[:-1], CandidateTable(*arrays[-1]))


def run_rounds(
    first: RoundStart,
    rounds: int,
    recorded: Mapping[int, Sequence[Exchange]] | None = None,
    boundary: Boundary = "keep",
    policy: Policy = "decide-parity",
    p: float = 0.0,
    *,
    rng: np.random.Generator,
) -> list[ExchangeRound]:
    """``rounds`` rounds from ``first`` (:func:`simulate` on one draw), as records."""
    return simulate(
        first.position[None],
        first.salience[None],
        first.weight[None],
        first.present,
        rounds,
        recorded,
        boundary,
        policy,
        p,
        rng=rng,
    )[0]


def run_round(
    start: RoundStart,
    recorded: Sequence[Exchange] | None = None,
    boundary: Boundary = "keep",
    policy: Policy = "decide-parity",
    p: float = 0.0,
    *,
    rng: np.random.Generator,
) -> RoundResult:
    """Execute exchanges until no valid candidate remains: :func:`.round.play_round` on
    ``start``, through :func:`run_rounds` with one round.

    With ``policy="decide-parity"`` an exchange updates the candidates as the reference does
    (:mod:`.round`); with ``"full-recompute"`` every remaining candidate is worked out again
    from the current voting positions and outcomes. ``boundary`` says what becomes of a
    candidate at the outcome cap's boundary (:func:`.round.is_valid`). With ``p > 0`` every
    candidate's moves vary at random around equal gain each time it is worked out
    (:mod:`.randomized`), drawn from ``rng``. ``recorded`` replays the reference's choices
    (:mod:`.replay`).
    """
    replayed = None if recorded is None else {1: recorded}
    return run_rounds(start, 1, replayed, boundary, policy, p, rng=rng)[0].result
