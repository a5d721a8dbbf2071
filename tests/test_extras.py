"""Optional parts of flashpoint say which extra to install when it is missing."""

from __future__ import annotations

import sys

import pytest
from typer.testing import CliRunner

from flashpoint.cli import app
from flashpoint.extras import MissingExtra, require


def test_a_missing_module_names_the_extra_and_the_command():
    with pytest.raises(MissingExtra) as raised:
        require("flashpoint_has_no_such_module", "sensitivity", "the morris method")
    assert str(raised.value).startswith("the morris method needs the 'sensitivity' extra")
    assert 'pip install ".[sensitivity]"' in str(raised.value)


def test_an_installed_module_is_returned():
    assert require("json", "none", "this test") is sys.modules["json"]


@pytest.mark.parametrize(
    ("hidden", "args", "extra"),
    [
        (
            "SALib.sample.morris",
            ["sensitivity", "-m", "compromise", "--method", "morris"],
            "sensitivity",
        ),
        (
            "dask.distributed",
            ["forecast", "-m", "compromise", "--draws", "10", "--executor", "dask"],
            "distributed",
        ),
    ],
)
def test_the_commands_exit_1_and_say_what_to_install(monkeypatch, hidden, args, extra):
    monkeypatch.setitem(sys.modules, hidden, None)  # importing it now fails
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1, result.output
    assert f"needs the '{extra}' extra" in result.stderr
    assert "Traceback" not in result.output
