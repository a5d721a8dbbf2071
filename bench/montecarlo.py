"""Benchmark: Monte Carlo forecasts (issue #6).

Run on demand (not part of the test suite):  python bench/montecarlo.py [--quick]

1. The Korea default, 10,000 draws of every registered model, on 2 worker processes (and
   serially): wall time and the peak memory of the whole process tree (this process and its
   workers, summed, sampled every 20 ms from /proc).
2. A 1,000,000-draw sweep of the numpy models (compromise, median, Nash) with 5% jitter:
   serially, on a pool of 2 processes, and through Dask with 2 single-threaded workers (on a
   running local cluster, and counting the cluster's start). The Dask speed-up is compared
   with the process pool's, measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from timing import best_of  # bench/ is on the path when this file is run

import flashpoint
from flashpoint.engine.executors import local_cluster
from flashpoint.engine.montecarlo import MonteCarlo, run_draws

SWEEP_MODELS = (("compromise", {}), ("median", {}), ("nash", {}))


def tree_rss(pid: int) -> int:
    """Resident memory of a process and all its descendants, in bytes (Linux /proc)."""
    total = 0
    stack = [pid]
    while stack:
        current = stack.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += (
                next(
                    int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS")
                )
                * 1024
            )
            for task in Path(f"/proc/{current}/task").iterdir():
                children = (task / "children").read_text().split()
                stack.extend(int(child) for child in children)
        except (FileNotFoundError, ProcessLookupError, StopIteration):
            continue
    return total


def measured(work: Callable[[], object]) -> tuple[float, int]:
    """Wall time of ``work`` and the peak resident memory of the process tree meanwhile."""
    peak = 0
    running = True

    def sample() -> None:
        nonlocal peak
        while running:
            peak = max(peak, tree_rss(os.getpid()))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    work()
    elapsed = time.perf_counter() - started
    running = False
    sampler.join()
    return elapsed, peak


def korea_every_model(draws: int) -> None:
    korea = flashpoint.load_scenario("korea-2018")
    flashpoint.forecast(korea, draws=2)  # compile or load every model's compiled code first
    for executor, workers in (("process", 2), ("serial", 1)):
        elapsed, peak = measured(
            lambda executor=executor, workers=workers: flashpoint.forecast(
                korea, draws=draws, executor=executor, workers=workers
            )
        )
        print(
            f"korea, {draws:,} draws, every model ({', '.join(flashpoint.model_names())}),"
            f" {executor} x{workers}: {elapsed:.1f} s, peak memory {peak / 2**20:,.0f} MB"
        )


def sweep(draws: int, repeat: int) -> None:
    korea = flashpoint.load_scenario("korea-2018")
    run = MonteCarlo(korea, SWEEP_MODELS, seed=0, jitter=0.05)
    run_draws(run, 500)  # warm up

    serial = best_of(lambda: run_draws(run, draws, executor="serial"), repeat)
    process = best_of(lambda: run_draws(run, draws, executor="process", workers=2), repeat)
    started = time.perf_counter()
    with local_cluster(2) as cluster:
        startup = time.perf_counter() - started
        address = cluster.scheduler_address
        run_draws(run, 500, executor="dask", scheduler=address)  # the workers import flashpoint
        dask = best_of(lambda: run_draws(run, draws, executor="dask", scheduler=address), repeat)
    local = best_of(lambda: run_draws(run, draws, executor="dask", workers=2), repeat)
    process_speedup, dask_speedup = serial / process, serial / dask
    print(f"sweep of {draws:,} draws of compromise, median and nash (best of {repeat}):")
    print(f"  serial: {serial:.1f} s")
    print(f"  process pool, 2 workers: {process:.1f} s (speed-up {process_speedup:.2f}x)")
    print(
        f"  dask, 2 workers on a running cluster: {dask:.1f} s (speed-up {dask_speedup:.2f}x,"
        f" {dask_speedup / process_speedup:.0%} of the process pool's)"
    )
    print(
        f"  dask, starting a local cluster of 2 workers for the run: {local:.1f} s (speed-up"
        f" {serial / local:.2f}x, {serial / local / process_speedup:.0%} of the process pool's;"
        f" a cluster starts in about {startup:.1f} s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the draws, one repeat")
    quick = parser.parse_args().quick
    korea_every_model(1_000 if quick else 10_000)
    sweep(100_000 if quick else 1_000_000, 1 if quick else 3)


if __name__ == "__main__":
    main()
