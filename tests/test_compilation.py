"""Noticing numba compiling (engine/compilation.py) and the CLI's notice of it."""

from __future__ import annotations

import numba

from flashpoint.cli.common import compile_notice
from flashpoint.engine.compilation import on_compile


def fresh_function():
    """A compiled function that has not been compiled yet (numba compiles on the first call)."""

    @numba.njit(cache=False)
    def twice(x):
        return 2 * x

    return twice


def test_the_callback_runs_once_when_numba_compiles():
    calls = []
    first, second = fresh_function(), fresh_function()
    with on_compile(lambda: calls.append(1)):
        assert first(2) == 4
        assert second(2.5) == 5.0
    assert calls == [1]


def test_no_callback_when_nothing_compiles_or_outside_the_block():
    calls = []
    compiled = fresh_function()
    compiled(1)
    with on_compile(lambda: calls.append(1)):
        compiled(3)  # already compiled for integers
    fresh_function()(1)  # compiles, but after the block
    assert calls == []


def test_the_command_line_says_it_is_compiling(capsys):
    with compile_notice():
        fresh_function()(1)
    assert "Compiling the models for this machine" in capsys.readouterr().err
    with compile_notice():
        pass
    assert capsys.readouterr().err == ""


def test_a_run_that_loads_its_models_from_the_cache_says_nothing_of_compiling():
    """The spatial model's runner has a block run in Python (numba.objmode), which numba
    compiles afresh in every process in milliseconds: that is not compiling the models."""
    import subprocess
    import sys
    from pathlib import Path

    example = Path(__file__).parents[1] / "docs" / "examples" / "budget-ktab.xml"
    command = [sys.executable, "-m", "flashpoint", "run", "smp", str(example)]
    subprocess.run(command, capture_output=True, check=True)  # compiles, if the cache is cold
    again = subprocess.run(command, capture_output=True, text=True, check=True)
    assert "Compiling" not in again.stderr and "Spatial model" in again.stdout
