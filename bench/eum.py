"""Benchmark: the expected utility model (10 rounds) by number of actors, on a batch of Monte
Carlo draws, and at n = 1,000 with its peak memory.

Run on demand (not part of the test suite):  python bench/eum.py [--quick]
Prints one line per measurement: wall time, the best of several repetitions for short runs (the
machine's cores are shared, so single runs vary; the best is the least disturbed).

Random instances are made as the reference's timing instances (tests/data/eum/README.md):
for n actors, ``random.Random(12345 * 1000 + n)`` draws capability U[0.05, 1] (3 decimals),
position U[0, 100] (2 decimals) and salience U[0.1, 1] (2 decimals), in that order per actor.
"""

from __future__ import annotations

import csv
import random
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
from baseline_models import jittered  # bench/ is on the path when this file is run
from timing import best_of

import flashpoint
from flashpoint.engine.arrays import ScenarioArrays
from flashpoint.models import eum

DATA = Path(__file__).parent.parent / "tests" / "data" / "eum"
FULL_TEN_ROUNDS = {"rounds": 10, "stop_at_repeat": False}


def one_issue(capability, position, salience) -> ScenarioArrays:
    x = np.asarray(position, float)
    n = len(x)

    def column(values):
        return np.asarray(values, float).reshape(-1, n, 1)

    return ScenarioArrays(
        tuple(f"a{k}" for k in range(n)),
        ("x",),
        column(x),
        column(salience),
        column(capability),
        np.ones((n, 1), dtype=bool),
        np.array([0.0]),
        np.array([100.0]),
    )


def random_instance(n: int) -> ScenarioArrays:
    rng = random.Random(12345 * 1000 + n)
    rows = [
        (
            round(rng.uniform(0.05, 1), 3),
            round(rng.uniform(0, 100), 2),
            round(rng.uniform(0.1, 1), 2),
        )
        for _ in range(n)
    ]
    return one_issue(*zip(*rows, strict=True))


def reference_instance(name: str) -> ScenarioArrays:
    with open(DATA / f"{name}.input.csv", newline="") as handle:
        rows = [
            (float(r["capability"]), float(r["position"]), float(r["salience"]))
            for r in csv.DictReader(handle)
        ]
    return one_issue(*zip(*rows, strict=True))


def show(label: str, seconds: float) -> None:
    value = f"{seconds * 1000:9.1f} ms" if seconds < 1 else f"{seconds:9.2f} s "
    print(f"{label:<46} {value}")


def eu_draws(draws: int) -> ScenarioArrays:
    """The EU emissions case with positions (sd 0.5 years) and saliences (sd 0.05) jittered."""
    base = reference_instance("eu_emissions")
    rng = np.random.default_rng(2026)
    shape = (draws, base.n_actors, 1)
    position = np.clip(base.position + rng.normal(0, 0.5, shape), 4, 10)
    salience = np.clip(base.salience + rng.normal(0, 0.05, shape), 0.05, 1)
    capability = np.broadcast_to(base.capability, shape).copy()
    return ScenarioArrays(
        base.actors,
        base.issues,
        position,
        salience,
        capability,
        base.present,
        base.lower,
        base.upper,
    )


def main(quick: bool) -> None:
    options = {preset: eum.EUMOptions(preset=preset, **FULL_TEN_ROUNDS) for preset in eum.PRESETS}
    warm_up = random_instance(80)
    until = time.perf_counter() + 2.0  # let the machine settle before the first timings
    while time.perf_counter() < until:
        eum.run(warm_up, options["scholz"], None)
    for name in ("random_n10", "random_n20", "random_n40", "random_n80"):
        arrays = reference_instance(name)
        for preset, chosen in options.items():
            seconds = best_of(lambda a=arrays, o=chosen: eum.run(a, o, None), 50, warm_up=True)
            show(f"{name}.input.csv, {preset}, 10 rounds", seconds)
    for n in (160,) if quick else (160, 320, 640):
        arrays = random_instance(n)  # made as random_n10 ... random_n80 are
        repeat = 5 if n <= 320 else 1
        seconds = best_of(
            lambda a=arrays: eum.run(a, options["scholz"], None), repeat, warm_up=True
        )
        show(f"random n = {n}, scholz, 10 rounds", seconds)
    for draws in (1_000, 10_000):
        arrays = eu_draws(draws)
        for preset, chosen in options.items():
            seconds = best_of(lambda a=arrays, o=chosen: eum.run(a, o, None), 3, warm_up=True)
            show(f"EU emissions, {draws:,} draws, {preset}, 10 rounds", seconds)
    korea = flashpoint.load_scenario("korea-2018")
    for draws in (1, 10_000):
        arrays = jittered(korea, draws)
        seconds = best_of(lambda a=arrays: eum.run(a, eum.EUMOptions(), None), 3, warm_up=True)
        show(f"korea-2018 (7 actors, 6 issues), {draws:,} draws", seconds)
    if not quick:
        arrays = random_instance(1000)
        tracemalloc.start()
        started = time.perf_counter()
        eum.run(arrays, eum.EUMOptions(rounds=10), None)
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        show("random n = 1,000, scholz, 10 rounds", seconds)
        print(f"{'  peak memory of that run (tracemalloc)':<46} {peak / 2**20:9.0f} MiB")


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
