"""The same seed gives the same numbers as before the run request, bit for bit: the commands
of ``tests/data/golden/README.md`` against their documents from commit a1eb362."""

from __future__ import annotations

import json
import shlex

import pytest
from typer.testing import CliRunner

from flashpoint.cli import app

from .conftest import DATA, numbers_of

GOLDEN = DATA / "golden"
runner = CliRunner()


def commands() -> dict[str, list[str]]:
    """Each golden file with the command that made it (from the README's table)."""
    found = {}
    for line in (GOLDEN / "README.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("| `") and "flashpoint " in line:
            file, command = (cell.strip().strip("`") for cell in line.strip("|").split("|"))
            found[file] = shlex.split(command)[1:]
    return found


def test_every_golden_file_has_its_command():
    assert sorted(commands()) == sorted(path.name for path in GOLDEN.glob("*.json"))


@pytest.mark.parametrize("file", sorted(commands()))
def test_the_same_numbers_as_before(file):
    result = runner.invoke(app, commands()[file], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    now = json.loads(result.stdout)
    before = json.loads((GOLDEN / file).read_text(encoding="utf-8"))
    assert "request" not in before and now["request"]["seed"] == before["seed"]
    assert numbers_of(now) == numbers_of(before)
