"""Tables of what a scenario states, and of what flashpoint offers: the scenario's issues, its
actors' stances, its uncertain inputs, named futures, shocks and notes (``flashpoint show``, the
web app's scenario page, and the report's question, inputs and notes sections,
:mod:`flashpoint.report.sections`); an input file's problems; the bundled scenarios; the models
and a model's options in words.

Each is a :class:`rich.table.Table` (or text), printed by the command line and read into HTML by
:mod:`flashpoint.report.html_tables`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.table import Table
from rich.text import Text

from flashpoint.models.base import ModelSpec
from flashpoint.models.registry import get_model
from flashpoint.report.formats import scale
from flashpoint.scenario.errors import Problem
from flashpoint.scenario.native import rule_to_data
from flashpoint.scenario.schema import Change, Scenario


def scenario_overview(scenario: Scenario) -> list[Table | Text]:
    """Everything a scenario states, as tables: issues, stances, uncertainty, futures, shocks
    (what ``flashpoint show`` prints, with its hints for the command line)."""
    head = Text()
    head.append(scenario.title, style="bold")
    head.append(
        f"  ({scenario.id})" + (f", as of {scenario.as_of.isoformat()}" if scenario.as_of else "")
    )
    if scenario.description:
        head.append("\n" + scenario.description)
    for source in scenario.sources:
        head.append(f"\n  [{source.id}] " if source.id else "\n  - ", style="dim")
        head.append(source.citation, style="dim")
    if scenario.provenance:
        head.append("\nProvenance: ", style="bold")
        head.append(scenario.provenance)
    if scenario.seed is not None:
        head.append("\nSeed: ", style="bold")
        head.append(f"{scenario.seed} (used by a run that names no seed)")
    for model, options in scenario.model_options.items():
        head.append(f"\nOptions of {model}: ", style="bold")
        head.append(
            ", ".join(
                f"{name} ({len(value)} entries)"
                if isinstance(value, (list, dict))
                else f"{name} {value}"
                for name, value in options.items()
            )
        )
    parts: list[Table | Text] = [head, issues_table(scenario), stances_table(scenario)]
    if scenario.uncertainty:
        parts.append(uncertainty_table(scenario))
    if scenario.outcomes:
        parts.append(futures_definition_table(scenario))
    if scenario.shocks:
        parts.append(shocks_table(scenario, "Shocks (use with --shock)"))
    return parts


def issues_table(scenario: Scenario) -> Table:
    """Each issue: its scale, labelled points, reversion point and who must consent."""
    table = Table(title="Issues", title_justify="left")
    table.add_column("Issue", style="bold")
    table.add_column("Scale", no_wrap=True)
    table.add_column("Labelled points")
    terms = any(issue.reversion is not None for issue in scenario.issues)
    if terms:
        table.add_column(
            "Without a deal"
            + (" (one package)" if scenario.agreement == "package" else "")
            + "; needs the consent of"
        )
    actors = {actor.id: actor.label for actor in scenario.actors}
    for issue in scenario.issues:
        anchors = "\n".join(f"{point:g}: {text}" for point, text in sorted(issue.anchors.items()))
        about = f"\n{issue.description}" if issue.description else ""
        cells = [Text(f"{issue.label} ({issue.id}){about}"), scale(issue), Text(anchors)]
        if terms:
            reversion = "-" if issue.reversion is None else f"{issue.reversion:g}"
            consent = ", ".join(actors[a] for a in issue.consent) or "nobody"
            cells.append(Text(f"{reversion}; {consent}"))
        table.add_row(*cells)
    return table


def stances_table(scenario: Scenario) -> Table:
    """Each actor's capability, and its position and salience on each issue."""
    table = Table(
        title=Text(f"Positions / saliences (salience scale 0 to {scenario.salience_scale:g})"),
        title_justify="left",
        caption="capability: the actor's own; * marks a capability specific to that issue;"
        " red line <x: the actor refuses any outcome below x (>x: above)",
        caption_justify="left",
    )
    table.add_column("Actor", style="bold")
    table.add_column("Capability", justify="right")
    for issue in scenario.issues:
        table.add_column(Text(issue.label), justify="right")
    for actor in scenario.actors:
        cells = []
        for issue in scenario.issues:
            stance = actor.issues.get(issue.id)
            if stance is None:
                cells.append(Text("-", style="dim"))
                continue
            own = f"\n*{stance.capability:g}" if stance.capability is not None else ""
            if stance.red_line is not None:
                side = "<" if stance.red_line < stance.position else ">"
                own += f"\nred line {side}{stance.red_line:g}"
            cells.append(Text(f"{stance.position:g} / {stance.salience:g}{own}"))
        capability = "-" if actor.capability is None else f"{actor.capability:g}"
        table.add_row(Text(actor.label), capability, *cells)
    return table


def uncertainty_table(scenario: Scenario) -> Table:
    """Each uncertain input: its distribution, group and note."""
    table = Table(title="Uncertain inputs", title_justify="left")
    for column in ("Actor", "Issue", "Input", "Distribution", "Group", "Note"):
        table.add_column(column)
    for entry in scenario.uncertainty:
        parameters = ", ".join(
            f"{name} {value:g}"
            for name in ("low", "mode", "mean", "high", "sd")
            if (value := getattr(entry, name)) is not None
        )
        group = entry.group or ""
        if entry.group and entry.correlation is not None:
            group += f" (r = {entry.correlation:g})"
        table.add_row(
            Text(_label(scenario.actors, entry.actor)),
            Text(_label(scenario.issues, entry.issue) if entry.issue else "-"),
            entry.field,
            f"{entry.distribution}: {parameters}",
            Text(group),
            Text(
                " ".join(
                    filter(
                        None, (entry.note, f"[{', '.join(entry.source)}]" if entry.source else "")
                    )
                )
            ),
        )
    return table


def futures_definition_table(scenario: Scenario) -> Table:
    """Each named future: when it holds, and what it means."""
    table = Table(
        title="Named futures (tried in order; the first that holds)", title_justify="left"
    )
    table.add_column("Future", style="bold")
    table.add_column("When")
    for outcome in scenario.outcomes:
        about = f"\n{outcome.description}" if outcome.description else ""
        table.add_row(
            Text(f"{outcome.label} ({outcome.id})"), Text(describe_rule(outcome.when) + about)
        )
    return table


def shocks_table(scenario: Scenario, title: str = "Shocks") -> Table:
    """Each shock: what it changes, and why (``title``: the command line's overview says how
    to use them)."""
    table = Table(title=title, title_justify="left")
    table.add_column("Shock", style="bold")
    table.add_column("Changes")
    for shock in scenario.shocks:
        changes = "\n".join(describe_change(change, scenario) for change in shock.changes)
        about = f"{shock.description}\n" if shock.description else ""
        table.add_row(Text(f"{shock.label} ({shock.id})"), Text(about + changes))
    return table


def notes_table(scenario: Scenario) -> Table:
    """Every stated number with the note that justifies it and the sources it cites (by id:
    the scenario's sources list gives each citation)."""
    table = Table(
        title="Inputs and their notes", title_justify="left", show_lines=True, expand=True
    )
    for column, ratio in (("Actor", 2), ("Issue", 2), ("Input", 2), ("Value", 2)):
        table.add_column(column, ratio=ratio, overflow="fold")
    table.add_column("Note", ratio=9)
    table.add_column("Source", ratio=3, overflow="fold")

    def add(actor: str, issue: str, field: str, value: str, record: Any) -> None:
        note, cited = getattr(record, f"{field}_note"), getattr(record, f"{field}_source")
        table.add_row(
            Text(actor), Text(issue), field, Text(value), Text(note), Text("\n".join(cited))
        )

    for actor in scenario.actors:
        if actor.capability is not None:
            add(actor.label, "-", "capability", f"{actor.capability:g}", actor)
        for issue_id, stance in actor.issues.items():
            for field in ("position", "salience", "capability", "no_deal_cost", "red_line"):
                value = getattr(stance, field)
                if value is not None and (field != "no_deal_cost" or value):
                    add(actor.label, _label(scenario.issues, issue_id), field, f"{value:g}", stance)
    for issue in scenario.issues:
        if issue.reversion is not None:
            add("-", issue.label, "reversion", f"{issue.reversion:g}", issue)
        if issue.consent:
            consent = ", ".join(_label(scenario.actors, actor) for actor in issue.consent)
            add("-", issue.label, "consent", consent, issue)
    for shock in scenario.shocks:
        if shock.probability is not None:
            low, high = shock.probability
            stated = f"{low:g}" if low == high else f"{low:g}-{high:g}"
            add("-", "-", "probability", stated, shock)
    return table


def describe_rule(rule: Any) -> str:
    """A future's condition in words: 'all of: a >= 1; b <= 2'."""
    return _words(rule_to_data(rule))


def _words(written: Any) -> str:
    if written == "otherwise":
        return "otherwise (every prediction the futures above do not claim)"
    if isinstance(written, str):
        return written
    ((kind, parts),) = written.items()
    if kind == "not":
        return f"not ({_words(parts)})"
    return f"{kind} of: " + "; ".join(_words(part) for part in parts)


def describe_change(change: Change, scenario: Scenario) -> str:
    """One change of a shock in words, by the names of ``scenario``'s actors and issues:
    'United States, Sanctions relief: position set to 0'."""
    actor = _label(scenario.actors, change.actor)
    issue = _label(scenario.issues, change.issue) if change.issue else None
    if change.drop:
        return f"drop {actor}" + (f" from {issue}" if issue else "")
    where = f"{actor}, {issue}" if issue else actor
    if change.set is not None:
        return f"{where}: {change.field} set to {change.set:g}"
    return f"{where}: {change.field} shifted by {change.shift:+g}"


def _label(items: Any, item_id: str) -> str:
    """The label of the actor or issue ``item_id`` among ``items`` (its id if none has it)."""
    return next((item.label for item in items if item.id == item_id), item_id)


PROBLEMS_SHOWN = 100


def problems_table(problems: Iterable[Problem]) -> Table:
    """The problems of an input file, where and what; past :data:`PROBLEMS_SHOWN`, counted."""
    found = list(problems)
    table = Table(show_lines=False, title_justify="left")
    table.add_column("Where", style="yellow", overflow="fold")
    table.add_column("Problem", overflow="fold")
    for problem in found[:PROBLEMS_SHOWN]:
        table.add_row(Text(str(problem.location) or "-"), Text(problem.message))
    if len(found) > PROBLEMS_SHOWN:
        table.add_row("...", Text(f"and {len(found) - PROBLEMS_SHOWN:,} more problems"))
    return table


def scenarios_table(scenarios: dict[str, Scenario], default: str) -> Table:
    table = Table(title="Bundled scenarios", title_justify="left")
    table.add_column("Name", no_wrap=True, style="bold")
    table.add_column("Title")
    for column in ("Actors", "Issues", "Futures", "Shocks"):
        table.add_column(column, justify="right")
    for name, scenario in scenarios.items():
        label = f"{name} (default)" if name == default else name
        table.add_row(
            Text(label),
            Text(scenario.title),
            str(len(scenario.actors)),
            str(len(scenario.issues)),
            str(len(scenario.outcomes)),
            str(len(scenario.shocks)),
        )
    return table


def models_table(specs: Iterable[ModelSpec]) -> Table:
    table = Table(title="Models", title_justify="left", show_lines=True)
    table.add_column("Name", style="bold")
    table.add_column("What it computes")
    table.add_column("Kind")
    table.add_column("References", style="dim")
    for spec in specs:
        kind = "\n".join(
            (
                "rounds of moves" if spec.iterative else "one step",
                "stochastic" if spec.stochastic else "deterministic",
                "issues jointly" if spec.joint_issues else "issue by issue",
            )
        )
        options = [name for name in spec.options.model_fields]
        summary = spec.summary + (
            f"\nOptions: {', '.join(options)} (docs/models.md)." if options else ""
        )
        table.add_row(spec.name, Text(summary), kind, "\n".join(spec.references))
    return table


def option_summary(model: str, options: dict[str, Any]) -> str:
    """A model's notable options in words, in brackets (empty if none): its preset, the SMP's
    parameters that differ from KTAB's defaults and its accommodation pairs, the exchange
    policy and rate variation, the most rounds."""
    shown = [f"preset {options['preset']}"] if "preset" in options else []
    if model == "smp":  # KTAB's nine parameters: those not at KTAB's defaults
        defaults = get_model(model).options().model_dump(mode="json")
        shown.extend(
            f"{name} {value}"
            for name, value in options.items()
            if name not in ("rounds", "accommodation") and value != defaults[name]
        )
        if options.get("accommodation"):
            pairs = len(options["accommodation"])
            shown.append(f"{pairs} accommodation pair{'' if pairs == 1 else 's'}")
    if "policy" in options:
        shown.append(f"policy {options['policy']}")
    if options.get("p"):
        shown.append(f"p {options['p']}")
    if "rounds" in options:
        rounds = options["rounds"]
        shown.append(f"at most {rounds} round{'' if rounds == 1 else 's'}")
    return f" ({', '.join(shown)})" if shown else ""
