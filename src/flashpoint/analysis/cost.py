"""How long a run will take and how much memory it needs, estimated before it starts from the
number of actors, issues and draws, so that a long run says so up front and one that cannot fit
in memory is refused with what would.

The estimates are fits to measurements on the 2-core development machine (one draw of random
scenarios of 100 to 400 actors and 5 to 10 issues, after compiling; see ``bench/cost.py``; and
Monte Carlo draws of the Korea scenario for the cost of a draw in a batch): the
expected utility model's time grows as ``actors^2.6 x issues`` (its compiled round; refitted on
6 December 2026), the spatial model's as ``actors^3``, the exchange model's as
``actors^2.7 x issues^2.9`` (its table of candidate exchanges, ``16 x actors^2 x issues^2``
bytes, is also what fills memory first). On that machine they come within 25% of the measured
times of runs over a second and within a factor of 2 of shorter ones (``python bench/cost.py``);
elsewhere they scale with the machine's speed, which is enough for a user to decide whether to
wait.
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
SHARE_OF_MEMORY = 0.8  # a run may use this share of the machine's memory

# per model: seconds = calls x per_call + draws x (per_draw + factor x actors^a x issues^i), a
# call running a block of up to BLOCK_SIZE draws (per_call: one draw's run less its sizes'
# terms, bench/cost.py; per_draw: Korea's Monte Carlo draws less theirs, bench/eum.py,
# bench/exchange.py and bench/smp.py, 6 December 2026)
_SECONDS = {
    "eum": (8.5e-4, 8e-5, 3.0e-8, 2.6, 1.0),
    "exchange": (5.6e-4, 5e-6, 4.3e-9, 2.7, 2.9),
    "smp": (2.3e-4, 3.5e-5, 1.7e-7, 3.0, 0.0),
}
_ONE_STEP = (0.0, 1e-5, 1e-7, 1.0, 1.0)  # compromise, median, Nash: vectorised and fast


@dataclass(frozen=True)
class Cost:
    """A run's estimated wall time (one core) and peak memory, and what it was estimated for
    (``parts``: the pieces run one by one, such as a backtest's proposals; ``actors``: the
    most of any)."""

    seconds: float
    bytes: float
    actors: int
    issues: int
    draws: int
    models: tuple[str, ...]
    parts: int = 1

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


def estimate(actors: int, issues: int, draws: int, models: Sequence[str]) -> Cost:
    """The cost of running ``models`` on ``draws`` draws (plus the stated values) of a
    scenario of ``actors`` x ``issues`` (see the module docstring)."""
    return estimate_parts([(actors, issues)], draws, models)


def estimate_parts(parts: Sequence[tuple[int, int]], draws: int, models: Sequence[str]) -> Cost:
    """The cost of running ``models`` on ``draws`` draws (plus the stated values) of each part
    ``(actors, issues)`` on its own, one after another (a backtest's proposals): their times
    add up; the memory is the largest part's, and every draw's forecasts of every issue."""
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
    return Cost(seconds, peak + kept, actors, issues, draws, tuple(models), len(parts))


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
        raise TooLarge(
            f"this run needs {cost.describe()}, more than this machine's"
            f" {_size(memory)} of memory: run fewer actors or issues, leave out {', '.join(heavy)}"
            " (--model), or run it on a Dask cluster of larger machines (--executor dask"
            " --scheduler ADDRESS)"
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
