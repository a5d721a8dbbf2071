"""Running the expected utility model: rounds until a limit or a repeat, for every draw and
issue, in chunks of bounded memory, with a log of every round (:class:`EUMLog`).

Every draw and issue is run with its actors in a canonical order (:func:`canonical_order`) and
reported in the listed order, so that the listing changes nothing, not even the rounding."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np

from flashpoint.engine.arrays import ScenarioArrays
from flashpoint.models.base import Trajectory
from flashpoint.models.compromise import weighted_mean
from flashpoint.models.eum.log import EUMLog
from flashpoint.models.eum.options import EUMOptions
from flashpoint.models.eum.round import Moved, Switches, play_round
from flashpoint.models.median import lower_weighted_median

# Elements per chunk of draws: bounds the record of every round that a chunk keeps.
_CHUNK_ELEMENTS = 1 << 21


@dataclass(frozen=True)
class _Run:
    """The rounds of one chunk of batch members: positions ``[round, member, actor]`` and the
    log's tables in the same layout, allocated for the maximum number of rounds (without
    ``events``, the actors' tables hold no round: only what the forecast needs is kept)."""

    positions: np.ndarray
    log: EUMLog

    @classmethod
    def empty(cls, rounds: int, batch: int, n: int, events: bool) -> _Run:
        shape = (rounds + 1, batch, n)
        kept = shape if events else (0, batch, n)
        log = EUMLog(
            risk=np.full(kept, np.nan),
            move=np.zeros(kept, dtype=np.int8),
            partner=np.full(kept, -1, dtype=np.int32),
            alpha=np.full(kept, np.nan),
            beta=np.full(kept, np.nan),
            offers=np.zeros((*kept, 3), dtype=np.int16),
            median=np.empty(shape[:2]),
            mean=np.empty(shape[:2]),
            repeat_round=np.full(batch, -1),
            cycle_length=np.zeros(batch, dtype=int),
        )
        return cls(np.empty(shape), log)

    def cut(self, rounds: int) -> _Run:
        """After ``rounds``, the rows repeat the last positions, median and mean."""
        for table in (self.positions, self.log.median, self.log.mean):
            table[rounds + 1 :] = table[rounds]
        return self

    def listed(self, order: np.ndarray, events: bool) -> _Run:
        """The run of actors in canonical order (``order[b, c]``: the listed actor run as the
        ``c``-th) with its actors back in the listed order and partners named as listed (without
        ``events``, the positions only: the actors' log is left as it is, unread)."""
        members = np.arange(len(order))[:, None]
        rows = np.argsort(order, axis=1)  # rows[b, a]: the row of the a-th listed actor

        def back(table: np.ndarray) -> np.ndarray:  # [round, member, row, ...] -> [..., actor, ...]
            return table[:, members, rows]

        log = self.log
        if not events:
            return _Run(back(self.positions), log)
        partner = back(log.partner)
        return _Run(
            back(self.positions),
            replace(
                log,
                risk=back(log.risk),
                move=back(log.move),
                partner=np.where(partner >= 0, order[members, partner], -1).astype(partner.dtype),
                alpha=back(log.alpha),
                beta=back(log.beta),
                offers=back(log.offers),
            ),
        )


def canonical_order(
    x0: np.ndarray, salience: np.ndarray, weight: np.ndarray, present: np.ndarray
) -> np.ndarray:
    """``order[b, c]``: the listed actor run as the ``c``-th in batch member ``b`` (one draw of
    one issue): the actors taking part first, then by weight, salience and initial position.

    Why. A round adds up numbers over actors: the votes in ``P`` and its denominator ``Z``
    (``docs/specs/eum.md`` §3.2), the dangers (§3.4), the mean. Added in the listed order, a sum's
    last bits depend on the listing, and the model can make much of them: an actor compromising
    towards others in steps ``|α|/β`` close to 1 moves by a difference of nearly equal numbers, and
    near a rival's position its votes, with a risk exponent of 0.5 (§3.4), are square roots of
    distances. One such run turned 1e-16 in round 1 into 1.1e-7 in the forecast. The reference
    programs (§1) add in listed order, and in a few of their runs that rounding alone put ``|α|`` on
    one side of ``β`` or the other; such differences, below 8.9e-16, are ties
    (:func:`~flashpoint.models.eum.round.classify_offer`), so every reference run still matches.

    How. The model reads an actor only through its position, salience, weight and whether it
    takes part, so sorting by these (as the SMP does, ``smp/listing.py``) runs the same problem
    the same way however it is listed. Actors alike in all of these keep their listed order, and
    swapping them changes no number either. The listing still decides what the tie rule leaves
    to it (``docs/specs/eum.md`` §5b C4: ties go to the actor listed first), so
    :func:`~flashpoint.models.eum.round.choose_moves` is told where each row is listed: with
    ``tie_break="first_listed"``, which of equally good offers is taken; with
    ``"lowest_position"`` (§3.1's recommendation), only which of the proposers at one position
    is named the partner of the same move.
    """
    return np.lexsort((x0, salience, weight, ~present), axis=-1)


def _run_chunk(
    x0: np.ndarray,
    s: np.ndarray,
    w: np.ndarray,
    present: np.ndarray,
    listed: np.ndarray,
    options: EUMOptions,
    events: bool,
) -> tuple[_Run, int]:
    """Run the rounds for a chunk of one-issue problems ``[member, actor]``, the actors in
    canonical order (``listed[b, c]``: where the ``c``-th is listed); also return the number of
    rounds run. Each round's moves are made in compiled code (:func:`~.round.play_round`), its
    medians, means and repeats here.

    With ``stop_at_repeat`` a member whose positions repeat is frozen from then on, and the
    chunk stops when every member is frozen; so a member's numbers never depend on the others.
    """
    batch, n = x0.shape
    low = np.where(present, x0, np.inf).min(axis=1)
    high = np.where(present, x0, -np.inf).max(axis=1)
    span = np.where(high > low, high - low, 1.0)
    switches = Switches.of(options)
    run = _Run.empty(options.rounds, batch, n, events)
    log = run.log
    run.positions[0] = x0
    log.median[0] = lower_weighted_median(x0, w, present)
    log.mean[0] = weighted_mean(x0, w, present)
    last = 0
    for round_ in range(1, options.rounds + 1):
        for table in (run.positions, log.median, log.mean):
            table[round_] = table[round_ - 1]
        live: slice | np.ndarray = slice(None)
        if options.stop_at_repeat:
            live = np.flatnonzero(log.repeat_round < 0)
            if live.size == 0:
                break
            if live.size == batch:
                live = slice(None)
        last = round_
        x, weight, here = run.positions[round_ - 1, live], w[live], present[live]
        moved = Moved.empty(len(x), n)
        play_round(
            x, s[live], weight, here, span[live], log.median[round_ - 1, live], listed[live],
            switches, moved,
        )  # fmt: skip
        run.positions[round_, live] = moved.position
        log.median[round_, live] = lower_weighted_median(moved.position, weight, here)
        log.mean[round_, live] = weighted_mean(moved.position, weight, here)
        if events:
            log.risk[round_, live] = moved.risk
            log.move[round_, live] = moved.move
            log.partner[round_, live] = moved.partner
            log.alpha[round_, live] = moved.alpha
            log.beta[round_, live] = moved.beta
            log.offers[round_, live] = moved.offers
        same = np.all(run.positions[:round_, live] == moved.position, axis=2)
        members = np.arange(batch)[live]
        first = (log.repeat_round[members] < 0) & same.any(axis=0)
        log.repeat_round[members[first]] = round_
        log.cycle_length[members[first]] = round_ - same.argmax(axis=0)[first]
    return run.cut(last).listed(listed, events), last


def _chunk_size(n: int, rounds: int) -> int:
    """Batch members per chunk: about ``_CHUNK_ELEMENTS`` numbers in the chunk's record of every
    round (the compiled round works in two n x n matrices for the whole chunk)."""
    return max(1, _CHUNK_ELEMENTS // (8 * (rounds + 1) * n))


def run(
    arrays: ScenarioArrays, options: EUMOptions, rng: np.random.Generator, events: bool = True
) -> Trajectory:
    """Run the expected utility model on every draw and issue of ``arrays``; the trajectory's
    ``events`` is the run's :class:`EUMLog` (None without ``events``)."""
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
    order = canonical_order(x0, s, w, present)
    x0, s, w, present = (np.take_along_axis(t, order, axis=1) for t in (x0, s, w, present))
    size = _chunk_size(n, options.rounds)
    chunks = [
        _run_chunk(
            x0[k : k + size], s[k : k + size], w[k : k + size], present[k : k + size],
            order[k : k + size], options, events,
        )
        for k in range(0, batch, size)
    ]  # fmt: skip
    rounds = max(last for _, last in chunks)

    def gather(parts: list[np.ndarray]) -> np.ndarray:
        """Chunks' ``[round, member, ...]`` -> ``[round, draw, actor, issue, ...]`` (or
        ``[round, draw, issue]``); ``[member]`` -> ``[draw, issue]``."""
        if parts[0].ndim == 1:
            return np.concatenate(parts).reshape(draws, issues)
        table = np.concatenate([part[: rounds + 1] for part in parts], axis=1)
        table = table.reshape(rounds + 1, draws, issues, *table.shape[2:])
        return np.moveaxis(table, 2, 3) if table.ndim > 3 else table

    kept = [field.name for field in fields(EUMLog)]
    if not events:  # what the forecast needs
        kept = ["median", "repeat_round", "cycle_length"]
    log = {name: gather([getattr(r.log, name) for r, _ in chunks]) for name in kept}
    positions = np.where(arrays.present, gather([r.positions for r, _ in chunks]), np.nan)
    final = None
    if options.forecast == "cycle_mean":
        final = _cycle_mean(log["median"], log["repeat_round"], log["cycle_length"])
    return Trajectory(
        positions=positions,
        outcome=log["median"],
        events=EUMLog(**log) if events else None,
        final=final,
    )


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
