"""Benchmark: the spatial model (KTAB SMP) on KTAB's reference inputs (default options, to
convergence), Monte Carlo draws of korea-2018 (time per draw), a table of time against actors
and dimensions on generated inputs, the peak memory of a 160-actor run, and the cost of the
compiled code in a fresh process.

Run on demand (not part of the test suite):  python bench/smp.py [--quick]
Times are wall times, the best of a few repetitions after one untimed run (so that compiling
is not counted), except for the generated inputs of 160 and more actors, which run once.
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
from flashpoint.models import MODELS, Trajectory

INPUTS = Path(__file__).parent.parent / "tests" / "data" / "ktab" / "inputs"
PEAK_MEMORY = """
import re, flashpoint, numpy as np
from flashpoint.engine.arrays import ScenarioArrays
from flashpoint.engine.sampling import sample_arrays
from flashpoint.models import MODELS
def peak():  # VmHWM: this process's peak resident memory (ru_maxrss would include the parent's)
    status = open('/proc/self/status').read()
    return int(re.search(r'VmHWM:\\s+(\\d+) kB', status).group(1)) // 1024
def smp(arrays):  # a run on a new generator of seed 0
    return MODELS['smp'](arrays, None, np.random.default_rng(0))
arrays = ScenarioArrays.from_scenario(flashpoint.load_scenario({path!r}))
smp(ScenarioArrays.from_scenario(flashpoint.load_scenario('korea-2018')))
before = peak()
turns = smp(arrays).events[0].turns
print(turns, before, peak())
"""
FIRST_RUN = (
    "import numpy as np; import flashpoint; from flashpoint.models import MODELS; "
    "from flashpoint.engine.arrays import ScenarioArrays; MODELS['smp'](ScenarioArrays."
    "from_scenario(flashpoint.load_scenario('korea-2018')), None, np.random.default_rng(0))"
)


def generated(actors: int, dimensions: int, seed: int = 0) -> ScenarioArrays:
    """Random inputs in KTAB's style (its ``--euSMP`` generator, ``ktab.md`` §3.1): capability
    uniform on 10-200, positions uniform on 0-100, saliences adding up to 0.75-0.99."""
    rng = np.random.default_rng([actors, dimensions, seed])
    shape = (1, actors, dimensions)
    split = rng.dirichlet(np.ones(dimensions), size=actors)
    salience = split * rng.uniform(0.75, 0.99, size=(actors, 1))
    capability = np.repeat(rng.uniform(10, 200, size=(actors, 1)), dimensions, axis=1)
    return ScenarioArrays(
        actors=tuple(f"a{k}" for k in range(actors)),
        issues=tuple(f"d{k}" for k in range(dimensions)),
        position=rng.uniform(0, 100, size=shape),
        salience=salience.reshape(shape),
        capability=capability.reshape(shape),
        present=np.ones((actors, dimensions), dtype=bool),
        lower=np.zeros(dimensions),
        upper=np.full(dimensions, 100.0),
    )


def smp(arrays: ScenarioArrays, events: bool = True) -> Trajectory:
    """One run of the spatial model, on a new generator of seed 0 (``events``: with its log, as
    a baseline run keeps it; without, as a Monte Carlo draw)."""
    return MODELS["smp"](arrays, None, np.random.default_rng(0), events=events)


def timed(arrays: ScenarioArrays, repeat: int, warm_up: bool) -> tuple[float, int]:
    """The best wall time of runs to convergence, and the number of turns."""
    turns: list[int] = []
    seconds = best_of(lambda: turns.append(smp(arrays).events[0].turns), repeat, warm_up)
    return seconds, turns[-1]


def monte_carlo(draws: int, repeat: int) -> tuple[float, float, float]:
    """The best wall time of ``draws`` korea-2018 draws (the inputs jittered by 5%, as the
    Monte Carlo engine draws them), their mean number of turns, and the best wall time without
    the log (as the Monte Carlo engine runs them)."""
    scenario = flashpoint.load_scenario("korea-2018")
    arrays = sample_arrays(scenario, draws, np.random.default_rng(1), jitter=0.05)
    seconds = best_of(lambda: smp(arrays), repeat, True)
    events = smp(arrays).events  # logs built on reading
    return (
        seconds,
        float(np.mean([run.turns for run in events])),
        best_of(lambda: smp(arrays, events=False), repeat, True),
    )


def main(quick: bool) -> None:
    print("KTAB reference inputs, default options, to convergence:")
    for name in (
        "dummyData_3Dim",
        "SOE-Pol-Comp",
        "dummyData_6Dim",
        "dummyData-a040",
        "dummyData-a080",
        "dummyData-a160",
    ):
        arrays = ScenarioArrays.from_scenario(flashpoint.load_scenario(INPUTS / f"{name}.csv"))
        seconds, turns = timed(arrays, 3 if "a160" in name else 5, True)
        print(
            f"  {name:<16} {arrays.n_actors:>4} actors {arrays.n_issues} dims {turns:>3} turns"
            f"  {seconds * 1000:8.1f} ms  ({seconds / turns * 1000:6.2f} ms a turn)"
        )
    draws = 1000
    seconds, turns, without_log = monte_carlo(draws, 5)
    print(
        f"korea-2018, {draws} Monte Carlo draws (jitter 5%, {turns:.1f} turns a draw on average):"
        f" {seconds:.2f} s, {seconds / draws * 1000:.3f} ms a draw;"
        f" without the log {without_log / draws * 1000:.3f} ms a draw"
    )
    sizes = (10, 20, 40, 80) if quick else (10, 20, 40, 80, 160, 320)
    dimensions = (1, 2, 4, 8)
    print("generated inputs, to convergence: milliseconds (turns)")
    print("actors " + "".join(f"{f'{d} dim' + ('s' if d > 1 else ''):>17}" for d in dimensions))
    for actors in sizes:
        cells = []
        for d in dimensions:
            seconds, turns = timed(generated(actors, d), 1 if actors >= 160 else 3, actors < 160)
            cells.append(f"{seconds * 1000:10.1f} ({turns:>3})")
        print(f"{actors:>6} " + "".join(f"{cell:>17}" for cell in cells))
    peak = subprocess.run(
        [sys.executable, "-c", PEAK_MEMORY.format(path=str(INPUTS / "dummyData-a160.csv"))],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    print(
        f"dummyData-a160 in a fresh process: {peak[0]} turns, peak resident memory {peak[2]} MB"
        f" ({peak[1]} MB before it: Python, numpy, numba and the compiled code)"
    )
    with tempfile.TemporaryDirectory() as cache:
        environment = {**os.environ, "NUMBA_CACHE_DIR": cache}
        for label in ("compiles", "loads numba's cache"):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", FIRST_RUN], check=True, env=environment)
            print(
                f"a fresh process that {label} and runs korea-2018:"
                f" {time.perf_counter() - started:.1f} s"
            )


if __name__ == "__main__":
    main("--quick" in sys.argv)
