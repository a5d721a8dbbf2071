"""The run request: one value for a run, through JSON and back, run by flashpoint.run; the
progress every analysis reports; model options as sensitivity factors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from typer.testing import CliRunner

import flashpoint
from flashpoint import (
    BacktestRequest,
    CompareRequest,
    ForecastRequest,
    SensitivityRequest,
    read_request,
)
from flashpoint.analysis.sensitivity import categorical_options
from flashpoint.cli import app

from .conftest import KOREA_FROZEN, numbers_of

runner = CliRunner()
FAST = ("compromise", "median", "nash")


# --- the request as a value ---------------------------------------------------------------------


def test_a_request_round_trips_through_json():
    korea = flashpoint.load_scenario("korea-2018")
    pressure = korea.shock("us_maximum_pressure")
    requests = [
        ForecastRequest(),
        ForecastRequest(scenario=korea, models=FAST, shocks=("china_guarantee",), draws=50),
        ForecastRequest(scenario=Path("my case.yaml"), options={"eum": {"preset": "literal"}}),
        CompareRequest(shocks=[pressure, ["china_guarantee", "economic_package"]], seed=2**64 - 1),
        SensitivityRequest(method="factorial", factors=["eum.preset"], executor="dask"),
        SensitivityRequest(target="P(breakdown)", method="sobol", samples=8, jitter=0.05),
        BacktestRequest(scenario="actors.csv", outcomes=Path("outcomes.csv"), folds=5),
    ]
    for request in requests:
        text = request.model_dump_json()
        assert read_request(text) == request
        assert read_request(json.loads(text)) == request
        assert read_request(request.model_dump(mode="json")).model_dump_json() == text


@settings(max_examples=60, deadline=None)
@given(
    kind=st.sampled_from(["forecast", "compare", "sensitivity"]),
    models=st.none() | st.lists(st.sampled_from(flashpoint.model_names()), min_size=1, unique=True),
    seed=st.none() | st.integers(0, 2**64 - 1),
    draws=st.integers(2, 10**6),
    jitter=st.floats(0, 0.5, allow_nan=False),
    workers=st.none() | st.integers(1, 64),
    executor=st.sampled_from(flashpoint.EXECUTORS),
)
def test_any_valid_request_round_trips(kind, models, seed, draws, jitter, workers, executor):
    fields = {
        "kind": kind,
        "models": models,
        "seed": seed,
        "draws": draws,
        "jitter": jitter,
        "workers": workers,
        "executor": executor,
    }
    request = read_request(fields)
    assert read_request(request.model_dump_json()) == request
    assert request.kind == kind and request.draws == draws and request.seed == seed


def test_bad_requests_say_what_is_wrong():
    cases = {
        "draws": {"kind": "forecast", "draws": 0},
        "2 draws or more": {"kind": "compare", "draws": 1},
        "the seed must be a whole number of 0 or more": {"kind": "forecast", "seed": -1},
        "scheduler address is for the dask executor": {"kind": "forecast", "scheduler": "x"},
        "Extra inputs are not permitted": {"kind": "forecast", "drawz": 5},
        "kind": {"kind": "levers"},
        "method": {"kind": "sensitivity", "method": "guess"},
    }
    for message, fields in cases.items():
        with pytest.raises(ValidationError, match=message):
            read_request(fields)
    with pytest.raises(ValidationError, match="seed"):
        ForecastRequest(seed=True)


def test_equal_requests_give_equal_results_and_carry_the_request_back():
    request = ForecastRequest(models=FAST + ("exchange",), draws=40, jitter=0.05, seed=3)
    first, second = flashpoint.run(request), flashpoint.run(request.model_copy())
    assert numbers_of(first.to_dict()) == numbers_of(second.to_dict())
    assert first.request == request  # seed and models were given: nothing to fill in
    filled = flashpoint.run(ForecastRequest(draws=2)).request
    assert filled.seed == 0 and filled.models == tuple(flashpoint.model_names())


def test_the_keyword_functions_build_the_same_request():
    result = flashpoint.forecast("korea-2018", ["compromise"], draws=20, seed=4)
    assert result.request == ForecastRequest(models=("compromise",), draws=20, seed=4)
    comparison = flashpoint.compare(shocks=["china_guarantee"], models=["nash"], draws=10)
    assert comparison.request.shocks == (("china_guarantee",),)
    assert comparison.request.seed == 0


def cli_document(*args: str) -> dict:
    result = runner.invoke(app, list(args), env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    "args",
    [
        (
            "forecast",
            "korea-2018",
            "-m",
            "compromise",
            "-m",
            "smp",
            "--draws",
            "60",
            "--jitter",
            "0.05",
            "-s",
            "us_maximum_pressure",
        ),
        (
            "compare",
            "korea-2018",
            "-m",
            "nash",
            "--draws",
            "30",
            "-s",
            "china_guarantee+economic_package",
            "--seed",
            "9",
        ),
        ("sensitivity", "korea-2018", "-m", "compromise", "--draws", "20"),
        ("sensitivity", "korea-2018", "-m", "exchange", "--method", "factorial", "--draws", "10"),
        ("run", "exchange", "korea-2018", "--p", "0.5", "--seed", "5"),
    ],
    ids=["forecast", "compare", "tornado", "factorial", "run"],
)
def test_the_request_the_cli_prints_runs_again_to_the_same_numbers(args):
    document = cli_document(*args, "--json")
    again = flashpoint.run(document["request"])
    if document["schema"] == "flashpoint.run/1":  # a run's document holds the forecast
        assert again.request == read_request(document["request"])
        model = document["model"]
        assert again[model].outcome == document["forecast"]
        return
    assert numbers_of(again.to_dict()) == numbers_of(document)
    assert again.to_dict()["request"] == document["request"]


# --- progress ------------------------------------------------------------------------------------


def recorded(run):
    """The calls a run makes to its progress callback."""
    calls: list[tuple[int, int]] = []
    run(lambda done, total: calls.append((done, total)))
    return calls


def assert_counts_to(calls, total):
    assert calls[0] == (0, total)
    assert calls[-1] == (total, total)
    assert all(c[1] == total for c in calls)
    dones = [done for done, _ in calls]
    assert dones == sorted(dones)


def test_compare_progress_reaches_its_total_with_every_shock():
    korea = flashpoint.load_scenario("korea-2018")
    draws = 600  # more than one block of 250
    request = CompareRequest(models=("compromise",), draws=draws)
    calls = recorded(lambda progress: flashpoint.run(request, progress))
    assert_counts_to(calls, draws * (1 + len(korea.shocks)))


@pytest.mark.parametrize(
    ("method", "fields", "runs"),
    [
        # the baseline and each input low and high; models x draws each
        ("tornado", {"draws": 30}, lambda inputs: (1 + 2 * inputs) * 2 * 30),
        # (groups + 1) x trajectories design points, and the stated values; x models
        ("morris", {"samples": 4}, None),
        ("sobol", {"samples": 8}, None),
        # 2 x 2 cells, x 2 models x draws
        ("factorial", {"draws": 10, "models": ("eum", "exchange")}, lambda inputs: 4 * 2 * 10),
    ],
)
def test_sensitivity_progress_reaches_its_total(method, fields, runs):
    korea = flashpoint.load_scenario("korea-2018")
    fields = {"models": ("compromise", "nash"), **fields}
    request = SensitivityRequest(method=method, **fields)
    calls = recorded(lambda progress: flashpoint.run(request, progress))
    total = calls[0][1]
    assert_counts_to(calls, total)
    if runs is not None:
        assert total == runs(len(korea.uncertainty))
    else:
        assert total > 0


def test_a_forecast_counts_its_draws_and_one_draw_reports_nothing():
    calls = recorded(lambda p: flashpoint.forecast(models=["median"], draws=300, progress=p))
    assert_counts_to(calls, 300)
    assert recorded(lambda p: flashpoint.forecast(models=["median"], progress=p)) == []


def test_a_backtest_counts_its_issues(tmp_path):
    actors = tmp_path / "a.csv"
    actors.write_text("actor,issue,capability,position,salience\nA,x,1,0,1\nB,x,1,9,1\n")
    outcomes = tmp_path / "o.csv"
    outcomes.write_text("issue,outcome\nx,5\n")
    request = BacktestRequest(scenario=actors, outcomes=outcomes, models=("median",), folds=2)
    calls = recorded(lambda progress: flashpoint.run(request, progress))
    assert_counts_to(calls, 1)


def test_the_cli_progress_bar_is_sized_by_the_analysis(monkeypatch):
    import flashpoint.cli.common as common

    seen: list[tuple[int, int]] = []
    real = common.progress_bar

    def spy(console, label):
        manager = real(console, label)

        class Spy:
            def __enter__(self):
                report = manager.__enter__()

                def both(done, total):
                    seen.append((done, total))
                    report(done, total)

                return both

            def __exit__(self, *exc):
                return manager.__exit__(*exc)

        return Spy()

    monkeypatch.setattr(common, "progress_bar", spy)
    cli_document("compare", "korea-2018", "-m", "compromise", "--draws", "20", "--json")
    assert_counts_to(seen, 20 * 6)


# --- model options as sensitivity factors --------------------------------------------------------


def factorial(models, factors, draws=30, target="P(peace_regime)", scenario="korea-2018"):
    return flashpoint.sensitivity(
        scenario, target, "factorial", models, factors=factors, draws=draws
    )


def test_a_preset_factor_reaches_the_model():
    """eum.preset sets the other EUM options: each cell runs its preset's options."""
    result = factorial(["eum"], ["eum.preset"])
    values = {cell.levels["eum.preset"]: cell.value for cell in result.rows}
    literal = (
        flashpoint.forecast(models=["eum"], draws=30, options={"eum": {"preset": "literal"}})
        .ensemble.futures["peace_regime"]
        .probability
    )
    scholz = flashpoint.forecast(models=["eum"], draws=30).ensemble.futures["peace_regime"]
    assert values == {"literal": literal, "scholz": scholz.probability}
    assert values["literal"] != values["scholz"]


def test_a_choice_factor_reaches_the_model():
    # on korea-2018 before its red lines: there North Korea refuses the exchange model's bargain
    # in 98% of draws, and both policies' median outcome is the reversion point
    result = factorial(
        ["exchange"], ["exchange.policy"], target="denuclearization", scenario=KOREA_FROZEN
    )
    values = {cell.levels["exchange.policy"]: cell.value for cell in result.rows}
    assert values["decide-parity"] != values["full-recompute"]


def test_a_yes_no_factor_reaches_the_model():
    result = factorial(["eum"], ["eum.capitulation"], target="peace_treaty")
    values = {cell.levels["eum.capitulation"]: cell.value for cell in result.rows}
    assert set(values) == {False, True}
    assert values[False] != values[True]


def test_every_categorical_option_is_a_factor_its_model_receives():
    """Each level of each categorical option is the option its model runs with in that cell."""
    from flashpoint.analysis.prepare import resolve_options

    korea = flashpoint.load_scenario("korea-2018")
    for key, levels in categorical_options(flashpoint.model_names()).items():
        model, option = key.split(".", 1)
        for level in levels:
            chosen = resolve_options(korea, [model], {model: {option: level}})[model]
            assert getattr(chosen, option) == level, key


def test_a_factor_of_a_model_not_run_says_so():
    with pytest.raises(flashpoint.UnknownChoice, match="eum is not among the models run"):
        factorial(["compromise"], ["eum.preset"])
    result = runner.invoke(
        app,
        ["sensitivity", "--method", "factorial", "-m", "compromise", "-f", "eum.preset"],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 2
    assert "eum is not among the models run" in result.output
