"""The examples in README.md and docs/*.md are executed, so they cannot rot.

Conventions for writing docs:

- ```python blocks run in order, one namespace per file;
- in ```console blocks every line starting with ``$ `` is run in a shell; it must exit 0, or the
  status written at its end as ``# exits N``;
- the lines under a command, up to the next ``$ `` line, are its output, and they must be what the
  command prints now (stdout then stderr, ``COLUMNS=100``, "Recorded as run" lines dropped,
  trailing spaces stripped; durations in seconds and the temporary folder masked). Do not edit
  them by hand: ``python docs/examples.py`` rewrites them, ``python docs/examples.py --check``
  shows what is stale;
- an HTML comment on the line before a block's fence marks an excerpt or an exception:
  ``<!-- example: until "In words" -->`` (the output up to the first line starting with that
  text; the excerpt's parts are separated in the block by notes, lines wholly in parentheses
  that the command does not print, which are kept as written), ``<!-- example: commands only -->`` (no output shown; the exit
  status is still checked) or ``<!-- example: not checked: REASON -->``. docs/examples.py's
  docstring lists every form;
- ```bash or ```sh blocks are shown, not run (installation steps);
- every file runs in a fresh folder holding a copy of ``docs/examples/``, its commands in order.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_BLOCK = re.compile(r"^```(\w+)[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)


def _load_examples():
    """docs/examples.py, imported by path (docs/ is not a package)."""
    spec = importlib.util.spec_from_file_location(
        "flashpoint_docs_examples", ROOT / "docs" / "examples.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up
    spec.loader.exec_module(module)
    return module


examples = _load_examples()


def blocks(path: Path, language: str) -> list[tuple[int, str]]:
    text = path.read_text(encoding="utf-8")
    return [
        (text.count("\n", 0, match.start()) + 2, match.group(2))
        for match in _BLOCK.finditer(text)
        if match.group(1) == language
    ]


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    examples = ROOT / "docs" / "examples"
    if examples.is_dir():
        shutil.copytree(examples, tmp_path, dirs_exist_ok=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_there_are_documents_with_examples():
    names = {path.name for path in DOCUMENTS}
    assert {
        "README.md",
        "getting-started.md",
        "scenario-format.md",
        "importers.md",
        "json-output.md",
    } <= names
    assert sum(len(blocks(path, "python")) for path in DOCUMENTS) >= 5
    assert sum(len(blocks(path, "console")) for path in DOCUMENTS) >= 5


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_python_examples_run(path: Path, workdir: Path):
    namespace: dict[str, object] = {"__name__": "__docs__"}
    for line, code in blocks(path, "python"):
        exec(compile(code, f"{path.name}:{line}", "exec"), namespace)  # noqa: S102


def test_example_markers_are_understood():
    """Every marker is one of the documented forms, so a typo does not silently disable a check."""
    for path in DOCUMENTS:
        for block in examples.parse(path.read_text(encoding="utf-8")):
            marker = block.marker
            if marker is None or marker == "commands only" or marker.startswith("not checked:"):
                continue
            assert len(block.commands) == 1, (
                f"{path.name}:{block.line}: an excerpt needs one command"
            )
            for part in marker.split(";"):
                assert examples._PART.match(part.strip()) and part.strip(), (
                    f"{path.name}:{block.line}: cannot read {part!r} in <!-- example: {marker} -->"
                )


def test_excerpts_follow_the_markers():
    output = ["Title", "Table A", "a1", "Table B", "b1", "b2", "Footer"]
    block = examples.Block(1, 0, 0, 'until "Table B"; from "Footer"', [], [])
    command = examples.Command("cmd", 2, ["Title", "old", "(trimmed)", "Footer", "(end)"])
    command.output = output
    block.commands.append(command)
    assert examples.render(block) == [["Title", "Table A", "a1", "(trimmed)", "Footer", "(end)"]]
    block.marker = 'from "Table A" through "a1"; last 1 lines'
    assert examples.render(block) == [["Table A", "a1", "(trimmed)", "Footer", "(end)"]]
    block.marker = 'first 1 lines; until 2nd "b"'
    assert examples.render(block) == [
        ["Title", "(trimmed)", "Table A", "a1", "Table B", "b1", "(end)"]
    ]
    block.marker = 'first 1 lines; until "b1"; last 1 lines'
    with pytest.raises(examples.ExampleError):  # three parts, but the block shows two runs of lines
        examples.render(block)
    block.marker = 'until "Nowhere"'
    with pytest.raises(examples.ExampleError):
        examples.render(block)
    assert (
        examples.mask("took 1.3 s, 12 shocks, in 0.8s.")
        == "took <seconds>, 12 shocks, in <seconds>."
    )
    assert examples.mask('"timings": {\n    "nash": 0.0096\n  }') == '"timings": {<timings>}'


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_console_examples_run_and_print_what_is_shown(path: Path):
    """Same as ``python docs/examples.py --check FILE``: exit statuses, then the shown output."""
    result = examples.process(path)
    assert not result.errors, "\n\n".join(result.errors)
    assert not result.diff, (
        f"the output shown in {path.name} is stale; run `python docs/examples.py {path.relative_to(ROOT)}` "
        f"to rewrite it (then read the prose around it):\n{result.diff}"
    )
