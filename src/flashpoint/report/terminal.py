"""Rich tables for the terminal: forecasts, validation problems, bundled scenarios, models."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
from rich.table import Table
from rich.text import Text

from flashpoint.analysis.brief import Brief
from flashpoint.analysis.forecast import Forecast
from flashpoint.analysis.headline import Basis, points, simulation_error
from flashpoint.analysis.outcomes import holds, reversion_of
from flashpoint.models.base import ModelSpec
from flashpoint.models.registry import get_model
from flashpoint.scenario.errors import Problem
from flashpoint.scenario.native import rule_to_data
from flashpoint.scenario.schema import Agreement, AllOf, AnyOf, Change, Condition, Issue, Scenario
from flashpoint.scenario.words import in_sentence, named, shown_shares


def forecast_table(forecast: Forecast) -> Table:
    """Predicted outcome per issue (rows) and model (columns), and each model's future."""
    scenario = forecast.scenario
    title = scenario.title + (
        f"  (shocks: {', '.join(forecast.shocks)})" if forecast.shocks else ""
    )
    table = Table(
        title=Text(title),
        title_justify="left",
        caption=Text(_legend(forecast)),
        caption_justify="left",
    )
    table.add_column("Issue (scale)", style="bold", ratio=1)
    for name in forecast.results:
        table.add_column(name, justify="right", no_wrap=True, min_width=max(len(name), 5))
    for issue in scenario.issues:
        cells = [number(result.outcome[issue.id]) for result in forecast.results.values()]
        table.add_row(Text(f"{issue.label} ({scale(issue)})"), *cells)
    return table


def number(value: float) -> str:
    """A predicted value as shown: one decimal, never '-0.0'."""
    return f"{round(value, 1) + 0.0:.1f}"


def precise(value: float, issue: Issue) -> str:
    """A position shown to about a thousandth of the issue's scale (3 decimals on 4-10, 1 on
    0-100), never '-0.0'."""
    digits = max(1, 3 - int(math.floor(math.log10(max(issue.max - issue.min, 1e-12)))))
    return f"{round(value, digits) + 0.0:.{digits}f}"


def scale(issue: Issue) -> str:
    return f"{issue.min:g} to {issue.max:g}"


def futures_table(forecast: Forecast) -> Table:
    """The named future each model's prediction falls in."""
    table = Table(title="Which future", title_justify="left")
    table.add_column("Model", style="bold")
    table.add_column("Future", style="bold cyan")
    for name, result in forecast.results.items():
        table.add_row(Text(name), Text(forecast.future_label(result.future)))
    return table


def blocks_table(forecast: Forecast) -> Table:
    """For each model whose bargain failed the agreement test: who refused it and why (what
    the deal and no deal were worth to the actor), and what fell back to its reversion point."""
    actors = {actor.id: actor.label for actor in forecast.scenario.actors}
    issues = {issue.id: issue.label for issue in forecast.scenario.issues}
    package = forecast.scenario.agreement == "package"
    refusals = [
        r for result in forecast.results.values() if result.blocked for r in result.refusals
    ]
    worth_said = any(not r.red_lines for r in refusals)  # a refusal by gain says what it is worth
    table = Table(
        title=Text(
            "No agreement: the bargain a model predicts is refused by an actor whose consent"
            " it needs, so "
            + ("the whole package falls back" if package else "the issue falls back")
            + " to the reversion points"
        ),
        title_justify="left",
        caption=Text(
            "Worth: 100 if every issue were at the actor's position, weighted by its saliences"
            " (docs/scenario-format.md, Agreement or breakdown)."
        )
        if worth_said
        else None,
        caption_justify="left",
    )
    table.add_column("Model", style="bold")
    table.add_column("Why")
    table.add_column("Back at the reversion point")
    for name, result in forecast.results.items():
        if not result.blocked:
            continue
        why = "\n".join(
            f"{actors[r.actor]} refuses"
            + (" the package" if package else f" {', '.join(issues[i] for i in r.issues)}")
            + ": "
            + (
                "; ".join(
                    f"{in_sentence(issues[issue])} {number(value)} crosses its red line"
                    f" {number(line)}"
                    for issue, value, line in r.red_lines
                )
                if r.red_lines
                else f"the deal is worth {r.deal:.0f} to it, no deal {r.no_deal:.0f}"
            )
            for r in result.refusals
        )
        table.add_row(
            Text(name), Text(why), Text(", ".join(issues[issue] for issue in result.blocked))
        )
    return table


def zone_table(forecast: Forecast) -> Table:
    """Each issue's zone of agreement: the outcomes every actor whose consent it needs
    accepts, on the stated values, and how often it is empty over the draws and whose limits
    close it."""
    assert forecast.zones is not None
    actors = {actor.id: actor.label for actor in forecast.scenario.actors} | {"scale": "scale"}
    issues = {issue.id: issue.label for issue in forecast.scenario.issues}
    package = forecast.scenario.agreement == "package"
    table = Table(
        title=Text(
            "Zone of agreement: the outcomes every actor whose consent an issue needs accepts"
            + (f", over {forecast.draws:,} draws" if forecast.draws > 1 else "")
        ),
        title_justify="left",
        caption=Text(
            "Its limits: each actor's red line"
            + (
                " (in a package an actor may trade one issue for another, so only red lines"
                " bound an issue)"
                if package
                else ", and how far from its position it takes an outcome over no deal"
            )
            + "."
        ),
        caption_justify="left",
    )
    table.add_column("Issue", style="bold")
    table.add_column("As stated", justify="right")
    table.add_column("Empty", justify="right")
    table.add_column("Closed most often by")
    for issue, zone in forecast.zones.items():
        stated = (
            "none" if zone.stated is None else f"{number(zone.stated[0])}-{number(zone.stated[1])}"
        )
        closed = ""
        if zone.closed_by is not None:
            below, below_range, above, above_range = zone.closed_by
            closed = (
                f"{actors[below]} at least {_span(below_range)} against {actors[above]} at"
                f" most {_span(above_range)}"
            )
        table.add_row(Text(issues[issue]), stated, f"{zone.empty:.0%}", Text(closed))
    return table


def _span(bounds: tuple[float, float]) -> str:
    low, high = bounds
    return number(low) if number(low) == number(high) else f"{number(low)} to {number(high)}"


def agreement_table(forecast: Forecast) -> Table:
    """Over the Monte Carlo draws: how often each model's bargain stood, and who refused it."""
    actors = {actor.id: actor.label for actor in forecast.scenario.actors}
    table = Table(
        title=Text(f"How often the bargain stands, over {forecast.draws:,} draws (95% interval)"),
        title_justify="left",
    )
    table.add_column("Model", style="bold")
    table.add_column("Agreement", justify="right")
    table.add_column("Refused by (share of draws)")
    for name, result in forecast.results.items():
        odds = result.agreement
        if odds is None:
            continue
        low, high = odds.interval_95
        table.add_row(
            Text(name),
            f"{odds.probability:.0%} ({low:.0%}-{high:.0%})",
            Text(refusers_text(odds.refused_by, odds.red_line, actors)),
        )
    return table


def refusers_text(
    refused_by: dict[str, float], red_line: dict[str, float], actors: dict[str, str]
) -> str:
    """Who refused a bargain and in what share of the draws, most often first. An actor whose
    share shows as 0% is not listed by name (nor is a red-line share that shows as 0%): they
    are counted in one clause, so that the list never says an actor refused in 0% of draws."""
    said = []
    named_shares, fewer = shown_shares(refused_by)
    for actor, share in named_shares:
        line = f"{red_line.get(actor, 0.0):.0%}"
        said.append(
            f"{actors[actor]} {share:.0%}" + (f" ({line} at its red line)" if line != "0%" else "")
        )
    if fewer:
        who = f"{fewer} {'other' if said else 'actor'}{'s' if fewer > 1 else ''}"
        said.append(f"{who} in under 0.5% each" if fewer > 1 else f"{who} in under 0.5%")
    return ", ".join(said) or "nobody"


def spread_table(forecast: Forecast) -> Table:
    """Over the Monte Carlo draws: each issue's median and 90% interval per model."""
    table = Table(
        title=Text(f"Outcome over {forecast.draws:,} draws: median (90% interval)"),
        title_justify="left",
    )
    table.add_column("Issue", style="bold", ratio=1)
    for name in forecast.results:
        table.add_column(name, justify="right")
    for issue in forecast.scenario.issues:
        cells = []
        for result in forecast.results.values():
            assert result.spread is not None
            d = result.spread.distribution[issue.id]
            cells.append(
                f"{number(d.median)} ({number(d.interval_90[0])}-{number(d.interval_90[1])})"
            )
        table.add_row(Text(issue.label), *cells)
    return table


def tree_table(forecast: Forecast) -> Table:
    """The scenario tree's branches: each one's probability as stated and the share of the
    draws that followed it."""
    assert forecast.tree is not None
    table = Table(
        title=Text(
            f"Scenario tree over {forecast.draws:,} draws: each draw follows one branch, and the"
            " forecasts below mix the branches in these proportions"
        ),
        title_justify="left",
    )
    table.add_column("Branch", style="bold")
    table.add_column("Probability", justify="right")
    table.add_column("Share of draws", justify="right")
    for branch in forecast.tree:
        low, high = branch.probability
        stated = f"{low:.0%}" if low == high else f"{low:.0%}-{high:.0%}"
        table.add_row(Text(branch.label), stated, f"{branch.share:.0%}")
    if len(forecast.tree) == 1:
        table.caption = (
            "No shock of this scenario states a probability, so the tree has one branch: give a"
            " shock a probability (docs/scenario-format.md, Shocks) to make it a branch"
        )
        table.caption_justify = "left"
    return table


def recommended_table(forecast: Forecast) -> Table:
    """The headline: how likely each future is under the headline forecast (by the scenario's
    horizon), each with its simulation error (:func:`basis_text` says what it rests on)."""
    assert forecast.recommended is not None and forecast.basis is not None
    by = f" {forecast.basis.horizon}" if forecast.basis.horizon else ""
    table = Table(
        title=Text(f"{forecast.scenario.title}: how likely each future is{by}"),
        title_justify="left",
    )
    table.add_column("Future", style="bold cyan")
    table.add_column("Probability", justify="right")
    for future, p in forecast.recommended.futures.items():
        table.add_row(
            Text(forecast.future_label(future)),
            f"{p.probability:.0%} ({points(simulation_error(p))})",
        )
    return table


def basis_text(basis: Basis) -> Text:
    """What a headline rests on, as one paragraph to print under it."""
    return Text(" ".join(basis.sentences()), style="dim")


def recommended_issues_table(forecast: Forecast) -> Table:
    """Each issue's outcome under the recommended forecast: the median and 80% interval."""
    assert forecast.recommended is not None
    table = Table(
        title=Text("Where each issue lands: the headline forecast, median (80% interval)"),
        title_justify="left",
    )
    table.add_column("Issue", style="bold", ratio=1)
    table.add_column("Outcome", justify="right")
    for issue in forecast.scenario.issues:
        d = forecast.recommended.distribution[issue.id]
        low, high = d.interval_80
        table.add_row(
            Text(f"{issue.label} ({scale(issue)})"),
            f"{number(d.median)} ({number(low)}-{number(high)})",
        )
    return table


def probabilities_table(forecast: Forecast) -> Table:
    """Over the Monte Carlo draws: how likely each future is per model and for the ensemble,
    with the 95% interval of the Monte Carlo estimate."""
    assert forecast.ensemble is not None
    futures = list(forecast.ensemble.futures)
    table = Table(
        title=Text(f"How likely each future is, over {forecast.draws:,} draws (95% interval)"),
        title_justify="left",
        caption=Text(
            "ensemble: the models pooled with equal weights, not the headline forecast above."
            " The intervals are the simulation error of each estimate (Wilson); more draws"
            " narrow them."
        ),
        caption_justify="left",
    )
    table.add_column("Model", style="bold")
    for future in futures:
        table.add_column(Text(forecast.future_label(future)), justify="right")
    rows = [(name, result.spread) for name, result in forecast.results.items()]
    for name, summary in [*rows, ("ensemble", forecast.ensemble)]:
        assert summary is not None
        cells = []
        for future in futures:
            p = summary.futures.get(future)
            if p is None:
                cells.append("0%")
                continue
            low, high = p.interval_95
            cells.append(f"{p.probability:.0%} ({low:.0%}-{high:.0%})")
        table.add_row(Text(name), *cells)
    return table


def _legend(forecast: Forecast) -> str:
    return "; ".join(f"{name}: {result.label}" for name, result in forecast.results.items())


def anchors_table(forecast: Forecast, model: str) -> Table:
    """What one model's predicted outcome means in words, by the nearest anchor of each issue."""
    result = forecast[model]
    table = Table(
        title=Text(f"In words ({result.label}: nearest labelled point)"), title_justify="left"
    )
    table.add_column("Issue", style="bold")
    table.add_column("Outcome", justify="right")
    table.add_column("Nearest anchor")
    for issue in forecast.scenario.issues:
        value = result.outcome[issue.id]
        table.add_row(Text(issue.label), number(value), Text(issue.anchor_text(value)))
    reading = future_reading(forecast, model)
    if reading:
        table.caption = Text(reading)
        table.caption_justify = "left"
    return table


def future_reading(forecast: Forecast, model: str) -> str:
    """Which named future a model's forecast falls in, and why not each future tried before it:
    the thresholds it misses, with the forecast's values (the words of each issue's nearest
    labelled point may read as another future's; the futures are decided by these thresholds).
    If the bargain was refused, says so first: the outcomes are then the reversion points.
    Empty where the scenario names no futures."""
    scenario = forecast.scenario
    if not scenario.outcomes:
        return ""
    result = forecast[model]
    issues = [issue.id for issue in scenario.issues]
    labels = {issue.id: issue.label for issue in scenario.issues}
    values = np.array([[result.outcome[i] for i in issues]])
    reversion = reversion_of(scenario)
    needed = any(issue.consent and issue.reversion is not None for issue in scenario.issues)
    agreed = np.array([[i not in result.blocked for i in issues]]) if needed else None
    said = []
    if result.blocked:
        actors = {actor.id: named(actor.label) for actor in scenario.actors}
        refusers = sorted(
            {a for who in result.blocked.values() for a in who}, key=list(actors).index
        )
        back = [in_sentence(labels[i]) for i in issues if i in result.blocked]
        where = (
            "every issue is"
            if len(back) == len(issues)
            else f"{listed(back)} {'is' if len(back) == 1 else 'are'}"
        )
        said.append(
            f"The bargain is refused by {listed([actors[a] for a in refusers])}, so {where} at"
            " the reversion point: the words read no deal, not the bargain."
        )
    chosen = forecast.future_label(result.future)
    tested = (values, issues, labels, reversion, agreed)
    missed = []
    found = None
    for outcome in scenario.outcomes:
        if holds(outcome.when, values, issues, reversion, agreed)[0]:
            found = outcome
            break
        missed.append(
            f"not {in_sentence(outcome.label)}, which needs {_terms(outcome.when, *tested)}"
        )
    if (found.id if found else None) != result.future:  # not the future the run found
        return " ".join([*said, f"The forecast falls in {in_sentence(chosen)}."])
    head = f"The forecast falls in {in_sentence(chosen)}"
    if found is not None and found.when != "otherwise":
        head += f", as {_terms(found.when, *tested)}"
    said.append(head + (": " + "; ".join(missed) if missed else "") + ".")
    return " ".join(said)


def _terms(
    rule: Any,
    values: np.ndarray,
    issues: list[str],
    labels: dict[str, str],
    reversion: Any,
    agreed: np.ndarray | None,
) -> str:
    """Why a rule holds, or what it needs where it does not, in words: its conditions, each
    with the forecast's value. Of an ``all`` that fails only the parts it misses are named, of
    an ``any`` that holds only the parts that hold."""
    held = bool(holds(rule, values, issues, reversion, agreed)[0])
    if isinstance(rule, Condition):
        value = values[0, issues.index(rule.issue)]
        return (
            f"{in_sentence(labels[rule.issue])} {rule.op} {rule.value:g}"
            f" (the forecast has {number(value)})"
        )
    if isinstance(rule, Agreement):
        refused = held != rule.agreed
        return f"{rule} (the bargain {'is refused' if refused else 'stands'})"
    if isinstance(rule, (AllOf, AnyOf)):
        parts = rule.all if isinstance(rule, AllOf) else rule.any
        named_parts = [
            p for p in parts if bool(holds(p, values, issues, reversion, agreed)[0]) == held
        ]
        joint = ", or " if isinstance(rule, AnyOf) and not held else " and "
        tested = (values, issues, labels, reversion, agreed)
        return joint.join(_terms(p, *tested) for p in named_parts)
    return describe_rule(rule)


def listed(names: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


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


def scenario_overview(scenario: Scenario) -> list[Table | Text]:
    """Everything a scenario states, as tables: issues, stances, uncertainty, futures, shocks."""
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
        parts.append(shocks_table(scenario))
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


def shocks_table(scenario: Scenario) -> Table:
    """Each shock: what it changes, and why."""
    table = Table(title="Shocks (use with --shock)", title_justify="left")
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


def brief_text(brief: Brief) -> Text:
    """The bottom line, for the terminal: the lead sentence, then the key judgements, what
    would change it and the signposts, each a list."""
    text = Text()
    text.append("Bottom line: ", style="bold")
    text.append(brief.bottom_line + "\n", style="bold")
    for title, sentences in (
        ("Key judgements", brief.judgements),
        ("What would change it", brief.changes),
        ("Signposts to watch (one or two inputs moved, the rest as stated)", brief.signs),
    ):
        if sentences:
            text.append(f"{title}\n", style="bold")
            for sentence in sentences:
                text.append(f"- {sentence}\n")
    return text
