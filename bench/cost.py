"""Measure what ``flashpoint.analysis.cost`` estimates, and fit it: each compiled model alone, on
one core in this process (after compiling), beside its estimate and their ratio, on

- one draw of random scenarios of 100 to 400 actors (what the long-run notice and the memory
  check meet first);
- the models' share of the commands bench/waits.py times: Korea's Monte Carlo draws (2,000 in
  blocks, serially), the DEU backtest's 57 proposals with 100 draws, and 180 made-up EU-like
  decisions of 30 actors with 20 draws (bench/waits.py's ``made_up_decisions``).

    python bench/cost.py            # the table, beside the estimates
    python bench/cost.py --write    # ... and keep it: tests/data/cost/measured.csv
    python bench/cost.py --fit      # each model's constants fitted to the kept table

``--fit`` finds each model's ``(per_call, per_draw, factor, a, i)`` of ``analysis/cost.py`` by
least squares on the logarithms of the ratios (the issues' exponent held where the model fixes
it: 1 for the expected utility model, whose rounds run issue by issue, and 0 for the spatial
model, whose turn is over actors). tests/test_cost.py holds the shipped constants to the table.
The fits come from the 2-core development machine; rerun this on another machine to see how far
they carry.
"""

from __future__ import annotations

import csv
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from timing import wall_time  # noqa: E402

import flashpoint  # noqa: E402
from flashpoint import ScenarioArrays, get_model  # noqa: E402
from flashpoint.analysis.cost import _SECONDS, estimate_parts  # noqa: E402
from flashpoint.analysis.montecarlo import MonteCarlo, run_draws  # noqa: E402

SIZES = ((100, 5), (200, 5), (200, 10), (400, 10))
HEAVY = ("eum", "exchange", "smp")
TABLE = Path(__file__).resolve().parents[1] / "tests" / "data" / "cost" / "measured.csv"
FIXED_ISSUE_EXPONENT = {"eum": 1.0, "smp": 0.0}


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


def measure() -> list[dict]:
    """Every row: model, workload, parts ``[[actors, issues], ...]``, draws, seconds."""
    from waits import ACTORS, OUTCOMES, made_up_decisions, parts_of

    korea = flashpoint.load_scenario("korea-2018")
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        later = made_up_decisions(Path(folder))
        for model in HEAVY:
            spec = get_model(model)
            spec(random_arrays(5, 2), None, np.random.default_rng(0))  # compiled, loaded
            for actors, issues in SIZES:
                arrays = random_arrays(actors, issues)
                took = wall_time(lambda: spec(arrays, None, np.random.default_rng(0)))
                rows.append(
                    row(model, f"one draw, {actors} x {issues}", [(actors, issues)], 0, took)
                )
            run = MonteCarlo(korea, ((model, {}),), seed=0, jitter=0.05)
            run_draws(run, 300, executor="serial")
            took = wall_time(lambda: run_draws(run, 2000, executor="serial"))
            rows.append(row(model, "Korea, 2,000 draws", [(7, 6)], 2000, took))
            for name, (actors, outcomes), draws in (
                ("DEU backtest, 100 draws", (ACTORS, OUTCOMES), 100),
                ("made-up decisions, 20 draws", later, 20),
            ):
                took = wall_time(
                    lambda: flashpoint.backtest(
                        str(actors), str(outcomes), [model], draws=draws, executor="serial"
                    )
                )
                rows.append(row(model, name, parts_of(actors, outcomes), draws, took))
            for kept in rows[-len(SIZES) - 3 :]:
                show(kept, _SECONDS[model])
    return rows


def row(model: str, workload: str, parts: list, draws: int, seconds: float) -> dict:
    return {
        "model": model,
        "workload": workload,
        "parts": json.dumps([list(part) for part in parts]),
        "draws": draws,
        "seconds": round(seconds, 4),
    }


def seconds_of(kept: dict, constants: tuple) -> float:
    """The estimate of one row with one model's constants (as ``estimate_parts``)."""
    parts = [tuple(part) for part in json.loads(kept["parts"])]
    saved = _SECONDS[kept["model"]]
    _SECONDS[kept["model"]] = tuple(constants)
    try:
        return estimate_parts(parts, int(kept["draws"]), [kept["model"]]).seconds
    finally:
        _SECONDS[kept["model"]] = saved


def show(kept: dict, constants: tuple) -> None:
    guess = seconds_of(kept, constants)
    took = float(kept["seconds"])
    print(
        f"{kept['model']:9} {kept['workload']:30} {took:10.3f} s {guess:10.3f} s {took / guess:6.2f}"
    )


def read_table() -> list[dict]:
    with TABLE.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def fit(rows: list[dict]) -> None:
    """Each model's constants fitted to its rows (see the module docstring)."""
    from scipy.optimize import least_squares

    for model in HEAVY:
        mine = [kept for kept in rows if kept["model"] == model]
        fixed = FIXED_ISSUE_EXPONENT.get(model)

        def constants(x: np.ndarray) -> tuple:
            return (*np.exp(x[:3]), x[3], fixed if fixed is not None else x[4])

        def residuals(x: np.ndarray) -> np.ndarray:
            return np.array(
                [np.log(seconds_of(kept, constants(x)) / float(kept["seconds"])) for kept in mine]
            )

        start = np.log([1e-3, 1e-5, 1e-7]).tolist() + [2.5] + ([1.0] if fixed is None else [])
        found = least_squares(residuals, np.array(start), method="trf")
        best = constants(found.x)
        print(
            f'    "{model}": ({best[0]:.3g}, {best[1]:.3g}, {best[2]:.3g}, {best[3]:.3f}, {best[4]:.3f}),'
        )
        for kept in mine:
            show(kept, best)


def main() -> None:
    if "--fit" in sys.argv[1:]:
        fit(read_table())
        return
    print(f"{'model':9} {'workload':30} {'measured':>12} {'estimated':>12} {'ratio':>6}")
    rows = measure()
    if "--write" in sys.argv[1:]:
        TABLE.parent.mkdir(parents=True, exist_ok=True)
        with TABLE.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        print(f"wrote {TABLE}")


if __name__ == "__main__":
    main()
