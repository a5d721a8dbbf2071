"""The same seed gives the same numbers as before the run request, bit for bit: the commands
of ``tests/data/golden/README.md`` against their documents from commit a1eb362."""

from __future__ import annotations

import json
import shlex

import pytest
from typer.testing import CliRunner

import flashpoint
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


@pytest.fixture(scope="module")
def korea_as_before(tmp_path_factory):
    """korea-2018 as it was at a1eb362, before it stated its terms of agreement (reversion
    points, consent, one package, and "no agreement" as a way to breakdown): without them, the
    agreement test changes nothing. Its inputs are those of ``korea-2018.yaml`` here, the
    bundled scenario before issue #34 re-sourced some of them and added red lines."""
    korea = flashpoint.load_scenario(GOLDEN / "korea-2018.yaml")
    breakdown = korea.outcomes[1]
    assert str(breakdown.when.any[0]) == "no agreement"
    plain = korea.model_copy(
        update={
            "agreement": "issue",
            "issues": [
                issue.model_copy(update={"reversion": None, "reversion_note": "", "consent": []})
                for issue in korea.issues
            ],
            "outcomes": [
                korea.outcomes[0],
                breakdown.model_copy(update={"when": breakdown.when.any[1]}),
                *korea.outcomes[2:],
            ],
        }
    )
    path = tmp_path_factory.mktemp("golden") / "korea-2018.yaml"
    flashpoint.save_scenario(plain, path)
    return str(path)


@pytest.mark.parametrize("file", sorted(commands()))
def test_the_same_numbers_as_before(file, korea_as_before):
    args = [korea_as_before if arg == "korea-2018" else arg for arg in commands()[file]]
    result = runner.invoke(app, args, env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    now = json.loads(result.stdout)
    before = json.loads((GOLDEN / file).read_text(encoding="utf-8"))
    assert "request" not in before and now["request"]["seed"] == before["seed"]
    now["scenario"]["source"] = before["scenario"]["source"]  # the file stands for the name
    assert_holds(numbers_of(now), numbers_of(before))


def assert_holds(now, before, where="document"):
    """Everything ``before`` holds, ``now`` holds the same, bit for bit; ``now`` may hold more
    (within a schema version, keys are only added: docs/json-output.md, Stability)."""
    if isinstance(before, dict):
        assert isinstance(now, dict), where
        for key, value in before.items():
            assert key in now, f"{where}.{key} is gone"
            assert_holds(now[key], value, f"{where}.{key}")
    elif isinstance(before, list):
        assert isinstance(now, list) and len(now) == len(before), where
        for k, (new, old) in enumerate(zip(now, before, strict=True)):
            assert_holds(new, old, f"{where}[{k}]")
    else:
        assert now == before, f"{where}: {now!r} is not {before!r}"


def test_the_comparison_finds_a_changed_number():
    before = {"a": [1.0, {"b": 2.0}]}
    assert_holds({"a": [1.0, {"b": 2.0, "c": 3}], "d": 4}, before)
    with pytest.raises(AssertionError, match=r"document.a\[1\].b"):
        assert_holds({"a": [1.0, {"b": 2.0000000000000004}]}, before)
