"""Load and save scenarios in any supported format, and find the bundled ones.

========  ====================================  =====================
format    files                                 read / write
========  ====================================  =====================
yaml      ``.yaml``, ``.yml``                   read, write
json      ``.json``                             read, write
xlsx      ``.xlsx`` workbook or actor table     read, write
csv       ``.csv``, ``.tsv``, ``.txt`` table    read, write (long actor table)
ktab      KTAB SMP ``.csv``                     read
ktab-xml  KTAB SMP ``.xml``                     read
decide    Decide ``#A/#P/#M/#D`` file           read
========  ====================================  =====================

A delimited text file is recognised as Decide or KTAB by its content, else read as an actor
table; ``format=`` overrides the guess.
"""

from __future__ import annotations

import zipfile
from importlib import resources
from pathlib import Path
from typing import Any

from openpyxl.utils.exceptions import InvalidFileException

from flashpoint.scenario.cells import Row, read_rows, slug, sniff_delimiter, unquote_formula
from flashpoint.scenario.decide import looks_like_decide, read_decide
from flashpoint.scenario.errors import Location, Origin, Problem, ScenarioError
from flashpoint.scenario.guard import announce_slow_read, check_size, guarded
from flashpoint.scenario.ktab import looks_like_ktab, read_ktab
from flashpoint.scenario.ktab_xml import read_ktab_xml
from flashpoint.scenario.native import read_native, write_json, write_yaml
from flashpoint.scenario.schema import Scenario
from flashpoint.scenario.tables import read_actor_table, write_table_csv
from flashpoint.scenario.validate import build_scenario
from flashpoint.scenario.workbook import read_workbook, uncalculated_formulas, write_workbook

READ_FORMATS = ("yaml", "json", "xlsx", "csv", "ktab", "ktab-xml", "decide")
WRITE_FORMATS = ("yaml", "json", "xlsx", "csv")
WRITE_SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".xlsx": "xlsx", ".csv": "csv"}
_EXTENSIONS = {
    ".yaml": "yaml",
    ".yml": "yaml",
    ".json": "json",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".csv": "text",
    ".tsv": "text",
    ".txt": "text",
    ".xml": "ktab-xml",
}
DEFAULT_SCENARIO = "korea-2018"


def bundled_dir() -> Path:
    return Path(str(resources.files("flashpoint") / "data" / "scenarios"))


def bundled_names() -> list[str]:
    """The names of the scenarios that ship with flashpoint."""
    return sorted(path.stem for path in bundled_dir().glob("*.yaml"))


def resolve(source: str | Path) -> Path:
    """A path for a file name or a bundled scenario's name (a file wins if both exist)."""
    path = Path(source)
    if path.exists():
        return path
    if str(source) in bundled_names():
        return bundled_dir() / f"{source}.yaml"
    names = ", ".join(bundled_names())
    raise ScenarioError(
        [
            Problem(
                Location(file=str(source)),
                f"no such file, and no bundled scenario of that name (bundled: {names})",
            )
        ]
    )


def load_scenario(
    source: str | Path | Scenario = DEFAULT_SCENARIO, *, format: str | None = None
) -> Scenario:
    """Load a scenario from a file or a bundled scenario's name (default: ``korea-2018``).

    Raises :class:`ScenarioError` listing every problem found, each with its file, sheet, row
    and column (tables) or line (YAML, JSON).
    """
    if isinstance(source, Scenario):
        return source
    path = resolve(source)
    with guarded(path.name):
        if path.is_file():
            check_size(path)
            announce_slow_read(path)
        raw, origin, problems = read_source(path, format=format)
        try:
            return build_scenario(raw, origin, problems)
        except ScenarioError as error:
            if path.suffix.lower() == ".xlsx":
                formulas = uncalculated_formulas(path)
                if formulas:
                    raise ScenarioError(formulas + error.problems) from None
            raise


def read_source(path: Path, *, format: str | None = None) -> tuple[Any, Origin, list[Problem]]:
    """Raw scenario data from a file, where each value came from, and reading problems."""
    if path.is_dir():
        raise ScenarioError(
            [Problem(Location(file=str(path)), "this is a folder, not a scenario file")]
        )
    kind = format or _EXTENSIONS.get(path.suffix.lower())
    if kind is None:
        if path.suffix.lower() == ".xls":
            message = "old .xls workbooks cannot be read: save the file as .xlsx"
        else:
            message = f"unknown file type '{path.suffix}': flashpoint reads .yaml, .yml, .json, .xlsx, .csv, .tsv, .txt and .xml"
        raise ScenarioError([Problem(Location(file=path.name), message)])
    if kind not in READ_FORMATS + ("text",):
        raise ScenarioError(
            [
                Problem(
                    Location(file=path.name),
                    f"unknown format '{kind}' (formats: {', '.join(READ_FORMATS)})",
                )
            ]
        )
    if kind == "xlsx":
        try:
            return read_workbook(path)
        except ScenarioError:
            raise  # already says where, not to be wrapped in another message
        except (OSError, ValueError, KeyError, zipfile.BadZipFile, InvalidFileException) as error:
            raise ScenarioError(
                [Problem(Location(file=path.name), f"cannot read the workbook: {error}")]
            ) from None
    if kind == "ktab-xml":
        return read_ktab_xml(path.read_bytes(), file=path.name, name=path.stem)
    text = _read_text(path)
    if kind == "text":
        kind = "decide" if looks_like_decide(text) else "ktab" if looks_like_ktab(text) else "csv"
    if kind in ("yaml", "json"):
        data, origin, problems = read_native(text, path.name)
        if isinstance(data, dict) and "id" not in data:
            data["id"] = slug(path.stem)
        return data, origin, problems
    if kind == "decide":
        return read_decide(text, file=path.name, name=path.stem)
    if kind == "ktab":
        return read_ktab(text, file=path.name, name=path.stem)
    delimiter = sniff_delimiter(text, ",;\t")
    rows = [  # texts quoted against formulas (write_table_csv) as they were
        Row(row.number, [unquote_formula(cell) for cell in row.cells])
        for row in read_rows(text, delimiter, file=path.name)
    ]
    return read_actor_table(
        rows,
        file=path.name,
        name=path.stem,
        decimal_comma=delimiter != ",",
    )


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ScenarioError(
        [Problem(Location(file=path.name), "the file is neither UTF-8 nor Windows-1252 text")]
    )


def save_scenario(scenario: Scenario, path: str | Path, *, format: str | None = None) -> Path:
    """Write a scenario as YAML, JSON, an Excel workbook, or a CSV actor table."""
    path = Path(path)
    kind = format or WRITE_SUFFIXES.get(path.suffix.lower())
    writers = {
        "yaml": write_yaml,
        "json": write_json,
        "xlsx": write_workbook,
        "csv": write_table_csv,
    }
    if kind not in writers:
        raise ValueError(
            f"cannot write '{path.name}': flashpoint writes .yaml, .yml, .json, .xlsx and .csv"
        )
    writers[kind](scenario, path)
    return path
