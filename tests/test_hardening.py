"""Broken and hostile input files end in one located error, never a traceback (#22: the
loader boundary, the alias budget, and problem lists kept short)."""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from flashpoint import ScenarioError, load_scenario, save_scenario
from flashpoint.cli import app

runner = CliRunner()

BROKEN = {
    "control.yaml": ("id: x\x00\ntitle: t\n", "not valid YAML or JSON"),
    "deep.json": ("[" * 1000 + "]" * 1000, "nests lists or mappings too deeply"),
    "listkey.yaml": ("? [a, b]\n: 1\n", ""),
    "nullkey.yaml": ("~: 1\n", ""),
    "boolkey.yaml": ("yes: 1\n", ""),
    "intkey.yaml": ("1: 1\n", ""),
    "digits.yaml": ("id: t\ntitle: t\nseed: " + "9" * 5000 + "\n", "more than 4,300 digits"),
    "wide.csv": ("actor,issue,position,salience,capability\na,x," + "1" * 140_000 + ",1,1\n", ""),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_broken_file_is_one_located_error(tmp_path, name):
    text, words = BROKEN[name]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    message = str(caught.value)
    assert name in message and words in message
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1 and "Traceback" not in result.output and name in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_yaml_alias_bomb_is_refused_quickly(tmp_path):
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for k in range(1, 10):
        levels.append(f"a{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * 10) + "]")
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(levels) + "\n", encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(ScenarioError, match="expands to more than 1,000,000 values"):
        load_scenario(path)
    assert time.perf_counter() - started < 10
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1 and "FLASHPOINT_MAX_VALUES" in result.output


def test_a_damaged_workbook_says_so(tmp_path):
    good = tmp_path / "good.xlsx"
    save_scenario(load_scenario("eu-emissions-1985"), good)
    source = zipfile.ZipFile(good)
    damaged = io.BytesIO()
    with zipfile.ZipFile(damaged, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item, data)
    raw = bytearray(damaged.getvalue())
    start = raw.find(b"xl/worksheets/sheet") + 60  # inside a sheet's compressed data
    raw[start : start + 40] = bytes(40)
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(bytes(raw))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert "damaged.xlsx" in str(caught.value)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1 and "Traceback" not in result.output


def test_a_workbook_problem_is_not_wrapped_in_another(tmp_path):
    path = tmp_path / "case.xlsx"
    save_scenario(load_scenario("eu-emissions-1985"), path)
    book = load_workbook(path)
    book["positions"]["D3"] = 7
    book.save(path)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert "cannot read the workbook" not in str(caught.value)
    assert caught.value.problems[0].message == "7 is above the salience scale's maximum 1"


def test_twenty_thousand_problems_make_a_short_message(tmp_path):
    header = "actor,issue,position,salience,capability," + ",".join(f"x{k}" for k in range(20_000))
    row = "a,i,1,1,1," + ",".join("1" for _ in range(20_000))
    path = tmp_path / "columns.csv"
    path.write_text(header + "\n" + row + "\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    message = str(caught.value)
    assert len(message) < 20_000 and "more" in message
    result = runner.invoke(app, ["validate", str(path)], env={"COLUMNS": "120"})
    assert (
        result.exit_code == 1 and len(result.output) < 60_000 and "more problems" in result.output
    )


HUGE = """\
id: big
title: Big
issues: [{id: x, min: 0, max: 100}]
actors:
  - {id: a, capability: 1e308, issues: {x: {position: 10, salience: 50}}}
  - {id: b, capability: 1, issues: {x: {position: 90, salience: 50}}}
"""


def test_a_capability_too_large_to_compute_with_is_refused(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text(HUGE, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert "too large to compute with" in caught.value.problems[0].message
    assert "only their ratios matter" in caught.value.problems[0].message
    result = runner.invoke(app, ["forecast", str(path), "--no-store"])
    assert result.exit_code == 1 and "too large to compute with" in result.output


def test_no_model_returns_a_number_that_is_not_finite():
    import numpy as np

    from flashpoint import get_model, model_names
    from flashpoint.models.base import NonFiniteForecast

    arrays = flashpoint_arrays()
    arrays.capability[...] = 1e300  # beyond what a scenario may state, to reach the models
    for name in model_names():
        try:
            forecast = get_model(name)(arrays, None, np.random.default_rng(0)).forecast
        except NonFiniteForecast as error:
            assert "too extreme to compute with" in str(error)
        else:
            assert np.isfinite(forecast).all()


def flashpoint_arrays():
    from flashpoint import ScenarioArrays

    return ScenarioArrays.from_scenario(load_scenario("korea-2018"))


def test_a_jitter_past_half_the_range_is_refused():
    result = runner.invoke(app, ["forecast", "--draws", "20", "--jitter", "1"])
    assert result.exit_code == 2 and "0.5" in result.output
    from flashpoint import ForecastRequest

    with pytest.raises(ValueError, match="less than or equal to 0.5"):
        ForecastRequest(draws=20, jitter=1.0)


def test_a_row_with_more_cells_than_columns_is_an_error(tmp_path):
    path = tmp_path / "extra.csv"
    path.write_text(
        "actor,issue,position,salience,capability\na,x,10,50,1\nb,x,90,50,1,7\n", encoding="utf-8"
    )
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    (problem,) = caught.value.problems
    assert str(problem.location) == "extra.csv, row 3" and "'7' has no column" in problem.message


def test_convert_writes_a_label_that_looks_like_a_formula_as_text(tmp_path):
    scenario = load_scenario("eu-emissions-1985")
    data = scenario.model_dump(mode="json")
    data["title"] = "=1+1"
    data["actors"][0]["label"] = '=HYPERLINK("http://example.com")'
    from flashpoint import Scenario

    path = save_scenario(Scenario.model_validate(data), tmp_path / "case.xlsx")
    book = load_workbook(path)
    cells = [
        c
        for row in book["actors"].iter_rows()
        for c in row
        if c.value == data["actors"][0]["label"]
    ]
    assert cells and all(c.data_type == "s" for c in cells)
    assert load_scenario(path).actors[0].label == data["actors"][0]["label"]
    assert load_scenario(path).title == "=1+1"


def test_running_out_of_memory_says_what_would_fit(monkeypatch):
    import flashpoint.cli.common as common

    def too_big(request, progress=None):
        raise MemoryError

    monkeypatch.setattr(common, "run", too_big)
    result = runner.invoke(app, ["forecast", "--draws", "20", "--no-store"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "needs more memory than this machine has" in result.output and "--draws" in result.output


def test_a_workbook_with_a_far_cell_is_refused_at_once(tmp_path):
    path = tmp_path / "far.xlsx"
    save_scenario(load_scenario("eu-emissions-1985"), path)
    book = load_workbook(path)
    book["positions"]["XFD1048576"] = 1
    book.save(path)
    started = time.perf_counter()
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert time.perf_counter() - started < 10
    message = caught.value.problems[0].message
    assert "delete the far cells" in message and "FLASHPOINT_MAX_CELLS" in message
    assert str(caught.value.problems[0].location) == "far.xlsx, sheet positions"
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1 and "Traceback" not in result.output


def test_files_and_workbook_parts_past_their_limits_are_refused(tmp_path, monkeypatch):
    path = tmp_path / "case.xlsx"
    save_scenario(load_scenario("eu-emissions-1985"), path)
    monkeypatch.setenv("FLASHPOINT_MAX_PART_MB", "0")
    with pytest.raises(
        ScenarioError, match="unpacks to .* above the limit of 0 MB .*FLASHPOINT_MAX_PART_MB"
    ):
        load_scenario(path)
    monkeypatch.setenv("FLASHPOINT_MAX_FILE_MB", "0")
    with pytest.raises(ScenarioError, match="FLASHPOINT_MAX_FILE_MB"):
        load_scenario("korea-2018")
    monkeypatch.delenv("FLASHPOINT_MAX_FILE_MB")
    monkeypatch.delenv("FLASHPOINT_MAX_PART_MB")
    assert load_scenario(path).id


def test_a_run_that_cannot_fit_in_memory_is_refused_with_what_would(monkeypatch, tmp_path):
    import flashpoint
    from flashpoint.analysis import cost

    rows = ["actor,issue,position,salience,capability"]
    rows += [
        f"a{a},i{i},{(a * 7 + i * 13) % 100},0.5,{1 + a % 9}" for a in range(150) for i in range(10)
    ]
    path = tmp_path / "many.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    monkeypatch.setattr(cost, "machine_memory", lambda: 32 * 2**20)  # a 32 MB machine
    # the exchange model's table: 16 x 150^2 x 10^2 bytes; the headline runs it whichever
    # models are asked for, so leaving it out would not help
    for models in (["compromise", "exchange"], ["compromise"]):
        with pytest.raises(flashpoint.TooLarge) as refused:
            flashpoint.forecast(path, models)
        said = str(refused.value)
        assert "the headline forecast runs eum, exchange, smp whichever models" in said
        assert "leave out" not in said and "fewer actors or issues" in said
    result = runner.invoke(app, ["forecast", str(path), "-m", "exchange", "--no-store"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "more than this machine's 32 MB of memory" in " ".join(result.output.split())
    # a run that only runs its models (a backtest's) is offered leaving them out
    with pytest.raises(flashpoint.TooLarge, match=r"leave out exchange \(--model\)"):
        cost.check(cost.estimate(150, 10, 100, ["compromise", "exchange"]))
    fits = tmp_path / "fewer.csv"
    fits.write_text("\n".join(rows[: 1 + 100 * 10]) + "\n", encoding="utf-8")  # 100 actors
    assert flashpoint.forecast(fits, ["compromise"]).results["compromise"].outcome


def test_a_long_run_says_so_before_it_starts(monkeypatch):
    from flashpoint.analysis import cost

    monkeypatch.setattr(cost, "LONG", 0.0)
    result = runner.invoke(app, ["forecast", "-m", "compromise", "--draws", "50", "--no-store"])
    shown = " ".join(result.output.split())
    assert result.exit_code == 0 and "This run will take about" in shown
    assert "7 actors x 6 issues, 50 draws, compromise" in shown


def test_the_memory_estimate_refuses_what_cannot_fit_and_the_one_step_models_cost_little():
    """(The times are held to their measurements in tests/test_cost.py.)"""
    from flashpoint.analysis.cost import estimate

    exchange = estimate(2000, 50, 0, ["exchange"])
    assert exchange.bytes > 100 * 2**30  # the candidate table of 2,000 x 50 (measured: MemoryError)
    assert estimate(7, 6, 10_000, ["compromise"]).seconds < 1


def test_a_commands_estimate_adds_its_start_and_shares_the_models_among_its_processes():
    from flashpoint.analysis.cost import estimate
    from flashpoint.engine.executors import AUTO_PROCESS_BLOCKS, processes

    models = ["compromise", "eum", "exchange", "smp"]
    alone = estimate(7, 6, 10_000, models)
    shared = estimate(7, 6, 10_000, models, processes=2, start=3.0)
    assert shared.seconds == pytest.approx(3.0 + alone.seconds / 2)
    assert shared.model_seconds == alone.model_seconds and shared.bytes == alone.bytes
    # the rule run_blocks follows
    assert processes("serial", 4, 40) == 1 and processes("auto", 1, 40) == 1
    assert processes("auto", 4, AUTO_PROCESS_BLOCKS - 1) == 1
    assert processes("auto", 2, AUTO_PROCESS_BLOCKS) == 2 and processes("process", 8, 3) == 3
    assert processes("dask", 3, 40) == 3


def test_a_formula_without_a_saved_value_is_named_as_such(tmp_path):
    path = tmp_path / "formula.xlsx"
    save_scenario(load_scenario("eu-emissions-1985"), path)
    book = load_workbook(path)
    book["actors"]["D2"] = "=1+1"  # written by a program that does not calculate
    book.save(path)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    first = caught.value.problems[0]
    assert str(first.location) == "formula.xlsx, sheet actors, row 2, column capability"
    assert "keeps no value" in first.message and "Excel or LibreOffice" in first.message


def big_table(path, actors: int, issues: int):
    rows = ["actor,issue,position,salience,capability"]
    rows += [
        f"a{a},i{i},{(a + i) % 100},50,{1 + a % 9}" for a in range(actors) for i in range(issues)
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["big.csv", "big.txt"])
def test_a_table_with_more_cells_than_the_limit_is_refused_at_that_row(tmp_path, monkeypatch, name):
    path = big_table(tmp_path / name, 20, 3)  # 61 rows of 5 cells
    monkeypatch.setenv("FLASHPOINT_MAX_CELLS", "100")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    problem = caught.value.problems[0]
    assert str(problem.location) == f"{name}, row 21"  # the row whose cells pass 100
    assert "more than 100 cells" in problem.message and "FLASHPOINT_MAX_CELLS" in problem.message
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "FLASHPOINT_MAX_CELLS" in result.output
    monkeypatch.delenv("FLASHPOINT_MAX_CELLS")
    assert len(load_scenario(path).actors) == 20


def test_a_large_file_is_announced_before_it_is_read(tmp_path, monkeypatch, capsys):
    import sys

    import flashpoint
    from flashpoint.cli import main
    from flashpoint.scenario import guard

    path = big_table(tmp_path / "wide.csv", 30, 4)
    heard: list[str] = []
    with flashpoint.on_slow_read(heard.append):
        load_scenario(path)  # a small file: no word
        monkeypatch.setattr(guard, "SECONDS_PER_MB", 1e6)
        load_scenario(path)
    assert heard == [
        "Reading wide.csv: a file this large takes about 28 minutes to read and check."
    ]
    monkeypatch.setattr(sys, "argv", ["flashpoint", "validate", str(path)])
    with pytest.raises(SystemExit) as ended:
        main()
    assert ended.value.code in (0, None)
    said = " ".join(capsys.readouterr().err.split())
    assert "Reading wide.csv: a file this large takes about" in said


def test_default_scales_report_every_position_outside_them(tmp_path):
    path = tmp_path / "off.csv"
    path.write_text(
        "actor,issue,position,salience,capability\n"
        "a,x,150,50,1\nb,x,-20,50,1\nc,x,50,50,1\na,y,120,50,1\n",
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    found = [(p.location.row, p.message.split(" is outside")[0]) for p in caught.value.problems]
    assert found == [(2, "150"), (3, "-20"), (5, "120")]


def test_a_run_in_parts_is_estimated_part_by_part():
    """A backtest runs each proposal on its own: its estimate adds up the parts' times and
    keeps the largest part's memory, not the cost of one scenario of every issue at once (the
    DEU set as one scenario of 17 actors x 171 issues was announced at 45 minutes)."""
    from flashpoint.analysis.cost import estimate, estimate_parts

    models = ["compromise", "eum", "exchange", "smp"]
    parts = [(17, 1), (17, 3), (12, 2)]
    whole = estimate_parts(parts, 100, models)
    alone = [estimate(actors, issues, 100, models) for actors, issues in parts]
    assert whole.seconds == pytest.approx(sum(cost.seconds for cost in alone))
    assert whole.bytes < sum(cost.bytes for cost in alone)
    assert (whole.actors, whole.issues, whole.parts) == (17, 6, 3)
    assert "6 issues in 3 parts of up to 17 actors" in whole.describe()
    proposals = estimate_parts([(17, 3)] * 57, 100, models)  # the size of the DEU set
    assert estimate(17, 171, 100, models).seconds > 100 * proposals.seconds
