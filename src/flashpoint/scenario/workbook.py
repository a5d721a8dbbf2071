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
from pathlib import Path
from typing import Any

import yaml
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation

from flashpoint.scenario.cells import Row, number_or_text, slug
from flashpoint.scenario.errors import Location, Origin, Problem
from flashpoint.scenario.guard import check_cells
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
    """Scenario data from an .xlsx file: a scenario workbook, or an actor table."""
    file = path.name
    book = load_workbook(path, read_only=True, data_only=True)
    try:
        sheets = {}
        for ws in book.worksheets:
            check_cells(file, ws.title, ws.max_row, ws.max_column)
            sheets[ws.title] = _rows(ws)
    finally:
        book.close()
    if not is_scenario_workbook(list(sheets)):
        first = next(iter(sheets))
        return read_actor_table(sheets[first], file=file, name=path.stem, sheet=first)
    return _read_scenario_sheets(sheets, file, path.stem)


def uncalculated_formulas(path: Path) -> list[Problem]:
    """Each cell holding a formula whose value the file does not keep (a workbook written by a
    program that does not calculate, so the value reads as empty), as a problem saying what to
    do. Read only when a workbook's scenario has problems, to explain an "empty" cell."""
    problems = []
    formulas = load_workbook(path, read_only=True, data_only=False)
    values = load_workbook(path, read_only=True, data_only=True)
    try:
        for sheet in formulas.worksheets:
            kept = values[sheet.title].iter_rows(values_only=True)
            header: list[Any] = []
            for number, (written, value) in enumerate(
                zip(sheet.iter_rows(values_only=True), kept, strict=False), start=1
            ):
                if number == 1:
                    header = list(written)
                for k, cell in enumerate(written):
                    if (
                        isinstance(cell, str)
                        and cell.startswith("=")
                        and (k >= len(value) or value[k] is None)
                    ):
                        column = header[k] if k < len(header) and header[k] else None
                        problems.append(
                            Problem(
                                Location(
                                    file=path.name,
                                    sheet=sheet.title,
                                    row=number,
                                    column=str(column) if column else None,
                                ),
                                f"this cell holds the formula '{cell[:40]}' but the file keeps no value"
                                " for it (it was written by a program that does not calculate): open"
                                " and save the workbook in Excel or LibreOffice, or type the value",
                            )
                        )
    finally:
        formulas.close()
        values.close()
    return problems


def _rows(ws: Any) -> list[Row]:
    rows = []
    for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
        cells = [_text(value) for value in values]
        if any(cells):
            rows.append(Row(number, cells))
    return rows


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"  # what YAML 1.2 reads as a truth value
    return str(value).strip()


def _read_scenario_sheets(
    sheets: dict[str, list[Row]], file: str, stem: str
) -> tuple[dict[str, Any], Origin, list[Problem]]:
    origin = Origin(file=file, show_path=False)
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

    def records(kind: str) -> list[tuple[dict[str, str], dict[str, Location], Location]]:
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
        out = []
        for row in body:
            values = {
                key: row.cells[i]
                for key, i in columns.items()
                if i < len(row.cells) and row.cells[i] != ""
            }
            places = {
                key: Location(file=file, sheet=sheet, row=row.number, column=header.cells[i])
                for key, i in columns.items()
            }
            out.append((values, places, Location(file=file, sheet=sheet, row=row.number)))
        return out

    data: dict[str, Any] = {"id": slug(stem), "title": stem}
    for values, places, place in records("scenario"):
        field = values.get("field", "").lower().replace(" ", "_")
        if field not in SCENARIO_FIELDS:
            problems.append(
                Problem(
                    places.get("field", place),
                    f"unknown field '{field}' (fields: {', '.join(SCENARIO_FIELDS)})",
                )
            )
            continue
        if "value" in values:
            data[field] = values["value"]
            origin.places[(field,)] = places["value"]

    data["sources"] = _plain_list(records("sources"), "sources", origin)
    data["issues"] = _plain_list(records("issues"), "issues", origin)
    issue_index = {issue.get("id"): index for index, issue in enumerate(data["issues"])}
    for values, places, place in records("anchors"):
        index = issue_index.get(values.get("issue"))
        if index is None:
            problems.append(Problem(places["issue"], f"unknown issue '{values.get('issue', '')}'"))
            continue
        if "value" not in values:
            problems.append(Problem(places["value"], "the value is missing"))
            continue
        try:
            point = float(values["value"])
        except ValueError:
            problems.append(Problem(places["value"], f"'{values['value']}' is not a number"))
            continue
        data["issues"][index].setdefault("anchors", {})[point] = values.get("label", "")
        origin.places[("issues", index, "anchors", point)] = place

    data["actors"] = _plain_list(records("actors"), "actors", origin)
    actor_index = {actor.get("id"): index for index, actor in enumerate(data["actors"])}
    for values, places, place in records("positions"):
        actor, issue = values.pop("actor", ""), values.pop("issue", "")
        index = actor_index.get(actor)
        if index is None:
            problems.append(Problem(places["actor"], f"actor '{actor}' is not on the actors sheet"))
            continue
        if not issue:
            problems.append(Problem(places["issue"], "the issue is missing"))
            continue
        stances = data["actors"][index].setdefault("issues", {})
        if issue in stances:
            problems.append(Problem(place, f"a second row for actor '{actor}' on issue '{issue}'"))
            continue
        stances[issue] = values
        origin.places[("actors", index, "issues", issue)] = place
        for key, where in places.items():
            origin.places[("actors", index, "issues", issue, key)] = where

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


def _plain_list(
    records: list[tuple[dict[str, str], dict[str, Location], Location]], kind: str, origin: Origin
) -> list[dict[str, Any]]:
    out = []
    for index, (values, places, place) in enumerate(records):
        origin.places[(kind, index)] = place
        for key, where in places.items():
            origin.places[(kind, index, key)] = where
        out.append(dict(values))
    return out


def _shocks(
    records: list[tuple[dict[str, str], dict[str, Location], Location]],
    origin: Origin,
    problems: list[Problem],
) -> list[dict[str, Any]]:
    shocks: dict[str, dict[str, Any]] = {}
    for values, places, place in records:
        shock_id = values.pop("shock", "")
        if not shock_id:
            problems.append(Problem(places["shock"], "the shock's id is missing"))
            continue
        shock = shocks.setdefault(shock_id, {"id": shock_id, "changes": []})
        index = list(shocks).index(shock_id)
        origin.places.setdefault(("shocks", index), place)
        for key in _SHOCK_HEAD:
            if key in values:
                text = values.pop(key)
                if shock.get(key, text) != text:
                    problems.append(
                        Problem(places[key], f"shock '{shock_id}' already has a different {key}")
                    )
                shock[key] = text
        change_path = ("shocks", index, "changes", len(shock["changes"]))
        origin.places[change_path] = place
        for key, where in places.items():
            origin.places[change_path + (key,)] = where
        shock["changes"].append(values)
    return list(shocks.values())


def _model_options(
    records: list[tuple[dict[str, str], dict[str, Location], Location]],
    origin: Origin,
    problems: list[Problem],
) -> dict[str, dict[str, Any]]:
    """Per model, its options: one row per option, the value in YAML's short form."""
    options: dict[str, dict[str, Any]] = {}
    for values, places, place in records:
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
            problems.append(Problem(places[missing], f"the {missing} is missing"))
            continue
        if option in options.get(model, {}):
            problems.append(
                Problem(place, f"a second row for option '{option}' of model '{model}'")
            )
            continue
        try:
            value = _option_from_text(text)
        except yaml.YAMLError:
            problems.append(Problem(places["value"], f"cannot read the value '{text}'"))
            continue
        options.setdefault(model, {})[option] = value
        origin.places[("model_options", model, option)] = places["value"]
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
