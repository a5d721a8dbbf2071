"""Results as tables a spreadsheet opens: a run's table (``to_frame()`` of a forecast, a
comparison, a sensitivity analysis or a backtest) as CSV, or as an Excel workbook with one
sheet per kind of row (outcomes, futures, issues...).

In a workbook every text is written as text, never as a formula: a label such as ``=1+1``
stays those four characters (no formula injection). In a CSV file such a text is written after a
single quote (``'=1+1``), which spreadsheets show as text (:func:`~flashpoint.scenario.cells.
quote_formula`); numbers stay numbers.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from flashpoint.scenario.cells import quote_formula
from flashpoint.scenario.workbook import append_row

if TYPE_CHECKING:
    import pandas  # tables are pandas frames; writing one needs no import of pandas here

SHEETS = {
    "outcome": "outcomes",
    "median": "outcomes",
    "probability": "futures",
    "future": "futures",
    "issue": "issues",
}
"""The sheet each ``kind`` of row goes to (other kinds: a sheet of their own name)."""
TABLE_SUFFIXES = (".csv", ".xlsx")


def write_table(frame: pandas.DataFrame, path: str | Path, kind: str | None = None) -> Path:
    """Write a result's table to ``path`` as ``kind``, ``csv`` or ``xlsx`` (default: by the
    file's suffix): CSV, or a workbook whose sheets split the rows by their ``kind`` column
    (see :data:`SHEETS`)."""
    target = Path(path)
    suffix = f".{kind}" if kind else target.suffix.lower()
    if suffix == ".csv":
        _quoted(frame).to_csv(target, index=False)
    elif suffix == ".xlsx":
        _workbook(frame).save(target)
    else:
        raise ValueError(f"cannot write a table to '{target.name}': give a .csv or .xlsx file")
    return target


def _workbook(frame: pandas.DataFrame) -> Workbook:
    book = Workbook()
    book.remove(book.active)
    if "kind" in frame.columns and len(frame):
        parts: dict[str, list[int]] = {}
        for row, kind in enumerate(frame["kind"]):
            parts.setdefault(SHEETS.get(kind, str(kind))[:31], []).append(row)
        sheets = [(name, frame.iloc[rows]) for name, rows in parts.items()]
    else:
        sheets = [("results", frame)]
    for name, part in sheets:
        sheet = book.create_sheet(name)
        sheet.append(list(part.columns))
        for row, values in enumerate(part.itertuples(index=False), start=2):
            append_row(sheet, row, [_cell(v) for v in values])  # text stays text
        for k, column in enumerate(part.columns, start=1):
            sheet.column_dimensions[get_column_letter(k)].width = max(10, len(str(column)) + 2)
        sheet.freeze_panes = "A2"
    return book


def _quoted(frame: pandas.DataFrame) -> pandas.DataFrame:
    """The frame with every text a spreadsheet could run as a formula quoted (numbers as they
    are)."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype.kind == "O":  # texts (object or string columns)
            out[column] = out[column].map(quote_formula)
    return out


def _cell(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):  # a numpy number
        return value.item()
    return value
