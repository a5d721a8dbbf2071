"""The boundary for untrusted input: whatever a parser does with a broken or hostile file,
reading a scenario ends in :class:`~flashpoint.scenario.errors.ScenarioError` naming the file
(and the place, where a loader knows it), never in a traceback.

:func:`guarded` turns each kind of failure of the parsers underneath (PyYAML, csv, zipfile and
zlib, openpyxl, XML, Python's own limits) into one message that says what is wrong in words.
"""

from __future__ import annotations

import csv
import os
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import yaml

from flashpoint.scenario.errors import Location, Problem, ScenarioError
from flashpoint.scenario.notices import Notices
from flashpoint.scenario.words import duration

LIMITS = {
    "FLASHPOINT_MAX_FILE_MB": 200,
    "FLASHPOINT_MAX_PART_MB": 100,
    "FLASHPOINT_MAX_CELLS": 5_000_000,
    "FLASHPOINT_MAX_VALUES": 1_000_000,
}
"""The size limits on an input file, each raised by the environment variable of its name: a
file's size, the unpacked size of each part of a workbook, the cells of a sheet's used range,
and the values a YAML or JSON file may hold (mappings, lists and scalars, aliases expanded: a
file of aliases that expand to more, a "billion laughs", is refused before it is built)."""


MOST_PACKED = 250
"""A workbook's part that unpacks to more than this many times its packed size, and to over a
megabyte, is refused: a sheet's XML packs about 10 times (11 for the sheets flashpoint writes,
10-12 for rows of numbers or of empty formatted cells, about 350 for rows of one repeated value
written without cell references), and the most that zip's deflate can pack is about 1,000."""

SECONDS_PER_MB = 3.5
"""Reading and checking a scenario file takes about this long per megabyte, whatever its format
(``python bench/read.py`` on the 2-core development machine, 100,000 stances: the CSV table
flashpoint writes 1.3 s/MB, a five-column CSV 2.9, a workbook 3.0, YAML 4.3, JSON 2.8)."""
SLOW_READ = 5.0  # seconds: a file estimated to take longer to read is announced

_READING: Notices[str] = Notices()


def on_slow_read(listener: Callable[[str], None]) -> AbstractContextManager[None]:
    """Call ``listener(message)`` before reading a file estimated to take over
    :data:`SLOW_READ` seconds, inside this block, with a sentence saying so, and with each
    sentence of :func:`announce` (the command line prints them, so that a large file, or a
    hidden sheet, is not read in silence)."""
    return _READING.listening(listener)


def announce(message: str) -> None:
    """Tell the listeners (:func:`on_slow_read`) something about the file being read that is no
    problem but should not pass unsaid: a hidden sheet or row that was read like any other."""
    _READING.tell(message)


def announce_slow_read(path: Path) -> None:
    """Tell the listeners (:func:`on_slow_read`) how long ``path`` will take, if long."""
    seconds = path.stat().st_size / 2**20 * SECONDS_PER_MB
    if seconds > SLOW_READ:
        announce(
            f"Reading {path.name}: a file this large takes about {duration(seconds)} to read"
            " and check."
        )


def limit(name: str) -> int:
    """A size limit (:data:`LIMITS`), or the value its environment variable gives."""
    given = os.environ.get(name, "")
    return int(given) if given.isdigit() else LIMITS[name]


def check_size(path: Path) -> None:
    """Refuse a file larger than the limit before reading it; for a workbook, also one whose
    parts unpack to more than their limit (a "zip bomb")."""
    megabytes = limit("FLASHPOINT_MAX_FILE_MB")
    size = path.stat().st_size
    if size > megabytes * 2**20:
        raise _too_big(
            path.name, f"it is {size / 2**20:,.0f} MB", "FLASHPOINT_MAX_FILE_MB", megabytes
        )
    if path.suffix.lower() == ".xlsx" and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as book:
            for item in book.infolist():
                check_part(path.name, item)


def check_part(file: str, item: zipfile.ZipInfo) -> None:
    """Refuse a part of a workbook, before it is unpacked, that unpacks to more than its limit
    or to far more than any workbook's part does for its packed size (a "zip bomb"). Unpacking
    stops at the size the part declares (Python's zipfile), so this bounds what is read."""
    part = limit("FLASHPOINT_MAX_PART_MB")
    size = item.file_size
    if size > part * 2**20:
        found = f"its part {item.filename} unpacks to {size / 2**20:,.0f} MB"
        raise _too_big(file, found, "FLASHPOINT_MAX_PART_MB", part)
    if size > 2**20 and size > MOST_PACKED * item.compress_size:
        raise ScenarioError(
            [
                Problem(
                    Location(file=file),
                    f'the file is refused as a "zip bomb": its part {item.filename} unpacks to'
                    f" {size / 2**20:,.0f} MB from {item.compress_size / 2**10:,.0f} KB, more"
                    f" than {MOST_PACKED} times its size, where a workbook's parts unpack to"
                    " about 10 times theirs",
                )
            ]
        )


def check_cells(
    file: str, sheet: str, rows: int | None, columns: int | None, *, row: int | None = None
) -> None:
    """Refuse a sheet whose used range holds more cells than the limit (a far cell, say
    XFD1048576, makes the range huge and the reading endless): as the sheet says it is, before
    it is read, or as it is found up to ``row``, while it is read."""
    most = limit("FLASHPOINT_MAX_CELLS")
    if rows and columns and rows * columns > most:
        found = "is" if row is None else "is already, by this row,"
        raise ScenarioError(
            [
                Problem(
                    Location(file=file, sheet=sheet, row=row),
                    f"the sheet's used range {found} {rows:,} rows by {columns:,} columns, more"
                    f" than {most:,} cells: delete the far cells that are not part of the scenario"
                    " (or raise the limit with the environment variable FLASHPOINT_MAX_CELLS)",
                )
            ]
        )


def too_many_cells(file: str | None, row: int, most: int, lines: int) -> Problem:
    """The problem of a delimited table with more cells than the limit, found at ``row`` of a
    text of ``lines`` lines."""
    return Problem(
        Location(file=file, row=row),
        f"the table has more than {most:,} cells by this row (of {lines:,} lines): a table this"
        " large would take minutes and gigabytes to read. Split it, or raise the limit with the"
        " environment variable FLASHPOINT_MAX_CELLS",
    )


def _too_big(file: str, found: str, variable: str, megabytes: int) -> ScenarioError:
    return ScenarioError(
        [
            Problem(
                Location(file=file),
                f"the file is too large to read: {found}, above the limit of {megabytes:,} MB"
                f" (raise it with the environment variable {variable})",
            )
        ]
    )


def _message(error: BaseException) -> str:
    if isinstance(error, RecursionError):
        return "the file nests lists or mappings too deeply to read (hundreds of levels)"
    if isinstance(error, MemoryError):
        return "the file is too large to read in this machine's memory"
    if isinstance(error, yaml.YAMLError):
        return f"this is not valid YAML or JSON: {error}"
    if isinstance(error, csv.Error):
        return f"this table cannot be read: {error} (a cell may be over 131,072 characters)"
    if isinstance(error, zipfile.BadZipFile | zlib.error | EOFError):
        return f"the workbook is damaged (its compressed parts cannot be read: {error})"
    if isinstance(error, ValueError) and "digits" in str(error):
        return "a number in the file has more than 4,300 digits"
    if isinstance(error, TypeError | AttributeError | KeyError | IndexError):
        return f"the file's structure is not that of a scenario ({type(error).__name__}: {error})"
    return f"cannot read the file ({type(error).__name__}: {error})"


@contextmanager
def guarded(file: str) -> Iterator[None]:
    """Read a scenario file inside this: any failure but a ScenarioError (the project's own)
    becomes one, naming ``file``."""
    try:
        yield
    except ScenarioError:
        raise
    except (Exception, RecursionError, MemoryError) as error:
        raise ScenarioError([Problem(Location(file=file), _message(error))]) from None
