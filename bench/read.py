"""How long reading and checking a large scenario file takes, per format: the source of
``SECONDS_PER_MB`` in ``flashpoint/scenario/guard.py`` (the estimate behind "Reading big.csv: a
file this large takes about ...").

    python bench/read.py [ACTORS] [ISSUES]

Writes one scenario of ACTORS x ISSUES stances (default 1,000 x 100: a table of 100,000 rows)
as CSV, workbook, YAML and JSON, and times writing each and reading it back.
"""

from __future__ import annotations

import csv
import random
import sys
import tempfile
import time
from pathlib import Path

from flashpoint import load_scenario, save_scenario


def main(actors: int = 1000, issues: int = 100) -> None:
    with tempfile.TemporaryDirectory() as folder:
        table = Path(folder) / "big.csv"
        rng = random.Random(1)
        with table.open("w", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["actor", "issue", "position", "salience", "capability"])
            for a in range(actors):
                capability = rng.randint(1, 100)
                for i in range(issues):
                    writer.writerow(
                        [
                            f"Actor {a}",
                            f"issue_{i}",
                            rng.randint(0, 100),
                            rng.randint(1, 100),
                            capability,
                        ]
                    )
        scenario = load_scenario(table)
        print(f"{actors:,} actors x {issues:,} issues ({actors * issues:,} stances):")
        for suffix in (".csv", ".xlsx", ".yaml", ".json"):
            path = table.with_name(f"copy{suffix}")
            started = time.perf_counter()
            save_scenario(scenario, path)
            written = time.perf_counter() - started
            started = time.perf_counter()
            load_scenario(path)
            read = time.perf_counter() - started
            megabytes = path.stat().st_size / 2**20
            print(
                f"  {suffix[1:]:5} {megabytes:6.1f} MB  written in {written:5.1f} s,"
                f" read and checked in {read:5.1f} s ({read / megabytes:.1f} s/MB)"
            )


if __name__ == "__main__":
    main(*(int(argument) for argument in sys.argv[1:3]))
