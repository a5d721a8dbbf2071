"""Known outcomes of decided issues, for backtests: a CSV table, one row per issue.

========================  =====================================================================
``issue``                 the issue's id, as in the actor table (required)
``outcome``               the decision's outcome on the issue's scale (required)
``proposal``              the proposal the issue belongs to: issues of one proposal were decided
                          together (backtests keep them in one fold, and models that trade
                          across issues trade among them)
``decision_year``         the year of the decision
``voting_rule``           e.g. ``QMV`` (qualified majority) or ``Unan`` (unanimity)
``procedure``             e.g. ``COD`` (co-decision) or ``CNS`` (consultation)
``reference_point``       the status quo: the outcome without a decision (empty where unknown)
========================  =====================================================================

This is the layout of the DEU development set's outcomes (``tests/data/deu/``). Every problem
is reported at once with its row and column, as for scenario files.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from flashpoint.scenario.cells import read_number, sniff_delimiter
from flashpoint.scenario.errors import Location, Problem, ScenarioError

COLUMNS = (
    "issue",
    "outcome",
    "proposal",
    "decision_year",
    "voting_rule",
    "procedure",
    "reference_point",
)
REQUIRED = ("issue", "outcome")


@dataclass(frozen=True)
class KnownOutcome:
    """What was decided on one issue, and what is known about the decision."""

    issue: str
    outcome: float
    proposal: str | None = None
    decision_year: int | None = None
    voting_rule: str | None = None
    procedure: str | None = None
    reference_point: float | None = None
    row: int | None = None  # where the table gives it


def read_outcomes(path: str | Path) -> dict[str, KnownOutcome]:
    """The known outcomes of a CSV table (see the module docstring), by issue id."""
    path = Path(path)
    where = path.name
    if not path.is_file():
        raise ScenarioError([Problem(Location(file=str(path)), "there is no such file")])
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise ScenarioError(
            [Problem(Location(file=where), f"cannot read the file: {error}")]
        ) from None
    rows = [row for row in csv.reader(io.StringIO(text), delimiter=sniff_delimiter(text, ",;\t"))]
    numbered = [
        (number, row) for number, row in enumerate(rows, start=1) if any(map(str.strip, row))
    ]
    if not numbered:
        raise ScenarioError([Problem(Location(file=where), "the table is empty")])
    (header_row, header), body = numbered[0], numbered[1:]
    names = [cell.strip().lower().replace(" ", "_") for cell in header]
    problems = [
        Problem(
            Location(file=where, row=header_row, column=cell),
            f"unknown column '{cell}' (columns: {', '.join(COLUMNS)})",
        )
        for cell, name in zip(header, names, strict=True)
        if name and name not in COLUMNS
    ]
    missing = [column for column in REQUIRED if column not in names]
    if missing:
        problems.append(
            Problem(Location(file=where, row=header_row), f"missing column {', '.join(missing)}")
        )
    if problems:
        raise ScenarioError(problems)
    index = {name: k for k, name in enumerate(names) if name}
    found: dict[str, KnownOutcome] = {}
    first_row: dict[str, int] = {}
    for number, row in body:

        def cell(column: str, row: list[str] = row) -> str:
            k = index.get(column)
            return row[k].strip() if k is not None and k < len(row) else ""

        def at(column: str, number: int = number) -> Location:
            return Location(file=where, row=number, column=column)

        issue = cell("issue")
        if not issue:
            problems.append(Problem(at("issue"), "the issue is missing"))
            continue
        if issue in first_row:
            problems.append(
                Problem(
                    at("issue"),
                    f"a second row for issue '{issue}' (first at row {first_row[issue]})",
                )
            )
            continue
        first_row[issue] = number
        outcome = read_number(cell("outcome"), at("outcome"), problems)
        reference = None
        if cell("reference_point"):
            reference = read_number(cell("reference_point"), at("reference_point"), problems)
        year = None
        if cell("decision_year"):
            value = read_number(cell("decision_year"), at("decision_year"), problems)
            if value is not None and not value.is_integer():
                problems.append(Problem(at("decision_year"), f"{value:g} is not a year"))
            year = int(value) if value is not None and value.is_integer() else None
        if outcome is None:
            continue
        found[issue] = KnownOutcome(
            issue=issue,
            outcome=outcome,
            proposal=cell("proposal") or None,
            decision_year=year,
            voting_rule=cell("voting_rule") or None,
            procedure=cell("procedure") or None,
            reference_point=reference,
            row=number,
        )
    if problems:
        raise ScenarioError(problems)
    if not found:
        raise ScenarioError([Problem(Location(file=where), "the table has a header but no rows")])
    return found
