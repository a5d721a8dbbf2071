"""How long reading and checking a large scenario file takes, per format: the source of
``SECONDS_PER_MB`` in ``flashpoint/scenario/guard.py`` (the estimate behind "Reading big.csv: a
file this large takes about ...").

    python bench/read.py [ACTORS] [ISSUES]
    python bench/read.py workbook [ACTORS] [ISSUES]

Writes one scenario of ACTORS x ISSUES stances (default 1,000 x 100: a table of 100,000 rows)
as CSV, workbook, YAML and JSON, and times writing each and reading it back.

With ``workbook``, writes it as a workbook only (default 1,800 x 100: the 8 MB workbook of
#36, within every limit) and reads it in a process of its own: the time and the peak memory
of reading and checking it. 7 December 2026, on the 2-core development machine shared with
other work: 44-58 s and 1,460 MB with openpyxl's reader; 20-26 s and 685 MB reading the XML
cell by cell, of which checking the scenario (after reading it) takes about 8 s and 380 MB.
"""

from __future__ import annotations

import csv
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from flashpoint import load_scenario, save_scenario


def main(actors: int = 1000, issues: int = 100) -> None:
    with tempfile.TemporaryDirectory() as folder:
        table = write_table(Path(folder) / "big.csv", actors, issues)
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


READ = """
import sys, time
from flashpoint import load_scenario
started = time.perf_counter()
load_scenario(sys.argv[1])
seconds = time.perf_counter() - started
peak = next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(seconds, int(peak) / 2**10)
"""
"""Read and check a file; print the seconds it took and the process's peak memory in MB (its
own since it started: what ``/usr/bin/time -v`` calls the maximum resident set size)."""


def workbook(actors: int = 1800, issues: int = 100) -> None:
    """Write a scenario of ``actors`` x ``issues`` stances as a workbook, and read and check it
    in a process of its own (Linux): its time and peak memory."""
    with tempfile.TemporaryDirectory() as folder:
        table = write_table(Path(folder) / "big.csv", actors, issues)
        path = save_scenario(load_scenario(table), table.with_suffix(".xlsx"))
        said = subprocess.run(
            [sys.executable, "-c", READ, str(path)], check=True, capture_output=True, text=True
        )
        seconds, peak = (float(number) for number in said.stdout.split())
        print(
            f"{actors:,} actors x {issues:,} issues as a workbook of"
            f" {path.stat().st_size / 2**20:.1f} MB: read and checked in {seconds:.1f} s,"
            f" peak memory {peak:,.0f} MB"
        )


def write_table(path: Path, actors: int, issues: int) -> Path:
    """A CSV table of ``actors`` x ``issues`` stances, one per row, of random numbers."""
    rng = random.Random(1)
    with path.open("w", newline="") as out:
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
    return path


if __name__ == "__main__":
    if sys.argv[1:2] == ["workbook"]:
        workbook(*(int(argument) for argument in sys.argv[2:4]))
    else:
        main(*(int(argument) for argument in sys.argv[1:3]))
