"""A progress bar for long runs: shown on the terminal (stderr) once a run has taken more than a
second, with the draws done and the time left."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

SHOW_AFTER = 1.0  # seconds


@contextmanager
def draws_progress(
    draws: int | None, console: Console, label: str = "Monte Carlo draws"
) -> Iterator[Callable[[int], None] | None]:
    """A callback to report finished draws to (None for a run of one draw). With ``draws``
    None the total is not known in advance: the bar shows the count and the time taken."""
    if draws is not None and draws <= 1:
        yield None
        return
    started = time.perf_counter()
    bar = Progress(
        TextColumn(label),
        BarColumn(),
        *(
            (MofNCompleteColumn(), TextColumn("time left"), TimeRemainingColumn())
            if draws is not None
            else (TextColumn("{task.completed:,.0f} done"), TimeElapsedColumn())
        ),
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
