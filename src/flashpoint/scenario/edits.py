"""Edits: single inputs of a scenario moved by hand, as in a what-if (issue #38).

An edit names one input by ids, never by list positions, and gives its new value:

==============================================  ==============================================
path                                            value
==============================================  ==============================================
``actors.ACTOR.issues.ISSUE.position``          a point of the issue's scale
``actors.ACTOR.issues.ISSUE.salience``          0 to the scenario's salience scale
``actors.ACTOR.issues.ISSUE.capability``        0 or more (the actor's capability on the issue)
``actors.ACTOR.issues.ISSUE.no_deal_cost``      0 or more
``actors.ACTOR.issues.ISSUE.red_line``          a point of the issue's scale
``actors.ACTOR.capability``                     0 or more
``issues.ISSUE.reversion``                      a point of the scale (the outcome of no deal)
``shocks.SHOCK``                                true (applied) or false (as stated: not)
==============================================  ==============================================

The shocks switched on are applied first, in the scenario's order (:func:`.apply_shocks`); then
each value, in the order given. A moved value takes its uncertainty along (the input's
distribution shifts by the same amount, as a shock's ``shift`` does), so that the same seed
draws the same deviations from it and only the move changes a forecast; a red line drawn where
the actor had none, and a reversion point, are set. Each moved input's note says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool

from flashpoint.scenario.errors import Location, Problem, ScenarioError
from flashpoint.scenario.limits import bounds, unweighted_issues
from flashpoint.scenario.places import field_words
from flashpoint.scenario.schema import Change, Scenario
from flashpoint.scenario.shocks import apply_shocks, change_input

STANCE_FIELDS = ("position", "salience", "capability", "no_deal_cost", "red_line")
CAUSE = "a what-if"  # what a moved input's note says changed it


def _number_or_switch(value: object) -> object:
    """Refuse, in one sentence, a value that is neither a number nor true/false."""
    if isinstance(value, bool | int | float):
        return value
    raise ValueError("give a number, or true or false to switch a shock")


class Edit(BaseModel):
    """One input moved: ``path`` (the table in the module docstring) and its new ``value``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: Annotated[str, Field(min_length=1, max_length=300)] = Field(
        description="The input, by ids: actors.ACTOR.issues.ISSUE.FIELD (position, salience,"
        " capability, no_deal_cost, red_line), actors.ACTOR.capability, issues.ISSUE.reversion"
        " or shocks.SHOCK.",
        examples=["actors.united_states.issues.sanctions_relief.position"],
    )
    value: Annotated[StrictBool | float, BeforeValidator(_number_or_switch)] = Field(
        description="The new value: a number, or true/false to switch a shock on or off.",
        examples=[40],
    )


def apply_edits(scenario: Scenario, edits: Sequence[Edit]) -> Scenario:
    """``scenario`` with ``edits`` applied (the module docstring); raises :class:`ScenarioError`
    listing every edit that names no input of the scenario or a value out of its range, each
    placed by its path."""
    problems = [
        Problem(Location(path=edit.path), message)
        for edit in edits
        if (message := edit_problem(scenario, edit)) is not None
    ]
    if problems:
        raise ScenarioError(problems)
    switched = {edit.path.split(".", 1)[1]: edit.value for edit in edits if _is_switch(edit)}
    edited = apply_shocks(scenario, [s.id for s in scenario.shocks if switched.get(s.id) is True])
    for edit in edits:
        if not _is_switch(edit):
            edited = _move(edited, edit)
    left = unweighted_issues(edited)
    if left:
        raise ScenarioError([Problem(Location(), f"after the edits: {m}") for m in left])
    return edited


def edit_problem(scenario: Scenario, edit: Edit) -> str | None:
    """What is wrong with ``edit`` on ``scenario``, in words, or None."""
    parts = edit.path.split(".")
    head = parts[0]
    if head == "shocks":
        if len(parts) != 2:
            return "a shock is switched by shocks.SHOCK"
        if parts[1] not in {s.id for s in scenario.shocks}:
            return f"no shock '{parts[1]}' in this scenario{_known(s.id for s in scenario.shocks)}"
        if not isinstance(edit.value, bool):
            return "a shock is switched on with true, or off with false"
        return None
    if isinstance(edit.value, bool):
        return "this input takes a number, not true or false"
    if head == "issues":
        if len(parts) != 3 or parts[2] != "reversion":
            return "an issue's input is issues.ISSUE.reversion (the outcome of no deal)"
        issue = _issue(scenario, parts[1])
        if issue is None:
            return f"no issue '{parts[1]}' in this scenario{_known(i.id for i in scenario.issues)}"
        return _out_of(edit.value, issue.min, issue.max, f"the scale of {issue.label}")
    if head != "actors":
        return "a path starts with actors, issues or shocks"
    actor = next((a for a in scenario.actors if a.id == parts[1]), None) if len(parts) > 1 else None
    if actor is None:
        name = parts[1] if len(parts) > 1 else ""
        return f"no actor '{name}' in this scenario{_known(a.id for a in scenario.actors)}"
    if len(parts) == 3 and parts[2] == "capability":
        return _out_of(edit.value, 0.0, float("inf"), "capability's range")
    if len(parts) != 5 or parts[2] != "issues" or parts[4] not in STANCE_FIELDS:
        return (
            "an actor's input is actors.ACTOR.capability or actors.ACTOR.issues.ISSUE.FIELD,"
            f" FIELD one of {', '.join(STANCE_FIELDS)}"
        )
    issue = _issue(scenario, parts[3])
    if issue is None:
        return f"no issue '{parts[3]}' in this scenario{_known(i.id for i in scenario.issues)}"
    if issue.id not in actor.issues:
        return f"{actor.label} takes no part in {issue.label}"
    low, high = bounds(parts[4], issue, scenario.salience_scale)
    where = f"the scale of {issue.label}" if parts[4] in ("position", "red_line") else "its range"
    return _out_of(edit.value, low, high, where)


def describe(scenario: Scenario, edit: Edit) -> str:
    """An edit in words, with the value it replaces: ``United States, Sanctions relief:
    position 50 → 40``; ``Shock: Summit collapses, applied``. ``edit`` is a valid edit of
    ``scenario`` (:func:`edit_problem`)."""
    parts = edit.path.split(".")
    if parts[0] == "shocks":
        shock = scenario.shock(parts[1])
        return f"Shock: {shock.label}, {'applied' if edit.value else 'not applied'}"
    if parts[0] == "issues":
        issue = scenario.issue(parts[1])
        return f"{issue.label}: outcome of no deal {_was(issue.reversion)}{edit.value:g}"
    actor = scenario.actor(parts[1])
    if len(parts) == 3:
        return f"{actor.label}: capability {_was(actor.capability)}{edit.value:g}"
    issue, field = scenario.issue(parts[3]), parts[4]
    stance = actor.issues[issue.id]
    stated = actor.capability_on(issue.id) if field == "capability" else getattr(stance, field)
    return f"{actor.label}, {issue.label}: {field_words(field)} {_was(stated)}{edit.value:g}"


def _was(value: float | None) -> str:
    return f"{value:g} → " if value is not None else "none → "


def _is_switch(edit: Edit) -> bool:
    return edit.path.startswith("shocks.")


def _move(scenario: Scenario, edit: Edit) -> Scenario:
    """``scenario`` with the input of a valid value ``edit`` at its value (the module
    docstring)."""
    parts = edit.path.split(".")
    value = float(edit.value)
    if parts[0] == "issues":
        issues = [
            issue.model_copy(
                update={
                    "reversion": value,
                    "reversion_note": f"Set by {CAUSE} to {value:g}."
                    + (f" Before: {issue.reversion_note}" if issue.reversion_note else ""),
                }
            )
            if issue.id == parts[1]
            else issue
            for issue in scenario.issues
        ]
        return scenario.model_copy(update={"issues": issues})
    actor = scenario.actor(parts[1])
    field = "capability" if len(parts) == 3 else parts[4]
    issue = parts[3] if len(parts) == 5 else None
    stance = actor.issues[issue] if issue is not None else None
    if field == "capability":
        stated = actor.capability_on(issue) if issue is not None else actor.capability
    else:
        stated = getattr(stance, field)
    # A stated value moves with its distribution (the value is in range: the shift never
    # clips); a red line drawn where there was none is set.
    move = dict(shift=value - stated) if stated is not None else dict(set=value)
    change = Change(actor=actor.id, issue=issue, field=field, **move)
    changed, uncertainty = change_input(scenario, CAUSE, actor, change, list(scenario.uncertainty))
    actors = [changed if a.id == actor.id else a for a in scenario.actors]
    return scenario.model_copy(update={"actors": actors, "uncertainty": uncertainty})


def _issue(scenario: Scenario, issue_id: str):
    return next((issue for issue in scenario.issues if issue.id == issue_id), None)


def _known(ids: Iterable[str]) -> str:
    listed = list(ids)
    return f" (it has {', '.join(listed)})" if listed else " (it has none)"


def _out_of(value: float, low: float, high: float, where: str) -> str | None:
    if low <= value <= high:
        return None
    span = f"{low:g} or more" if high == float("inf") else f"{low:g} to {high:g}"
    return f"{value:g} is outside {where}, {span}"
