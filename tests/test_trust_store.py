"""Issue #36, "Nothing wrong without an error": a damaged run store, a rerun of a future with a
``not`` rule, a seed out of range, positions round by round over spread inputs, and a converted
file that flashpoint would refuse to read. Each is refused with words that say where and what,
or gives the right result."""

from __future__ import annotations

import json
import os
import sqlite3
import time
import zlib
from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

import flashpoint
import flashpoint.cli.common
from flashpoint.analysis.montecarlo import PATH, MonteCarlo, run_draws
from flashpoint.analysis.request import read_request
from flashpoint.analysis.uncertainty import path_bands
from flashpoint.cli import app
from flashpoint.scenario.native import count_values, scenario_to_data
from flashpoint.store import RunStore, StoreError
from flashpoint.store.hashing import canonical, digest

runner = CliRunner()
BORDER_TALKS = Path(__file__).parents[1] / "docs" / "examples" / "border-talks.yaml"
QUICK = flashpoint.ForecastRequest(models=("compromise",), draws=30, executor="serial")
LARGEST_SEED = "18446744073709551615"


def cli(*args: str):
    return runner.invoke(app, list(args), env={"COLUMNS": "200"})


def said(result) -> str:
    """A command's output with its lines joined (rich wraps long messages)."""
    return " ".join(result.output.split())


def update(path: Path, column: str, value: object, run_id: int) -> None:
    """Overwrite one column of one stored run, as a damaged disk or a hand edit would."""
    db = sqlite3.connect(path)
    with db:
        db.execute(f"UPDATE runs SET {column} = ? WHERE id = ?", (value, run_id))
    db.close()


@pytest.fixture
def three_runs(tmp_path) -> Path:
    """A store of three intact runs (1, 2, 3)."""
    path = tmp_path / "runs.sqlite"
    result = flashpoint.run(QUICK)
    with RunStore(path) as store:
        for _ in range(3):
            store.record(result, 0.5)
    return path


def packed_result(path: Path, run_id: int) -> bytes:
    db = sqlite3.connect(path)
    (packed,) = db.execute("SELECT result FROM runs WHERE id = ?", (run_id,)).fetchone()
    db.close()
    return packed


def cut_json(path: Path) -> bytes:
    """Run 2's result, its JSON cut in half and compressed again."""
    text = zlib.decompress(packed_result(path, 2))
    return zlib.compress(text[: len(text) // 2])


DAMAGE = {
    "text instead of a result": ("result", lambda path: "garbage", "its result is 'garbage'"),
    "a result cut short": ("result", cut_json, "its result was cut short (its JSON stops after"),
    "compressed data cut short": (
        "result",
        lambda path: packed_result(path, 2)[:40],
        "its result was cut short (its compressed data stops before the end)",
    ),
    "random bytes": (
        "result",
        lambda path: os.urandom(200),
        "its result is not the compressed JSON flashpoint keeps",
    ),
    "no result": ("result", lambda path: None, "its result is missing (NULL)"),
    "a scenario cut short": (
        "scenario",
        lambda path: '{"id": "korea-2018", "title": "Kor',
        "its scenario was cut short",
    ),
    "a request that is not JSON": (
        "request",
        lambda path: "{kind: forecast}",
        "its request is not valid JSON",
    ),
    "a BLOB for a scenario": (
        "scenario",
        lambda path: b"\x00\x01\x02",
        "its scenario is stored as a BLOB (3 bytes), not JSON text",
    ),
    "text for seconds": (
        "seconds",
        lambda path: "slow",
        "how long it took is 'slow', not a number",
    ),
    "a BLOB for a title": (
        "title",
        lambda path: b"\xff\xfe",
        "its title is stored as a BLOB (2 bytes), not text",
    ),
}


@pytest.mark.parametrize("case", list(DAMAGE), ids=list(DAMAGE))
def test_one_damaged_run_hides_no_other_and_is_named_wherever_it_is_used(three_runs, case):
    column, damaged, words = DAMAGE[case]
    update(three_runs, column, damaged(three_runs), 2)
    store = ("--store", str(three_runs))

    listed = cli("runs", "list", *store)
    assert listed.exit_code == 0, listed.output
    assert f"damaged: {words}" in said(listed)
    assert said(listed).count("damaged:") == 1  # runs 1 and 3 are listed as they are
    summaries = json.loads(cli("runs", "list", "--json", *store).stdout)["runs"]
    assert [run["id"] for run in summaries] == [3, 2, 1]
    assert [bool(run["damage"]) for run in summaries] == [False, True, False]
    assert words in summaries[1]["damage"][0]

    shown = cli("runs", "show", "2", *store)
    assert shown.exit_code == 1 and "Run 2 is damaged" in said(shown) and words in said(shown)
    for refused in (
        cli("runs", "show", "2", "--json", *store),
        cli("runs", "export", "2", *store),
        cli("runs", "diff", "1", "2", *store),
        cli("runs", "diff", "2", "3", *store),
        cli("runs", "rerun", "2", *store),
    ):
        assert refused.exit_code == 1 and isinstance(refused.exception, SystemExit)
        assert "run 2 in the store" in said(refused) and words in said(refused)
        assert "Traceback" not in refused.output

    assert cli("runs", "show", "3", *store).exit_code == 0
    assert json.loads(cli("runs", "export", "1", *store).stdout)["id"] == 1
    assert cli("runs", "diff", "1", "3", *store).exit_code == 0
    assert cli("runs", "delete", "2", *store).exit_code == 0  # a damaged run can be removed


def test_a_rerun_refuses_a_scenario_that_no_longer_matches_its_hash(three_runs):
    db = sqlite3.connect(three_runs)
    (text,) = db.execute("SELECT scenario FROM runs WHERE id = 1").fetchone()
    db.close()
    edited = text.replace('"capability":60', '"capability":61', 1)
    assert edited != text and json.loads(edited)  # still valid JSON: only the hash tells
    update(three_runs, "scenario", edited, 1)

    rerun = cli("runs", "rerun", "1", "--store", str(three_runs))
    assert rerun.exit_code == 1
    assert "run 1 in the store" in said(rerun)
    assert "its scenario no longer matches the hash recorded for it" in said(rerun)
    with RunStore(three_runs) as store, pytest.raises(StoreError, match="no longer matches"):
        store.rerun(1)
    assert len(RunStore(three_runs).runs()) == 3  # nothing was run or recorded


def test_damaged_traces_are_named(tmp_path):
    path = tmp_path / "runs.sqlite"
    with RunStore(path) as store:
        _, run_id = store.run(QUICK, keep_traces=True)
    db = sqlite3.connect(path)
    with db:
        db.execute("UPDATE traces SET data = ? WHERE run = ?", (b"PK\x03\x04 not a zip", run_id))
    db.close()
    exported = cli(
        "runs", "export", str(run_id), "--traces", str(tmp_path / "t.npz"), "--store", str(path)
    )
    assert exported.exit_code == 1 and "Traceback" not in exported.output
    assert f"the traces kept with run {run_id}" in said(exported) and "damaged" in said(exported)


def test_a_request_this_flashpoint_cannot_read_is_named_on_rerun(three_runs):
    update(three_runs, "request", canonical({"kind": "forecast", "draws": 0}), 1)
    rerun = cli("runs", "rerun", "1", "--store", str(three_runs))
    assert rerun.exit_code == 1 and "Traceback" not in rerun.output
    assert "run 1 cannot be run again" in said(rerun) and "draws" in said(rerun)


# 2. A future with a `not` rule


def futures_of(document: dict) -> dict:
    return {
        name: [(f["id"], f["probability"]) for f in summary["futures"]]
        for name, summary in document["models"].items()
    }


def test_a_run_with_a_not_rule_reruns_to_the_same_probabilities(tmp_path):
    assert "not:" in BORDER_TALKS.read_text("utf-8")
    path = tmp_path / "runs.sqlite"
    request = flashpoint.ForecastRequest(
        scenario=str(BORDER_TALKS), models=("compromise", "nash"), draws=40, seed=5
    )
    with RunStore(path) as store:
        result, run_id = store.run(request)
        again = store.rerun(run_id)
        assert futures_of(again.to_dict()) == futures_of(result.to_dict())
    rerun = cli("runs", "rerun", str(run_id), "--store", str(path))
    assert rerun.exit_code == 0, rerun.output
    assert "every number is the same, bit for bit" in said(rerun)
    # the rerun is recorded with the scenario inside its request: it runs again too
    assert cli("runs", "rerun", str(run_id + 1), "--store", str(path)).exit_code == 0


def test_a_not_rule_recorded_under_its_field_name_still_reruns(tmp_path):
    """Runs recorded before the fix kept ``not`` as ``not_``: they run again all the same."""
    path = tmp_path / "runs.sqlite"
    request = flashpoint.ForecastRequest(
        scenario=str(BORDER_TALKS), models=("compromise",), draws=30
    )
    with RunStore(path) as store:
        result, run_id = store.run(request)
    old = flashpoint.load_scenario(BORDER_TALKS).model_dump(mode="json")
    assert '"not_"' in canonical(old)
    update(path, "scenario", canonical(old), run_id)
    update(path, "scenario_hash", digest(old), run_id)
    with RunStore(path) as store:
        assert futures_of(store.rerun(run_id).to_dict()) == futures_of(result.to_dict())


# 3. Seeds


@pytest.mark.parametrize("seed", ["18446744073709551616", "-1"])
@pytest.mark.parametrize("command", [["forecast", "korea-2018"], ["run", "eum", "korea-2018"]])
def test_a_seed_out_of_range_is_refused_before_any_work(tmp_path, monkeypatch, seed, command):
    def no_run(*args, **kwargs):
        raise AssertionError("the run started")

    monkeypatch.setattr(flashpoint.cli.common, "run", no_run)
    monkeypatch.setattr(flashpoint.cli.one_model, "run", no_run)
    store = tmp_path / "runs.sqlite"
    monkeypatch.setenv("FLASHPOINT_STORE", str(store))
    started = time.perf_counter()
    result = cli(*command, "--seed", seed)
    assert time.perf_counter() - started < 5
    assert result.exit_code == 2
    assert f"--seed must be a whole number from 0 to {LARGEST_SEED}, not {seed}" in said(result)
    assert not store.exists()  # nothing recorded


def test_the_range_of_seeds_ends_at_the_largest():
    largest = cli("forecast", "-m", "compromise", "--seed", LARGEST_SEED, "--no-store", "--json")
    assert largest.exit_code == 0 and json.loads(largest.stdout)["seed"] == int(LARGEST_SEED)
    assert read_request({"kind": "forecast", "seed": int(LARGEST_SEED)}).seed == 2**64 - 1
    beyond = cli("forecast", "-m", "compromise", "--seed", str(2**64), "--no-store", "--json")
    assert beyond.exit_code == 2 and not beyond.stdout.startswith("{")


@pytest.mark.parametrize("seed", [2**64, -1, True, 1.5])
def test_the_request_refuses_a_seed_out_of_range(seed):
    with pytest.raises(ValidationError, match=f"at most {LARGEST_SEED}"):
        read_request({"kind": "forecast", "seed": seed})
    with pytest.raises(ValueError, match=LARGEST_SEED):
        flashpoint.forecast("korea-2018", ["compromise"], draws=500, seed=seed)


# 4. Positions round by round over spread inputs


def test_paths_with_jitter_over_blocks_that_stop_after_different_rounds():
    result = cli(
        "forecast", "korea-2018", "--draws", "300", "--paths", "--jitter", "0.1", "-m", "smp",
        "--no-store", "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["models"]["smp"]["path"]["positions"]


def test_blocks_of_draws_keep_their_positions_when_joined():
    scenario = flashpoint.load_scenario("korea-2018")
    run = MonteCarlo(scenario, (("smp", {}),), jitter=0.1, paths=True)
    first, last = (
        run.run_block(block, size)[0][PATH + "smp"] for block, size in ((0, 250), (1, 50))
    )
    assert first.shape[1] != last.shape[1]  # the blocks stopped after different rounds
    (joined,) = run_draws(run, 300, executor="serial")
    path = joined[PATH + "smp"]
    rounds = max(first.shape[1], last.shape[1])
    assert path.shape == (300, rounds, *first.shape[2:])
    shorter, longer = (first, last) if first.shape[1] < rounds else (last, first)
    assert np.array_equal(path[:250] if longer is first else path[250:], longer, equal_nan=True)
    kept = path[:250] if shorter is first else path[250:]
    assert np.array_equal(kept[:, : shorter.shape[1]], shorter, equal_nan=True)
    stopped = np.broadcast_to(shorter[:, -1:], kept[:, shorter.shape[1] :].shape)
    assert np.array_equal(kept[:, shorter.shape[1] :], stopped, equal_nan=True)


def test_path_bands_cover_every_round_of_the_stated_values_and_the_draws():
    stated = np.zeros((3, 1, 1))
    drawn = np.zeros((4, 6, 1, 1))
    drawn[:, 5] = 1.0  # the draws still move in their last round, after the stated values stop
    assert path_bands(stated, drawn).rounds == 6
    assert path_bands(np.arange(8.0).reshape(8, 1, 1), drawn[:, :2]).rounds == 8


# 5. A converted file flashpoint would refuse to read


def stance_table(path: Path, actors: int, issues: int) -> Path:
    """An actor table of ``actors`` x ``issues`` stances."""
    rows = ["actor,issue,min,max,capability,position,salience"]
    for a in range(actors):
        rows += [f"a{a},i{i},0,100,{1 + a},{(7 * a + 13 * i) % 101},{10 + (a + i) % 90}"
                 for i in range(issues)]  # fmt: skip
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_convert_refuses_to_write_a_file_it_would_refuse_to_read(tmp_path, monkeypatch, suffix):
    """The 200,000 stances of the issue, scaled down with the limit: the same counting."""
    table = stance_table(tmp_path / "stances.csv", 20, 10)
    values = count_values(scenario_to_data(flashpoint.load_scenario(table)))
    target = tmp_path / f"stances{suffix}"

    monkeypatch.setenv("FLASHPOINT_MAX_VALUES", str(values - 1))
    refused = cli("convert", str(table), str(target))
    assert refused.exit_code == 1 and not target.exists()
    assert f"would be written with {values:,} values, more than {values - 1:,} values" in said(
        refused
    )
    assert f"raise the limit to {values:,} or more" in said(refused)

    monkeypatch.setenv("FLASHPOINT_MAX_VALUES", str(values))  # what is written is read back
    assert cli("convert", str(table), str(target)).exit_code == 0
    assert len(flashpoint.load_scenario(target).actors) == 20

    monkeypatch.setenv("FLASHPOINT_MAX_VALUES", str(values - 1))
    with pytest.raises(flashpoint.ScenarioError) as caught:
        flashpoint.load_scenario(target)
    (problem,) = caught.value.problems
    assert f"more than {values - 1:,} values, the most flashpoint reads" in str(problem)
    assert "aliases used over and over" not in str(problem)
