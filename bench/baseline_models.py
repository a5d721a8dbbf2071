"""Benchmark: the baseline models on batches of Monte Carlo draws, and loading large inputs.

Run on demand (not part of the test suite):  python bench/baseline_models.py
Prints one line per measurement: the best of several repetitions, in milliseconds.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from timing import best_of  # bench/ is on the path when this file is run

import flashpoint
from flashpoint.engine.arrays import ScenarioArrays
from flashpoint.models import MODELS

ROOT = Path(__file__).parent.parent
BASELINE = ("compromise", "median", "nash")  # the models of rounds have their own benchmarks


def jittered(scenario, draws: int, seed: int = 0) -> ScenarioArrays:
    """The scenario with positions and saliences jittered per draw (numbers of realistic spread)."""
    base = ScenarioArrays.from_scenario(scenario, draws)
    rng = np.random.default_rng(seed)
    width = base.upper - base.lower
    position = np.clip(
        base.position + rng.normal(0, 0.1, base.position.shape) * width, base.lower, base.upper
    )
    salience = np.clip(base.salience + rng.normal(0, 0.05, base.salience.shape), 0, 1)
    return ScenarioArrays(
        base.actors,
        base.issues,
        position,
        salience * base.present,
        base.capability,
        base.present,
        base.lower,
        base.upper,
    )


def main() -> None:
    korea = flashpoint.load_scenario("korea-2018")
    for draws in (1, 10_000, 100_000):
        arrays = jittered(korea, draws)
        for name in BASELINE:
            spec = MODELS[name]
            seconds = best_of(
                lambda s=spec, a=arrays: s(a, None, np.random.default_rng(0)),
                repeat=3 if draws > 10_000 else 5,
            )
            milliseconds = seconds * 1000
            print(f"korea-2018  {name:<11} {draws:>7} draws  {milliseconds:9.2f} ms")
    deu = ROOT / "tests" / "data" / "deu" / "deu_dev_1998_2002.actors.csv"
    print(
        f"load DEU table (2,669 rows, 171 issues)        {best_of(lambda: flashpoint.load_scenario(deu), 5) * 1000:9.2f} ms"
    )
    print(
        f"load korea-2018 (bundled YAML)                 {best_of(lambda: flashpoint.load_scenario('korea-2018'), 5) * 1000:9.2f} ms"
    )
    print(
        f"forecast korea-2018, every model (API)         {best_of(lambda: flashpoint.forecast(korea), 5) * 1000:9.2f} ms"
    )


if __name__ == "__main__":
    main()
