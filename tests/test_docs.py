"""The examples in README.md and docs/*.md are executed, so they cannot rot.

Conventions for writing docs:

- ```python blocks run in order, one namespace per file;
- in ```console blocks every line starting with ``$ `` is run in a shell; it must exit 0, or the
  status written at its end as ``# exits N``; other lines (output) are not checked;
- ```bash or ```sh blocks are shown, not run (installation steps);
- every file runs in a fresh folder holding a copy of ``docs/examples/``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_BLOCK = re.compile(r"^```(\w+)[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
_EXITS = re.compile(r"#\s*exits\s+(\d+)\s*$")


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


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_console_examples_run(path: Path, workdir: Path):
    env = {
        **os.environ,
        "COLUMNS": "120",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }
    for line, block in blocks(path, "console"):
        for offset, text in enumerate(block.splitlines()):
            if not text.startswith("$ "):
                continue
            command = text[2:]
            expected = int(match.group(1)) if (match := _EXITS.search(command)) else 0
            result = subprocess.run(
                command, shell=True, cwd=workdir, env=env, capture_output=True, text=True
            )
            assert result.returncode == expected, (
                f"{path.name}:{line + offset}: '{command}' exited {result.returncode}, expected {expected}\n"
                f"{result.stdout}\n{result.stderr}"
            )
