"""A progress bar for long runs: shown on the terminal (stderr) once a run has taken more than a
second, with the draws done and the time left."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

SHOW_AFTER = 1.0  # seconds


@contextmanager
def draws_progress(draws: int, console: Console) -> Iterator[Callable[[int], None] | None]:
    """A callback to report finished draws to (None for a run of one draw)."""
    if draws <= 1:
        yield None
        return
    started = time.perf_counter()
    bar = Progress(
        TextColumn("Monte Carlo draws"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("time left"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )
    task = bar.add_task("draws", total=draws)
    shown = False

    def advance(done: int) -> None:
        nonlocal shown
        bar.advance(task, done)
        if not shown and time.perf_counter() - started > SHOW_AFTER:
            bar.start()
            shown = True

    try:
        yield advance
    finally:
        if shown:
            bar.stop()
