"""A progress bar for long runs: shown on the terminal (stderr) once a run has taken more than a
second, with the work done out of the total and the time left."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)

from flashpoint.analysis.progress import Progress as ProgressCallback

SHOW_AFTER = 1.0  # seconds


@contextmanager
def progress_bar(console: Console, label: str) -> Iterator[ProgressCallback]:
    """A ``progress(done, total)`` callback (:mod:`flashpoint.analysis.progress`) that draws a
    bar of ``label`` on ``console``, from ``SHOW_AFTER`` seconds after the run reports its
    total until the ``with`` block ends."""
    bar = Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("time left"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )
    task: TaskID | None = None
    timer: threading.Timer | None = None
    lock = threading.Lock()
    shown = False

    def show() -> None:
        nonlocal shown
        with lock:
            if not shown:
                bar.start()
                shown = True

    def report(done: int, total: int) -> None:
        nonlocal task, timer
        if task is None:
            task = bar.add_task(label, total=total)
            timer = threading.Timer(SHOW_AFTER, show)
            timer.daemon = True
            timer.start()
        bar.update(task, completed=done, total=total)

    try:
        yield report
    finally:
        if timer is not None:
            timer.cancel()
        with lock:
            if shown:
                bar.stop()
            shown = True  # a timer that fires late starts nothing
