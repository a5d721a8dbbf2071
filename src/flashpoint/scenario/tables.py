"""Actor tables: one row per actor (one issue) or per actor and issue (a long table).

Columns (names are case-insensitive; spaces count as ``_``):

========================  =====================================================================
``actor``                 the actor's id (required)
``capability``            also ``power``, ``clout`` or ``influence`` (required)
``position``              the actor's position on the issue (required)
``salience``              how much the issue matters to the actor (required)
``issue``                 the issue's id; without this column the table holds one issue, named
                          after the file
``label``                 the actor's name as shown in reports
``issue_label``           the issue's name as shown in reports
``min``, ``max``          the issue's scale (default 0 to 100); the same on every row of an issue
``position_note`` ...     ``salience_note``, ``capability_note``: why the number is what it is
``salience_scale``        1 or 100: the scale of the saliences, the same on every row
``reversion``             the issue's reversion point (the outcome without agreement), the same
                          on every row of an issue
``consent``               yes if the row's actor must consent to the issue's outcome (a veto)
``no_deal_cost``          how much worse than the reversion point no deal is to the actor
                          (``no_deal_cost_note``: why)
``red_line``              the outcome beyond which the actor refuses any bargain (its side
                          follows from its position; ``red_line_note``: why)
========================  =====================================================================

Without a ``salience_scale`` column, saliences are read on a 0-1 scale when every one of them is
at most 1, else on 0-100 (a table mostly of fractions with a few values above 1 is reported as a
typo). When all of
an actor's rows give the same capability (and note) it becomes the actor's capability; otherwise
each row's capability applies to that issue only.

:func:`assemble` turns such rows into scenario data; the Decide and KTAB loaders use it too.
"""

from __future__ import annotations

import csv
import difflib
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from flashpoint.scenario.cells import (
    Row,
    infer_salience_scale,
    issue_id,
    number_or_text,
    quote_formula,
    read_number,
    slug,
)
from flashpoint.scenario.errors import Location, Origin, Problem, ScenarioError
from flashpoint.scenario.native import whole_number
from flashpoint.scenario.schema import Scenario

NOTES = ("position_note", "salience_note", "capability_note", "no_deal_cost_note", "red_line_note")
_ALIASES = {
    "actor": ("actor", "actor_id"),
    "label": ("label", "actor_label", "actor_name"),
    "issue": ("issue", "issue_id"),
    "issue_label": ("issue_label", "issue_name"),
    "capability": ("capability", "power", "clout", "influence"),
    "position": ("position",),
    "salience": ("salience",),
    "min": ("min", "scale_min"),
    "max": ("max", "scale_max"),
    "salience_scale": ("salience_scale",),
    **{column: (column,) for column in ("reversion", "consent", "no_deal_cost", "red_line")},
    **{note: (note,) for note in NOTES},
}
_REQUIRED = ("actor", "capability", "position", "salience")
TABLE_COLUMNS = (
    "actor",
    "label",
    "issue",
    "issue_label",
    "min",
    "max",
    "capability",
    "position",
    "salience",
    *NOTES[:3],
)
AGREEMENT_COLUMNS = (
    "reversion",
    "consent",
    "no_deal_cost",
    "no_deal_cost_note",
    "red_line",
    "red_line_note",
)


@dataclass
class Entry:
    """One actor's stance on one issue, read from a row, with where each value came from."""

    actor: str
    issue: str
    row: Location
    values: dict[str, Any] = field(default_factory=dict)
    places: dict[str, Location] = field(default_factory=dict)


@dataclass
class Declared:
    """An actor or issue declared by a loader: its fields and where it was declared."""

    data: dict[str, Any]
    place: Location
    places: dict[str, Location] = field(default_factory=dict)


def assemble(
    entries: list[Entry],
    issues: dict[str, Declared],
    actors: dict[str, Declared],
    origin: Origin,
    problems: list[Problem],
) -> dict[str, Any]:
    """Scenario data (issues and actors) from declared issues and actors and per-row stances.

    Records in ``origin`` where every value came from. A second row for the same actor and
    issue is a problem.
    """
    for index, declared in enumerate(issues.values()):
        origin.places[("issues", index)] = declared.place
        for name, place in declared.places.items():
            origin.places[("issues", index, name)] = place
    by_actor: dict[str, dict[str, Entry]] = {actor_id: {} for actor_id in actors}
    for entry in entries:
        stances = by_actor.setdefault(entry.actor, {})
        if entry.issue in stances:
            first = stances[entry.issue].row.row
            problems.append(
                Problem(
                    entry.row,
                    f"a second row for actor '{entry.actor}' on issue '{entry.issue}' (first at row {first})",
                )
            )
            continue
        stances[entry.issue] = entry
    actor_data = []
    for index, (actor_id, stances) in enumerate(by_actor.items()):
        declared = actors.get(actor_id)
        head = dict(declared.data) if declared else {"id": actor_id}
        path = ("actors", index)
        first = next(iter(stances.values()), None)
        origin.places[path] = (
            declared.place if declared else (first.row if first else Location(file=origin.file))
        )
        if declared:
            for name, place in declared.places.items():
                origin.places[path + (name,)] = place
        shared = _shared_capability(list(stances.values()))
        if shared is not None and "capability" not in head:
            head["capability"] = shared[0]
            if shared[1]:
                head["capability_note"] = shared[1]
            assert first is not None
            origin.places[path + ("capability",)] = first.places.get("capability", first.row)
        head["issues"] = {}
        for issue_key, entry in stances.items():
            stance = {
                name: value
                for name, value in entry.values.items()
                if not (shared is not None and name in ("capability", "capability_note"))
                and value is not None
            }
            head["issues"][issue_key] = stance
            origin.places[path + ("issues", issue_key)] = entry.row
            for name, place in entry.places.items():
                origin.places[path + ("issues", issue_key, name)] = place
        actor_data.append(head)
    return {"issues": [d.data for d in issues.values()], "actors": actor_data}


def _shared_capability(entries: list[Entry]) -> tuple[float, str] | None:
    """(capability, note) if every entry gives the same ones, else None."""
    pairs = {(e.values.get("capability"), e.values.get("capability_note", "")) for e in entries}
    if len(pairs) != 1:
        return None
    capability, note = pairs.pop()
    return (capability, note) if capability is not None else None


def read_actor_table(
    rows: list[Row], *, file: str, name: str, sheet: str | None = None, decimal_comma: bool = False
) -> tuple[dict[str, Any], Origin, list[Problem]]:
    """Scenario data from the rows of an actor table (first row: the header)."""
    origin = Origin(file=file, show_path=False)
    problems: list[Problem] = []

    def place(row: int | None = None, column: str | None = None) -> Location:
        return Location(file=file, sheet=sheet, row=row, column=column)

    if not rows:
        raise ScenarioError(
            [Problem(place(), "the table is empty: it needs a header row and a row per actor")]
        )
    header, body = rows[0], rows[1:]
    columns = _columns(header, place, problems)
    missing = [c for c in _REQUIRED if c not in columns]
    if missing:
        found = ", ".join(cell for cell in header.cells if cell) or "none"
        problems.append(
            Problem(
                place(header.number),
                f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} (columns found: {found})",
            )
        )
    if problems:
        raise ScenarioError(problems)
    if not body:
        raise ScenarioError([Problem(place(header.number), "the table has a header but no rows")])

    single_issue = issue_id(name)
    issues: dict[str, Declared] = {}
    actors: dict[str, Declared] = {}
    entries: list[Entry] = []

    def cell_of(row: Row, column: str) -> str:
        index = columns.get(column)
        return row.cells[index] if index is not None and index < len(row.cells) else ""

    def place_of(row: Row, column: str) -> Location:
        return place(row.number, header.cells[columns[column]])

    width = len(header.cells)
    for row in body:
        cell = partial(cell_of, row)
        at = partial(place_of, row)
        extra = [value for value in row.cells[width:] if value]
        if extra:
            problems.append(
                Problem(
                    place(row.number),
                    f"the row has {len(row.cells)} cells but the header names {width} columns:"
                    f" '{extra[0][:40]}' has no column (a separator inside a number or a name?)",
                )
            )
            continue
        actor = cell("actor")
        if not actor:
            problems.append(Problem(at("actor"), "the actor is missing"))
            continue
        written = cell("issue") if "issue" in columns else single_issue
        if not written:
            problems.append(Problem(at("issue"), "the issue is missing"))
            continue
        issue = issue_id(written)
        if actor not in actors:
            actors[actor] = Declared(
                {"id": actor}, place(row.number, header.cells[columns["actor"]])
            )
        _same_on_every_row(actors[actor], "label", cell("label"), f"actor '{actor}'", at, problems)
        declared = issues.get(issue)
        if declared is None:
            declared = issues[issue] = Declared({"id": issue}, place(row.number))
            if "issue" in columns:
                declared.place = at("issue")
            if written != issue and not cell("issue_label"):
                declared.data["label"] = written
        _same_on_every_row(
            declared,
            "label",
            cell("issue_label"),
            f"issue '{issue}'",
            at,
            problems,
            column="issue_label",
        )
        for bound in ("min", "max", "reversion"):
            if cell(bound):
                value = read_number(cell(bound), at(bound), problems, decimal_comma=decimal_comma)
                if value is None:
                    continue
                if bound in declared.data and declared.data[bound] != value:
                    one = "one scale" if bound != "reversion" else "one reversion point"
                    problems.append(
                        Problem(
                            at(bound),
                            f"issue '{issue}' has {bound} {declared.data[bound]:g} on an earlier row; {one} per issue",
                        )
                    )
                    continue
                declared.data[bound] = value
                declared.places.setdefault(bound, at(bound))
        if _consents(cell("consent"), at("consent") if "consent" in columns else None, problems):
            declared.data.setdefault("consent", []).append(actor)
        entry = Entry(actor, issue, place(row.number))
        for column in ("capability", "position", "salience"):
            entry.values[column] = number_or_text(cell(column), decimal_comma=decimal_comma)
            entry.places[column] = at(column)
        for column in ("no_deal_cost", "red_line"):
            if cell(column):
                entry.values[column] = number_or_text(cell(column), decimal_comma=decimal_comma)
                entry.places[column] = at(column)
        for note in NOTES:
            if note in columns and cell(note):
                entry.values[note] = cell(note)
                entry.places[note] = at(note)
        entries.append(entry)

    _default_scales(issues, entries, problems)
    data = assemble(entries, issues, actors, origin, problems)
    if "salience_scale" in columns:
        scale = _stated_scale(body, cell_of, place_of, problems)
    else:
        scale, scale_problems = infer_salience_scale(
            (e.values["salience"], e.places["salience"]) for e in entries
        )
        problems.extend(scale_problems)
    data.update(id=slug(name), title=name, salience_scale=scale)
    return data, origin, problems


def _stated_scale(
    body: list[Row],
    cell_of: Callable[[Row, str], str],
    place_of: Callable[[Row, str], Location],
    problems: list[Problem],
) -> float:
    """The salience scale a ``salience_scale`` column states: 1 or 100, the same on every row
    (an empty cell leaves it to the others)."""
    stated: dict[float, Location] = {}
    for row in body:
        text = cell_of(row, "salience_scale")
        if not text:
            continue
        value = number_or_text(text)
        if value not in (1.0, 100.0):
            problems.append(
                Problem(
                    place_of(row, "salience_scale"), f"'{text}' is not a salience scale: 1 or 100"
                )
            )
        elif value not in stated:
            stated[value] = place_of(row, "salience_scale")
    if len(stated) > 1:
        problems.append(
            Problem(stated[100.0], "the salience scale is 1 on some rows and 100 on others")
        )
    return next(iter(stated), 100.0)


_YES, _NO = ("yes", "y", "true", "1", "x"), ("no", "n", "false", "0", "")


def _consents(text: str, where: Location | None, problems: list[Problem]) -> bool:
    """Whether a ``consent`` cell says the row's actor must consent (yes/no; empty: no)."""
    answer = text.strip().lower()
    if answer in _YES:
        return True
    if answer not in _NO and where is not None:
        problems.append(Problem(where, f"'{text}' is not yes or no"))
    return False


def _columns(header: Row, place: Any, problems: list[Problem]) -> dict[str, int]:
    """Map canonical column names to their index; report unknown and repeated columns."""
    lookup = {alias: canonical for canonical, aliases in _ALIASES.items() for alias in aliases}
    columns: dict[str, int] = {}
    for index, text in enumerate(header.cells):
        key = text.strip().lower().replace(" ", "_")
        if not key:
            continue
        canonical = lookup.get(key)
        if canonical is None:
            close = difflib.get_close_matches(key, list(lookup), n=1)
            hint = (
                f" (did you mean '{close[0]}'?)"
                if close
                else f" (known columns: {', '.join(_ALIASES)})"
            )
            problems.append(Problem(place(header.number, text), f"unknown column '{text}'{hint}"))
        elif canonical in columns:
            problems.append(
                Problem(place(header.number, text), f"the column '{text}' appears twice")
            )
        else:
            columns[canonical] = index
    return columns


def _same_on_every_row(
    declared: Declared,
    field: str,
    value: str,
    what: str,
    at: Any,
    problems: list[Problem],
    *,
    column: str | None = None,
) -> None:
    """Record a value describing an actor or issue; report a later row that gives another."""
    if not value:
        return
    column = column or field
    if field in declared.places and declared.data[field] != value:
        first = declared.places[field].row
        problems.append(
            Problem(at(column), f"{what} has the {column} '{declared.data[field]}' on row {first}")
        )
        return
    declared.data[field] = value
    declared.places.setdefault(field, at(column))


def _default_scales(
    issues: dict[str, Declared], entries: list[Entry], problems: list[Problem]
) -> None:
    """Issues without min/max take the 0-100 scale; say so where a position falls outside it
    (one pass over the entries, so that a table of millions of rows is read in seconds)."""
    unscaled = {
        key
        for key, declared in issues.items()
        if "min" not in declared.data and "max" not in declared.data
    }
    for entry in entries:
        position = entry.values.get("position")
        if entry.issue in unscaled and isinstance(position, float) and not 0 <= position <= 100:
            declared = issues[entry.issue]
            problems.append(
                Problem(
                    entry.places["position"],
                    f"{position:g} is outside the default scale 0 to 100 of issue '{entry.issue}':"
                    " add min and max columns giving the issue's scale",
                )
            )
            declared.data.update(
                min=min(position, declared.data.get("min", 0.0)),
                max=max(position, declared.data.get("max", 100.0)),
            )


def table_rows(scenario: Scenario) -> list[dict[str, Any]]:
    """The long actor table of a scenario: one row per actor and issue it takes part in."""
    issues = {issue.id: issue for issue in scenario.issues}
    rows = []
    for actor in scenario.actors:
        for key, stance in actor.issues.items():
            issue = issues[key]
            rows.append(
                {
                    "actor": actor.id,
                    "label": actor.label,
                    "issue": key,
                    "issue_label": issue.label,
                    "min": issue.min,
                    "max": issue.max,
                    "capability": actor.capability_on(key),
                    "position": stance.position,
                    "salience": stance.salience,
                    "position_note": stance.position_note,
                    "salience_note": stance.salience_note,
                    "capability_note": stance.capability_note
                    if stance.capability is not None
                    else actor.capability_note,
                    "reversion": issue.reversion,
                    "consent": "yes" if actor.id in issue.consent else "",
                    "no_deal_cost": stance.no_deal_cost or None,
                    "no_deal_cost_note": stance.no_deal_cost_note,
                    "red_line": stance.red_line,
                    "red_line_note": stance.red_line_note,
                }
            )
    return rows


def write_table_csv(scenario: Scenario, path: Path) -> None:
    """Write the long actor table (what a CSV can hold: issues, actors, stances, notes).

    A text that a spreadsheet could run as a formula is written after a single quote
    (:func:`~.cells.quote_formula`), which reading the table takes off again."""
    buffer = io.StringIO()
    columns = TABLE_COLUMNS + (AGREEMENT_COLUMNS if has_terms(scenario) else ())
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in table_rows(scenario):
        writer.writerow({key: quote_formula(whole_number(value)) for key, value in row.items()})
    path.write_text(buffer.getvalue(), encoding="utf-8")


def has_terms(scenario: Scenario) -> bool:
    """Whether a scenario states terms of agreement (reversion points, consent, costs of no
    deal), which its CSV table then holds in columns of their own."""
    return any(issue.reversion is not None or issue.consent for issue in scenario.issues) or any(
        stance.no_deal_cost or stance.red_line is not None
        for actor in scenario.actors
        for stance in actor.issues.values()
    )


def left_out_of_csv(scenario: Scenario) -> list[str]:
    """What a scenario states that its CSV actor table (:func:`write_table_csv`) cannot hold, in
    words: "the date", "shocks", ... (the title and description always)."""
    salience_read_back, _ = infer_salience_scale(
        (stance.salience, None) for actor in scenario.actors for stance in actor.issues.values()
    )
    return [
        name
        for name, present in (
            ("the title and description", True),
            (
                "the salience scale (read back from the values)",
                salience_read_back != scenario.salience_scale,
            ),
            ("the date", scenario.as_of is not None),
            ("the horizon", scenario.horizon is not None),
            ("that the decision is a legislative one", scenario.legislative),
            ("sources and the sources each note cites", bool(scenario.sources)),
            ("provenance", bool(scenario.provenance)),
            ("issue descriptions", any(issue.description for issue in scenario.issues)),
            ("labelled points of scales", any(issue.anchors for issue in scenario.issues)),
            ("actor descriptions", any(actor.description for actor in scenario.actors)),
            ("actor colours", any(actor.colour for actor in scenario.actors)),
            ("uncertainty", bool(scenario.uncertainty)),
            ("futures", bool(scenario.outcomes)),
            ("shocks", bool(scenario.shocks)),
            ("the seed", scenario.seed is not None),
            ("model options", bool(scenario.model_options)),
            (
                "the notes on reversion points and consent",
                any(issue.reversion_note or issue.consent_note for issue in scenario.issues),
            ),
            ("agreement as one package", scenario.agreement == "package"),
        )
        if present
    ]
