"""Progress of a run, reported to the caller as ``progress(done, total)``.

Every analysis knows its total before it starts (draws for a forecast, draws of every variant
for a comparison, model runs for a sensitivity analysis) and reports it first with ``done`` 0,
then after each finished chunk of work, so no front has to work a total out, and the last call
has ``done == total``.
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[int, int], None]


class Tally:
    """Counts work towards ``total`` and reports each step to ``progress`` (if any)."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress = progress
        self.total = total
        self.done = 0
        if progress is not None:
            progress(0, total)

    def counter(self, weight: int = 1) -> Callable[[int], None] | None:
        """A callback for :func:`flashpoint.engine.executors.run_blocks`, which reports the
        draws of each finished chunk: each counts ``weight`` units (e.g. the variants or the
        models run on it). None when nobody listens."""
        if self.progress is None:
            return None
        return lambda draws: self.add(draws * weight)

    def add(self, units: int) -> None:
        self.done += units
        if self.progress is not None:
            self.progress(self.done, self.total)
