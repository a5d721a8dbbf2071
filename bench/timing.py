"""Timing helper shared by the benchmarks."""

from __future__ import annotations

import time
from collections.abc import Callable


def best_of(function: Callable[[], object], repeat: int, warm_up: bool = False) -> float:
    """The best wall time of ``repeat`` calls, in seconds (after an untimed call if ``warm_up``).
    The machine's cores are shared, so single runs vary; the best is the least disturbed."""
    if warm_up:
        function()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)
