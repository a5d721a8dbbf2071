"""The inputs in full: everything else the scenario states (its issues with their scales'
labelled points, reversion points and who must consent; the uncertain inputs; the shocks), and
what the first model's outcome means in words, by each issue's nearest labelled point and the
named future it falls in, with the thresholds the futures tried before it miss (also printed by
``flashpoint forecast``)."""

from __future__ import annotations

from typing import Any

import numpy as np
from rich.table import Table
from rich.text import Text

from flashpoint.analysis.forecast import Forecast
from flashpoint.analysis.outcomes import holds, reversion_of
from flashpoint.report.formats import listed, number
from flashpoint.report.parts import Section
from flashpoint.report.scenario_tables import (
    describe_rule,
    issues_table,
    shocks_table,
    uncertainty_table,
)
from flashpoint.scenario.schema import Agreement, AllOf, AnyOf, Condition
from flashpoint.scenario.words import in_sentence, named


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


def section(forecast: Forecast) -> Section:
    """Everything else the scenario states: its issues and their scales' labelled points, the
    uncertain inputs, the shocks, and the nearest labelled point of the first model's outcome."""
    scenario = forecast.scenario
    tables: list[Table | Text] = [issues_table(scenario)]
    if scenario.uncertainty:
        tables.append(uncertainty_table(scenario))
    if scenario.shocks:
        tables.append(shocks_table(scenario))
    if any(issue.anchors for issue in scenario.issues):
        tables.append(anchors_table(forecast, forecast.models[0]))
    return Section(id="inputs", title="The inputs in full", tables=tables)
