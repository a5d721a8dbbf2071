"""The Decide exchange-model input (Stokman's ``#A/#P/#M/#D`` row-typed file).

Format (``docs/specs/exchange.md`` §2): one record per line; tab, ``;`` or ``,`` separated
(sniffed); text may be wrapped in single quotes; blank lines are skipped. The first field is
the record type:

- ``#A`` actor id, name, comment;
- ``#P`` issue id, name, description;
- ``#M`` issue id, position, meaning: a labelled point of the issue's scale; the smallest and
  largest ``#M`` of an issue are its bounds (default 0 to 100);
- ``#D`` actor id, issue id, position, salience, power, [comment];
- ``#/`` a comment and ``#O`` the data set's title (``#O`` becomes the scenario title).

Surplus fields of a record are joined with spaces into its last field. Saliences are read on a
0-1 scale when all are at most 1 (as in every Decide file), else on 0-100. Power is given per
row; when it is the same on all of an actor's rows it becomes the actor's capability.
"""

from __future__ import annotations

import re
from typing import Any

from flashpoint.scenario.cells import (
    Row,
    infer_salience_scale,
    issue_id,
    number_or_text,
    read_number,
    read_rows,
    slug,
    sniff_delimiter,
)
from flashpoint.scenario.errors import Location, Origin, Problem
from flashpoint.scenario.tables import Declared, Entry, assemble

_FIELDS = {
    "#A": ("id", "name", "comment"),
    "#P": ("id", "name", "description"),
    "#M": ("issue", "position", "meaning"),
    "#D": ("actor", "issue", "position", "salience", "power", "comment"),
    "#/": ("text",),
    "#O": ("text",),
}
_REQUIRED = {"#A": 1, "#P": 1, "#M": 2, "#D": 5, "#/": 0, "#O": 0}


def looks_like_decide(text: str) -> bool:
    """True if the first non-blank line starts with a Decide record type such as ``#A``."""
    for line in text.splitlines():
        if line.strip():
            return re.match(r"^\s*'?#[APMDO/]'?(\s|[;,]|$)", line) is not None
    return False


def read_decide(text: str, *, file: str, name: str) -> tuple[dict[str, Any], Origin, list[Problem]]:
    """Scenario data from the text of a Decide input file."""
    origin = Origin(file=file, show_path=False)
    problems: list[Problem] = []
    rows = read_rows(text, sniff_delimiter(text), quotechar="'", file=file)
    title = name
    issues: dict[str, Declared] = {}
    issue_keys: dict[str, str] = {}
    actors: dict[str, Declared] = {}
    marks: dict[str, list[tuple[float, str, Location]]] = {}
    data_rows: list[tuple[Row, list[str]]] = []

    def at(row: Row, column: str | None = None) -> Location:
        return Location(file=file, row=row.number, column=column)

    for row in rows:
        kind = row.cells[0].upper() if row.cells else ""
        if kind not in _FIELDS:
            problems.append(
                Problem(
                    at(row, "type"),
                    f"unknown record type '{row.cells[0]}': use #A, #P, #M, #D, #/ or #O",
                )
            )
            continue
        fields = _fields(row.cells[1:], len(_FIELDS[kind]))
        given = sum(1 for value in fields if value)
        if given < _REQUIRED[kind] or any(not fields[i] for i in range(_REQUIRED[kind])):
            names = ", ".join(_FIELDS[kind][: _REQUIRED[kind]])
            problems.append(Problem(at(row), f"a {kind} record needs {names}"))
            continue
        if kind == "#O":
            title = fields[0] or title
        elif kind == "#A":
            if fields[0] in actors:
                problems.append(
                    Problem(
                        at(row, "id"),
                        f"actor '{fields[0]}' is declared twice (first at row {actors[fields[0]].place.row})",
                    )
                )
                continue
            head = {"id": fields[0], "label": fields[1] or fields[0]}
            if fields[2]:
                head["description"] = fields[2]
            actors[fields[0]] = Declared(head, at(row, "id"))
        elif kind == "#P":
            if fields[0] in issue_keys:
                problems.append(Problem(at(row, "id"), f"issue '{fields[0]}' is declared twice"))
                continue
            key = issue_id(fields[0])
            issue_keys[fields[0]] = key
            head = {"id": key, "label": fields[1] or fields[0]}
            if fields[2] and fields[2] != head["label"]:
                head["description"] = fields[2]
            issues[key] = Declared(head, at(row, "id"))
        elif kind == "#M":
            value = read_number(fields[1], at(row, "position"), problems)
            if value is not None:
                marks.setdefault(fields[0], []).append((value, fields[2], at(row, "position")))
        elif kind == "#D":
            data_rows.append((row, fields))

    for raw_issue, points in marks.items():
        key = issue_keys.get(raw_issue)
        if key is None:
            problems.append(
                Problem(points[0][2], f"#M names issue '{raw_issue}', which no #P record declares")
            )
            continue
        declared = issues[key]
        if len({value for value, _, _ in points}) < 2:
            problems.append(
                Problem(
                    points[0][2],
                    f"issue '{raw_issue}' has a single #M point ({points[0][0]:g}); its scale needs two"
                    " (the lower and upper bound), or none for 0 to 100",
                )
            )
            continue
        low = min(points, key=lambda p: p[0])
        high = max(points, key=lambda p: p[0])
        declared.data.update(min=low[0], max=high[0])
        declared.places.update(min=low[2], max=high[2])
        anchors = {value: meaning for value, meaning, _ in points if meaning}
        if anchors:
            declared.data["anchors"] = anchors

    entries: list[Entry] = []
    for row, fields in data_rows:
        actor, raw_issue = fields[0], fields[1]
        if actor not in actors:
            problems.append(Problem(at(row, "actor"), f"actor '{actor}' has no #A record"))
            continue
        if raw_issue not in issue_keys:
            problems.append(Problem(at(row, "issue"), f"issue '{raw_issue}' has no #P record"))
            continue
        entry = Entry(actor, issue_keys[raw_issue], at(row))
        for column, value, field in (
            ("position", fields[2], "position"),
            ("salience", fields[3], "salience"),
            ("power", fields[4], "capability"),
        ):
            entry.values[field] = number_or_text(value)
            entry.places[field] = at(row, column)
        entries.append(entry)

    scale, scale_problems = infer_salience_scale(
        (e.values["salience"], e.places["salience"]) for e in entries
    )
    problems.extend(scale_problems)
    data: dict[str, Any] = {
        "id": slug(name),
        "title": title,
        "salience_scale": scale,
        "provenance": f"Imported from the Decide input file {file}.",
    }
    data.update(assemble(entries, issues, actors, origin, problems))
    return data, origin, problems


def _fields(cells: list[str], count: int) -> list[str]:
    """Exactly ``count`` fields: missing ones empty, surplus joined into the last."""
    cells = [cell.strip() for cell in cells]
    if len(cells) > count:
        cells = cells[: count - 1] + [" ".join(c for c in cells[count - 1 :] if c)]
    return cells + [""] * (count - len(cells))
