"""The waits a user meets, measured as a user meets them: each command run by the installed
``flashpoint`` in a fresh process (its start, imports and loading of the compiled models
included), its wall time beside the goal of issue #37 and, where the run announces one, its
cost estimate (``flashpoint.analysis.cost``) and the ratio of the time taken to it.

    python bench/waits.py [--quick | --report-phases]

Rows: ``levers`` on Korea (the United States, P(peace regime)); ``report`` of Korea (1,000
draws, shocks and tornado); ``backtest`` on the DEU development set (171 issues, every model,
100 draws); ``forecast --draws 10000`` of Korea; the same backtest on 180 made-up EU-like
decisions of 30 actors (the later decisions themselves are not public: a stand-in of their
size, ``made_up_decisions``); and Ctrl-C during ``forecast --draws 200000`` (summed-up draws):
the time from the signal to the end of the process, and the store's record of the run.
``--quick`` leaves out the made-up decisions and Ctrl-C. ``--report-phases`` times the
report's parts instead, through the Python API in one process: the forecast, the comparison,
the tornado, the figures and the page. Every run writes to a temporary store.
"""

from __future__ import annotations

import csv
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from flashpoint.analysis.cost import BACKTEST_START, START, estimate_parts
from flashpoint.analysis.montecarlo import BLOCK_SIZE
from flashpoint.engine.executors import processes

HERE = Path(__file__).resolve().parent
DEU = HERE.parent / "tests" / "data" / "deu"
ACTORS = DEU / "deu_dev_1998_2002.actors.csv"
OUTCOMES = DEU / "deu_dev_1998_2002.outcomes.csv"
MODELS = ("compromise", "median", "nash", "eum", "exchange", "smp")


def announced(parts: list[tuple[int, int]], draws: int, start: float) -> float:
    """The estimate a command announces for its parts (a forecast: one; a backtest: its
    proposals, each one block) on this machine's processes, with the executor's default."""
    blocks = len(parts) if len(parts) > 1 else -(-draws // BLOCK_SIZE)
    shared = processes("auto", None, blocks)
    return estimate_parts(parts, draws, MODELS, processes=shared, start=start).seconds


def flashpoint_command() -> list[str]:
    """The installed command, else the module run by this Python."""
    found = shutil.which("flashpoint")
    return [found] if found else [sys.executable, "-m", "flashpoint"]


def timed(arguments: list[str], store: Path, workdir: Path) -> float:
    """The wall time of one command, which must succeed."""
    environment = dict(os.environ, FLASHPOINT_STORE=str(store))
    started = time.perf_counter()
    done = subprocess.run(
        flashpoint_command() + arguments,
        cwd=workdir,
        env=environment,
        capture_output=True,
        text=True,
    )
    took = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(arguments)} failed:\n{done.stderr[-2000:]}")
    return took


def made_up_decisions(folder: Path, issues: int = 180, actors: int = 30) -> tuple[Path, Path]:
    """A long actor table and an outcome table of ``issues`` EU-like decisions of ``actors``
    actors each, in proposals of one to four issues (seed 0): the size of the later EU
    decisions, not their content."""
    rng = np.random.default_rng(0)
    actor_rows, outcome_rows, made, proposal = [], [], 0, 0
    while made < issues:
        proposal += 1
        for _ in range(min(int(rng.integers(1, 5)), issues - made)):
            made += 1
            issue = f"i{made}"
            positions = rng.uniform(0, 100, actors)
            for k in range(actors):
                actor_rows.append(
                    {
                        "actor": f"a{k}",
                        "issue": issue,
                        "capability": float(rng.uniform(1, 30)),
                        "position": float(positions[k]),
                        "salience": float(rng.uniform(10, 100)),
                    }
                )
            outcome_rows.append(
                {"issue": issue, "outcome": float(rng.uniform(0, 100)), "proposal": f"p{proposal}"}
            )
    paths = folder / "made_up.actors.csv", folder / "made_up.outcomes.csv"
    for path, rows in zip(paths, (actor_rows, outcome_rows), strict=True):
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return paths


def parts_of(actors_file: Path, outcomes_file: Path) -> list[tuple[int, int]]:
    """``(actors, issues)`` of each proposal of a long actor table, as the backtest runs them."""
    with outcomes_file.open(encoding="utf-8") as handle:
        proposal = {
            row["issue"]: row.get("proposal") or row["issue"] for row in csv.DictReader(handle)
        }
    members: dict[str, set[str]] = {}
    issues: dict[str, set[str]] = {}
    with actors_file.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["issue"] in proposal:
                key = proposal[row["issue"]]
                members.setdefault(key, set()).add(row["actor"])
                issues.setdefault(key, set()).add(row["issue"])
    return [(len(members[key]), len(issues[key])) for key in members]


def interrupted(store: Path, workdir: Path) -> tuple[float, str]:
    """Ctrl-C (SIGINT) 8 s into ``forecast korea-2018 --draws 200000``: seconds from the signal
    to the end of the process, and the status the store recorded."""
    environment = dict(os.environ, FLASHPOINT_STORE=str(store))
    process = subprocess.Popen(
        flashpoint_command() + ["forecast", "korea-2018", "--draws", "200000"],
        cwd=workdir,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(8)
    started = time.perf_counter()
    process.send_signal(signal.SIGINT)
    process.wait(timeout=600)
    took = time.perf_counter() - started
    with sqlite3.connect(store) as database:
        row = database.execute("SELECT status FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    return took, row[0] if row else "not recorded"


def report_phases() -> None:
    """The report's parts, each timed (the Python API, one process; imports first)."""
    started = time.perf_counter()
    import flashpoint
    from flashpoint.report.document import forecast_report
    from flashpoint.report.html import render_html

    phases = {"imports": time.perf_counter() - started}

    def timed_phase(name: str, work):
        began = time.perf_counter()
        found = work()
        phases[name] = time.perf_counter() - began
        return found

    forecast = timed_phase(
        "forecast (1,000 draws, paths, bottom line)",
        lambda: flashpoint.forecast("korea-2018", draws=1000, paths=True, brief=True),
    )
    comparison = timed_phase(
        "comparison (5 shocks x 1,000 draws)", lambda: flashpoint.compare("korea-2018", draws=1000)
    )
    tornado = timed_phase(
        "tornado (11 inputs, low and high, 500 draws)",
        lambda: flashpoint.sensitivity("korea-2018", "P(breakdown)"),
    )
    report = timed_phase(
        "figures and tables", lambda: forecast_report(forecast, comparison, tornado, None)
    )
    timed_phase("HTML page", lambda: render_html(report))
    for name, seconds in phases.items():
        print(f"{name:50} {seconds:6.2f} s")


def main() -> None:
    if "--report-phases" in sys.argv[1:]:
        report_phases()
        return
    quick = "--quick" in sys.argv[1:]
    rows: list[tuple[str, float, str, float | None]] = []
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        store = work / "runs.db"
        korea = announced([(7, 6)], 10_000, START)
        deu = announced(parts_of(ACTORS, OUTCOMES), 100, BACKTEST_START)
        commands = [
            (
                "levers korea-2018 --actor united_states --target P(peace_regime)",
                ["levers", "korea-2018", "--actor", "united_states", "--target", "P(peace_regime)"],
                "<= 10 s",
                None,
            ),
            (
                "report korea-2018 -o k.html",
                ["report", "korea-2018", "-o", "k.html"],
                "<= 5 s",
                None,
            ),
            (
                "backtest, DEU (171 issues, every model, 100 draws)",
                ["backtest", "--actors", str(ACTORS), "--outcomes", str(OUTCOMES)],
                "<= 4 s",
                deu,
            ),
            (
                "forecast korea-2018 --draws 10000",
                ["forecast", "korea-2018", "--draws", "10000"],
                "<= 2 s",
                korea,
            ),
        ]
        if not quick:
            actors, outcomes = made_up_decisions(work)
            later = announced(parts_of(actors, outcomes), 100, BACKTEST_START)
            commands.append(
                (
                    "backtest, 180 made-up decisions of 30 actors",
                    ["backtest", "--actors", str(actors), "--outcomes", str(outcomes)],
                    "<= 20 s",
                    later,
                )
            )
        for name, arguments, goal, guess in commands:
            rows.append((name, timed(arguments, store, work), goal, guess))
        print(f"{'what a user runs':58} {'took s':>7} {'goal':>8} {'estimate s':>10} {'ratio':>6}")
        for name, took, goal, guess in rows:
            shown = f"{guess:10.1f} {took / guess:6.2f}" if guess else f"{'':10} {'':6}"
            print(f"{name:58} {took:7.1f} {goal:>8} {shown}")
        if not quick:
            took, status = interrupted(store, work)
            print(
                f"{'Ctrl-C during forecast --draws 200000: stopped after':58} {took:7.1f}"
                f" {'<= 1 s':>8}  recorded as {status}"
            )


if __name__ == "__main__":
    main()
