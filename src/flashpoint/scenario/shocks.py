"""Apply named shocks (what-ifs) to a scenario: set or shift inputs, drop actors.

Shocks compose: ``apply_shocks(s, ["a", "b"])`` applies the changes of ``a``, then of ``b``.
A changed input's uncertainty follows it: a value that is *set* becomes certain (its
uncertainty entry is removed); a value that is *shifted* takes its distribution along (every
location parameter moves by the same amount, clipped to the input's bounds). Its note says which
shock changed it, and keeps the note it had.
"""

from __future__ import annotations

from collections.abc import Iterable

from flashpoint.scenario.errors import Location, Problem, ScenarioError
from flashpoint.scenario.limits import bounds, unweighted_issues
from flashpoint.scenario.schema import Actor, Change, Scenario, Shock, Uncertainty


def apply_shocks(scenario: Scenario, shocks: Iterable[str | Shock]) -> Scenario:
    """Return a new scenario with the shocks' changes applied in order.

    ``shocks`` holds shock ids of the scenario or :class:`Shock` objects. Raises
    :class:`ScenarioError` if a change refers to an actor an earlier change dropped, or if the
    result leaves an issue that no actor carries weight on.
    """
    applied = [scenario.shock(s) if isinstance(s, str) else s for s in shocks]
    if not applied:
        return scenario
    actors = {actor.id: actor for actor in scenario.actors}
    uncertainty = list(scenario.uncertainty)
    problems: list[str] = []
    for shock in applied:
        for change in shock.changes:
            actor = actors.get(change.actor)
            if actor is None:
                problems.append(
                    f"shock '{shock.id}' changes actor '{change.actor}', which an earlier change dropped"
                )
                continue
            if change.drop:
                _drop(actors, actor, change.issue)
                uncertainty = [
                    u
                    for u in uncertainty
                    if not (
                        u.actor == actor.id and (change.issue is None or u.issue == change.issue)
                    )
                ]
                continue
            if change.issue is not None and change.issue not in actor.issues:
                problems.append(
                    f"shock '{shock.id}' changes the {change.field} of actor '{actor.id}' on"
                    f" issue '{change.issue}' after an earlier change dropped it from that issue"
                )
                continue
            actors[actor.id], uncertainty = change_input(
                scenario, f"shock '{shock.id}'", actor, change, uncertainty
            )
    result = scenario.model_copy(
        update={"actors": list(actors.values()), "uncertainty": uncertainty}
    )
    names = ", ".join(f"'{s.id}'" for s in applied)
    problems += [f"after shock {names}: {message}" for message in unweighted_issues(result)]
    if problems:
        raise ScenarioError([Problem(Location(), message) for message in problems])
    return result


def _drop(actors: dict[str, Actor], actor: Actor, issue_id: str | None) -> None:
    if issue_id is None:
        del actors[actor.id]
        return
    remaining = {key: stance for key, stance in actor.issues.items() if key != issue_id}
    if remaining:
        actors[actor.id] = actor.model_copy(update={"issues": remaining})
    else:
        del actors[actor.id]


def change_input(
    scenario: Scenario, cause: str, actor: Actor, change: Change, uncertainty: list[Uncertainty]
) -> tuple[Actor, list[Uncertainty]]:
    """``actor`` with one input set or shifted by ``change`` (not a drop), and ``uncertainty``
    with that input's entry removed (set) or moved along (shifted); the input's note says it
    was changed by ``cause`` (``shock 'summit'``, ``a what-if``) and keeps the note it had."""
    assert change.field is not None
    issue = scenario.issue(change.issue) if change.issue is not None else None
    low, high = bounds(change.field, issue, scenario.salience_scale)
    stance = actor.issues.get(change.issue) if change.issue is not None else None
    if change.field == "capability":
        old = actor.capability_on(change.issue) if change.issue is not None else actor.capability
    else:
        old = getattr(stance, change.field)
    assert old is not None or change.set is not None  # only a red line is ever absent
    new = change.set if change.set is not None else min(max(old + (change.shift or 0.0), low), high)

    note_field = f"{change.field}_note"
    old_note = getattr(stance if stance is not None else actor, note_field)
    was = f"from {old:g} " if old is not None else ""
    note = f"Changed by {cause} {was}to {new:g}." + (f" Before: {old_note}" if old_note else "")
    if stance is None:
        changed = actor.model_copy(update={"capability": new, note_field: note})
    else:
        changed_stance = stance.model_copy(update={change.field: new, note_field: note})
        changed = actor.model_copy(
            update={"issues": {**actor.issues, change.issue: changed_stance}}
        )

    target = (change.actor, change.issue, change.field)
    kept: list[Uncertainty] = []
    for entry in uncertainty:
        if entry.target != target:
            kept.append(entry)
        elif change.shift is not None:
            moved = _shift(entry, new - old, low, high)
            if moved is not None:
                kept.append(moved)
    return changed, kept


def _shift(entry: Uncertainty, delta: float, low: float, high: float) -> Uncertainty | None:
    """Move a distribution's location parameters by ``delta``; None if nothing is left of it."""
    update = {
        name: min(max(value + delta, low), high)
        for name in ("low", "high", "mode", "mean")
        if (value := getattr(entry, name)) is not None
    }
    moved = entry.model_copy(update=update)
    if moved.low is not None and moved.high is not None and not moved.low < moved.high:
        return None
    return moved
