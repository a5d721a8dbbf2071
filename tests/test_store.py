"""The run store and the forecast ledger: durable under SIGKILL and concurrent writers,
migrating old databases, keeping text exactly, rerunning to the same numbers, and scoring and
verifying the ledger."""

from __future__ import annotations

import json
import math
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
import zlib
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

import flashpoint
from flashpoint.cli import app
from flashpoint.store import (
    SCHEMA_VERSION,
    Ledger,
    RunStore,
    StoreError,
    diff_runs,
    this_machine,
)
from flashpoint.store.database import connect
from flashpoint.store.diff import comparable
from flashpoint.store.ledger import brier, ranked_probability_score

runner = CliRunner()
QUICK = flashpoint.ForecastRequest(models=("compromise",), draws=30, executor="serial")


def cli(*args: str):
    return runner.invoke(app, list(args), env={"COLUMNS": "160"})


def writer_script(path: Path, count: int | None) -> str:
    """A process that records runs into ``path`` (``count`` of them, or until killed), printing
    each id once its transaction has committed."""
    return textwrap.dedent(
        f"""
        import sys, flashpoint
        from flashpoint.store import RunStore
        result = flashpoint.forecast("korea-2018", ["compromise"], draws=30, executor="serial")
        with RunStore({str(path)!r}) as store:
            done = 0
            while {count!r} is None or done < {count!r}:
                print(store.record(result, 0.1), flush=True)
                done += 1
        """
    )


def test_a_process_killed_while_writing_leaves_every_earlier_run_intact(tmp_path):
    path = tmp_path / "runs.sqlite"
    writer = subprocess.Popen(
        [sys.executable, "-c", writer_script(path, None)], stdout=subprocess.PIPE, text=True
    )
    committed = []
    while len(committed) < 40:
        line = writer.stdout.readline()
        assert line, "the writer stopped on its own"
        committed.append(int(line))
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    db.close()
    with RunStore(path) as store:
        runs = {run.id: run for run in store.runs()}
    assert set(committed) <= set(runs)  # every committed run is there
    assert len(runs) <= len(committed) + 1  # at most the one being written, and it is whole
    for run in runs.values():
        assert run.status == "done" and run.result["request"]["draws"] == 30


def test_two_processes_writing_at_once_lose_nothing(tmp_path):
    path = tmp_path / "runs.sqlite"
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", writer_script(path, 25)], stdout=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    ids = []
    for writer in writers:
        out, _ = writer.communicate(timeout=300)
        assert writer.returncode == 0
        ids += [int(line) for line in out.split()]
    assert len(ids) == 50 and len(set(ids)) == 50
    with RunStore(path) as store:
        assert sorted(run.id for run in store.runs()) == sorted(ids)


def test_an_older_database_is_migrated_without_loss(tmp_path):
    path = tmp_path / "old.sqlite"
    old = connect(path, up_to=1)  # the first schema: runs only, no ledger
    with RunStore(tmp_path / "new.sqlite") as store:
        result, run_id = store.run(QUICK)
        row = store._db.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
    row = row[:-1]  # the first schema had no machine column
    old.execute(f"INSERT INTO runs VALUES ({', '.join('?' * len(row))})", row)
    assert old.execute("PRAGMA user_version").fetchone() == (1,)
    old.close()
    with RunStore(path) as store:
        assert store._db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        kept = store.get(run_id)
        assert comparable(kept.result) == comparable(json.loads(json.dumps(result.to_dict())))
        assert kept.machine is None  # recorded before machines were
        entry = Ledger(store).add(run_id, "Which future?", date(2030, 1, 1))  # the new tables
        assert entry.id == 1
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 99")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="newer than this flashpoint knows"):
        RunStore(path)


def test_unusual_text_round_trips_exactly(tmp_path):
    scenario = flashpoint.load_scenario("korea-2018")
    odd = 'Kim\'s "quoted" \\ back\\slash; 朝鮮民主主義人民共和国 — ünïcødé 🕊 ' + "x" * 20_000
    data = scenario.model_dump(mode="json")
    data["title"] = odd
    data["actors"][0]["label"] = odd[::-1]
    data["issues"][0]["description"] = "line one\nline two\ttab\u2028separator"
    changed = flashpoint.Scenario.model_validate(data)
    with RunStore(tmp_path / "runs.sqlite") as store:
        _, run_id = store.run(QUICK.model_copy(update={"scenario": changed}))
        kept = store.get(run_id)
    assert kept.title == odd
    assert flashpoint.Scenario.model_validate(kept.scenario) == changed
    assert kept.scenario == json.loads(json.dumps(data))


def test_a_rerun_gives_the_stored_numbers_bit_for_bit(tmp_path):
    request = flashpoint.ForecastRequest(
        models=("compromise", "eum", "smp"), draws=120, seed=11, shocks=("china_guarantee",)
    )
    with RunStore(tmp_path / "runs.sqlite") as store:
        _, run_id = store.run(request)
        again = store.rerun(run_id)
        assert comparable(store.get(run_id).result) == comparable(
            json.loads(json.dumps(again.to_dict()))
        )
    result = cli("runs", "rerun", str(run_id), "--store", str(tmp_path / "runs.sqlite"))
    assert result.exit_code == 0, result.output
    assert "every number is the same, bit for bit" in result.output


def test_a_machine_is_described_the_same_whatever_has_been_loaded():
    """scipy brings its own copy of OpenBLAS: loading it must not make this machine another."""
    code = (
        "from flashpoint.store.machine import this_machine as m; a = m.__wrapped__();"
        " import scipy.special, scipy.optimize; b = m.__wrapped__(); print(a == b)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "True"


def test_a_seed_past_sqlites_integers_is_kept_exactly(tmp_path):
    """SQLite's integers stop at 2**63 - 1; a seed may go to 2**64 - 1."""
    seed = 2**64 - 1
    with RunStore(tmp_path / "runs.sqlite") as store:
        _, run_id = store.run(QUICK.model_copy(update={"seed": seed}))
        kept = store.get(run_id)
        assert kept.seed == seed and kept.summary().seed == seed
        assert store.rerun(run_id).seed == seed


def _rewrite(path: Path, run_id: int, machine: dict | None, result: dict | None = None) -> None:
    """Change a stored run's machine (and result) as if it had been computed elsewhere."""
    db = sqlite3.connect(path)
    with db:
        db.execute(
            "UPDATE runs SET machine = ? WHERE id = ?",
            (None if machine is None else json.dumps(machine), run_id),
        )
        if result is not None:
            packed = zlib.compress(json.dumps(result).encode("utf-8"))
            db.execute("UPDATE runs SET result = ? WHERE id = ?", (packed, run_id))
    db.close()


def test_a_rerun_of_a_run_from_another_machine_compares_within_its_tolerance(tmp_path):
    """A store copied from another machine: the rerun claims no bit for bit, but "within 1e-12"
    (docs/reliability.md), and names the first number that differs beyond it."""
    path = tmp_path / "runs.sqlite"
    request = flashpoint.ForecastRequest(models=("compromise", "smp"), draws=40, seed=3)
    with RunStore(path) as store:
        _, run_id = store.run(request)
        kept = store.get(run_id)
    assert kept.machine == this_machine() and kept.to_dict()["machine"] == kept.machine
    elsewhere = {**kept.machine, "blas": ["openblas 0.3.31 SkylakeX"]}
    _rewrite(path, run_id, elsewhere)
    result = cli("runs", "rerun", str(run_id), "--store", str(path))
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "every number is the same, within 1e-12 (relative)" in said
    assert "SkylakeX" in said and "bit for bit" not in said

    # the last bit of one number: within the tolerance; a change of 1e-9: named
    document = kept.result
    spread = document["models"]["smp"]["distribution"]["denuclearization"]
    mean = spread["mean"]  # not a median: breakdowns put those at 0, where relative ends
    assert mean > 0
    spread["mean"] = math.nextafter(mean, math.inf)
    _rewrite(path, run_id, elsewhere, document)
    assert cli("runs", "rerun", str(run_id), "--store", str(path)).exit_code == 0
    spread["mean"] = mean * (1 + 1e-9)
    _rewrite(path, run_id, elsewhere, document)
    result = cli("runs", "rerun", str(run_id), "--store", str(path))
    assert result.exit_code == 1
    said = " ".join(result.output.split())
    assert "models.smp.distribution.denuclearization.mean" in said and "beyond 1e-12" in said

    # the same change on this machine is no longer within anything: bit for bit is asked for
    spread["mean"] = math.nextafter(mean, math.inf)
    _rewrite(path, run_id, this_machine(), document)
    result = cli("runs", "rerun", str(run_id), "--store", str(path))
    assert result.exit_code == 1 and "beyond" not in result.output

    # a run kept before machines were recorded: compared as from another machine
    _rewrite(path, run_id, None, kept.result)
    result = cli("runs", "rerun", str(run_id), "--store", str(path))
    assert result.exit_code == 0
    assert "a machine it did not record" in " ".join(result.output.split())


def test_a_run_stopped_or_failed_is_kept_as_such(tmp_path):
    def stop(done, total):
        if done:
            raise KeyboardInterrupt

    def fail(done, total):
        if done:
            raise RuntimeError("out of luck")

    request = flashpoint.ForecastRequest(models=("compromise",), draws=600, executor="serial")
    with RunStore(tmp_path / "runs.sqlite") as store:
        with pytest.raises(KeyboardInterrupt):
            store.run(request, stop)
        with pytest.raises(RuntimeError):
            store.run(request, fail)
        stopped, failed = sorted(store.runs(), key=lambda run: run.id)
    assert stopped.status == "cancelled" and stopped.result is None
    assert stopped.error == "stopped by its user (Ctrl-C)" and not stopped.damage
    assert failed.status == "failed" and failed.error == "RuntimeError: out of luck"


def test_ctrl_c_stops_a_summed_up_forecast_at_once_and_records_it_cancelled(tmp_path):
    """Ctrl-C (SIGINT) during a forecast whose draws are summed up block by block on worker
    processes: the process ends within 2 s, and the store keeps the run as cancelled."""
    store = tmp_path / "runs.sqlite"
    process = subprocess.Popen(
        [sys.executable, "-m", "flashpoint", "forecast", "korea-2018", "--draws", "200000"]
        + ["--executor", "process", "--workers", "2", "--store", str(store)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        said = ""
        while "This run will take" not in said:  # announced before its draws start
            line = process.stderr.readline()
            assert line, f"the forecast ended before its draws: {said}"
            said += line
        time.sleep(4)  # into the draws
        assert process.poll() is None
        process.send_signal(signal.SIGINT)
        started = time.perf_counter()
        try:
            _, said = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            said = "still running 60 s after Ctrl-C: " + process.communicate()[1]
        took = time.perf_counter() - started
        assert took < 2.0 and process.returncode == 130, (took, said)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    with RunStore(store) as kept:
        (run,) = kept.runs()
    assert run.status == "cancelled" and run.request["draws"] == 200000


def test_a_store_of_schema_4_keeps_its_runs_and_traces_when_runs_may_be_cancelled(tmp_path):
    path = tmp_path / "old.sqlite"
    with RunStore(tmp_path / "new.sqlite") as store:
        _, run_id = store.run(QUICK, keep_traces=True)
        row = store._db.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
        traces = store._db.execute("SELECT run, data FROM traces").fetchall()
        before = store.get(run_id)
    old = connect(path, up_to=4)
    old.execute(f"INSERT INTO runs VALUES ({', '.join('?' * len(row))})", row)
    old.executemany("INSERT INTO traces (run, data) VALUES (?, ?)", traces)
    old.close()
    with RunStore(path) as store:
        assert store._db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        assert store._db.execute("SELECT run, data FROM traces").fetchall() == traces
        kept = store.get(run_id)
        assert kept.result == before.result and kept.status == "done"
        store.delete(run_id)  # its traces go with it, as before
        assert store._db.execute("SELECT count(*) FROM traces").fetchone() == (0,)


def test_the_ledger_scores_a_hand_made_record(tmp_path):
    futures = ["a", "b", "c"]
    assert brier({"a": 0.7, "b": 0.2, "c": 0.1}, futures, "a") == pytest.approx(0.14)
    assert ranked_probability_score({"a": 0.7, "b": 0.2, "c": 0.1}, futures, "a") == pytest.approx(
        0.05
    )

    def forecast(p, medians):
        return {
            "futures": futures,
            "labels": {"a": "Alpha", "b": "Beta", "c": "Gamma"},
            "issues": ["x"],
            "probabilities": {"headline": p, "other": {"a": 1.0}},
            "medians": {"headline": medians, "other": {}},
        }

    with RunStore(tmp_path / "runs.sqlite") as store:
        ledger = Ledger(store)
        first = ledger.add_forecast(
            forecast({"a": 0.7, "b": 0.2, "c": 0.1}, {"x": 40.0}), "Q1", date(2020, 1, 31), "h"
        )
        second = ledger.add_forecast(
            forecast({"a": 0.2, "b": 0.5, "c": 0.3}, {"x": 40.0}), "Q2", date(2020, 2, 29), "h"
        )
        third = ledger.add_forecast(
            forecast({"a": 0.5, "b": 0.5, "c": 0.0}, {"x": 40.0}), "Q3", date(2021, 1, 1), "h"
        )
        ledger.resolve(first.id, "a")
        ledger.resolve(second.id, "Gamma")  # by its label
        ledger.resolve(third.id, "x=55")
        with pytest.raises(ValueError, match="was resolved"):
            ledger.resolve(first.id, "b")
        with pytest.raises(ValueError, match="neither a future"):
            fourth = ledger.add_forecast(forecast({"a": 1.0}, {}), "Q4", date(2022, 1, 1), "h")
            ledger.resolve(fourth.id, "delta")  # entry 7: resolutions are entries of the chain
        scores = ledger.score()
    headline = next(s for s in scores.models if s.model == "headline")
    # Brier: 0.09 + 0.04 + 0.01 = 0.14 and 0.04 + 0.25 + 0.49 = 0.78; RPS: (0.09 + 0.01) / 2
    # = 0.05 and (0.2^2 + 0.7^2) / 2 = 0.265; the third is an issue: |40 - 55| = 15
    assert headline.futures_scored == 2 and headline.brier == pytest.approx(0.46)
    assert headline.rps == pytest.approx(0.1575)
    assert headline.issues_scored == 1 and headline.mae == pytest.approx(15.0)
    other = next(s for s in scores.models if s.model == "other")
    assert other.brier == pytest.approx((0.0 + 2.0) / 2)  # all on a: right, then wrong
    assert [(p.model, p.futures_scored) for p in scores.periods] == [
        ("2020-01", 1),
        ("2020-02", 1),
        ("2021-01", 0),
    ]
    assert scores.resolved == 3 and scores.open == 1 and scores.reliability is None


def test_ledger_verify_names_the_entry_whose_forecast_was_edited(tmp_path):
    path = tmp_path / "runs.sqlite"
    with RunStore(path) as store:
        _, run_id = store.run(QUICK)
        ledger = Ledger(store)
        for k in range(3):
            ledger.add(run_id, f"Question {k}", date(2030, 1, 1))
        assert ledger.verify() == []
        text = store._db.execute("SELECT forecast FROM ledger WHERE id = 2").fetchone()[0]
    for at in (0, len(text) // 3, len(text) // 2, len(text) - 1):
        edited = text[:at] + chr(ord(text[at]) ^ 1) + text[at + 1 :]
        db = sqlite3.connect(path)
        db.execute("UPDATE ledger SET forecast = ? WHERE id = 2", (edited,))
        db.commit()
        db.close()
        result = cli("ledger", "verify", "--store", str(path))
        assert result.exit_code == 1
        assert "entry 2: its forecast was changed after it was recorded" in result.output
    db = sqlite3.connect(path)
    db.execute("UPDATE ledger SET forecast = ?, forecast_hash = ? WHERE id = 2", (edited, "0" * 64))
    db.commit()
    db.close()
    with RunStore(path) as store:
        problems = Ledger(store).verify()
    assert "entry 2: its record was changed after it was made" in problems


def test_the_runs_and_ledger_commands(tmp_path):
    store = str(tmp_path / "runs.sqlite")
    made = cli("forecast", "-m", "compromise", "--draws", "40", "--store", store)
    assert made.exit_code == 0 and "Recorded as run 1" in made.output
    assert (
        cli(
            "forecast", "-m", "compromise", "--draws", "40", "--store", store, "--no-store"
        ).exit_code
        == 0
    )
    made = cli(
        "forecast",
        "-m",
        "compromise",
        "--draws",
        "40",
        "-s",
        "us_maximum_pressure",
        "--store",
        store,
    )
    assert "Recorded as run 2" in made.output
    listed = json.loads(cli("runs", "list", "--store", store, "--json").stdout)
    assert [run["id"] for run in listed["runs"]] == [2, 1]  # --no-store recorded nothing
    shown = cli("runs", "show", "1", "--store", store)
    assert shown.exit_code == 0 and "P(peace_regime) recommended" in shown.output
    difference = json.loads(cli("runs", "diff", "1", "2", "--store", store, "--json").stdout)
    assert difference["request"] == [
        {"place": "shocks", "before": [], "after": ["us_maximum_pressure"]}
    ]
    moved = {c["place"]: c for c in difference["numbers"]}
    assert moved["P(breakdown) recommended"]["after"] > moved["P(breakdown) recommended"]["before"]
    exported = tmp_path / "run1.json"
    assert cli("runs", "export", "1", "-o", str(exported), "--store", store).exit_code == 0
    document = json.loads(exported.read_text("utf-8"))
    assert document["id"] == 1 and document["scenario"]["id"] == "korea-2018"
    added = cli(
        "ledger",
        "add",
        "1",
        "-q",
        "Which future by 2019?",
        "--resolves-by",
        "2019-12-31",
        "--store",
        store,
    )
    assert added.exit_code == 0, added.output
    assert (
        cli(
            "ledger", "add", "1", "-q", "x", "--resolves-by", "31/12/2019", "--store", store
        ).exit_code
        == 2
    )
    refused = cli("runs", "delete", "1", "--store", store)
    assert refused.exit_code == 1 and "cited by ledger entry 1" in refused.output
    deleted = cli("runs", "delete", "2", "--store", store, "--json")
    assert deleted.exit_code == 0 and json.loads(deleted.stdout) == {"deleted": [2]}
    assert cli("runs", "show", "2", "--store", store).exit_code == 1
    resolved = cli("ledger", "resolve", "1", "--outcome", "muddle_through", "--store", store)
    assert resolved.exit_code == 0, resolved.output
    scores = json.loads(cli("ledger", "score", "--store", store, "--json").stdout)
    assert scores["resolved"] == 1 and {m["model"] for m in scores["models"]} == {
        "compromise",
        "headline",
    }
    verified = cli("ledger", "verify", "--store", store)
    assert verified.exit_code == 0
    assert "consistent in itself: 2 entries (1 forecast, 1 resolution)" in " ".join(
        verified.output.split()
    )


def test_the_store_location_and_a_store_that_cannot_be_opened(tmp_path, monkeypatch):
    monkeypatch.setenv("FLASHPOINT_STORE", str(tmp_path / "from-env.sqlite"))
    assert cli("forecast", "-m", "compromise").exit_code == 0
    assert (tmp_path / "from-env.sqlite").exists()
    blocked = tmp_path / "a-folder"
    blocked.mkdir()
    result = cli("forecast", "-m", "compromise", "--store", str(blocked))
    assert result.exit_code == 0  # the forecast is still printed
    assert "cannot open the run store" in result.output and "not recorded" in result.output
    assert "Peace regime" in result.output


def test_diff_lists_changed_inputs_by_name():
    scenario = flashpoint.load_scenario("korea-2018")
    data = scenario.model_dump(mode="json")
    data["actors"][0]["capability"] = 65
    with RunStore(":memory:") as store:
        _, a = store.run(QUICK)
        _, b = store.run(
            QUICK.model_copy(update={"scenario": flashpoint.Scenario.model_validate(data)})
        )
        difference = diff_runs(store.get(a), store.get(b))
    assert [(c.place, c.before, c.after) for c in difference.scenario] == [
        ("actors.north_korea.capability", 60.0, 65)
    ]


def test_traces_are_kept_when_asked(tmp_path):
    store = str(tmp_path / "runs.sqlite")
    made = cli(
        "compare",
        "-m",
        "compromise",
        "-m",
        "median",
        "--draws",
        "40",
        "-s",
        "china_guarantee",
        "--store",
        store,
        "--keep-traces",
    )
    assert made.exit_code == 0, made.output
    plain = cli("forecast", "-m", "compromise", "--draws", "40", "--store", store)
    assert plain.exit_code == 0
    with RunStore(store) as found:
        traces = found.traces(1)
        with pytest.raises(KeyError, match="kept no traces"):
            found.traces(2)
    assert set(traces) == {
        f"{v}/{m}" for v in ("baseline", "china_guarantee") for m in ("compromise", "median")
    }
    comparison = flashpoint.compare(
        "korea-2018", ["china_guarantee"], ["compromise", "median"], draws=40
    )
    assert (
        traces["china_guarantee/median"] == comparison.traces["china_guarantee"]["median"]
    ).all()
    exported = tmp_path / "traces.npz"
    assert (
        cli(
            "runs",
            "export",
            "1",
            "--traces",
            str(exported),
            "--store",
            store,
            "-o",
            str(tmp_path / "r.json"),
        ).exit_code
        == 0
    )
    import numpy as np

    with np.load(exported) as read:
        assert read["baseline/compromise"].shape == (40, 6)
    assert cli("runs", "export", "2", "--traces", str(exported), "--store", store).exit_code == 1
