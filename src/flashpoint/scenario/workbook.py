"""Excel workbooks: a full scenario workbook, or a single actor table.

A *scenario workbook* has one sheet per part of a scenario (what ``flashpoint template`` writes):

=================  =========================================================================
``scenario``       two columns, ``field`` and ``value``: id, title, description, as_of,
                   salience_scale, provenance, seed, agreement (issue or package)
``sources``        id, citation, url
``issues``         id, label, description, min, max, actual (the outcome, once decided),
                   reversion (the outcome without agreement), consent (actor ids,
                   separated by commas), reversion_note, reversion_source, consent_note,
                   consent_source
``anchors``        issue, value, label (plain-words labels of points on an issue's scale)
``actors``         id, label, description, capability, capability_note, capability_source,
                   colour (``#rrggbb``, the actor's colour in reports)
``positions``      actor, issue, position, salience, capability (only if it differs on this
                   issue), no_deal_cost (how much worse than the reversion point no deal is
                   to the actor), red_line (the outcome beyond which it refuses any bargain),
                   and a note and a source per number: position_note, position_source,
                   salience_note, salience_source, capability_note, capability_source,
                   no_deal_cost_note, no_deal_cost_source, red_line_note, red_line_source
``uncertainty``    actor, issue, field, distribution, low, high, mode, mean, sd, group,
                   correlation, note, source
``outcomes``       id, label, description, when (e.g. ``denuclearization >= 70``,
                   ``all: [a >= 50, b <= 20]`` or ``otherwise``)
``shocks``         shock, label, description, actor, issue, field, set, shift, drop,
                   probability, probability_note, probability_source (one row per change;
                   label, description and probability, a value or a range such as 0.1-0.3,
                   on the shock's first row)
``model_options``  model, option, value: option values a model starts from when it runs; the
                   value in YAML's short form (``3``, ``Prop``, ``[{actor: a, towards: b,
                   rate: 0.5}]``)
=================  =========================================================================

Any other workbook is read as an actor table from its first sheet (see
:mod:`flashpoint.scenario.tables`). A ``README`` sheet, and any sheet whose name starts with
``#`` (for the analyst's own notes), is ignored.
"""

from __future__ import annotations

import datetime as dt
import difflib
import posixpath
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Self
from xml.parsers import expat

import yaml
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Alignment, Font
from openpyxl.styles.numbers import builtin_format_code, is_date_format, is_timedelta_format
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, from_excel, from_ISO8601
from openpyxl.worksheet.datavalidation import DataValidation

from flashpoint.scenario.cells import Row, number_or_text, slug
from flashpoint.scenario.errors import Location, Origin, Path_, Problem, ScenarioError
from flashpoint.scenario.guard import announce, check_cells, check_part, limit
from flashpoint.scenario.native import dump_yaml, load_yaml, rule_to_data
from flashpoint.scenario.schema import Scenario
from flashpoint.scenario.tables import read_actor_table

SHEETS: dict[str, tuple[str, ...]] = {
    "scenario": ("field", "value"),
    "sources": ("id", "citation", "url"),
    "issues": (
        "id",
        "label",
        "description",
        "min",
        "max",
        "actual",
        "reversion",
        "reversion_note",
        "reversion_source",
        "consent",
        "consent_note",
        "consent_source",
    ),
    "anchors": ("issue", "value", "label"),
    "actors": (
        "id",
        "label",
        "description",
        "capability",
        "capability_note",
        "capability_source",
        "colour",
    ),
    "positions": (
        "actor",
        "issue",
        "position",
        "salience",
        "capability",
        "no_deal_cost",
        "red_line",
        "position_note",
        "position_source",
        "salience_note",
        "salience_source",
        "capability_note",
        "capability_source",
        "no_deal_cost_note",
        "no_deal_cost_source",
        "red_line_note",
        "red_line_source",
    ),
    "uncertainty": (
        "actor",
        "issue",
        "field",
        "distribution",
        "low",
        "high",
        "mode",
        "mean",
        "sd",
        "group",
        "correlation",
        "note",
        "source",
    ),
    "outcomes": ("id", "label", "description", "when"),
    "shocks": (
        "shock",
        "label",
        "description",
        "actor",
        "issue",
        "field",
        "set",
        "shift",
        "drop",
        "probability",
        "probability_note",
        "probability_source",
    ),
    "model_options": ("model", "option", "value"),
}
SCENARIO_FIELDS = (
    "id",
    "title",
    "description",
    "as_of",
    "horizon",
    "horizon_note",
    "horizon_source",
    "salience_scale",
    "provenance",
    "seed",
    "agreement",
    "legislative",
)
_EXACT_IN_EXCEL = 10**15  # whole numbers up to here survive Excel's 15 significant digits
_SHOCK_HEAD = ("label", "description", "probability", "probability_note", "probability_source")

GUIDE = [
    ("flashpoint scenario workbook", ""),
    ("", ""),
    (
        "How to fill it in",
        "One sheet per part of the scenario. Keep the header rows; add one row per item.",
    ),
    (
        "scenario",
        "title (required), description, as_of (date of the information), horizon (the date the "
        "futures are read by), horizon_note and horizon_source (why, and its sources), salience_scale "
        "(100 if saliences run 0-100, 1 if 0-1), provenance (where the numbers come from), seed "
        "(optional: the seed of a run's random numbers when the run names none).",
    ),
    (
        "sources",
        "The sources the numbers rest on: an id, the citation, a URL. Every note has a source "
        "column beside it: the ids of the sources it rests on, separated by commas.",
    ),
    (
        "issues",
        "One row per issue: an id (letters, digits, _ or -, starting with a letter), a label, "
        "and the scale: min and max (default 0 and 100).",
    ),
    (
        "anchors",
        "Plain-words labels of points on each issue's scale, e.g. issue 'denuclearization', "
        "value 0, label 'no steps'.",
    ),
    (
        "actors",
        "One row per actor: id, label, capability (its power to shape the outcome, any "
        "non-negative number), and a note saying why.",
    ),
    (
        "positions",
        "One row per actor and issue it takes part in: position (on the issue's scale), "
        "salience (how much the issue matters to it), and notes. An actor may skip an issue. Fill "
        "capability only where the actor's capability on this issue differs from its own.",
    ),
    (
        "uncertainty",
        "Optional. How uncertain an input is: field is position, salience, capability, "
        "no_deal_cost or red_line; "
        "distribution is uniform (low, high), triangular (low, high, mode), normal (sd) or beta (sd). "
        "Inputs sharing a group move together.",
    ),
    (
        "outcomes",
        "Optional. Named futures, tried in order: 'when' is a condition such as "
        "'denuclearization >= 70', 'all: [a >= 50, b <= 20]', 'any: [...]', or 'otherwise' (last).",
    ),
    (
        "shocks",
        "Optional. Named what-ifs: one row per change, with set (a new value), shift (an "
        "amount to add) or drop = yes (remove the actor).",
    ),
    (
        "model_options",
        "Optional. Option values a model starts from when it runs: the model (e.g. eum), the "
        "option (e.g. rounds) and its value (a number, a word, or a list in YAML's short form). "
        "Options given to a run override them.",
    ),
    (
        "Your own notes",
        "Add sheets whose names start with # for anything else; flashpoint ignores them.",
    ),
    ("", ""),
    (
        "Check it",
        "flashpoint validate this-file.xlsx    lists every problem with its sheet, row and column.",
    ),
]


def is_scenario_workbook(sheet_names: list[str]) -> bool:
    names = {name.lower() for name in sheet_names}
    return "actors" in names or "positions" in names


def read_workbook(path: Path) -> tuple[dict[str, Any], Origin, list[Problem]]:
    """Scenario data from an .xlsx file: a scenario workbook, or an actor table.

    Each cell is read by its reference (``B7``), whatever order the file stores rows and cells
    in; a damaged workbook (a cell or row stored twice, a text the file does not hold) is an
    error naming the cell, and a hidden sheet, row or column that holds values is read and
    announced (:func:`~flashpoint.scenario.guard.announce`)."""
    with _opened(path) as book:
        sheets: dict[str, list[Row]] = {sheet.name: [] for sheet in book.sheets}
        read = book.to_read()
        for sheet in book.sheets:
            if sheet not in read:
                book.unpack(sheet)  # not read, but a damaged workbook is not let pass
                continue
            cells = book.read(sheet)
            sheets[sheet.name] = cells.table()
            _announce_hidden(path.name, sheet, cells)
    if not is_scenario_workbook(list(sheets)):
        first = next(iter(sheets))
        return read_actor_table(sheets[first], file=path.name, name=path.stem, sheet=first)
    return _read_scenario_sheets(sheets, path.name, path.stem)


def uncalculated_formulas(path: Path) -> list[Problem]:
    """Each cell holding a formula whose value the file does not keep (a workbook written by a
    program that does not calculate, so the value reads as empty), as a problem saying what to
    do. Read only when a workbook's scenario has problems, to explain an "empty" cell."""
    problems = []
    with _opened(path) as book:
        for sheet in book.to_read():
            cells = book.read(sheet)
            header = cells.rows.get(1, [])
            for row, column, formula in sorted(cells.formulas):
                name = header[column - 1] if column <= len(header) else ""
                shown = f"the formula '{formula[:40]}'" if formula != "=" else "a formula"
                problems.append(
                    Problem(
                        Location(file=path.name, sheet=sheet.name, row=row, column=name or None),
                        f"this cell holds {shown} but the file keeps no value"
                        " for it (it was written by a program that does not calculate): open"
                        " and save the workbook in Excel or LibreOffice, or type the value",
                    )
                )
    return problems


def _text(value: Any) -> str:
    """A cell's value as the text a table holds: dates in ISO 8601, true and false."""
    if isinstance(value, str):
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"  # what YAML 1.2 reads as a truth value
    return str(value).strip()


# --- reading a workbook's XML, cell by cell ------------------------------------------------

_MAIN = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",  # the same in "strict" Open XML
)
_LINK = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "http://purl.oclc.org/ooxml/officeDocument/relationships",
)
_PACKAGE = ("http://schemas.openxmlformats.org/package/2006/relationships",)
_COLUMNS = {get_column_letter(n): n for n in range(1, 16_385)}  # A to XFD: a sheet's columns
_LAST_ROW = 1_048_576
_MOST_STYLES = 64_000  # cell formats Excel allows in a workbook
_TRUE = ("1", "true")
_KINDS = {
    "n": "a number",
    "b": "true or false (1 or 0)",
    "d": "a date",
    "s": "the number of a text",
}


class _Part:
    """One XML part of a workbook, read element by element as expat meets them. No tree is
    built, so memory does not grow with the part; a part that unpacks to more than its limit
    is refused before it is unpacked (:func:`~flashpoint.scenario.guard.check_part`), and one
    with a DOCTYPE, where entities (a "billion laughs") would be declared, as soon as it is met:
    workbooks have none.

    A subclass lists the elements it handles in ``STARTS`` and ``ENDS`` (by local name, in the
    ``NAMESPACES``: transitional or strict Open XML) and defines ``start_<name>(attributes)``
    and ``end_<name>()`` for them."""

    NAMESPACES: tuple[str, ...] = _MAIN
    STARTS: tuple[str, ...] = ()
    ENDS: tuple[str, ...] = ()

    def __init__(self, file: str, sheet: str | None = None) -> None:
        self.file, self.sheet = file, sheet
        self._text: list[str] | None = None
        self._starts = self._handlers("start", self.STARTS)
        self._ends = self._handlers("end", self.ENDS)

    def read(self, archive: zipfile.ZipFile, name: str) -> Self:
        """Read the part ``name`` of ``archive``."""
        item = self.item(archive, name)
        parser = expat.ParserCreate(namespace_separator="}")
        parser.buffer_text = True
        parser.StartDoctypeDeclHandler = lambda *_: self._refuse_doctype(name)
        parser.StartElementHandler = self._started
        parser.EndElementHandler = self._ended
        parser.CharacterDataHandler = self._characters
        try:
            with archive.open(item) as stream:
                parser.ParseFile(stream)
        except expat.ExpatError as error:
            raise self.damaged(
                f"its part {name} is garbled ({expat.ErrorString(error.code)} at line"
                f" {error.lineno}, column {error.offset})"
            ) from None
        return self

    def item(self, archive: zipfile.ZipFile, name: str) -> zipfile.ZipInfo:
        """The part ``name`` of ``archive``, once its size is checked (:func:`check_part`)."""
        try:
            item = archive.getinfo(name)
        except KeyError:
            raise self.damaged(f"its part {name} is missing") from None
        check_part(self.file, item)
        return item

    def damaged(
        self, what: str, row: int | None = None, column: int | None = None
    ) -> ScenarioError:
        """The error of a workbook damaged at this part (and ``row`` and ``column``)."""
        letter = get_column_letter(column) if column else None
        place = (
            "this cell" if column else "this row" if row else "this sheet" if self.sheet else "it"
        )
        return ScenarioError(
            [
                Problem(
                    Location(file=self.file, sheet=self.sheet, row=row, column=letter),
                    f"the workbook is damaged: {what} (the program that wrote it has a fault);"
                    f" open it in Excel or LibreOffice, check {place}, and save it again",
                )
            ]
        )

    def collect(self) -> None:
        """Keep the characters from here to :meth:`collected`."""
        self._text = []

    def collected(self) -> str:
        """The characters since :meth:`collect`."""
        text = "".join(self._text or ())
        self._text = None
        return text

    def _handlers(self, kind: str, names: tuple[str, ...]) -> dict[str, Any]:
        return {
            f"{space}}}{name}": getattr(self, f"{kind}_{name}")
            for space in self.NAMESPACES
            for name in names
        }

    def _started(self, name: str, attributes: dict[str, str]) -> None:
        handler = self._starts.get(name)
        if handler is not None:
            handler(attributes)

    def _ended(self, name: str) -> None:
        handler = self._ends.get(name)
        if handler is not None:
            handler()

    def _characters(self, text: str) -> None:
        if self._text is not None:
            self._text.append(text)

    def _refuse_doctype(self, name: str) -> None:
        raise ScenarioError(
            [
                Problem(
                    Location(file=self.file, sheet=self.sheet),
                    f"the file's part {name} declares a DOCTYPE, which no workbook does and"
                    " attacks on XML readers use: the file is not read",
                )
            ]
        )


class _Links(_Part):
    """The relationships of a part: each one's id, kind (``worksheet``, ``sharedStrings``...)
    and the part it leads to."""

    NAMESPACES = _PACKAGE
    STARTS = ("Relationship",)

    def __init__(self, file: str, folder: str) -> None:
        super().__init__(file)
        self.folder = folder
        self.targets: dict[str, tuple[str, str]] = {}

    def start_Relationship(self, attributes: dict[str, str]) -> None:
        if attributes.get("TargetMode") == "External":
            return
        kind = attributes.get("Type", "").rpartition("/")[2]
        target = posixpath.join(self.folder, attributes.get("Target", ""))
        self.targets[attributes.get("Id", "")] = (kind, posixpath.normpath(target).lstrip("/"))

    def find(self, kind: str) -> str | None:
        """The part of the first relationship of ``kind``, if any."""
        return next((part for found, part in self.targets.values() if found == kind), None)


class _WorkbookPart(_Part):
    """The list of sheets (name, relationship id, hidden or not) and the dates' epoch."""

    STARTS = ("sheet", "workbookPr")

    def __init__(self, file: str) -> None:
        super().__init__(file)
        self.sheets: list[tuple[str, str, bool]] = []
        self.epoch = WINDOWS_EPOCH

    def start_sheet(self, attributes: dict[str, str]) -> None:
        link = next(
            (attributes[f"{space}}}id"] for space in _LINK if f"{space}}}id" in attributes), ""
        )
        hidden = attributes.get("state") in ("hidden", "veryHidden")
        self.sheets.append((attributes.get("name", ""), link, hidden))

    def start_workbookPr(self, attributes: dict[str, str]) -> None:
        if attributes.get("date1904") in _TRUE:
            self.epoch = MAC_EPOCH


class _StylesPart(_Part):
    """The cell styles that show a number as a date, by their index as cells name it (``s``),
    each with whether it is a duration."""

    STARTS = ("numFmt", "cellXfs", "xf")
    ENDS = ("cellXfs",)

    def __init__(self, file: str) -> None:
        super().__init__(file)
        self.dates: dict[str, bool] = {}
        self._formats: dict[str, str] = {}
        self._styles = -1  # the index of the last cell style; -1 outside the list of them

    def start_numFmt(self, attributes: dict[str, str]) -> None:
        self._formats[attributes.get("numFmtId", "")] = attributes.get("formatCode", "")

    def start_cellXfs(self, attributes: dict[str, str]) -> None:
        self._styles = 0

    def end_cellXfs(self) -> None:
        self._styles = -1

    def start_xf(self, attributes: dict[str, str]) -> None:
        if self._styles < 0:
            return  # a style of styles (cellStyleXfs), which cells do not name
        if self._styles >= _MOST_STYLES:
            raise self.damaged(f"it has more than {_MOST_STYLES:,} cell formats")
        number = attributes.get("numFmtId", "0")
        index = _whole(number)
        code = self._formats.get(number) or (
            builtin_format_code(index) if index is not None else None
        )
        if is_date_format(code):
            self.dates[str(self._styles)] = is_timedelta_format(code)
        self._styles += 1


class _TextPart(_Part):
    """A part holding texts as Excel writes them: ``<t>`` pieces, alone or in runs of
    formatting (``<r>``), leaving out phonetic guides (``<rPh>``), as openpyxl reads them."""

    def __init__(self, file: str, sheet: str | None = None) -> None:
        super().__init__(file, sheet)
        self.pieces: list[str] = []
        self._phonetic = 0

    def start_t(self, attributes: dict[str, str]) -> None:
        if not self._phonetic:
            self.collect()

    def end_t(self) -> None:
        if not self._phonetic:
            self.pieces.append(self.collected())

    def start_rPh(self, attributes: dict[str, str]) -> None:
        self._phonetic += 1

    def end_rPh(self) -> None:
        self._phonetic -= 1


class _StringsPart(_TextPart):
    """The workbook's table of texts (shared strings), which cells name by number: no more of
    them than a sheet may have cells."""

    STARTS = ("si", "t", "rPh")
    ENDS = ("si", "t", "rPh")

    def __init__(self, file: str) -> None:
        super().__init__(file)
        self.strings: list[str] = []
        self._most = limit("FLASHPOINT_MAX_CELLS")

    def start_si(self, attributes: dict[str, str]) -> None:
        self.pieces = []

    def end_si(self) -> None:
        self.strings.append("".join(self.pieces).replace("x005F_", ""))  # as openpyxl reads
        if len(self.strings) > self._most:
            raise self.damaged(f"its table of texts holds more than {self._most:,} texts")


class _SheetPart(_TextPart):
    """A sheet's cells, each put where its reference says: ``rows`` holds each row that has a
    value, by number, its cells up to the last that has one. The used range (the rows and
    columns up to the farthest value) is bounded by the cells limit (:func:`check_cells`), from
    the sheet's dimension before its rows, and from its values as they are read, so that the
    memory is bounded too."""

    STARTS = ("dimension", "col", "row", "c", "v", "f", "t", "rPh")
    ENDS = ("row", "c", "v", "f", "t", "rPh")

    def __init__(self, book: _Book, sheet: str) -> None:
        super().__init__(book.file, sheet)
        self.book = book
        self.rows: dict[int, list[str]] = {}
        self.hidden_rows: list[int] = []
        self.formulas: list[tuple[int, int, str]] = []  # row, column, formula without a value
        self.hidden_columns: list[tuple[int, int]] = []  # first and last of each hidden run
        self._most = limit("FLASHPOINT_MAX_CELLS")
        self._extent = (0, 0)  # the used range so far: rows, columns
        self._seen: set[int] = set()
        self._row, self._digits, self._row_hidden = 0, "", False
        self._cells: dict[int, str] = {}
        self._column, self._kind, self._style = 0, "n", ""
        self._value: str | None = None
        self._formula: str | None = None

    def table(self) -> list[Row]:
        """The rows that hold a value, in order."""
        return [Row(number, self.rows[number]) for number in sorted(self.rows)]

    def hidden_columns_used(self) -> list[int]:
        """The hidden columns that hold a value (in time bounded by the used range)."""
        width = self._extent[1]
        hidden = bytearray(width + 1)
        for first, last in self.hidden_columns:
            hidden[first : last + 1] = b"\x01" * len(hidden[first : last + 1])
        return [
            n
            for n in range(1, width + 1)
            if hidden[n] and any(n <= len(cells) and cells[n - 1] for cells in self.rows.values())
        ]

    def start_dimension(self, attributes: dict[str, str]) -> None:
        far = _reference(attributes.get("ref", "").rpartition(":")[2])
        if far is not None:  # an estimate, before the rows: the file may lie, or leave it out
            check_cells(self.file, self.sheet or "", *far)

    def start_col(self, attributes: dict[str, str]) -> None:
        if attributes.get("hidden") not in _TRUE:
            return
        first, last = _whole(attributes.get("min", "")), _whole(attributes.get("max", ""))
        if not first or not last or first > last or len(self.hidden_columns) >= len(_COLUMNS):
            raise self.damaged("it hides columns it cannot number")
        self.hidden_columns.append((first, min(last, len(_COLUMNS))))

    def start_row(self, attributes: dict[str, str]) -> None:
        given = attributes.get("r")
        number = self._row + 1 if given is None else _whole(given)
        if number is None or not 1 <= number <= _LAST_ROW:
            raise self.damaged(
                f"a row is numbered '{given[:20]}'"
                if given is not None
                else f"it has more than {_LAST_ROW:,} rows"
            )
        if number in self._seen:
            raise self.damaged(f"row {number} is stored twice, and only one can be read", number)
        self._seen.add(number)
        self._row, self._digits = number, str(number)
        self._row_hidden = attributes.get("hidden") in _TRUE
        self._cells, self._column = {}, 0

    def end_row(self) -> None:
        values = {column: text for column, text in self._cells.items() if text}
        self._cells = {}
        if not values:
            return
        width = max(values)
        cells = [""] * width
        for column, text in values.items():
            cells[column - 1] = text
        self.rows[self._row] = cells
        if self._row_hidden:
            self.hidden_rows.append(self._row)
        rows, columns = max(self._extent[0], self._row), max(self._extent[1], width)
        self._extent = rows, columns
        if rows * columns > self._most:
            check_cells(self.file, self.sheet or "", rows, columns, row=self._row)

    def start_c(self, attributes: dict[str, str]) -> None:
        if not self._row:
            raise self.damaged("a cell stands outside any row")
        reference = attributes.get("r")
        if reference is None:
            reference = _next_cell(self._column, self._digits)
        letters = reference.rstrip("0123456789")
        column = _COLUMNS.get(letters) or _COLUMNS.get(letters.upper())
        digits = reference[len(letters) :]
        if column is None or (digits != self._digits and _whole(digits) != self._row):
            raise self.damaged(
                f"row {self._row} holds a cell '{reference[:20]}', which is not one of its cells"
                f" (A{self._row} to XFD{self._row})",
                self._row,
            )
        if column in self._cells:
            raise self.damaged(
                f"cell {reference} is stored twice, and only one can be read", self._row, column
            )
        self._column = column
        self._cells[column] = ""
        self._kind = attributes.get("t", "n")
        self._style = attributes.get("s", "0")
        self._value = self._formula = None
        self.pieces = []

    def end_c(self) -> None:
        if self._kind == "inlineStr":
            text = "".join(self.pieces).strip()
        elif self._value:
            text = _text(self._typed(self._value))
        else:
            text = ""
            if self._formula is not None:
                self.formulas.append((self._row, self._column, self._formula))
        self._cells[self._column] = text

    def start_v(self, attributes: dict[str, str]) -> None:
        self.collect()

    def end_v(self) -> None:
        self._value = self.collected()

    def start_f(self, attributes: dict[str, str]) -> None:
        self.collect()

    def end_f(self) -> None:
        self._formula = "=" + self.collected()

    def _typed(self, raw: str) -> Any:
        """The value of the cell being read, whose ``<v>`` holds ``raw``, as openpyxl reads
        it: a number (a date where the cell's style shows one), a text, true or false."""
        kind, cell = self._kind, f"cell {get_column_letter(self._column)}{self._row}"
        if kind in ("str", "e"):  # a formula's text, or its error (#DIV/0!)
            return raw
        if kind not in _KINDS:
            raise self.damaged(
                f"{cell} is of a kind, '{kind[:20]}', that workbooks do not have",
                self._row,
                self._column,
            )
        try:
            value = self._converted(raw)
        except (ValueError, OverflowError):
            raise self.damaged(
                f"{cell} should hold {_KINDS[kind]} but holds '{raw[:40]}'", self._row, self._column
            ) from None
        return self._shared(value) if kind == "s" else value

    def _converted(self, raw: str) -> Any:
        """``raw`` as the cell's kind says: a number or date (``n``, or ``d`` in ISO 8601), a
        text's number in the table of texts (``s``), true or false (``b``)."""
        kind = self._kind
        if kind == "n":
            number = float(raw) if "." in raw or "e" in raw or "E" in raw else int(raw)
            duration = self.book.dates.get(self._style)
            if duration is None:
                return number
            return from_excel(number, self.book.epoch, timedelta=duration)
        if kind == "d":
            return from_ISO8601(raw)
        return int(raw) if kind == "s" else bool(int(raw))

    def _shared(self, index: int) -> str:
        """The text number ``index`` of the workbook's table of texts."""
        strings = self.book.strings
        if not 0 <= index < len(strings):
            count = len(strings)
            held = f"{count:,} (numbered 0 to {count - 1:,})" if strings else "none"
            raise self.damaged(
                f"cell {get_column_letter(self._column)}{self._row} names text number {index:,}"
                f" of the workbook's table of texts, which holds {held}",
                self._row,
                self._column,
            )
        return strings[index]


@dataclass(frozen=True)
class _Sheet:
    """A worksheet of a workbook: its name, the part holding its cells, and whether it is
    hidden."""

    name: str
    part: str
    hidden: bool


@dataclass
class _Book:
    """An open workbook: its sheets, its table of texts and its date styles."""

    archive: zipfile.ZipFile
    file: str
    sheets: list[_Sheet]
    strings: list[str]
    dates: dict[str, bool]
    epoch: dt.datetime

    def to_read(self) -> list[_Sheet]:
        """The sheets a scenario is read from: a scenario workbook's sheets (:data:`SHEETS`),
        or an actor table's first sheet."""
        if not is_scenario_workbook([sheet.name for sheet in self.sheets]):
            return self.sheets[:1]
        return [sheet for sheet in self.sheets if sheet.name.lower() in SHEETS]

    def read(self, sheet: _Sheet) -> _SheetPart:
        """The cells of ``sheet``."""
        return _SheetPart(self, sheet.name).read(self.archive, sheet.part)

    def unpack(self, sheet: _Sheet) -> None:
        """Unpack ``sheet`` without reading it: a part whose packed data is damaged fails."""
        item = _Part(self.file, sheet.name).item(self.archive, sheet.part)
        with self.archive.open(item) as stream:
            while stream.read(2**20):
                pass


@contextmanager
def _opened(path: Path) -> Iterator[_Book]:
    """The workbook at ``path``, its sheets found through the relationships of its parts."""
    file = path.name
    with zipfile.ZipFile(path) as archive:
        found = _links(archive, file, "").find("officeDocument")
        if found is None:
            raise _Part(file).damaged("it names no workbook part")
        workbook = _WorkbookPart(file).read(archive, found)
        links = _links(archive, file, found)
        sheets, names = [], set()
        for name, link, hidden in workbook.sheets:
            kind, part = links.targets.get(link, ("", ""))
            if not part:
                raise _Part(file).damaged(f"its sheet '{name}' has no part")
            if name.lower() in names:
                raise _Part(file).damaged(f"two of its sheets are named '{name}'")
            names.add(name.lower())
            if kind == "worksheet":  # not a chart sheet, which holds no cells
                sheets.append(_Sheet(name, part, hidden))
        if not sheets:
            raise _Part(file).damaged("it has no sheet of cells")
        strings, styles = links.find("sharedStrings"), links.find("styles")
        yield _Book(
            archive,
            file,
            sheets,
            _StringsPart(file).read(archive, strings).strings if strings else [],
            _StylesPart(file).read(archive, styles).dates if styles else {},
            workbook.epoch,
        )


def _links(archive: zipfile.ZipFile, file: str, source: str) -> _Links:
    """The relationships of the part ``source`` ("" for the package's own)."""
    folder, name = posixpath.split(source)
    return _Links(file, folder).read(archive, posixpath.join(folder, "_rels", f"{name}.rels"))


def _reference(text: str) -> tuple[int, int] | None:
    """The row and column of a cell reference such as ``G1001``, or None."""
    letters = text.rstrip("0123456789")
    row = _whole(text[len(letters) :])
    column = _COLUMNS.get(letters)
    return (row, column) if row and column else None


def _next_cell(column: int, row: str) -> str:
    """The reference of the cell after ``column`` in ``row`` (for a cell that gives none; after
    the last, XFD, it is XFE, which no sheet has)."""
    return f"{get_column_letter(column + 1)}{row}"


def _whole(text: str) -> int | None:
    """The whole number written ``text`` in digits, or None."""
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


def _announce_hidden(file: str, sheet: _Sheet, cells: _SheetPart) -> None:
    """Say which hidden parts of a sheet were read: the sheet itself, and its hidden rows and
    columns that hold values (a hidden row of a table is read like any other)."""
    where = f"Reading {file}: sheet '{sheet.name}'"
    if sheet.hidden:
        announce(f"{where} is hidden; it was read.")
    for noun, names in (
        ("row", [f"{number}" for number in sorted(cells.hidden_rows)]),
        ("column", [get_column_letter(n) for n in cells.hidden_columns_used()]),
    ):
        if names:
            they = "it was" if len(names) == 1 else "they were"
            announce(f"{where} {_listed(noun, names)} hidden; {they} read.")


def _listed(noun: str, names: list[str], shown: int = 10) -> str:
    """``row 5 is``, ``rows 5, 6 and 9 are``, ``rows 5, 6, ... and 40 more are``."""
    if len(names) == 1:
        return f"{noun} {names[0]} is"
    if len(names) > shown:
        head, last = names[:shown], f"{len(names) - shown:,} more"
    else:
        head, last = names[:-1], names[-1]
    return f"{noun}s {', '.join(head)} and {last} are"


@dataclass(frozen=True)
class _RowPlace:
    """Where a row of a sheet is, and the header of each of its columns, by key."""

    row: Location
    columns: dict[str, str]

    def cell(self, key: str) -> Location:
        """The place of the row's cell in column ``key``; the row's own if there is no such
        column."""
        column = self.columns.get(key)
        return self.row if column is None else replace(self.row, column=column)


_Records = list[tuple[dict[str, str], _RowPlace]]
"""A sheet's rows read as records: the values of each, by column key, and its place."""


class _Places(dict[Path_, Location]):
    """Where a workbook's values came from (:attr:`~.errors.Origin.places`): for a row read as
    a record, the row's place, and the place of each of its cells made only when asked for (a
    place per cell of a large sheet would take most of the time and memory of reading it);
    ``places[path]`` and ``places.get(path)`` find it as if it were held."""

    def __init__(self) -> None:
        super().__init__()
        self._rows: dict[Path_, _RowPlace] = {}

    def add(self, path: Path_, row: _RowPlace) -> None:
        """Record that the record at ``path`` was read from ``row``, its fields from its cells."""
        self[path] = row.row
        self._rows[path] = row

    def get(self, path: Path_, default: Any = None) -> Any:  # type: ignore[override]
        return super().get(path) or self._cell(path) or default

    def __missing__(self, path: Path_) -> Location:
        found = self._cell(path)
        if found is None:
            raise KeyError(path)
        return found

    def _cell(self, path: Path_) -> Location | None:
        row = self._rows.get(path[:-1]) if path else None
        field = path[-1] if path else None
        return row.cell(field) if row is not None and field in row.columns else None


def _read_scenario_sheets(
    sheets: dict[str, list[Row]], file: str, stem: str
) -> tuple[dict[str, Any], Origin, list[Problem]]:
    origin = Origin(file=file, show_path=False, places=_Places())
    problems: list[Problem] = []
    by_name = {name.lower(): (name, rows) for name, rows in sheets.items()}
    for name in sheets:
        if name.lower() not in SHEETS and name.lower() != "readme" and not name.startswith("#"):
            close = difflib.get_close_matches(name.lower(), list(SHEETS), n=1, cutoff=0.8)
            hint = f"did you mean '{close[0]}'? " if close else ""
            problems.append(
                Problem(
                    Location(file=file, sheet=name),
                    f"unknown sheet '{name}' ({hint}a sheet of your own whose name starts with # is ignored)",
                )
            )

    def records(kind: str) -> _Records:
        if kind not in by_name:
            return []
        sheet, rows = by_name[kind]
        if not rows:
            return []
        header, body = rows[0], rows[1:]
        columns: dict[str, int] = {}
        for index, text in enumerate(header.cells):
            key = text.lower().replace(" ", "_")
            if not key:
                continue
            if key not in SHEETS[kind]:
                close = difflib.get_close_matches(key, SHEETS[kind], n=1)
                hint = (
                    f" (did you mean '{close[0]}'?)"
                    if close
                    else f" (columns: {', '.join(SHEETS[kind])})"
                )
                problems.append(
                    Problem(
                        Location(file=file, sheet=sheet, row=header.number, column=text),
                        f"unknown column '{text}'{hint}",
                    )
                )
            else:
                columns[key] = index
        names = {key: header.cells[i] for key, i in columns.items()}
        return [
            (
                {
                    key: row.cells[i]
                    for key, i in columns.items()
                    if i < len(row.cells) and row.cells[i] != ""
                },
                _RowPlace(Location(file=file, sheet=sheet, row=row.number), names),
            )
            for row in body
        ]

    data: dict[str, Any] = {"id": slug(stem), "title": stem}
    for values, at in records("scenario"):
        field = values.get("field", "").lower().replace(" ", "_")
        if field not in SCENARIO_FIELDS:
            problems.append(
                Problem(
                    at.cell("field"),
                    f"unknown field '{field}' (fields: {', '.join(SCENARIO_FIELDS)})",
                )
            )
            continue
        if "value" in values:
            data[field] = values["value"]
            origin.places[(field,)] = at.cell("value")

    data["sources"] = _plain_list(records("sources"), "sources", origin)
    data["issues"] = _plain_list(records("issues"), "issues", origin)
    issue_index = {issue.get("id"): index for index, issue in enumerate(data["issues"])}
    for values, at in records("anchors"):
        index = issue_index.get(values.get("issue"))
        if index is None:
            problems.append(Problem(at.cell("issue"), f"unknown issue '{values.get('issue', '')}'"))
            continue
        if "value" not in values:
            problems.append(Problem(at.cell("value"), "the value is missing"))
            continue
        try:
            point = float(values["value"])
        except ValueError:
            problems.append(Problem(at.cell("value"), f"'{values['value']}' is not a number"))
            continue
        data["issues"][index].setdefault("anchors", {})[point] = values.get("label", "")
        origin.places[("issues", index, "anchors", point)] = at.row

    data["actors"] = _plain_list(records("actors"), "actors", origin)
    actor_index = {actor.get("id"): index for index, actor in enumerate(data["actors"])}
    for values, at in records("positions"):
        actor, issue = values.pop("actor", ""), values.pop("issue", "")
        index = actor_index.get(actor)
        if index is None:
            problems.append(
                Problem(at.cell("actor"), f"actor '{actor}' is not on the actors sheet")
            )
            continue
        if not issue:
            problems.append(Problem(at.cell("issue"), "the issue is missing"))
            continue
        stances = data["actors"][index].setdefault("issues", {})
        if issue in stances:
            problems.append(Problem(at.row, f"a second row for actor '{actor}' on issue '{issue}'"))
            continue
        stances[issue] = values
        origin.places.add(("actors", index, "issues", issue), at)

    data["uncertainty"] = _plain_list(records("uncertainty"), "uncertainty", origin)
    data["outcomes"] = _plain_list(records("outcomes"), "outcomes", origin)
    for index, outcome in enumerate(data["outcomes"]):
        if "when" in outcome:
            try:
                outcome["when"] = load_yaml(outcome["when"])
            except yaml.YAMLError:
                problems.append(
                    Problem(
                        origin.places[("outcomes", index, "when")],
                        f"cannot read the condition '{outcome['when']}'",
                    )
                )
    data["shocks"] = _shocks(records("shocks"), origin, problems)
    options = _model_options(records("model_options"), origin, problems)
    if options:
        data["model_options"] = options
    return data, origin, problems


def _plain_list(records: _Records, kind: str, origin: Origin) -> list[dict[str, Any]]:
    out = []
    for index, (values, at) in enumerate(records):
        origin.places.add((kind, index), at)
        out.append(values)
    return out


def _shocks(records: _Records, origin: Origin, problems: list[Problem]) -> list[dict[str, Any]]:
    shocks: dict[str, dict[str, Any]] = {}
    for values, at in records:
        shock_id = values.pop("shock", "")
        if not shock_id:
            problems.append(Problem(at.cell("shock"), "the shock's id is missing"))
            continue
        shock = shocks.setdefault(shock_id, {"id": shock_id, "changes": []})
        index = list(shocks).index(shock_id)
        origin.places.setdefault(("shocks", index), at.row)
        for key in _SHOCK_HEAD:
            if key in values:
                text = values.pop(key)
                if shock.get(key, text) != text:
                    problems.append(
                        Problem(at.cell(key), f"shock '{shock_id}' already has a different {key}")
                    )
                shock[key] = text
        origin.places.add(("shocks", index, "changes", len(shock["changes"])), at)
        shock["changes"].append(values)
    return list(shocks.values())


def _model_options(
    records: _Records, origin: Origin, problems: list[Problem]
) -> dict[str, dict[str, Any]]:
    """Per model, its options: one row per option, the value in YAML's short form."""
    options: dict[str, dict[str, Any]] = {}
    for values, at in records:
        model, option, text = (values.get(key, "") for key in ("model", "option", "value"))
        missing = next(
            (
                key
                for key, given in (("model", model), ("option", option), ("value", text))
                if not given
            ),
            None,
        )
        if missing:
            problems.append(Problem(at.cell(missing), f"the {missing} is missing"))
            continue
        if option in options.get(model, {}):
            problems.append(
                Problem(at.row, f"a second row for option '{option}' of model '{model}'")
            )
            continue
        try:
            value = _option_from_text(text)
        except yaml.YAMLError:
            problems.append(Problem(at.cell("value"), f"cannot read the value '{text}'"))
            continue
        options.setdefault(model, {})[option] = value
        origin.places[("model_options", model, option)] = at.cell("value")
    return options


def _option_from_text(text: str) -> Any:
    """An option's value from its cell: YAML's short form, where an unquoted number that YAML
    leaves as text (Excel writes 0.00001 as 1e-05) is a number."""
    value = load_yaml(text)
    if isinstance(value, str) and value == text.strip():
        return number_or_text(value)
    return value


def write_workbook(scenario: Scenario | None, path: Path) -> None:
    """Write a scenario workbook; with no scenario, an empty template with the guide sheet."""
    book = Workbook()
    guide = book.active
    guide.title = "README"
    for row in GUIDE:
        guide.append(list(row))
    guide["A1"].font = Font(bold=True, size=14)
    guide.column_dimensions["A"].width = 18
    guide.column_dimensions["B"].width = 110
    for cells in guide.iter_rows(min_row=3):
        cells[0].font = Font(bold=True)
        cells[1].alignment = Alignment(wrap_text=True, vertical="top")

    rows = _scenario_rows(scenario) if scenario is not None else _template_rows()
    for sheet, columns in SHEETS.items():
        ws = book.create_sheet(sheet)
        ws.append(list(columns))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row, values in enumerate(rows.get(sheet, []), start=2):
            append_row(ws, row, [_cell_ids(values.get(column)) for column in columns])
        for index, column in enumerate(columns):
            letter = ws.cell(row=1, column=index + 1).column_letter
            ws.column_dimensions[letter].width = (
                40
                if (
                    "note" in column
                    or column in ("description", "citation", "when", "value", "label")
                )
                else 14
            )
        ws.freeze_panes = "A2"
    _dropdowns(book)
    book.save(path)


def write_template(path: str | Path) -> Path:
    """Write an empty scenario workbook for an analyst to fill in, with its guide sheet."""
    target = Path(path)
    write_workbook(None, target)
    return target


def _shock_head(shock: Any) -> dict[str, Any]:
    """What the first row of a shock holds besides its first change: its label, description and
    probability (a value, or a range written low-high)."""
    head = {
        "label": shock.label,
        "description": shock.description,
        "probability_note": shock.probability_note,  # where it comes from, or why there is none
        "probability_source": shock.probability_source,
    }
    if shock.probability is not None:
        low, high = shock.probability
        head["probability"] = _cell_number(low) if low == high else f"{low:g}-{high:g}"
    return head


def _dropdowns(book: Workbook) -> None:
    choices = {
        ("uncertainty", "field"): "position,salience,capability,no_deal_cost,red_line",
        ("uncertainty", "distribution"): "uniform,triangular,normal,beta",
        ("shocks", "field"): "position,salience,capability,no_deal_cost,red_line",
        ("shocks", "drop"): "yes,no",
    }
    for (sheet, column), options in choices.items():
        ws = book[sheet]
        letter = ws.cell(row=1, column=SHEETS[sheet].index(column) + 1).column_letter
        rule = DataValidation(type="list", formula1=f'"{options}"', allow_blank=True)
        rule.add(f"{letter}2:{letter}1000")
        ws.add_data_validation(rule)


def _template_rows() -> dict[str, list[dict[str, Any]]]:
    return {
        "scenario": [
            {"field": "id", "value": None},
            {"field": "title", "value": None},
            {"field": "description", "value": None},
            {"field": "as_of", "value": None},
            {"field": "salience_scale", "value": 100},
            {"field": "provenance", "value": None},
            {"field": "seed", "value": None},
        ]
    }


def _scenario_rows(scenario: Scenario) -> dict[str, list[dict[str, Any]]]:
    head = scenario.model_dump(include=set(SCENARIO_FIELDS))
    rows: dict[str, list[dict[str, Any]]] = {
        "scenario": [
            {"field": field, "value": _cell_number(_cell_ids(head[field]))}
            for field in SCENARIO_FIELDS
            if head[field] is not False and head[field] not in (None, "", [])
        ],
        "sources": [source.model_dump() for source in scenario.sources],
        "issues": [issue.model_dump(exclude={"anchors"}) for issue in scenario.issues],
        "anchors": [
            {"issue": issue.id, "value": point, "label": text}
            for issue in scenario.issues
            for point, text in issue.anchors.items()
        ],
        "actors": [actor.model_dump(exclude={"issues"}) for actor in scenario.actors],
        "positions": [
            {"actor": actor.id, "issue": key, **stance.model_dump()}
            for actor in scenario.actors
            for key, stance in actor.issues.items()
        ],
        "uncertainty": [entry.model_dump() for entry in scenario.uncertainty],
        "outcomes": [
            {**outcome.model_dump(exclude={"when"}), "when": _cell_rule(outcome.when)}
            for outcome in scenario.outcomes
        ],
        "shocks": [
            {
                "shock": shock.id,
                **(_shock_head(shock) if number == 0 else {}),
                **change.model_dump(exclude_defaults=True),
                **({"drop": "yes"} if change.drop else {}),
            }
            for shock in scenario.shocks
            for number, change in enumerate(shock.changes)
        ],
        "model_options": [
            {"model": model, "option": option, "value": _cell_value(value)}
            for model, options in scenario.model_options.items()
            for option, value in options.items()
        ],
    }
    return rows


def append_row(sheet: Any, row: int, values: list[Any]) -> None:
    """Append ``values`` to ``sheet`` as its row ``row`` (the caller counts, so that a sheet of
    many rows is written in time proportional to its cells) and mark each text cell as text,
    so that a label such as ``=1+1`` stays those characters and is never run as a formula
    (formula injection)."""
    sheet.append(values)
    for column, value in enumerate(values, start=1):
        if isinstance(value, str):
            sheet.cell(row=row, column=column).data_type = TYPE_STRING


def _cell_ids(value: Any) -> Any:
    """A list of ids (consent, sources) as one cell: the ids separated by commas."""
    return ", ".join(value) if isinstance(value, list) else value


def _cell_number(value: Any) -> Any:
    """A whole number too long for Excel's 15 significant digits as text (a 64-bit seed)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= _EXACT_IN_EXCEL:
        return str(value)
    return value


def _cell_value(value: Any) -> Any:
    """An option's value as a cell: a number or a word as itself, anything else (and text that
    YAML would read as something else, such as 'true') in YAML's short form."""
    if isinstance(value, (bool, int, float)):
        return _cell_number(value)
    if isinstance(value, str):
        try:
            if value and _option_from_text(value) == value:
                return value
        except yaml.YAMLError:
            pass
        return "'" + value.replace("'", "''") + "'"  # YAML's quoted text
    text = dump_yaml(value, default_flow_style=True, sort_keys=False, width=10_000)
    return text.removesuffix("\n...\n").strip()


def _cell_rule(rule: Any) -> str:
    written = rule_to_data(rule)
    if isinstance(written, str):
        return written
    return dump_yaml(written, default_flow_style=True, width=10_000).strip()
