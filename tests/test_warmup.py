"""Loading a run's compiled models before it starts, two processes compiling at once the first
time (analysis/warmup.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from contextlib import contextmanager

import numpy as np
import pytest

import flashpoint
from flashpoint.analysis import warmup
from flashpoint.analysis.prepare import resolve_options
from flashpoint.models.registry import MODELS, get_model


def options_of(*models):
    return resolve_options(flashpoint.load_scenario("korea-2018"), models, None)


def test_the_compiled_models_are_those_that_say_how_long_they_compile():
    compiled = {name for name, spec in MODELS.items() if spec.compile_seconds > 0}
    assert compiled == {"eum", "exchange", "smp"}


@pytest.mark.parametrize(
    ("names", "ours", "theirs"),
    [
        (["eum", "exchange", "smp"], ["eum", "exchange"], ["smp"]),
        (["smp", "eum", "exchange"], ["smp"], ["eum", "exchange"]),
        (["exchange", "smp"], ["exchange"], ["smp"]),
        (["eum", "smp"], ["eum"], ["smp"]),
    ],
)
def test_the_models_split_into_two_shares_of_about_equal_compile_time(names, ours, theirs):
    assert warmup.shares(names) == (ours, theirs)
    seconds = [sum(get_model(n).compile_seconds for n in share) for share in (ours, theirs)]
    assert abs(seconds[0] - seconds[1]) <= max(get_model(n).compile_seconds for n in names)


class Recorder:
    """Stands in for subprocess.Popen: records the command, and whether it was waited on."""

    started: list[list[str]] = []

    def __init__(self, command, **_):
        Recorder.started.append(command)
        self.waited = False

    def wait(self):
        self.waited = True

    def poll(self):
        return 0


@pytest.fixture
def recorded(monkeypatch):
    Recorder.started = []
    ran = []
    monkeypatch.setattr(warmup.subprocess, "Popen", Recorder)
    monkeypatch.setattr(warmup, "run_once", lambda name, options: ran.append(name))
    return ran


def test_compiling_starts_another_process_for_the_other_share(monkeypatch, recorded):
    @contextmanager
    def compiling(callback):  # numba starts compiling at once
        callback()
        yield

    monkeypatch.setattr(warmup, "on_compile", compiling)
    options = options_of("compromise", "eum", "exchange", "smp")
    warmup.load_models(options)
    (command,) = Recorder.started
    assert command[:3] == [sys.executable, "-m", "flashpoint.analysis.warmup"]
    assert json.loads(command[3]) == {"smp": options["smp"].model_dump(mode="json")}
    # this process compiled its share, then loaded the other one, after the helper was done
    assert recorded == ["eum", "exchange", "smp"]


def test_models_loaded_from_the_cache_start_no_other_process(recorded):
    warmup.load_models(options_of("eum", "exchange", "smp"))
    assert Recorder.started == []
    assert recorded == ["eum", "exchange", "smp"]


def test_a_run_with_one_compiled_model_leaves_it_to_the_run(recorded):
    warmup.load_models(options_of("compromise", "median", "exchange"))
    assert Recorder.started == [] and recorded == []


def test_the_helper_process_runs_the_models_it_is_given():
    given = {"exchange": {"p": 0.0}, "smp": {}}
    done = subprocess.run(
        [sys.executable, "-m", "flashpoint.analysis.warmup", json.dumps(given)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    bad = subprocess.run(
        [sys.executable, "-m", "flashpoint.analysis.warmup", json.dumps({"exchange": {"p": 2}})],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert bad.returncode != 0 and "p" in bad.stderr


@pytest.mark.parametrize("name", ["eum", "exchange", "smp"])
def test_every_compiled_model_runs_on_the_tiny_problem(name):
    trajectory = get_model(name)(warmup.tiny_problem(), None, np.random.default_rng(0))
    assert trajectory.forecast.shape == (1, 2)


AFTER_THE_WARM_UP = """
import flashpoint
from flashpoint.analysis.prepare import resolve_options
from flashpoint.analysis.warmup import load_models
from flashpoint.engine.compilation import on_compile

load_models(resolve_options(flashpoint.load_scenario("korea-2018"), None, None))
compiled = []
with on_compile(lambda: compiled.append(1)):
    flashpoint.forecast("korea-2018", draws=20, executor="serial")
print("compiled during the run" if compiled else "nothing compiled during the run")
"""


def test_after_the_warm_up_a_run_compiles_nothing_more(tmp_path):
    """The tiny problem gives numba the types a real run gives it: with an empty cache, the
    warm-up compiles (two processes at once) everything the default forecast then runs."""
    done = subprocess.run(
        [sys.executable, "-c", AFTER_THE_WARM_UP],
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "nothing compiled during the run"
    assert any(tmp_path.glob("smp_*/runner.run_draws-*.nbi"))  # the cache that was filled


def test_options_that_name_the_scenarios_actors_leave_the_model_to_the_run():
    """The spatial model's accommodation pairs name actors the tiny problem does not have: the
    warm-up leaves the model to the run, which runs it, and still refuses unknown actors."""
    scenario = flashpoint.load_scenario("korea-2018")
    pair = {"actor": "north_korea", "towards": "china", "rate": 0.5}
    itself = {"actor": "north_korea", "towards": "north_korea", "rate": 0.5}
    given = {"smp": {"accommodation": [itself, pair]}}
    warmup.run_once("smp", resolve_options(scenario, ["smp"], given)["smp"])  # no error
    assert flashpoint.forecast(scenario, models=["smp"], options=given).results["smp"]
    unknown = {"smp": {"accommodation": [itself, {**pair, "towards": "usa"}]}}
    with pytest.raises(ValueError, match="accommodation names actors not in the scenario"):
        flashpoint.forecast(scenario, models=["smp"], options=unknown)
