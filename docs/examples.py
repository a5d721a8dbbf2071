"""Regenerate, or check, the command output shown in README.md and docs/*.md.

Usage (from the repository root, with flashpoint installed)::

    python docs/examples.py            # rewrite every example's output in place
    python docs/examples.py --check    # exit 1 and print a diff if any shown output is stale
    python docs/examples.py docs/store.md --check   # only these files

tests/test_docs.py runs the same check, file by file.

Conventions
-----------

- In a ```console block, every line starting with ``$ `` is a command. The lines after it, up to
  the next ``$ `` line, are its output, and this script writes them: what the command prints now,
  stdout then stderr (as a terminal shows an error after the text before it), with trailing spaces
  stripped and the "Recorded as run ..." lines (the store's receipt) dropped.
- A command must exit 0, or the status written at its end as ``# exits N``.
- The commands of one Markdown file run in order in one fresh folder holding a copy of
  ``docs/examples/``, so a command sees the files earlier commands of the same file wrote. They
  run with ``COLUMNS=100`` and a throwaway run store (``FLASHPOINT_STORE``) in that folder.
- A block can be marked with an HTML comment on the line just before its opening fence::

      <!-- example: until "In words" -->

  Markers:

  ``commands only``
      The block shows commands, not what they print (long output, or output the prose
      describes). The commands run and their exit status is checked; no output line is allowed.
  ``not checked: REASON``
      The commands run and their exit status is checked; the output shown is left as written.
  An excerpt: one or more parts separated by ``;``, for a block with a single command
      Each part selects consecutive lines of the output, searching on from where the previous
      part ended: ``first N lines``, ``last N lines``, ``from "TEXT"`` (start at the first line
      that starts with TEXT), ``until "TEXT"`` (stop before the first later line that starts
      with TEXT), ``through "TEXT"`` (stop after it), ``until 2nd "TEXT"`` (the second such
      line); ``from`` can be combined with ``until``, ``through`` or ``first N lines``. Without
      ``until``/``through``/``first``, a part runs to the end of the output. TEXT is matched at
      the start of the line, exactly (so "until" a heading is robust to changes above it).
      In the Markdown, the parts are separated by notes: lines written wholly in parentheses,
      such as ``(the Shocks table, trimmed)``, that are not lines of the output. The notes are kept as written and each run of
      non-note lines between them is replaced by the next part, so a block trimmed at the end
      has the excerpt, then a note such as ``(then the forecast in words; trimmed)`` as its
      last line.
- Output that changes from run to run is masked before comparing (``--check`` only; writing
  keeps what the command printed). The masks, kept few and narrow, are listed in ``MASKS``:
  durations in seconds ("in 1.3 s"), the contents of a JSON document's ``"timings"`` object,
  and the path of the temporary folder.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "docs" / "examples"
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
COLUMNS = "100"

_BLOCK = re.compile(r"^```(\w+)[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
_MARKER = re.compile(r"<!--\s*example:\s*(.*?)\s*-->\s*$")
_EXITS = re.compile(r"#\s*exits\s+(\d+)\s*$")
_NOTE = re.compile(r"^\(.*\)$")
_DROPPED = re.compile(r"^Recorded as run\b")
_PART = re.compile(
    r"""^(?:from\s+"(?P<start>[^"]*)")?\s*
        (?:(?P<first>first|last)\s+(?P<count>\d+)\s+lines?
          |(?P<kind>until|through)\s+(?:(?P<nth>\d+)(?:st|nd|rd|th)\s+)?"(?P<stop>[^"]*)")?$""",
    re.VERBOSE,
)
#: Output that changes from run to run, replaced by a placeholder before --check compares.
MASKS = [
    (re.compile(r"\b\d+(?:\.\d+)? ?s\b(?=[ ,;.)]|$)"), "<seconds>"),  # "in 1.3 s", "0.82s"
    (re.compile(r'("timings": \{)[^{}]*(\})'), r"\1<timings>\2"),  # JSON run times
]


class ExampleError(Exception):
    """A block that cannot be regenerated: a bad marker, or an excerpt the output lacks."""


@dataclass
class Command:
    text: str  # without the "$ "
    line: int  # line number in the Markdown file
    shown: list[str]  # the output lines shown under it
    expected_exit: int = 0
    output: list[str] = field(default_factory=list)  # what it prints now
    exit: int = 0


@dataclass
class Block:
    line: int  # line number of the opening fence
    start: int  # offset of the body in the text
    end: int  # offset of the closing fence
    marker: str | None
    head: list[str]  # lines before the first command (none expected)
    commands: list[Command]

    @property
    def body(self) -> str:
        return "\n".join(self.head + [x for c in self.commands for x in [f"$ {c.text}", *c.shown]])


def parse(text: str) -> list[Block]:
    """The ```console blocks of a Markdown text, with their commands and shown output."""
    found = []
    for match in _BLOCK.finditer(text):
        if match.group(1) != "console":
            continue
        line = text.count("\n", 0, match.start()) + 1
        before = text[: match.start()].rstrip("\n").rsplit("\n", 1)[-1]
        marker = m.group(1) if (m := _MARKER.search(before)) else None
        head: list[str] = []
        commands: list[Command] = []
        for offset, row in enumerate(match.group(2).splitlines()):
            if row.startswith("$ "):
                exits = _EXITS.search(row)
                commands.append(
                    Command(row[2:], line + 1 + offset, [], int(exits.group(1)) if exits else 0)
                )
            elif commands:
                commands[-1].shown.append(row)
            else:
                head.append(row)
        found.append(Block(line, match.start(2), match.end(2), marker, head, commands))
    return found


def _select(output: list[str], part: str, cursor: int) -> tuple[list[str], int]:
    match = _PART.match(part.strip())
    if not match or not part.strip():
        raise ExampleError(f"cannot read the excerpt part {part!r}")
    begin = cursor
    if match.group("start") is not None:
        starts = [
            i for i in range(cursor, len(output)) if output[i].startswith(match.group("start"))
        ]
        if not starts:
            raise ExampleError(f'no line starting with "{match.group("start")}" in the output')
        begin = starts[0]
    if match.group("first") == "first":
        end = begin + int(match.group("count"))
    elif match.group("first") == "last":
        begin = max(begin, len(output) - int(match.group("count")))
        end = len(output)
    elif match.group("kind"):
        stops = [
            i for i in range(begin + 1, len(output)) if output[i].startswith(match.group("stop"))
        ]
        nth = int(match.group("nth") or 1)
        if len(stops) < nth:
            raise ExampleError(f'no line starting with "{match.group("stop")}" in the output')
        end = stops[nth - 1] + (1 if match.group("kind") == "through" else 0)
    else:
        end = len(output)
    lines = output[begin:end]
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        raise ExampleError(f"the excerpt part {part!r} selects nothing")
    return lines, end


def render(block: Block) -> list[str]:
    """The lines each command of an already-run block should show, in order."""
    marker = block.marker or ""
    if marker == "commands only":
        return [[] for _ in block.commands]
    if marker.startswith("not checked"):
        return [c.shown for c in block.commands]
    if not marker:
        return [c.output for c in block.commands]
    if len(block.commands) != 1:
        raise ExampleError("an excerpt marker needs a block with a single command")
    (command,) = block.commands
    parts = [p for p in marker.split(";")]
    # Split the shown output at its notes; each run of other lines is one excerpt part.
    layout: list[str | None] = []  # a note, or None for a part
    printed = set(command.output)
    for row in command.shown:
        if _NOTE.match(row) and row not in printed:  # "(80% interval)" may be a line of output
            layout.append(row)
        elif not layout or layout[-1] is not None:
            layout.append(None)
    if layout.count(None) == 0 and len(parts) == 1:
        layout.insert(0, None)  # a new block: the excerpt, then its note
    if layout.count(None) != len(parts):
        raise ExampleError(
            f"the marker has {len(parts)} part(s) but the block shows {layout.count(None)} "
            "run(s) of output between its notes"
        )
    rows: list[str] = []
    cursor = 0
    for item in layout:
        if item is None:
            lines, cursor = _select(command.output, parts.pop(0), cursor)
            rows.extend(lines)
        else:
            rows.append(item)
    return [rows]


def run_blocks(blocks: list[Block], folder: Path) -> None:
    """Run every command of the blocks in order in ``folder``, filling ``output`` and ``exit``."""
    env = {
        **os.environ,
        "COLUMNS": COLUMNS,
        "FLASHPOINT_STORE": str(folder / ".runs.sqlite"),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    env.pop("NO_COLOR", None)
    for block in blocks:
        for command in block.commands:
            result = subprocess.run(
                command.text,
                check=False,
                shell=True,
                cwd=folder,
                env=env,
                capture_output=True,
                text=True,
            )
            command.exit = result.returncode
            command.output = [
                row.rstrip()
                for row in (result.stdout + result.stderr).splitlines()
                if not _DROPPED.match(row)
            ]
            while command.output and not command.output[-1]:
                command.output.pop()


def mask(text: str, folder: Path | None = None) -> str:
    if folder is not None:
        text = text.replace(str(folder), "<folder>")
    for pattern, replacement in MASKS:
        text = pattern.sub(replacement, text)
    return text


@dataclass
class Result:
    path: Path
    text: str  # the file as read
    new_text: str  # with every output regenerated
    diff: str  # of the blocks whose output differs after masking
    errors: list[str]  # exit statuses and markers that went wrong


def process(path: Path) -> Result:
    """Run the console examples of one Markdown file in a fresh folder and compare."""
    text = path.read_text(encoding="utf-8")
    blocks = parse(text)
    errors: list[str] = []
    diff: list[str] = []
    pieces: list[str] = []
    last = 0
    with tempfile.TemporaryDirectory(prefix="flashpoint-docs-") as name:
        folder = Path(name)
        if EXAMPLES.is_dir():
            shutil.copytree(EXAMPLES, folder, dirs_exist_ok=True)
        if blocks:
            run_blocks(blocks, folder)
        for block in blocks:
            where = f"{path.name}:{block.line}"
            for command in block.commands:
                if command.exit != command.expected_exit:
                    errors.append(
                        f"{path.name}:{command.line}: '{command.text}' exited {command.exit}, "
                        f"expected {command.expected_exit}\n" + "\n".join(command.output)
                    )
            try:
                shown = render(block)
            except ExampleError as error:
                errors.append(f"{where}: {error} (marker: {block.marker!r})")
                shown = [c.shown for c in block.commands]
            if block.marker == "commands only" and any(c.shown for c in block.commands):
                errors.append(f"{where}: a 'commands only' block shows output")
            body = "\n".join(
                block.head
                + [x for c, rows in zip(block.commands, shown) for x in [f"$ {c.text}", *rows]]
            )
            old, new = mask(block.body, folder), mask(body, folder)
            if old != new:
                diff.extend(
                    difflib.unified_diff(
                        old.splitlines(),
                        new.splitlines(),
                        f"{where} (shown)",
                        f"{where} (printed now)",
                        lineterm="",
                    )
                )
            pieces.append(text[last : block.start] + body.replace(str(folder), ".") + "\n")
            last = block.end
    pieces.append(text[last:])
    return Result(path, text, "".join(pieces), "\n".join(diff), errors)


def write(result: Result) -> bool:
    """Write the regenerated file, unless someone changed it meanwhile; True if it changed."""
    if result.new_text == result.text:
        return False
    if result.path.read_text(encoding="utf-8") != result.text:
        raise ExampleError(f"{result.path} changed while its examples ran; run again")
    result.path.write_text(result.new_text, encoding="utf-8")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path, help="Markdown files (default: all)")
    parser.add_argument("--check", action="store_true", help="compare only; exit 1 on a difference")
    args = parser.parse_args(argv)
    status = 0
    for path in [p.resolve() for p in args.files] or DOCUMENTS:
        result = process(path)
        for error in result.errors:
            print(error, file=sys.stderr)
            status = 1
        if args.check:
            if result.diff:
                print(result.diff)
                status = 1
        elif write(result):
            print(f"rewrote {path.relative_to(ROOT)}")
    return status


if __name__ == "__main__":
    sys.exit(main())
