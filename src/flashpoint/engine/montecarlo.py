"""Monte Carlo runs of models over draws of a scenario's uncertain inputs, in blocks that give
the same numbers whatever runs them.

The draws are cut into blocks of ``block_size`` (the last may be shorter). Block ``k`` has its
own random streams (:func:`~flashpoint.engine.seeding.named_stream` with place ``k``) for the
inputs (``"inputs"``) and for each model (its name), so a block's draws and each model's results on
them depend only on the seed, the block and the block size: not on which process or machine
runs it, nor on how blocks are grouped into chunks. Results come back in block order. A short
last block runs the first draws of a full block, so a run of more draws extends one of fewer
(for models that, like every model here, draw their random numbers draw after draw).

Executors: ``serial`` (this process) and ``process`` (a pool of worker processes, blocks sent in
chunks).
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np

from flashpoint.engine.arrays import ScenarioArrays
from flashpoint.engine.sampling import sample_arrays
from flashpoint.engine.seeding import named_stream
from flashpoint.models.registry import get_model
from flashpoint.scenario.schema import Scenario

BLOCK_SIZE = 250
Executor = Literal["serial", "process"]


@dataclass(frozen=True)
class MonteCarlo:
    """What every block of a run needs: the scenario, the models with their options, the seed,
    the input jitter and the block size. It is sent as is to worker processes."""

    scenario: Scenario
    models: tuple[tuple[str, dict[str, Any]], ...]
    seed: int = 0
    jitter: float = 0.0
    block_size: int = BLOCK_SIZE
    issues: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        if self.block_size < 1:
            raise ValueError(f"block_size must be 1 or more, not {self.block_size}")
        object.__setattr__(self, "issues", tuple(issue.id for issue in self.scenario.issues))

    def sizes(self, draws: int) -> list[int]:
        """The number of draws in each block of a run of ``draws`` draws."""
        if draws < 1:
            raise ValueError(f"draws must be 1 or more, not {draws}")
        full, rest = divmod(draws, self.block_size)
        return [self.block_size] * full + ([rest] if rest else [])

    def run_block(self, block: int, size: int) -> dict[str, np.ndarray]:
        """Block ``block``'s draws and each model's forecast on them, ``[draw, issue]``."""
        # a short last block takes the first draws of a full one, so more draws extend a run
        full = sample_arrays(
            self.scenario,
            self.block_size,
            named_stream(self.seed, "inputs", block),
            jitter=self.jitter,
        )
        arrays = full if size == self.block_size else _first(full, size)
        return {
            name: get_model(name)(arrays, options, named_stream(self.seed, name, block)).forecast
            for name, options in self.models
        }


def _first(arrays: ScenarioArrays, size: int) -> ScenarioArrays:
    return replace(
        arrays,
        position=arrays.position[:size],
        salience=arrays.salience[:size],
        capability=arrays.capability[:size],
    )


def _run_chunk(run: MonteCarlo, blocks: Sequence[tuple[int, int]]) -> list[dict[str, np.ndarray]]:
    return [run.run_block(block, size) for block, size in blocks]


def run_draws(
    run: MonteCarlo,
    draws: int,
    *,
    executor: Executor = "serial",
    workers: int | None = None,
    chunk_blocks: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict[str, np.ndarray]:
    """Each model's forecast on every draw, ``[draw, issue]`` in draw order.

    ``process`` runs chunks of ``chunk_blocks`` blocks (default: about four chunks per worker)
    on ``workers`` processes (default: one per core). The numbers do not depend on either.
    ``progress`` is called with the number of draws each finished chunk ran. On an interrupt
    (Ctrl-C) the chunks not started are cancelled and the interrupt goes on.
    """
    blocks = list(enumerate(run.sizes(draws)))
    if executor not in ("serial", "process"):
        raise ValueError(f"unknown executor '{executor}' (executors: serial, process)")
    workers = workers or _cores()
    if executor == "serial":
        per_chunk = chunk_blocks or 1
    else:
        per_chunk = chunk_blocks or max(1, math.ceil(len(blocks) / (4 * workers)))
    chunks = [blocks[k : k + per_chunk] for k in range(0, len(blocks), per_chunk)]
    done: dict[int, list[dict[str, np.ndarray]]] = {}

    def finished(number: int, results: list[dict[str, np.ndarray]]) -> None:
        done[number] = results
        if progress is not None:
            progress(sum(size for _, size in chunks[number]))

    if executor == "serial":
        for number, chunk in enumerate(chunks):
            finished(number, _run_chunk(run, chunk))
    else:
        pool = ProcessPoolExecutor(max_workers=workers)
        try:
            pending = {pool.submit(_run_chunk, run, chunk): n for n, chunk in enumerate(chunks)}
            for future in as_completed(pending):
                finished(pending[future], future.result())
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    results = [part for number in range(len(chunks)) for part in done[number]]
    return {name: np.concatenate([part[name] for part in results]) for name, _ in run.models}


def _cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1
