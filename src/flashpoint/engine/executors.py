"""Where blocks of draws run: in this process, on a pool of worker processes, or on a Dask
cluster.

A *task* is any picklable object with ``run_block(block, size)`` and ``merge(parts)`` (and
optionally ``fold``: :func:`run_chunk`). A
block's result must depend only on the block's number and size (each block seeds its own random
streams). ``merge`` joins the results of consecutive blocks, in block order, into their result
together (for arrays of draws: concatenation); it must be associative. A worker merges its
chunk's blocks before sending them back (one array per model instead of one per block, which
costs less to send and to receive), and the chunks' results are merged in block order, so the
result does not depend on the executor, the number of workers or how blocks are grouped into
chunks.
"""

from __future__ import annotations

import logging
import math
import multiprocessing
import os
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed, wait
from typing import Any, Literal, Protocol

from flashpoint.engine import interrupts
from flashpoint.extras import require

Executor = Literal["auto", "serial", "process", "dask"]
EXECUTORS: tuple[str, ...] = ("auto", "serial", "process", "dask")
AUTO_PROCESS_BLOCKS = 4  # "auto" runs this many blocks or more on a process pool
CHUNK_BLOCKS = 4  # blocks sent to a worker at once, at most: progress and Ctrl-C come between
STOP_WAIT = 5.0  # seconds a stopped run's workers have to end their blocks (then: terminated)


CONNECT_TIMEOUT = "10s"
WORKER_SWITCH_INTERVAL = 0.05  # seconds; see local_cluster
# How often a local cluster's scheduler and workers wake for housekeeping (local_cluster).
_HOUSEKEEPING = {
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "1s",
    "distributed.worker.memory.monitor-interval": "500ms",
}
# What Dask sets in its workers' environment and a local cluster here leaves unset (local_cluster).
_DASK_WORKER_ENVIRON = (
    "MALLOC_TRIM_THRESHOLD_",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
)


class SchedulerUnreachable(RuntimeError):
    """The Dask scheduler given could not be reached."""


class BlockTask(Protocol):
    def run_block(self, block: int, size: int) -> Any: ...

    def merge(self, parts: Sequence[Any]) -> Any: ...


def run_blocks(
    task: BlockTask,
    sizes: Sequence[int],
    *,
    executor: Executor = "auto",
    workers: int | None = None,
    chunk_blocks: int | None = None,
    scheduler: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> Any:
    """The result of every block ``k``, ``task.run_block(k, sizes[k])``, merged in block order.

    ``auto`` (the default) is ``process`` for runs of ``AUTO_PROCESS_BLOCKS`` blocks or more
    on a machine with more than one core, else ``serial``. ``serial`` runs one block at a time
    here. ``process`` sends chunks of ``chunk_blocks``
    blocks (default: about four chunks per worker) to ``workers`` processes (default: one per
    core). ``dask`` sends the same chunks to the Dask cluster at ``scheduler``
    (``tcp://host:port``), or without one to a local cluster of ``workers`` single-threaded
    worker processes started for the run. ``progress`` is called with the number of draws of
    each finished chunk (of at most :data:`CHUNK_BLOCKS` blocks unless ``chunk_blocks`` says).
    On an interrupt (Ctrl-C) the chunks not yet run are cancelled, the workers of a process
    pool are stopped, and the interrupt goes on; one that comes while a block runs in this
    process is taken at the block's end (:mod:`flashpoint.engine.interrupts`).
    """
    with interrupts.between_blocks():
        return _run_blocks(task, sizes, executor, workers, chunk_blocks, scheduler, progress)


def _run_blocks(
    task: BlockTask,
    sizes: Sequence[int],
    executor: Executor,
    workers: int | None,
    chunk_blocks: int | None,
    scheduler: str | None,
    progress: Callable[[int], None] | None,
) -> Any:
    if executor not in EXECUTORS:
        raise ValueError(f"unknown executor '{executor}' (executors: {', '.join(EXECUTORS)})")
    if scheduler is not None and executor != "dask":
        raise ValueError("a scheduler address is for the dask executor (--executor dask)")
    blocks = list(enumerate(sizes))
    workers = workers or cores()
    if workers < 1:
        raise ValueError(f"workers must be 1 or more, not {workers}")
    if executor == "auto":
        executor = "process" if processes("auto", workers, len(blocks)) > 1 else "serial"
    here: list[list[tuple[int, int]]] = []
    if executor != "serial" and len(blocks) > 1:
        # The first draw of the first block runs here before any worker starts: whatever the
        # models need compiled is compiled once, in this process (where a notice can say so),
        # and the workers load it from numba's cache (or inherit it) instead of each compiling
        # it again, silently. Then the first block runs here while the workers run the others
        # (this process would otherwise wait). Blocks merge in block order, so where a block
        # runs changes no number.
        interrupts.run_block(lambda: task.run_block(0, 1))
        here, blocks = [blocks[:1]], blocks[1:]
    if executor == "serial":
        per_chunk = chunk_blocks or 1
    else:
        per_chunk = chunk_blocks or max(
            1, min(CHUNK_BLOCKS, math.ceil(len(blocks) / (4 * workers)))
        )
    chunks = here + [blocks[k : k + per_chunk] for k in range(0, len(blocks), per_chunk)]
    done: dict[int, Any] = {}

    def finished(number: int, results: Any) -> None:
        done[number] = results
        if progress is not None:
            progress(sum(size for _, size in chunks[number]))

    local = len(chunks) if executor == "serial" else len(here)  # the chunks run here

    def run_here() -> None:
        for number in range(local):
            finished(number, run_chunk(task, chunks[number]))

    if executor == "serial":
        run_here()
    elif executor == "process":
        stopping = multiprocessing.get_context().Event()
        pool = ProcessPoolExecutor(workers, initializer=_start_worker, initargs=(stopping,))
        pending: dict[Future, int] = {}
        try:
            pending = {
                pool.submit(run_chunk, task, chunk): n
                for n, chunk in enumerate(chunks)
                if n >= local
            }
            run_here()
            for future in as_completed(pending):
                finished(pending[future], future.result())
        except BaseException:
            _stop(pool, stopping, list(pending))
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    elif executor == "dask":
        _run_on_dask(task, chunks, local, workers, scheduler, finished, run_here)
    return task.merge([done[number] for number in range(len(chunks))])


class Stopped(Exception):
    """Raised in a pool's worker instead of running the next block of a run being stopped."""


_STOPPING: Any = None  # in a pool's worker: the event that says its run is being stopped


def _start_worker(stopping: Any) -> None:
    global _STOPPING
    _STOPPING = stopping


def processes(executor: Executor, workers: int | None, blocks: int) -> int:
    """How many processes run a run of ``blocks`` blocks at once: one for ``serial``, and for
    ``auto`` below :data:`AUTO_PROCESS_BLOCKS` blocks or on one core (the rule of
    :func:`run_blocks`); else ``workers`` (default: one per core), at most one per block."""
    workers = workers or cores()
    if executor == "serial" or blocks < 2:
        return 1
    if executor == "auto" and (blocks < AUTO_PROCESS_BLOCKS or workers < 2):
        return 1
    return min(workers, blocks)


def _stop(pool: ProcessPoolExecutor, stopping: Any, futures: list[Future]) -> None:
    """Stop a pool's run (on Ctrl-C, or when a chunk failed): chunks not started are cancelled,
    and each running one stops before its next block (``stopping``), so that a Ctrl-C ends the
    run within about a block's time instead of the rest of its chunk's. A worker still running
    after :data:`STOP_WAIT` seconds (or a second Ctrl-C) is terminated. Workers are not
    terminated first: one terminated while it sends its result back leaves the pool waiting
    for the rest of that result for ever (seen once in a few dozen Ctrl-Cs). The pool keeps
    its processes in a private attribute; without it, the shutdown waits."""
    stopping.set()
    for future in futures:
        future.cancel()
    try:
        wait(futures, timeout=STOP_WAIT)
    except KeyboardInterrupt:
        pass
    if not all(future.done() for future in futures):
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.terminate()


def run_chunk(task: BlockTask, blocks: Sequence[tuple[int, int]]) -> Any:
    """Run a chunk of ``(block, size)`` pairs in turn, and merge their results: all at once, or
    for a task that says its results ``fold`` (sums of a fixed size), each into the sum of those
    before it as it comes, so that a chunk holds one result however many blocks it runs. In a
    pool's worker, a run that is being stopped (:func:`_stop`) raises :class:`Stopped` before
    its next block; in this process, Ctrl-C is taken between blocks (:mod:`.interrupts`)."""

    def one(block: int, size: int) -> Any:
        if _STOPPING is not None and _STOPPING.is_set():
            raise Stopped
        return interrupts.run_block(lambda: task.run_block(block, size))

    if not getattr(task, "fold", False):
        return task.merge([one(block, size) for block, size in blocks])
    total = None
    for block, size in blocks:
        result = one(block, size)
        total = result if total is None else task.merge([total, result])
    return total


def _run_on_dask(
    task: BlockTask,
    chunks: list[list[tuple[int, int]]],
    start: int,
    workers: int,
    scheduler: str | None,
    finished: Callable[[int, Any], None],
    meanwhile: Callable[[], None],
) -> None:
    """Run the chunks from number ``start`` on a Dask cluster: the task is scattered to every
    worker once, and each chunk is one Dask task (not cached: ``pure=False``); ``meanwhile()``
    runs here once they are sent."""
    distributed = require("dask.distributed", "distributed", "the dask executor")
    cluster = None
    if scheduler is None:
        cluster = local_cluster(workers)
    try:
        client = _connect(distributed.Client, cluster if cluster is not None else scheduler)
        with client:
            shared = client.scatter(task, broadcast=True)
            futures = [
                client.submit(run_chunk, shared, chunk, pure=False) for chunk in chunks[start:]
            ]
            number = {future.key: start + n for n, future in enumerate(futures)}
            try:
                meanwhile()
                for future, results in distributed.as_completed(futures, with_results=True):
                    finished(number[future.key], results)
            except BaseException:
                client.cancel(futures)
                raise
    finally:
        if cluster is not None:
            cluster.close()


def local_cluster(workers: int) -> Any:
    """A local Dask cluster of ``workers`` single-threaded worker processes, without the
    dashboard, set up for numpy work in Python:

    - its workers start with the environment of a plain process: Dask sets
      ``MALLOC_TRIM_THRESHOLD_`` for its workers, which also fixes glibc's mmap threshold, so
      every array above 128 KiB is mapped and unmapped afresh (a block of draws ran about 1.7
      times slower), and limits numpy's BLAS to one thread;
    - the workers' statistical profiler, which interrupts the running task every 10 ms to
      sample its stack, is off;
    - housekeeping wakes less often (``_HOUSEKEEPING``): the event-loop health tick every
      second instead of every 20 ms, the system monitor every second, the memory monitor
      every 500 ms. An idle cluster of two workers then uses 0.14 s of CPU in 10 s instead of
      1.1 s, which on a small machine is taken from the workers while they run;
    - a worker's thread switch interval is ``WORKER_SWITCH_INTERVAL`` (Python's is 5 ms): a
      task shares the interpreter lock with the worker's event loop, and numpy releases it on
      every large operation, so with short turns the task kept waiting to get it back;
    - its processes log only critical messages: a worker's heartbeat that meets the scheduler
      closing at the end of a run logs an error with a traceback, which is noise; what goes
      wrong in a run comes back to the caller as an exception.
    """
    dask = require("dask", "distributed", "the dask executor")
    distributed = require("dask.distributed", "distributed", "the dask executor")
    settings = {
        **{f"distributed.nanny.pre-spawn-environ.{name}": None for name in _DASK_WORKER_ENVIRON},
        "distributed.worker.profile.enabled": False,
        **_HOUSEKEEPING,
    }
    with dask.config.set(settings):
        cluster = distributed.LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            scheduler_kwargs={"dashboard": False},
            silence_logs=logging.CRITICAL,
        )
    with distributed.Client(cluster) as client:
        client.run(sys.setswitchinterval, WORKER_SWITCH_INTERVAL)
    return cluster


def _connect(client: Any, target: Any) -> Any:
    """A Dask client of a cluster or scheduler address; an address that does not answer in
    ``CONNECT_TIMEOUT`` is a :class:`SchedulerUnreachable`."""
    try:
        return client(target, timeout=CONNECT_TIMEOUT)
    except OSError as error:
        raise SchedulerUnreachable(
            f"could not reach the Dask scheduler at {target} ({error}); start one with"
            " 'dask scheduler' and workers with 'dask worker ADDRESS', or leave out --scheduler"
            " to start a local cluster"
        ) from None


def cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1
