"""Measure what ``flashpoint.analysis.cost`` estimates: each model's time for one draw of random
scenarios of growing size, beside the estimate (after compiling).

    python bench/cost.py

The fits in ``flashpoint/analysis/cost.py`` come from these measurements on the 2-core
development machine; rerun this on another machine to see how far they carry.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from timing import wall_time  # noqa: E402

from flashpoint import ScenarioArrays, get_model  # noqa: E402
from flashpoint.analysis.cost import estimate  # noqa: E402

SIZES = ((100, 5), (200, 5), (200, 10), (400, 10))


def random_arrays(actors: int, issues: int) -> ScenarioArrays:
    """One draw of a scenario of ``actors`` x ``issues`` with random inputs."""
    rng = np.random.default_rng(0)
    shape = (1, actors, issues)
    return ScenarioArrays(
        actors=tuple(f"a{k}" for k in range(actors)),
        issues=tuple(f"i{k}" for k in range(issues)),
        position=rng.uniform(0, 100, shape),
        salience=rng.uniform(0.1, 1, shape),
        capability=rng.uniform(1, 100, shape),
        present=np.ones((actors, issues), bool),
        lower=np.zeros(issues),
        upper=np.full(issues, 100.0),
    )


def main() -> None:
    print(f"{'model':9} {'actors':>6} {'issues':>6} {'measured s':>11} {'estimated s':>12}")
    for model in ("eum", "exchange", "smp"):
        spec = get_model(model)
        spec(random_arrays(5, 2), None, np.random.default_rng(0))  # compile
        for actors, issues in SIZES:
            arrays = random_arrays(actors, issues)
            took = wall_time(lambda: spec(arrays, None, np.random.default_rng(0)))
            # the estimate of 0 draws counts one run (the stated values), as measured here
            guess = estimate(actors, issues, 0, [model]).seconds
            print(f"{model:9} {actors:6d} {issues:6d} {took:11.3f} {guess:12.3f}")


if __name__ == "__main__":
    main()
