"""Benchmark: the exchange model on the reference data sets (10 rounds) and one round of the
synthetic inputs (actors x issues).

Run on demand (not part of the test suite):  python bench/exchange.py [--quick]
Prints one line per measurement: wall time, the best of a few repetitions for short runs.
"""

from __future__ import annotations

import sys
from pathlib import Path

from timing import best_of  # bench/ is on the path when this file is run

import flashpoint
from flashpoint.engine.arrays import ScenarioArrays
from flashpoint.models import MODELS

DATA = Path(__file__).parent.parent / "tests" / "data" / "exchange"


def main(quick: bool) -> None:
    exchange = MODELS["exchange"]
    for name in ("sample_data.txt", "copenhagen.csv", "cop21.csv"):
        arrays = ScenarioArrays.from_scenario(flashpoint.load_scenario(DATA / "inputs" / name))
        for policy in ("decide-parity", "full-recompute"):
            seconds = best_of(lambda a=arrays, p=policy: exchange(a, {"policy": p}), 3)
            print(f"{name:<18} {policy:<15} 10 rounds  {seconds:8.2f} s")
    sizes = (10, 20, 40) if quick else (10, 20, 40, 80)
    print("one round of synthetic_a{actors}_i{issues}.csv, decide-parity (seconds):")
    print("actors " + "".join(f"{issues:>9}" for issues in (2, 5, 10)))
    for actors in sizes:
        cells = []
        for issues in (2, 5, 10):
            path = DATA / "synthetic_inputs" / f"synthetic_a{actors}_i{issues}.csv"
            arrays = ScenarioArrays.from_scenario(flashpoint.load_scenario(path))
            cells.append(
                best_of(lambda a=arrays: exchange(a, {"rounds": 1}), 1 if actors >= 80 else 3)
            )
        print(f"{actors:>6} " + "".join(f"{seconds:9.2f}" for seconds in cells))
    korea = ScenarioArrays.from_scenario(flashpoint.load_scenario("korea-2018"))
    print(f"korea-2018, 10 rounds  {best_of(lambda: exchange(korea), 5):8.3f} s")


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
