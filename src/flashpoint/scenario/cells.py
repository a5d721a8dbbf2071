"""Reading cells of tabular inputs (CSV, spreadsheets, KTAB and Decide files).

Shared by every table loader so that all of them accept the same spellings of numbers and
report unreadable cells in the same words.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from flashpoint.scenario.errors import Location, Problem, ScenarioError
from flashpoint.scenario.guard import limit, too_many_cells

_DECIMAL_COMMA = re.compile(r"^[-+]?\d+,\d+$")
_FORMULA_LIKE = re.compile(r"^'*[=+\-@\t\r]")
"""Text a spreadsheet may run as a formula (``=HYPERLINK(...)``, ``+cmd|...``, ``@SUM(...)``, a
leading tab or carriage return), after any single quotes a writer put before it."""


def quote_formula(value: object) -> object:
    """A text cell that a spreadsheet could take for a formula, with a single quote before it
    (which spreadsheets show as text): ``=1+1`` is written ``'=1+1`` (CSV injection, OWASP).
    Numbers are left as numbers (``-5``), and so is any other text. Text that already starts
    with quotes before such a character gets one more, so that :func:`unquote_formula` gives
    every text back as it was."""
    if isinstance(value, str) and _FORMULA_LIKE.match(value):
        return "'" + value
    return value


def unquote_formula(cell: str) -> str:
    """A CSV cell as it was before :func:`quote_formula`: one single quote taken off the front
    of a cell that starts with quotes and then ``=``, ``+``, ``-``, ``@``, a tab or a carriage
    return; any other cell unchanged."""
    return cell[1:] if cell.startswith("'") and _FORMULA_LIKE.match(cell) else cell


@dataclass(frozen=True)
class Row:
    """One row of a table: its number as the user sees it (1-based) and its cells."""

    number: int
    cells: list[str]


def read_number(
    text: object, where: Location, problems: list[Problem], *, decimal_comma: bool = False
) -> float | None:
    """A finite number from a cell, or None after recording a problem (empty cells included)."""
    if isinstance(text, bool):
        problems.append(Problem(where, f"'{text}' is not a number"))
        return None
    if isinstance(text, (int, float)):
        value = float(text)
    else:
        cell = str(text if text is not None else "").strip()
        if not cell:
            problems.append(Problem(where, "the cell is empty; a number is needed"))
            return None
        if decimal_comma and _DECIMAL_COMMA.match(cell):
            cell = cell.replace(",", ".")
        try:
            value = float(cell)
        except ValueError:
            problems.append(Problem(where, f"'{cell}' is not a number"))
            return None
    if not math.isfinite(value):
        problems.append(Problem(where, f"'{text}' is not a finite number"))
        return None
    return value


def number_or_text(cell: str, *, decimal_comma: bool = False) -> float | str:
    """A cell as a number when it reads as one, else its text, left for validation to report
    (``'abc' is not a number``) at the cell's place."""
    text = cell.strip()
    if decimal_comma and _DECIMAL_COMMA.match(text):
        text = text.replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return text
    return value if math.isfinite(value) else text


def infer_salience_scale(
    saliences: Iterable[tuple[object, Location | None]],
) -> tuple[float, list[Problem]]:
    """The salience scale of a table: 1 if every readable salience lies within 0-1, else 100.

    A table mostly on 0-1 with a few values above 1 holds typos more often than it is a 0-100
    table: each such value is reported (and the scale taken as 100, so that it is not reported
    twice). Only fractions (between 0 and 1, both excluded) count as signs of the 0-1 scale: a 0
    or a 1 fits both, so an issue cut out of a 0-100 table where many actors give it a salience
    of 0 is read on 0-100.
    """
    values = [(value, place) for value, place in saliences if isinstance(value, float)]
    above = [(value, place) for value, place in values if value > 1.0]
    if not above:
        return 1.0, []
    fractions = sum(1 for value, _ in values if 0.0 < value < 1.0)
    if fractions <= (fractions + len(above)) / 2:
        return 100.0, []
    return 100.0, [
        Problem(
            place or Location(),
            f"salience {value:g} is above 1 while most saliences here lie between 0 and 1;"
            " a table uses one scale, 0-1 or 0-100 (a salience_scale column can say which)",
        )
        for value, place in above
    ]


def slug(text: str, *, prefix: str = "x") -> str:
    """An id made of lower-case letters, digits and '_' that starts with a letter."""
    out = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    if not out or not out[0].isalpha():
        out = f"{prefix}_{out}" if out else prefix
    return out


def issue_id(text: str) -> str:
    """An issue id from a column or dimension name: kept if valid, else made valid."""
    text = text.strip()
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9_\-]*", text):
        return text
    return slug(text, prefix="issue")


def sniff_delimiter(text: str, candidates: str = "\t;,") -> str:
    """The delimiter of a delimited text file: tab, semicolon or comma."""
    sample = "\n".join(line for line in text.splitlines()[:50] if line.strip())
    try:
        return csv.Sniffer().sniff(sample, delimiters=candidates).delimiter
    except csv.Error:
        counts = {d: sample.count(d) for d in candidates}
        return max(counts, key=lambda d: counts[d])


def read_rows(
    text: str, delimiter: str, quotechar: str = '"', *, file: str | None = None
) -> list[Row]:
    """Every non-blank row of delimited text, numbered by the line it starts on. A table of
    more cells than the limit (:func:`flashpoint.scenario.guard.limit`) is refused at the row
    that passes it, before it fills the memory.

    Lines end at a line feed, a carriage return or both, as CSV's do, not at the other
    characters Python takes for line breaks (U+2028, U+0085, ...), which a cell may hold."""
    source = io.StringIO(text, newline="")
    reader = csv.reader(source, delimiter=delimiter, quotechar=quotechar, skipinitialspace=True)
    rows: list[Row] = []
    start = 1
    cells_read, most = 0, limit("FLASHPOINT_MAX_CELLS")
    for cells in reader:
        number = start
        start = reader.line_num + 1
        cleaned = [cell.strip() for cell in cells]
        if any(cleaned):
            rows.append(Row(number, cleaned))
            cells_read += len(cleaned)
            if cells_read > most:
                lines = len(io.StringIO(text, newline="").readlines())
                raise ScenarioError([too_many_cells(file, number, most, lines)])
    return rows
