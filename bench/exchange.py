"""Benchmark: the exchange model on the reference data sets (10 rounds), one round of the
synthetic inputs (actors x issues), the Korea default, Monte Carlo draws of Korea (per draw, as
the Monte Carlo engine runs them: 1,000 jittered draws at once), and the cost of the compiled
code in a fresh process (compiling it, or loading it from numba's cache).

Run on demand (not part of the test suite):  python bench/exchange.py [--quick]
Prints one line per measurement: wall time, the best of a few repetitions (after one untimed
run, so that compiling is not counted) for short runs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from timing import best_of  # bench/ is on the path when this file is run

import flashpoint
from flashpoint.engine.arrays import ScenarioArrays
from flashpoint.engine.sampling import sample_arrays
from flashpoint.models import MODELS

DATA = Path(__file__).parent.parent / "tests" / "data" / "exchange"
FIRST_RUN = (
    "import numpy as np; import flashpoint; from flashpoint.models import MODELS; "
    "from flashpoint.engine.arrays import ScenarioArrays; MODELS['exchange'](ScenarioArrays."
    "from_scenario(flashpoint.load_scenario('korea-2018')), None, np.random.default_rng(0))"
)


def fresh_process(cache: str) -> float:
    """Wall time of a new Python process that imports flashpoint and runs the exchange model
    once on the Korea default, with numba's cache in ``cache``."""
    started = time.perf_counter()
    environment = {**os.environ, "NUMBA_CACHE_DIR": cache}
    subprocess.run([sys.executable, "-c", FIRST_RUN], check=True, env=environment)
    return time.perf_counter() - started


def exchange(arrays: ScenarioArrays, options: dict | None = None, events: bool = True) -> None:
    """One run of the exchange model, on a new generator of seed 0 (``events``: with its log of
    exchanges, as a baseline run keeps it; without, as a Monte Carlo draw)."""
    MODELS["exchange"](arrays, options, np.random.default_rng(0), events=events)


def main(quick: bool) -> None:
    for name in ("sample_data.txt", "copenhagen.csv", "cop21.csv"):
        arrays = ScenarioArrays.from_scenario(flashpoint.load_scenario(DATA / "inputs" / name))
        for policy in ("decide-parity", "full-recompute"):
            seconds = best_of(lambda a=arrays, p=policy: exchange(a, {"policy": p}), 5, True)
            print(f"{name:<18} {policy:<15} 10 rounds  {seconds * 1000:9.1f} ms")
    sizes = (10, 20, 40) if quick else (10, 20, 40, 80)
    print("one round of synthetic_a{actors}_i{issues}.csv, decide-parity (milliseconds):")
    print("actors " + "".join(f"{issues:>9}" for issues in (2, 5, 10)))
    for actors in sizes:
        cells = []
        for issues in (2, 5, 10):
            path = DATA / "synthetic_inputs" / f"synthetic_a{actors}_i{issues}.csv"
            arrays = ScenarioArrays.from_scenario(flashpoint.load_scenario(path))
            cells.append(best_of(lambda a=arrays: exchange(a, {"rounds": 1}), 5, True))
        print(f"{actors:>6} " + "".join(f"{seconds * 1000:9.1f}" for seconds in cells))
    korea = ScenarioArrays.from_scenario(flashpoint.load_scenario("korea-2018"))
    print(f"korea-2018, 10 rounds  {best_of(lambda: exchange(korea), 5, True) * 1000:8.1f} ms")
    draws = sample_arrays(
        flashpoint.load_scenario("korea-2018"), 1000, np.random.default_rng(1), jitter=0.05
    )
    for options in ({}, {"p": 0.3}, {"policy": "full-recompute"}):
        seconds = best_of(lambda o=options: exchange(draws, o), 5, True)
        label = ", ".join(f"{key} {value}" for key, value in options.items()) or "default"
        per_draw = seconds / draws.n_draws * 1000
        print(f"korea-2018, 1,000 draws, {label:<22} {per_draw:8.3f} ms per draw")
    seconds = best_of(lambda: exchange(draws, events=False), 5, True)
    per_draw = seconds / draws.n_draws * 1000
    print(f"korea-2018, 1,000 draws, {'default, no log':<22} {per_draw:8.3f} ms per draw")
    with tempfile.TemporaryDirectory() as cache:
        print(f"fresh process, compiling      {fresh_process(cache):6.1f} s")
        print(f"fresh process, cache loaded   {min(fresh_process(cache) for _ in range(3)):6.1f} s")


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
