"""The `flashpoint` command, as an analyst uses it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import flashpoint
from flashpoint import __version__
from flashpoint.cli import app

from .conftest import DATA

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args), env={"COLUMNS": "160"})


def test_no_arguments_forecasts_korea_with_every_model():
    result = run()
    assert result.exit_code == 0, result.output
    assert "Korean Peninsula peace process, September 2018" in result.output
    for text in (
        "compromise",
        "median",
        "nash",
        "Denuclearization (0 to 100)",
        f"{flashpoint.forecast(models=['compromise'])['compromise'].trajectory.forecast[0, 0]:.1f}",
        "Incremental muddle-through",
        "Peace regime",
    ):
        assert text in result.output


def test_console_script_is_installed():
    script = Path(sys.executable).parent / "flashpoint"
    completed = subprocess.run(
        [str(script), "--version"], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0
    assert completed.stdout.strip() == f"flashpoint {__version__}"


def test_forecast_json_is_the_documented_document():
    result = run(
        "forecast",
        "korea-2018",
        "-m",
        "compromise",
        "-m",
        "nash",
        "--shock",
        "us_maximum_pressure",
        "--json",
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["schema"] == "flashpoint.forecast/1"
    assert list(document["models"]) == ["compromise", "nash"]
    assert document["shocks"] == ["us_maximum_pressure"]
    assert document["scenario"]["source"] == "korea-2018"


def test_forecast_of_a_file(tmp_path):
    result = run("forecast", str(DATA / "exchange" / "inputs" / "copenhagen.csv"))
    assert result.exit_code == 0, result.output
    assert "Newtreaty (0 to 100)" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["forecast", "-m", "bdm"],
            "unknown model 'bdm' (models: compromise, median, nash, eum, exchange, smp)",
        ),
        (
            ["forecast", "--shock", "invasion"],
            "no shock 'invasion' in scenario korea-2018 (shocks: us_maximum_pressure,",
        ),
        (["validate", "korea-2018", "--format", "docx"], "unknown format 'docx'"),
        (
            ["convert", "korea-2018", "out.txt"],
            "the target must end in .yaml, .yml, .json, .xlsx or .csv",
        ),
        (["template", "out.csv"], "the template is an Excel workbook"),
    ],
)
def test_usage_errors_exit_2_with_a_message(args, message):
    result = run(*args)
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())


def test_validate_reports_both_errors_of_the_broken_copenhagen_file():
    result = run("validate", str(DATA / "exchange" / "inputs" / "copenhagen_with_errors.csv"))
    assert result.exit_code == 1
    text = " ".join(result.output.split())
    assert "2 problems" in text
    assert (
        "row 86, column position" in text
        and "160 is above the upper bound 100 of issue 'Control'" in text
    )
    assert "row 87, column power" in text and "-0.247 is negative" in text


def test_validate_a_good_file():
    result = run("validate", "korea-2018")
    assert result.exit_code == 0
    assert (
        "valid" in result.output
        and "7 actors, 6 issues, 3 futures, 5 shocks, 11 uncertain inputs" in result.output
    )


def test_forecast_of_a_broken_file_exits_1():
    result = run("forecast", str(DATA / "exchange" / "inputs" / "copenhagen_with_errors.csv"))
    assert result.exit_code == 1
    assert "2 problems" in result.output


def test_convert_and_refuse_to_overwrite(tmp_path):
    target = tmp_path / "korea.xlsx"
    assert run("convert", "korea-2018", str(target)).exit_code == 0
    assert target.exists()
    again = run("convert", "korea-2018", str(target))
    assert again.exit_code == 1 and "use --force" in again.output
    assert run("convert", "korea-2018", str(target), "--force").exit_code == 0
    csv = run("convert", str(target), str(tmp_path / "korea.csv"))
    assert csv.exit_code == 0
    assert (
        "Not written: the title and description, the date, the horizon, sources and the sources each note cites, provenance, issue descriptions,"
        in " ".join(csv.output.split())
    )


def test_convert_reads_a_format_on_request(tmp_path):
    source = tmp_path / "data.dat"
    source.write_text((DATA / "ktab" / "inputs" / "dummyData_3Dim.csv").read_text())
    result = run("convert", str(source), str(tmp_path / "out.yaml"), "--from", "ktab")
    assert result.exit_code == 0, result.output


def test_scenarios_models_and_template(tmp_path):
    listing = run("scenarios")
    assert listing.exit_code == 0
    assert "korea-2018 (default)" in listing.output and "cop21-paris-2015" in listing.output
    models = run("models")
    assert models.exit_code == 0 and "Nash (1950)" in models.output
    target = tmp_path / "new.xlsx"
    made = run("template", str(target))
    assert made.exit_code == 0 and target.exists()
    assert run("template", str(target)).exit_code == 1


@pytest.mark.parametrize(
    "command",
    ["forecast", "run", "explain", "validate", "convert", "scenarios", "models", "template"],
)
def test_every_command_has_help(command):
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Usage" in result.output


def test_top_level_help_has_examples():
    result = run("--help")
    assert result.exit_code == 0
    assert "Examples" in result.output and "flashpoint template my-case.xlsx" in result.output


def test_user_text_is_shown_as_written_not_as_markup(tmp_path):
    path = tmp_path / "brackets.csv"
    path.write_text(
        "actor,issue,issue_label,capability,position,salience\n"
        "A,t,Tariffs [EU] [bold]x[/bold],1,20,50\nB,t,,2,[red]oops,50\n"
    )
    result = run("validate", str(path))
    assert result.exit_code == 1
    assert "'[red]oops' is not a number" in result.output
    path.write_text(path.read_text().replace("[red]oops", "40"))
    result = run("forecast", str(path))
    assert "Tariffs [EU] [bold]x[/bold] (0 to 100)" in result.output


def test_show_lists_what_a_scenario_states():
    result = run("show", "korea-2018", "--notes")
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    for expected in (
        "Positions / saliences",
        "30 / 95",
        "sincerity (r = -0.7)",
        "all of: denuclearization >= 80; peace_treaty >= 67",
        "otherwise (every prediction",
        "United States, Sanctions relief: position set to 0",
        "South Korea, US-ROK alliance and US troops: position shifted by -25",
        "Inputs and their notes",
    ):
        assert expected in text, expected
    # North Korea's capability row: its note and, in the last column, the sources it cites
    row = next(line for line in result.output.splitlines() if "│ capability" in line)
    assert row.rstrip().endswith("│ article │") or "article" in row.split("│")[-2], row
    assert "hwasong-15" in text and "Source" in text


def test_long_issue_names_wrap_and_every_model_keeps_its_numbers():
    """Copenhagen's issue names are long; at 80 columns they wrap, and the numbers stay."""
    result = runner.invoke(app, ["forecast", "copenhagen-2009"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    header = next(line for line in result.output.splitlines() if "Issue (scale)" in line)
    for name in ("compromise", "median", "nash", "eum"):
        assert name in header
    assert "61.6" in result.output and "100.0" in result.output


def test_the_seed_defaults_to_the_scenarios(tmp_path):
    xml = str(DATA / "ktab" / "inputs" / "dummyData_3Dim_withIA.xml")
    stated = json.loads(run("forecast", xml, "-m", "compromise", "--json").stdout)
    assert stated["seed"] == 3707583219545544125
    given = json.loads(run("forecast", xml, "-m", "compromise", "--json", "--seed", "4").stdout)
    assert given["seed"] == 4
    assert json.loads(run("forecast", "-m", "compromise", "--json").stdout)["seed"] == 0
    path = tmp_path / "seeded.yaml"
    assert run("convert", "korea-2018", str(path)).exit_code == 0
    path.write_text(path.read_text() + "seed: 9\nmodel_options:\n  eum:\n    rounds: 2\n")
    document = json.loads(run("run", "eum", str(path), "--json").stdout)
    assert document["seed"] == 9 and document["options"]["rounds"] == 2
    document = json.loads(run("run", "eum", str(path), "--json", "--rounds", "3").stdout)
    assert document["options"]["rounds"] == 3
    assert run("explain", str(path), "north_korea", "--seed", "1").exit_code == 0
    negative = run("run", "eum", str(path), "--seed", "-1")
    assert negative.exit_code == 2 and "--seed" in negative.output


def test_a_bad_option_stated_by_the_scenario_is_reported(tmp_path):
    path = tmp_path / "bad.yaml"
    assert run("convert", "korea-2018", str(path)).exit_code == 0
    path.write_text(path.read_text() + "model_options:\n  eum:\n    rounds: many\n")
    result = run("forecast", str(path), "-m", "eum")
    assert result.exit_code == 1
    assert "stated in the scenario's model_options" in " ".join(result.output.split())


def test_ktab_xml_validate_convert_and_the_csv_note(tmp_path):
    xml = str(DATA / "ktab" / "inputs" / "dummyData_3Dim_withIA.xml")
    checked = run("validate", xml)
    assert checked.exit_code == 0 and "7 actors, 3 issues" in checked.output
    broken = run("validate", str(DATA / "ktab" / "inputs" / "smpExample.xml"))
    assert broken.exit_code == 1 and "dCoord is empty" in " ".join(broken.output.split())
    assert run("convert", xml, str(tmp_path / "k.yaml")).exit_code == 0
    assert "seed: 3707583219545544125" in (tmp_path / "k.yaml").read_text()
    table = run("convert", xml, str(tmp_path / "k.csv"))
    assert table.exit_code == 0
    assert "the seed, model options." in " ".join(table.output.split())
    copy = tmp_path / "k.data"
    copy.write_bytes((DATA / "ktab" / "inputs" / "dummyData_3Dim_withIA.xml").read_bytes())
    assert run("validate", str(copy), "--format", "ktab-xml").exit_code == 0
    assert "ktab-xml" in " ".join(run("convert", "--help").output.split())


def test_commands_that_run_no_compiled_model_do_not_load_numba():
    """Importing the CLI (and so every command's module) leaves numba unloaded: only running
    the exchange or the spatial model loads it (about 0.3 s of every command otherwise)."""
    import subprocess
    import sys

    code = "import sys, flashpoint.cli; print('numba' in sys.modules)"
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert loaded.stdout.strip() == "False"


def test_the_command_line_starts_without_pandas_or_scipy():
    """Tables (pandas), the backtest's and levers' optimizers (scipy.optimize) and the sampling's
    distributions (scipy.special) load when a command uses them, not at every start (together
    about 0.6 s of every command); and building the wheel, which imports flashpoint to compile
    its models, needs no scipy (pyproject.toml's build requirements)."""
    import subprocess
    import sys

    code = (
        "import sys, flashpoint.cli;"
        " print(sorted(m for m in ('pandas', 'scipy') if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert loaded.stdout.strip() == "[]"


def test_forecast_with_draws_shows_how_likely_each_future_is():
    result = run("forecast", "-m", "compromise", "-m", "median", "--draws", "300", "--seed", "2")
    assert result.exit_code == 0, result.output
    assert "Outcome over 300 draws: median (90% interval)" in result.output
    assert "How likely each future is, over 300 draws" in result.output
    assert "ensemble" in result.output
    document = json.loads(
        run("forecast", "-m", "compromise", "--draws", "300", "--seed", "2", "--json").stdout
    )
    shares = {f["id"]: f["probability"] for f in document["models"]["compromise"]["futures"]}
    assert f"{shares['muddle_through']:.0%}" in result.output


def test_forecast_refuses_an_unknown_executor_and_no_draws():
    result = run("forecast", "--draws", "10", "--executor", "threads")
    assert result.exit_code == 2 and "serial, process, dask" in result.output
    assert run("forecast", "--draws", "0").exit_code == 2
    lone = run("forecast", "--draws", "10", "--scheduler", "tcp://127.0.0.1:8786")
    assert lone.exit_code == 2 and "--executor dask" in lone.output


def test_forecast_on_a_dask_scheduler_that_is_not_there_says_so():
    result = run(
        "forecast",
        "-m",
        "compromise",
        "--draws",
        "10",
        "--executor",
        "dask",
        "--scheduler",
        "tcp://127.0.0.1:9",
    )
    assert result.exit_code == 1
    assert "tcp://127.0.0.1:9" in result.output
