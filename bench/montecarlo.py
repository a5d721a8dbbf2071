"""Benchmark: Monte Carlo forecasts (issue #6).

Run on demand (not part of the test suite):  python bench/montecarlo.py [--quick]

1. The Korea default, 10,000 draws of every registered model, on 2 worker processes (and
   serially): wall time and the peak memory of the whole process tree (this process and its
   workers, summed, sampled every 20 ms from /proc).
2. The Korea default with every model through Dask (a local cluster of 2 single-threaded workers,
   started for the run): 100,000 draws (every draw kept), 200,000 and 1,000,000 (``--million``;
   summed up block by block), wall time and the peak memory of the process tree, to see whether
   memory grows with the draws.
3. A 1,000,000-draw sweep of the numpy models (compromise, median, Nash) with 5% jitter:
   serially, on a pool of 2 processes, and through Dask with 2 single-threaded workers (on a
   running local cluster, and counting the cluster's start), in rounds that run each of them
   in turn. The Dask speed-up is compared with the process pool's of the same round.
"""

from __future__ import annotations

import argparse
import os
import statistics
import threading
import time
from collections.abc import Callable
from pathlib import Path

from timing import wall_time  # bench/ is on the path when this file is run

import flashpoint
from flashpoint.analysis.montecarlo import MonteCarlo, run_draws
from flashpoint.engine.executors import local_cluster

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


def korea_every_model(draws: int, repeat: int = 3) -> None:
    """The wall times of ``repeat`` runs (unobserved: the memory sampler reads /proc every 20 ms,
    which takes time from the runs it watches), then one run's peak memory, sampled."""
    korea = flashpoint.load_scenario("korea-2018")
    flashpoint.forecast(korea, draws=2)  # compile or load every model's compiled code first
    for executor, workers in (("process", 2), ("serial", 1)):

        def run(executor: str = executor, workers: int = workers) -> None:
            flashpoint.forecast(korea, draws=draws, executor=executor, workers=workers)

        times = sorted(wall_time(run) for _ in range(repeat))
        _, peak = measured(run)
        print(
            f"korea, {draws:,} draws, every model ({', '.join(flashpoint.model_names())}),"
            f" {executor} x{workers}: best {times[0]:.2f} s (of {repeat}: {times[0]:.2f}-"
            f"{times[-1]:.2f} s), peak memory {peak / 2**20:,.0f} MB"
        )


def korea_on_dask(draws: int) -> None:
    korea = flashpoint.load_scenario("korea-2018")
    flashpoint.forecast(korea, draws=2)  # compile or load every model's compiled code first
    elapsed, peak = measured(
        lambda: flashpoint.forecast(korea, draws=draws, executor="dask", workers=2)
    )
    print(
        f"korea, {draws:,} draws, every model, dask x2 (cluster started for the run):"
        f" {elapsed:.1f} s, peak memory {peak / 2**20:,.0f} MB"
    )


def sweep(draws: int, rounds: int) -> None:
    """The sweep, in ``rounds`` rounds of serial, process pool, Dask on a running cluster and
    Dask starting its own cluster, one after another: the machine's speed drifts over minutes,
    so the runs compared are run side by side and each round gives its own ratio."""
    korea = flashpoint.load_scenario("korea-2018")
    run = MonteCarlo(korea, SWEEP_MODELS, seed=0, jitter=0.05)
    run_draws(run, 500)  # warm up
    times: dict[str, list[float]] = {"serial": [], "process": [], "dask": [], "own": []}
    startups = []
    print(f"sweep of {draws:,} draws of compromise, median and nash, {rounds} rounds:")
    for _ in range(rounds):
        times["serial"].append(wall_time(lambda: run_draws(run, draws, executor="serial")))
        times["process"].append(
            wall_time(lambda: run_draws(run, draws, executor="process", workers=2))
        )
        started = time.perf_counter()
        with local_cluster(2) as cluster:
            startups.append(time.perf_counter() - started)
            address = cluster.scheduler_address
            run_draws(run, 500, executor="dask", scheduler=address)  # the workers import flashpoint
            times["dask"].append(
                wall_time(lambda a=address: run_draws(run, draws, executor="dask", scheduler=a))
            )
        times["own"].append(wall_time(lambda: run_draws(run, draws, executor="dask", workers=2)))
        serial, process, dask, own = (
            times[name][-1] for name in ("serial", "process", "dask", "own")
        )
        print(
            f"  round: serial {serial:.1f} s, process pool {process:.1f} s ({serial / process:.2f}x),"
            f" dask {dask:.1f} s ({serial / dask:.2f}x, {process / dask:.0%} of the pool's),"
            f" dask with its own cluster {own:.1f} s ({process / own:.0%})"
        )
    best = {name: min(values) for name, values in times.items()}
    pool_speedup = best["serial"] / best["process"]
    print(f"  best: serial {best['serial']:.1f} s")
    print(f"  process pool, 2 workers: {best['process']:.1f} s (speed-up {pool_speedup:.2f}x)")
    for name, label in (
        ("dask", "dask, 2 workers on a running cluster"),
        ("own", "dask, starting a local cluster of 2 workers for the run"),
    ):
        shares = [
            process / other for process, other in zip(times["process"], times[name], strict=True)
        ]
        print(
            f"  {label}: {best[name]:.1f} s (speed-up {best['serial'] / best[name]:.2f}x,"
            f" {best['process'] / best[name]:.0%} of the process pool's; by round, median"
            f" {statistics.median(shares):.0%}, lowest {min(shares):.0%})"
        )
    print(f"  a local cluster starts in {statistics.median(startups):.1f} s (median)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the draws, one round")
    parser.add_argument(
        "--million", action="store_true", help="also 1,000,000 Korea draws on Dask (minutes)"
    )
    arguments = parser.parse_args()
    quick = arguments.quick
    korea_every_model(1_000 if quick else 10_000)
    # 100,000 draws keep every draw; more are summed up block by block (analysis/streaming.py)
    dask_draws = (10_000,) if quick else (100_000, 200_000)
    for draws in (*dask_draws, *((1_000_000,) if arguments.million else ())):
        korea_on_dask(draws)
    sweep(100_000 if quick else 1_000_000, 1 if quick else 5)


if __name__ == "__main__":
    main()
