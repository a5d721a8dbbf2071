"""KTAB's SMP CSV input (KAPSARC Toolkit for Behavioral Analysis, Spatial Model of Politics).

Format (see ``docs/specs/ktab.md`` §3.2): comma separated, quoted text trimmed, a trailing
comma on any line tolerated.

- line 1: scenario name, description, number of actors, number of dimensions;
- line 2: a header ``Actor, Description, Power, <dimension 1 position>, <salience 1>, ...``; the
  position column's header names the dimension (a trailing " Position" is dropped);
- then one line per actor: name, description, capability, then position (0-100) and salience
  (0-100) per dimension. An actor's saliences add up to at most 100.

The name becomes the actor's id. When every actor has its own description (e.g. ``XJ, Xi
Jinping``) the descriptions become the labels shown in reports; otherwise the names do.
"""

from __future__ import annotations

import re
from typing import Any

from flashpoint.scenario.cells import Row, issue_id, number_or_text, read_rows, slug
from flashpoint.scenario.errors import Location, Origin, Problem, ScenarioError
from flashpoint.scenario.tables import Declared, Entry, assemble


def looks_like_ktab(text: str) -> bool:
    """True if the text has KTAB's first two lines (counts on line 1, 'Actor,' header on line 2)."""
    rows = read_rows("\n".join(text.splitlines()[:2]), ",")
    if len(rows) < 2 or len(rows[0].cells) < 4:
        return False
    counts = rows[0].cells[2:4]
    return all(re.fullmatch(r"\d+", c) for c in counts) and rows[1].cells[0].lower() == "actor"


def read_ktab(text: str, *, file: str, name: str) -> tuple[dict[str, Any], Origin, list[Problem]]:
    """Scenario data from the text of a KTAB SMP CSV file."""
    origin = Origin(file=file, show_path=False)
    problems: list[Problem] = []
    rows = read_rows(text, ",", file=file)

    def at(row: Row, column: str | None = None) -> Location:
        return Location(file=file, row=row.number, column=column)

    if len(rows) < 2:
        raise ScenarioError(
            [
                Problem(
                    Location(file=file),
                    "a KTAB file needs a scenario line, a header line and a line per actor",
                )
            ]
        )
    first, header, body = rows[0], rows[1], rows[2:]
    declared_actors = _count(first, 2, "number of actors", at, problems)
    declared_dims = _count(first, 3, "number of dimensions", at, problems)
    data = ktab_header(
        first.cells[0], first.cells[1] if len(first.cells) > 1 else "", file=file, name=name
    )
    if declared_dims is None:
        raise ScenarioError(problems)
    dims = header.cells[3::2][:declared_dims]
    if len(dims) < declared_dims:
        problems.append(
            Problem(
                at(header),
                f"the header names {len(dims)} dimension(s) but line 1 declares {declared_dims}",
            )
        )
        raise ScenarioError(problems)
    issues: dict[str, Declared] = {}
    for number, title_cell in enumerate(dims, start=1):
        label = re.sub(r"\s+position$", "", title_cell, flags=re.IGNORECASE)
        add_dimension(issues, label, number, at(header, title_cell))

    actors: dict[str, Declared] = {}
    entries: list[Entry] = []
    needed = 3 + 2 * declared_dims
    for row in body:
        cells = row.cells + [""] * (needed - len(row.cells))
        actor = cells[0]
        if not actor:
            problems.append(Problem(at(row, "Actor"), "the actor's name is missing"))
            continue
        if actor in actors:
            problems.append(
                Problem(
                    at(row, "Actor"),
                    f"actor '{actor}' is listed twice (first at row {actors[actor].place.row})",
                )
            )
            continue
        actors[actor] = Declared({"id": actor, "description": cells[1]}, at(row, "Actor"))
        power_column = header.cells[2] if len(header.cells) > 2 else "Power"
        capability = number_or_text(cells[2])
        total = 0.0
        for number, key in enumerate(issues):
            position_column = header.cells[3 + 2 * number]
            salience_column = (
                header.cells[4 + 2 * number]
                if 4 + 2 * number < len(header.cells)
                else f"Sal{number + 1}"
            )
            salience = number_or_text(cells[4 + 2 * number])
            entries.append(
                stance_entry(
                    actor,
                    key,
                    at(row),
                    capability=(capability, at(row, power_column)),
                    position=(number_or_text(cells[3 + 2 * number]), at(row, position_column)),
                    salience=(salience, at(row, salience_column)),
                )
            )
            total += salience if isinstance(salience, float) else 0.0
        check_salience_total(actor, total, at(row), problems)
    if declared_actors is not None and declared_actors != len(actors):
        problems.append(
            Problem(
                at(first),
                f"line 1 declares {declared_actors} actors but the file lists {len(actors)}",
            )
        )
    label_by_descriptions(actors)
    data.update(assemble(entries, issues, actors, origin, problems))
    return data, origin, problems


# --- shared with the XML reader (ktab_xml) ---------------------------------------------------


def ktab_header(title: str, description: str, *, file: str, name: str) -> dict[str, Any]:
    """The header of a scenario read from a KTAB file (the title falls back to ``name``)."""
    title = title.strip() or name
    return {
        "id": slug(title),
        "title": title,
        "description": description.strip(),
        "salience_scale": 100.0,
        "provenance": f"Imported from the KTAB SMP file {file}.",
    }


def add_dimension(issues: dict[str, Declared], label: str, number: int, place: Location) -> str:
    """Declare a KTAB dimension (the ``number``-th, counting from 1) as an issue on 0-100,
    unless an issue of its id is declared already; return its id."""
    label = label.strip() or f"Dimension {number}"
    key = issue_id(label)
    issues.setdefault(key, Declared({"id": key, "label": label, "min": 0.0, "max": 100.0}, place))
    return key


def stance_entry(
    actor: str, issue: str, place: Location, **values: tuple[float | str, Location]
) -> Entry:
    """An actor's stance on a dimension: each value (a number, or text that validation reports
    as not a number) with the place it was read from."""
    entry = Entry(actor, issue, place)
    for name, (value, where) in values.items():
        entry.values[name] = value
        entry.places[name] = where
    return entry


def check_salience_total(
    actor: str, total: float, place: Location, problems: list[Problem]
) -> None:
    """KTAB's rule: an actor's saliences add up to at most 100."""
    if total > 100 + 1e-9:
        problems.append(
            Problem(
                place,
                f"the saliences of actor '{actor}' add up to {total:g}; KTAB allows at most 100",
            )
        )


def label_by_descriptions(actors: dict[str, Declared]) -> None:
    """When every actor has its own, different description, the descriptions become labels."""
    descriptions = [declared.data.get("description", "") for declared in actors.values()]
    if all(descriptions) and len(set(descriptions)) == len(descriptions):
        for declared in actors.values():
            declared.data["label"] = declared.data["description"]


def _count(row: Row, index: int, what: str, at: Any, problems: list[Problem]) -> int | None:
    cell = row.cells[index] if index < len(row.cells) else ""
    if not re.fullmatch(r"\d+", cell):
        problems.append(
            Problem(
                at(row),
                f"line 1 must give the {what} as a whole number in field {index + 1}, not '{cell}'",
            )
        )
        return None
    return int(cell)
