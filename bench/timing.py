"""Timing helper shared by the benchmarks."""

from __future__ import annotations

import time
from collections.abc import Callable


def wall_time(function: Callable[[], object]) -> float:
    """The wall time of one call, in seconds."""
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def best_of(function: Callable[[], object], repeat: int, warm_up: bool = False) -> float:
    """The best wall time of ``repeat`` calls, in seconds (after an untimed call if ``warm_up``).
    The machine's cores are shared, so single runs vary; the best is the least disturbed."""
    if warm_up:
        function()
    return min(wall_time(function) for _ in range(repeat))
