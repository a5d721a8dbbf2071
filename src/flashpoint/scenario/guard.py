"""The boundary for untrusted input: whatever a parser does with a broken or hostile file,
reading a scenario ends in :class:`~flashpoint.scenario.errors.ScenarioError` naming the file
(and the place, where a loader knows it), never in a traceback.

:func:`guarded` turns each kind of failure of the parsers underneath (PyYAML, csv, zipfile and
zlib, openpyxl, XML, Python's own limits) into one message that says what is wrong in words.
"""

from __future__ import annotations

import csv
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

import yaml

from flashpoint.scenario.errors import Location, Problem, ScenarioError

MAX_VALUES = 1_000_000
"""The most values (mappings, lists and scalars, aliases expanded) a YAML or JSON file may hold:
a file of aliases that expand to more (a "billion laughs") is refused before it is built."""


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
