"""The inputs a sensitivity analysis studies: the scenario's uncertainty entries, named for
people, with their stated values and ranges; and SALib's problem over the independent sources
of that uncertainty (Morris, Sobol)."""

from __future__ import annotations

from typing import Any

from flashpoint.analysis.sensitivity.result import Input, InputGroup
from flashpoint.engine.sampling import entry_range, sources, stated_value
from flashpoint.scenario.schema import Scenario


def inputs(scenario: Scenario) -> list[Input]:
    """The scenario's uncertain inputs, in the order of its uncertainty entries."""
    actors = {actor.id: actor for actor in scenario.actors}
    issues = {issue.id: issue for issue in scenario.issues}
    found = []
    for entry in scenario.uncertainty:
        actor = actors[entry.actor]
        low, high = entry_range(scenario, entry)
        where = f" on {issues[entry.issue].label}" if entry.issue is not None else ""
        found.append(
            Input(
                name=f"{actor.label}: {entry.field.replace('_', ' ')}{where}",
                actor=entry.actor,
                issue=entry.issue,
                field=entry.field,
                stated=stated_value(scenario, entry),
                low=low,
                high=high,
            )
        )
    return found


def salib_problem(scenario: Scenario) -> tuple[dict[str, Any], list[Input | InputGroup]]:
    """SALib's problem over the scenario's independent sources of uncertainty (each in [0, 1];
    :func:`~flashpoint.engine.sampling.place_levels`), with the inputs or groups its indices
    are of, in SALib's order (the first appearance of each)."""
    found = inputs(scenario)
    entries = scenario.uncertainty
    groups = {
        group: InputGroup(
            name=f"group {group}: " + "; ".join(item.name for item in members),
            group=group,
            inputs=members,
        )
        for group in sorted({entry.group for entry in entries if entry.group is not None})
        for members in [
            tuple(item for item, entry in zip(found, entries, strict=True) if entry.group == group)
        ]
    }
    names: list[str] = []
    of: list[Input | InputGroup] = []  # what each source's effect counts towards
    for source in sources(scenario):
        if source.group is not None:
            names.append(f"{source.group}: common factor")
            of.append(groups[source.group])
        else:
            item, group = found[source.entry], entries[source.entry].group
            names.append(item.name)
            of.append(item if group is None else groups[group])
    problem: dict[str, Any] = {
        "num_vars": len(names),
        "names": names,
        "bounds": [[0.0, 1.0]] * len(names),
    }
    if groups:
        problem["groups"] = [subject.name for subject in of]
    return problem, list(dict.fromkeys(of))
