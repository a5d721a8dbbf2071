"""How long a run will take and how much memory it needs, estimated before it starts from the
number of actors, issues and draws, so that a long run says so up front and one that cannot fit
in memory is refused with what would.

The estimates are fits to measurements on the 2-core development machine, each model alone on
one core (``python bench/cost.py --fit``, 8 December 2026): one draw of random scenarios of 100
to 400 actors and 5 to 10 issues, and the models' share of Korea's Monte Carlo draws, of the DEU
backtest and of a backtest on 180 made-up decisions of 30 actors. The expected utility model's
time grows as ``actors^2.7 x issues`` (its compiled rounds), the spatial model's as
``actors^3.2``, the exchange model's as ``actors^2.9 x issues^3.3`` (its table of candidate
exchanges, ``16 x actors^2 x issues^2`` bytes, is also what fills memory first). On that machine
each comes within a factor of 1.28 of every measurement of its table either way
(tests/test_cost.py holds them to 1.3; two runs of the same measurement differ by as much there:
the spatial model's DEU backtest took 8.5 to 14.0 s); elsewhere they scale with the machine's
speed, which drifts here too (the one-draw runs an earlier fit came within 25% of on 6 December
took 1.9 to 2.8 times as long on 8 December), and that is enough for a user to decide whether to
wait. A command's estimate adds what it does besides its models' draws (:data:`START`) and
shares the models' time among the processes that run its blocks
(:func:`flashpoint.engine.executors.processes`); ``python bench/waits.py`` prints each command's
time beside its estimate.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass

from flashpoint.analysis.montecarlo import BLOCK_SIZE, STREAMED_ABOVE
from flashpoint.scenario.notices import Notices
from flashpoint.scenario.words import duration

LONG = 20.0  # seconds: a run estimated to take longer is announced
# What a command takes besides its models' draws, on the 2-core development machine (8 December
# 2026): a forecast starting, loading the compiled models and writing its bottom line (Korea with
# one draw: 2.9-3.9 s, ``time flashpoint forecast korea-2018 --draws 1 --no-store``); a backtest
# also sets up and scores each proposal here and fits its recommendation by cross-validation
# (the DEU backtest took 16.1-17.5 s, of which its models' estimate on two processes is 9.3 s).
START = 3.0
BACKTEST_START = 7.0
SHARE_OF_MEMORY = 0.8  # a run may use this share of the machine's memory

# per model: seconds = calls x per_call + draws x (per_draw + factor x actors^a x issues^i), a
# call running a block of up to BLOCK_SIZE draws; fitted by ``python bench/cost.py --fit`` to
# tests/data/cost/measured.csv (8 December 2026): one draw of random scenarios of 100 to 400
# actors, and the models' share of Korea's draws, the DEU backtest and 180 made-up decisions
# of 30 actors (per_call also holds a backtest's work on each proposal)
_SECONDS = {
    "eum": (0.0155, 8.38e-05, 3.27e-08, 2.691, 1.0),
    "exchange": (0.0115, 0.000131, 6.05e-10, 2.919, 3.304),
    "smp": (0.0, 4.69e-05, 1.92e-07, 3.182, 0.0),  # its fixed cost a call: fitted to none
}
_ONE_STEP = (0.0, 1e-5, 1e-7, 1.0, 1.0)  # compromise, median, Nash: vectorised and fast


@dataclass(frozen=True)
class Cost:
    """A run's estimated wall time and peak memory, and what it was estimated for (``parts``:
    the pieces run one by one, such as a backtest's proposals; ``actors``: the most of any).
    The time is ``start`` (what the command does besides its models' draws: starting,
    loading the compiled models, the bottom line) and the models' time on one core,
    ``model_seconds``, shared by ``processes`` processes."""

    model_seconds: float
    bytes: float
    actors: int
    issues: int
    draws: int
    models: tuple[str, ...]
    parts: int = 1
    processes: int = 1
    start: float = 0.0
    needed: tuple[str, ...] = ()  # the models it runs whichever are asked for (the headline's)

    @property
    def seconds(self) -> float:
        """The estimated wall time."""
        return self.start + self.model_seconds / self.processes

    def describe(self) -> str:
        """The estimate in words, e.g. "about 3 minutes (2,000 actors x 50 issues, ...)"."""
        size = f"{self.actors:,} actors x {self.issues:,} issues"
        if self.parts > 1:
            size = f"{self.issues:,} issues in {self.parts:,} parts of up to {self.actors:,} actors"
        return (
            f"about {duration(self.seconds)} and {_size(self.bytes)} of memory"
            f" ({size}, {self.draws:,} draw{'s' if self.draws != 1 else ''},"
            f" {', '.join(self.models)})"
        )


def estimate(
    actors: int,
    issues: int,
    draws: int,
    models: Sequence[str],
    *,
    processes: int = 1,
    start: float = 0.0,
    needed: Sequence[str] = (),
) -> Cost:
    """The cost of running ``models`` on ``draws`` draws (plus the stated values) of a
    scenario of ``actors`` x ``issues`` on ``processes`` processes, after ``start`` seconds
    (see the module docstring and :class:`Cost`); ``needed``: models that run too whichever
    ``models`` are (the headline forecast's)."""
    return estimate_parts(
        [(actors, issues)], draws, models, processes=processes, start=start, needed=needed
    )


def estimate_parts(
    parts: Sequence[tuple[int, int]],
    draws: int,
    models: Sequence[str],
    *,
    processes: int = 1,
    start: float = 0.0,
    needed: Sequence[str] = (),
) -> Cost:
    """The cost of running ``models`` (and ``needed``, see :func:`estimate`) on ``draws``
    draws (plus the stated values) of each part ``(actors, issues)`` on its own (a backtest's
    proposals), on ``processes`` processes after ``start`` seconds: the parts' times add up;
    the memory is the largest part's, and every draw's forecasts of every issue."""
    models = list(models) + [model for model in needed if model not in models]
    runs = draws + 1
    calls = 1 + -(-draws // BLOCK_SIZE)  # the stated values, then the blocks of draws
    block = min(runs, BLOCK_SIZE)  # draws run together
    seconds, peak = 0.0, 0.0
    for actors, issues in parts:
        for model in models:
            per_call, per_draw, factor, a, i = _SECONDS.get(model, _ONE_STEP)
            seconds += calls * per_call + runs * (per_draw + factor * actors**a * issues**i)
        memory = {
            "exchange": 16.0 * actors**2 * issues**2,
            "eum": 8.0 * actors**2 * issues * (18 + 2.3 * block),
            "smp": 16.0 * actors**2 * issues * block,
        }
        peak = max(peak, max((memory.get(model, 0.0) for model in models), default=0.0))
    issues = sum(count for _, count in parts)
    # each draw's forecasts, kept for the summaries up to STREAMED_ABOVE draws (then summed up)
    kept = 32.0 * min(runs, STREAMED_ABOVE) * len(models) * issues
    actors = max((count for count, _ in parts), default=0)
    return Cost(
        seconds,
        peak + kept,
        actors,
        issues,
        draws,
        tuple(models),
        len(parts),
        processes,
        start,
        tuple(needed),
    )


def machine_memory() -> float | None:
    """The machine's physical memory in bytes, where the system says (None otherwise)."""
    try:
        return float(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, ValueError, OSError):
        return None


class TooLarge(ValueError):
    """A run that cannot fit in this machine's memory (the message says what would)."""


def check(cost: Cost) -> None:
    """Refuse a run whose memory estimate exceeds the machine's (:data:`SHARE_OF_MEMORY`),
    saying what would fit; announce a long one to whoever listens (:func:`on_long_run`)."""
    memory = machine_memory()
    if memory is not None and cost.bytes > SHARE_OF_MEMORY * memory:
        heavy = [m for m in cost.models if m in _SECONDS]
        optional = [m for m in heavy if m not in cost.needed]
        ways = ["run fewer actors or issues"]
        if optional:
            ways.append(f"leave out {', '.join(optional)} (--model)")
        ways.append(
            "run it on a Dask cluster of larger machines (--executor dask --scheduler ADDRESS)"
        )
        why = ""
        if len(optional) < len(heavy):
            kept = ", ".join(m for m in cost.needed if m in _SECONDS)
            why = f" (the headline forecast runs {kept} whichever models are asked for)"
        raise TooLarge(
            f"this run needs {cost.describe()}, more than this machine's {_size(memory)} of"
            f" memory{why}: {', '.join(ways[:-1])}, or {ways[-1]}"
        )
    if cost.seconds > LONG:
        _LONG_RUNS.tell(cost)


_LONG_RUNS: Notices[Cost] = Notices()


def on_long_run(listener: Callable[[Cost], None]) -> AbstractContextManager[None]:
    """Call ``listener(cost)`` for each run estimated to take over :data:`LONG` seconds that
    starts inside this block (the command line prints the estimate)."""
    return _LONG_RUNS.listening(listener)


def _size(count: float) -> str:
    if count < 2**30:
        return f"{count / 2**20:,.0f} MB"
    return f"{count / 2**30:,.1f} GB"
