"""Turn raw data from any loader into a :class:`Scenario`, reporting *every* problem at once.

Each record (issue, actor, stance, uncertainty entry, future, shock) is checked on its own, so a
bad record never hides the problems of another; then the records are checked against each other
(positions inside their issue's scale, references to known issues and actors, every issue with
at least one actor who carries weight on it, every shock leaving a usable scenario). Problems are
reported against the logical path of the value and placed in the source file by an
:class:`~flashpoint.scenario.errors.Origin`.
"""

from __future__ import annotations

import difflib
import math
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from flashpoint.scenario.characters import foreign_letters, skeleton
from flashpoint.scenario.errors import Location, Origin, Path_, Problem, ScenarioError
from flashpoint.scenario.limits import bounds, no_weight
from flashpoint.scenario.schema import (
    MAX_MAGNITUDE,
    Actor,
    Agreement,
    AllOf,
    AnyOf,
    Change,
    Condition,
    Issue,
    Not,
    Outcome,
    Scenario,
    Shock,
    Stance,
    Uncertainty,
)
from flashpoint.scenario.shocks import apply_shocks

M = TypeVar("M", bound=BaseModel)
_LISTS = {
    "issues": Issue,
    "actors": Actor,
    "uncertainty": Uncertainty,
    "outcomes": Outcome,
    "shocks": Shock,
}


def build_scenario(
    raw: Any, origin: Origin | None = None, problems: Iterable[Problem] = ()
) -> Scenario:
    """Validate raw data (as read from YAML, JSON or a table) into a :class:`Scenario`.

    ``problems`` are those a loader already found while reading (a cell that is not a number,
    a duplicated key); they are reported together with the ones found here. Raises
    :class:`ScenarioError` listing every problem, each placed by ``origin``.
    """
    origin = origin or Origin()
    report = _Report(origin)
    report.problems.extend(problems)
    if not isinstance(raw, Mapping):
        report.add((), "a scenario must be a mapping of fields (title, issues, actors, ...)")
        report.raise_if_any()
    header = {key: value for key, value in raw.items() if key not in _LISTS}
    for key in header:
        if key not in Scenario.model_fields:
            report.add((key,), _unknown_field(key, [*Scenario.model_fields]))
    header = {key: value for key, value in header.items() if key in Scenario.model_fields}
    scenario_head = report.validate(Scenario, header, ())

    records: dict[str, list[Any]] = {}
    for name in _LISTS:
        value = raw.get(name) or []
        if not isinstance(value, list):
            report.add((name,), f"{name} must be a list")
            value = []
        records[name] = value
    issues = [_item(report, Issue, item, ("issues", i)) for i, item in enumerate(records["issues"])]
    actors = [
        _item(report, Actor, item, ("actors", i), ("issues", Stance))
        for i, item in enumerate(records["actors"])
    ]
    uncertainty = [
        _item(report, Uncertainty, item, ("uncertainty", i))
        for i, item in enumerate(records["uncertainty"])
    ]
    outcomes = [
        _item(report, Outcome, item, ("outcomes", i)) for i, item in enumerate(records["outcomes"])
    ]
    shocks = [
        _item(report, Shock, item, ("shocks", i), ("changes", Change))
        for i, item in enumerate(records["shocks"])
    ]

    scale = (
        scenario_head.salience_scale
        if scenario_head
        else Scenario.model_fields["salience_scale"].default
    )
    if not records["issues"]:
        report.add(("issues",), "the scenario has no issues: list at least one")
    if not records["actors"]:
        report.add(("actors",), "the scenario has no actors: list at least one")
    for kind, items in (
        ("issue", issues),
        ("actor", actors),
        ("future", outcomes),
        ("shock", shocks),
    ):
        _check_ids_differ(report, kind, items)
    known_issues = _check_issues(report, issues)
    known_actors = _check_actors(report, actors, known_issues, scale)
    if actors and all(item.model is not None for item in actors):
        _check_weights(report, issues, [item.model for item in actors if item.model is not None])
    _check_consent(report, issues, known_actors)
    _check_red_lines(report, issues, actors)
    _check_uncertainty(report, uncertainty, known_issues, known_actors, scale)
    _check_outcomes(report, outcomes, known_issues)
    _check_shocks(report, shocks, known_issues, known_actors, scale)
    _check_shock_probabilities(report, shocks)
    _check_sources(
        report,
        raw.get("sources"),
        [("issues", issues), ("actors", actors), ("uncertainty", uncertainty), ("shocks", shocks)],
        scenario_head,
    )
    report.raise_if_any()

    assert scenario_head is not None
    scenario = scenario_head.model_copy(
        update={
            name: [item.model for item in items]
            for name, items in (
                ("issues", issues),
                ("actors", actors),
                ("uncertainty", uncertainty),
                ("outcomes", outcomes),
                ("shocks", shocks),
            )
        }
    )
    _check_each_shock_applies(report, scenario)
    report.raise_if_any()
    return scenario


def scenario_from_data(data: Any) -> Scenario:
    """A scenario from plain data (what a YAML or JSON file holds, as
    :func:`flashpoint.scenario.native.scenario_to_data` gives it), every problem placed by its
    path in the data (``actors[2].issues.peace.salience``)."""
    if not isinstance(data, Mapping):
        raise ScenarioError([Problem(Location(), "a scenario is a mapping of its fields")])
    return build_scenario(dict(data), Origin(show_path=True))


@dataclass
class _Item:
    """One record as read: its position in its list, its id as written, the validated record
    (None if it has problems) and its valid parts (an actor's stances, a shock's changes), which
    are checked against the rest of the scenario even when the record itself is not valid."""

    index: int
    id: Any
    model: Any
    parts: dict[Any, Any]


def _item(
    report: _Report,
    model: type[M],
    item: Any,
    path: Path_,
    parts: tuple[str, type[BaseModel]] | None = None,
) -> _Item:
    index = path[-1]
    assert isinstance(index, int)
    if not isinstance(item, Mapping):
        report.add(path, f"each entry of {path[0]} must be a mapping of fields")
        return _Item(index, None, None, {})
    validated = report.validate(model, item, path)
    found: dict[Any, Any] = {}
    if parts is not None:
        key, part_model = parts
        raw_parts = item.get(key) or {}
        pairs = (
            raw_parts.items()
            if isinstance(raw_parts, Mapping)
            else enumerate(raw_parts)
            if isinstance(raw_parts, list)
            else []
        )
        for name, value in pairs:
            try:
                found[_nfc(str(name)) if isinstance(raw_parts, Mapping) else name] = (
                    part_model.model_validate(value)
                )
            except ValidationError:
                continue
    return _Item(index, _nfc(item.get("id")), validated, found)


def _nfc(value: Any) -> Any:
    """An id as the records hold it (in normal form NFC, :func:`~.characters.check_id`)."""
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


class _Report:
    """Collects problems during one validation."""

    def __init__(self, origin: Origin):
        self.origin = origin
        self.problems: list[Problem] = []

    def add(self, path: Path_, message: str) -> None:
        self.problems.append(self.origin.problem(path, message))

    def validate(self, model: type[M], data: Any, path: Path_) -> M | None:
        try:
            return model.model_validate(data)
        except ValidationError as error:
            for item in error.errors():
                loc = tuple(
                    part
                    for part in item["loc"]
                    if not (isinstance(part, str) and part.startswith(("<", "[key]")))
                )
                self.add(path + loc, _message(item, model))
            return None

    def raise_if_any(self) -> None:
        if self.problems:
            raise ScenarioError(_in_file_order(self.problems))


def _in_file_order(problems: list[Problem]) -> list[Problem]:
    def key(problem: Problem) -> tuple[str, float]:
        place = problem.location
        at = place.row if place.row is not None else place.line
        return (place.sheet or "", at if at is not None else -math.inf)

    return sorted(problems, key=key)


_LISTED = {
    "issue": "issues",
    "actor": "actors",
    "future": "outcomes",
    "shock": "shocks",
    "source": "sources",
}


def _check_ids_differ(report: _Report, kind: str, items: list[_Item]) -> None:
    """Every id of a kind differs from the others by more than case and look-alike letters
    (:func:`~.characters.skeleton`): ``Iran`` and ``iran``, or an ``а`` (Cyrillic) for an ``a``,
    would be taken for one another by a reader (and by a later edit of the file)."""
    name = _LISTED[kind]
    seen: dict[str, _Item] = {}
    for item in items:
        if not isinstance(item.id, str):
            continue
        first = seen.setdefault(skeleton(item.id), item)
        if first is item:
            continue
        where = (name, item.index, "id")
        if first.id == item.id:
            report.add(where, f"the {kind} id '{item.id}' is used more than once")
            continue
        letters = foreign_letters(item.id, first.id)
        report.add(
            where,
            f"the {kind} id '{item.id}' looks like '{first.id}' ({name}[{first.index}])"
            + (f", but for {letters}" if letters else "")
            + ": ids must differ by more than case or look-alike letters, give one another id",
        )


def _check_issues(report: _Report, issues: list[_Item]) -> dict[str, Issue | None]:
    """Issues by id (None where the issue has problems); reports bad scales (duplicated ids are
    reported by :func:`_check_ids_differ`)."""
    known: dict[str, Issue | None] = {}
    for item in issues:
        if isinstance(item.id, str) and item.id in known:
            continue
        if isinstance(item.id, str):
            known[item.id] = item.model
        issue = item.model
        if issue is None:
            continue
        if not issue.min < issue.max:
            report.add(
                ("issues", item.index, "max"),
                f"the scale's max ({issue.max:g}) must be above its min ({issue.min:g})",
            )
            known[item.id] = None  # positions cannot be checked against a broken scale
            continue
        for point in issue.anchors:
            if not issue.min <= point <= issue.max:
                report.add(
                    ("issues", item.index, "anchors", _key(point)),
                    f"the anchor at {point:g} is outside the scale {_scale(issue)}",
                )
        for name in ("actual", "reversion"):
            value = getattr(issue, name)
            if value is not None and not issue.min <= value <= issue.max:
                what = "actual outcome" if name == "actual" else "reversion point"
                report.add(
                    ("issues", item.index, name),
                    f"the {what} {value:g} is outside the scale {_scale(issue)}",
                )
        if issue.consent and issue.reversion is None:
            report.add(
                ("issues", item.index, "consent"),
                "consent needs a reversion point: the outcome if an actor refuses (reversion)",
            )
    return known


def _check_actors(
    report: _Report, actors: list[_Item], issues: dict[str, Issue | None], scale: float
) -> dict[str, Actor | None]:
    """Actors by id (None where the actor has problems); checks each stance against its issue."""
    known: dict[str, Actor | None] = {}
    for item in actors:
        path = ("actors", item.index)
        if isinstance(item.id, str) and item.id in known:
            continue
        if isinstance(item.id, str):
            known[item.id] = item.model
        actor: Actor | None = item.model
        if actor is not None and not actor.issues:
            report.add(
                path + ("issues",),
                f"actor '{actor.id}' takes part in no issue: give it a position and salience on one",
            )
        for issue_id, stance in item.parts.items():
            where = path + ("issues", issue_id)
            if issue_id not in issues:
                report.add(where, _unknown("issue", issue_id, issues))
                continue
            issue = issues[issue_id]
            if (
                issue is not None
                and (message := _outside_scale(stance.position, issue)) is not None
            ):
                report.add(where + ("position",), message)
            if stance.salience > scale:
                report.add(
                    where + ("salience",),
                    f"{stance.salience:g} is above the salience scale's maximum {scale:g}",
                )
            if stance.red_line is not None and issue is not None:
                message = _outside_scale(stance.red_line, issue)
                if message is None and stance.red_line == stance.position:
                    message = (
                        f"the red line {stance.red_line:g} is the actor's own position: a red"
                        " line lies below or above it, where the actor refuses any bargain"
                    )
                if message is not None:
                    report.add(where + ("red_line",), message)
            if actor is not None and actor.capability_on(issue_id) is None:
                report.add(
                    where + ("capability",),
                    f"actor '{actor.id}' has no capability on issue '{issue_id}':"
                    " give the actor a capability, or give it one on this issue",
                )
    return known


def _check_consent(report: _Report, issues: list[_Item], actors: dict[str, Actor | None]) -> None:
    """Every actor whose consent an issue needs is an actor taking part in the issue."""
    for item in issues:
        issue: Issue | None = item.model
        if issue is None:
            continue
        for index, name in enumerate(issue.consent):
            where = ("issues", item.index, "consent", index)
            if name not in actors:
                report.add(where, _unknown("actor", name, actors))
            elif (actor := actors[name]) is not None and issue.id not in actor.issues:
                report.add(
                    where,
                    f"actor '{name}' takes no part in issue '{issue.id}': give it a position and"
                    " salience there to need its consent",
                )


def _check_red_lines(report: _Report, issues: list[_Item], actors: list[_Item]) -> None:
    """A red line binds only where the issue needs the actor's consent (it has a reversion point
    and lists the actor in ``consent``): elsewhere it would change nothing, silently."""
    terms = {item.model.id: item.model for item in issues if item.model is not None}
    for item in actors:
        for issue_id, stance in item.parts.items():
            issue = terms.get(issue_id)
            if stance.red_line is None or issue is None:
                continue
            if issue.reversion is None or item.id not in issue.consent:
                report.add(
                    ("actors", item.index, "issues", issue_id, "red_line"),
                    f"a red line binds only where the issue needs the actor's consent: give issue"
                    f" '{issue_id}' a reversion point and list '{item.id}' in its consent, or"
                    " leave the red line out",
                )


def _check_weights(report: _Report, issues: list[_Item], actors: list[Actor]) -> None:
    for item in issues:
        if item.model is not None and (message := no_weight(item.model.id, actors)) is not None:
            report.add(("issues", item.index), message)


def _check_uncertainty(
    report: _Report,
    entries: list[_Item],
    issues: dict[str, Issue | None],
    actors: dict[str, Actor | None],
    scale: float,
) -> None:
    seen: dict[tuple[str, str | None, str], int] = {}
    for item in entries:
        entry: Uncertainty | None = item.model
        if entry is None:
            continue
        path = ("uncertainty", item.index)
        base = _resolve_input(report, path, entry.actor, entry.issue, entry.field, issues, actors)
        if base is None:
            continue
        if entry.target in seen:
            report.add(
                path, f"this input already has an uncertainty (uncertainty[{seen[entry.target]}])"
            )
            continue
        seen[entry.target] = item.index
        low_bound, high_bound = bounds(entry.field, issues.get(entry.issue or ""), scale)
        what = _input_name(entry.field, entry.issue)
        for name in ("low", "high", "mode", "mean"):
            value = getattr(entry, name)
            if value is not None and not low_bound <= value <= high_bound:
                report.add(
                    path + (name,),
                    f"{name} {value:g} is outside the range of {what} ({_range(low_bound, high_bound)})",
                )
        low = entry.low if entry.low is not None else low_bound
        high = entry.high if entry.high is not None else high_bound
        if (
            entry.distribution in ("uniform", "triangular")
            or entry.low is not None
            or entry.high is not None
        ):
            if not low <= base <= high:
                report.add(
                    path,
                    f"the stated value {base:g} of {what} lies outside its own range {_range(low, high)}",
                )
        if entry.mode is not None and not low <= entry.mode <= high:
            report.add(
                path + ("mode",),
                f"the mode {entry.mode:g} lies outside the range {_range(low, high)}",
            )
        if entry.distribution == "beta":
            if math.isinf(high):
                report.add(path + ("high",), f"a beta distribution of {what} needs a finite high")
                continue
            mean = entry.mean if entry.mean is not None else base
            assert entry.sd is not None
            if not low < mean < high:
                report.add(
                    path,
                    f"a beta distribution needs its mean ({mean:g}) strictly inside {_range(low, high)}",
                )
                continue
            limit = math.sqrt((mean - low) * (high - mean))
            if entry.sd >= limit:
                report.add(
                    path + ("sd",),
                    f"sd {entry.sd:g} is too large for a beta distribution with mean {mean:g}"
                    f" on {_range(low, high)}: it must be below {limit:.3g}",
                )


def _resolve_input(
    report: _Report,
    path: Path_,
    actor_id: str,
    issue_id: str | None,
    field: str,
    issues: Mapping[str, Issue | None],
    actors: Mapping[str, Actor | None],
) -> float | None:
    """The stated value of an input named by actor, issue and field; reports what is unknown.

    None (without a report) when the actor or issue exists but has problems of its own."""
    if actor_id not in actors:
        report.add(path + ("actor",), _unknown("actor", actor_id, actors))
        return None
    if issue_id is not None and issue_id not in issues:
        report.add(path + ("issue",), _unknown("issue", issue_id, issues))
        return None
    actor = actors[actor_id]
    if actor is None or (issue_id is not None and issues[issue_id] is None):
        return None
    if issue_id is None:
        if field != "capability":
            report.add(path + ("issue",), f"a {field} needs an issue")
            return None
        if actor.capability is None:
            report.add(path, f"actor '{actor_id}' has no capability of its own; name the issue")
            return None
        return actor.capability
    stance = actor.issues.get(issue_id)
    if stance is None:
        report.add(path + ("issue",), f"actor '{actor_id}' has no stance on issue '{issue_id}'")
        return None
    if field == "capability":
        return actor.capability_on(issue_id)
    if field == "red_line" and stance.red_line is None:
        report.add(
            path + ("field",),
            f"actor '{actor_id}' states no red line on issue '{issue_id}': give it one (red_line)"
            " before drawing or changing it",
        )
        return None
    return getattr(stance, field)


def _check_outcomes(
    report: _Report, outcomes: list[_Item], issues: dict[str, Issue | None]
) -> None:
    last = len(outcomes) - 1
    for item in outcomes:
        path = ("outcomes", item.index)
        outcome: Outcome | None = item.model
        if outcome is None:
            continue
        if outcome.when == "otherwise":
            if item.index != last:
                report.add(
                    path + ("when",),
                    "'otherwise' catches every prediction, so it must be the last future listed",
                )
            continue
        for where, condition in conditions(outcome.when, path + ("when",)):
            if isinstance(condition, Agreement):
                _check_agreement_rule(report, where, condition, issues)
                continue
            if condition.issue not in issues:
                report.add(where, _unknown("issue", condition.issue, issues))
                continue
            issue = issues[condition.issue]
            if issue is not None and not issue.min <= condition.value <= issue.max:
                report.add(
                    where,
                    f"the threshold {condition.value:g} in '{condition}' is outside the scale"
                    f" {_scale(issue)} of issue '{issue.id}'",
                )


def _check_agreement_rule(
    report: _Report, where: Path_, rule: Agreement, issues: dict[str, Issue | None]
) -> None:
    """An agreement rule tests issues with a reversion point: the one it names, or any."""
    if rule.issue is not None and rule.issue not in issues:
        report.add(where, _unknown("issue", rule.issue, issues))
        return
    named = [issues[rule.issue]] if rule.issue is not None else list(issues.values())
    if not any(issue is not None and issue.reversion is not None for issue in named):
        report.add(
            where,
            f"'{rule}' needs a reversion point"
            + (f" on issue '{rule.issue}'" if rule.issue else " on an issue")
            + " (reversion: the outcome if no agreement is reached)",
        )


def conditions(rule: Any, path: Path_ = ()) -> Iterator[tuple[Path_, Condition | Agreement]]:
    """Every condition (and agreement rule) in a rule tree, with its path."""
    if isinstance(rule, Condition | Agreement):
        yield path, rule
    elif isinstance(rule, AllOf):
        for index, part in enumerate(rule.all):
            yield from conditions(part, path + ("all", index))
    elif isinstance(rule, AnyOf):
        for index, part in enumerate(rule.any):
            yield from conditions(part, path + ("any", index))
    elif isinstance(rule, Not):
        yield from conditions(rule.not_, path + ("not",))


def _check_sources(
    report: _Report,
    sources: Any,
    lists: list[tuple[str, list[_Item]]],
    head: BaseModel | None = None,
) -> None:
    """Every source a record (and the scenario's ``head``: its horizon) cites (its ``source``
    and ``*_source`` fields) is one of the scenario's sources, by id."""
    listed = [
        _Item(index, _nfc(source["id"]), source, {})
        for index, source in enumerate(sources if isinstance(sources, list) else [])
        if isinstance(source, Mapping) and isinstance(source.get("id"), str) and source["id"]
    ]
    _check_ids_differ(report, "source", listed)
    known = {item.id: item.model for item in listed}
    records: list[tuple[Path_, BaseModel]] = [((), head)] if head is not None else []
    for name, items in lists:
        for item in items:
            path: Path_ = (name, item.index)
            records += [(path, item.model)] if item.model is not None else []
            if name == "actors":  # an actor's valid stances, even when the actor is not
                records += [(path + ("issues", key), part) for key, part in item.parts.items()]
    for where, record in records:
        for field, cited in _citations(record):
            for index, source in enumerate(cited):
                if source not in known:
                    report.add(where + (field, index), _unknown_source(source, known))


def _citations(record: BaseModel) -> Iterator[tuple[str, list[str]]]:
    """A record's source fields (``source`` and ``*_source``) and the ids each cites."""
    for field in type(record).model_fields:
        if field == "source" or field.endswith("_source"):
            yield field, getattr(record, field)


def _unknown_source(name: str, known: Mapping[str, Any]) -> str:
    if not known:
        return (
            f"unknown source '{name}': the scenario lists no sources; add one with id '{name}'"
            " and its citation under sources"
        )
    return _unknown("source", name, known) + ": cite the id of an entry under sources"


def _check_shock_probabilities(report: _Report, shocks: list[_Item]) -> None:
    """The shocks of a scenario tree are exclusive branches: their probabilities, at the high
    end of their ranges, add up to 1 at most (the rest is the scenario as stated)."""
    likely = [item.model for item in shocks if item.model is not None and item.model.probability]
    total = sum(shock.probability[1] for shock in likely)
    if total > 1 + 1e-12:
        report.add(
            ("shocks",),
            f"the shocks' probabilities add up to {total:g} at the high end of their ranges:"
            " a scenario tree's branches exclude each other, so at most 1",
        )


def _check_shocks(
    report: _Report,
    shocks: list[_Item],
    issues: dict[str, Issue | None],
    actors: dict[str, Actor | None],
    scale: float,
) -> None:
    for item in shocks:
        for number, change in item.parts.items():
            path = ("shocks", item.index, "changes", number)
            if change.drop:
                if change.actor not in actors:
                    report.add(path + ("actor",), _unknown("actor", change.actor, actors))
                elif change.issue is not None:
                    actor = actors[change.actor]
                    if change.issue not in issues:
                        report.add(path + ("issue",), _unknown("issue", change.issue, issues))
                    elif actor is not None and change.issue not in actor.issues:
                        report.add(
                            path + ("issue",),
                            f"actor '{change.actor}' has no stance on issue '{change.issue}'",
                        )
                continue
            assert change.field is not None
            if (
                _resolve_input(
                    report, path, change.actor, change.issue, change.field, issues, actors
                )
                is None
            ):
                continue
            low, high = bounds(change.field, issues.get(change.issue or ""), scale)
            if change.set is not None and not low <= change.set <= high:
                what = _input_name(change.field, change.issue)
                report.add(
                    path + ("set",),
                    f"{change.set:g} is outside the range of {what} ({_range(low, high)})",
                )


def _check_each_shock_applies(report: _Report, scenario: Scenario) -> None:
    for index, shock in enumerate(scenario.shocks):
        try:
            apply_shocks(scenario, [shock.id])
        except ScenarioError as error:
            for problem in error.problems:
                report.add(("shocks", index), problem.message)


def _outside_scale(value: float, issue: Issue) -> str | None:
    if value > issue.max:
        return f"{value:g} is above the upper bound {issue.max:g} of issue '{issue.id}' (scale {_scale(issue)})"
    if value < issue.min:
        return f"{value:g} is below the lower bound {issue.min:g} of issue '{issue.id}' (scale {_scale(issue)})"
    return None


def _scale(issue: Issue) -> str:
    return _range(issue.min, issue.max)


def _range(low: float, high: float) -> str:
    return f"{low:g} to {high:g}" if not math.isinf(high) else f"{low:g} or more"


def _input_name(field: str, issue_id: str | None) -> str:
    return f"the {field} on issue '{issue_id}'" if issue_id else f"the {field}"


def _key(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def _unknown(kind: str, name: str, known: Mapping[str, Any]) -> str:
    message = f"unknown {kind} '{name}'"
    close = difflib.get_close_matches(name, list(known), n=1)
    if close:
        return message + f" (did you mean '{close[0]}'?)"
    listing = ", ".join(list(known)[:12]) + (", ..." if len(known) > 12 else "")
    return message + (f" ({kind}s: {listing})" if known else "")


def _unknown_field(name: str, allowed: list[str]) -> str:
    close = difflib.get_close_matches(name, allowed, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else f" (allowed: {', '.join(allowed)})"
    return f"unknown field '{name}'{hint}"


def _message(item: Mapping[str, Any], model: type[BaseModel]) -> str:
    """A plain-words message for one pydantic error."""
    kind = item["type"]
    value = item.get("input")
    ctx = item.get("ctx") or {}
    name = next(
        (str(p) for p in reversed(item["loc"]) if isinstance(p, str) and not p.startswith("<")),
        "value",
    )
    if kind == "missing":
        return f"{name} is missing"
    if kind == "dict_type" and item["loc"][:1] == ("model_options",):
        if len(item["loc"]) == 1:
            return "model_options must map model names to their options"
        return (
            f"the options of model '{item['loc'][1]}' must be a mapping of option names to values"
        )
    if kind in ("int_parsing", "int_type", "int_from_float"):
        shown = f"'{value}'" if isinstance(value, str) else _num(value)
        return f"{shown} is not a whole number"
    if kind == "less_than":
        return f"{_num(value)} is too large: it must be below {_num(ctx.get('lt'))}"
    if kind == "extra_forbidden":
        allowed = [f for f in _fields_at(model, item["loc"])] or []
        return _unknown_field(name, allowed)
    if kind in ("float_parsing", "float_type"):
        return f"'{value}' is not a number" if value not in (None, "") else f"{name} is empty"
    if kind == "finite_number":
        return f"{name} must be a finite number"
    if (
        kind in ("greater_than_equal", "less_than_equal")
        and abs(ctx.get("ge", ctx.get("le", 0))) == MAX_MAGNITUDE
    ):
        return (
            f"{_num(value)} is too large to compute with: a number here is at most"
            f" {MAX_MAGNITUDE:.0e} in size (choose larger units for the scale, e.g. billions)"
        )
    if kind == "greater_than_equal":
        bound = ctx.get("ge")
        if bound == 0:
            return f"{_num(value)} is negative; it must be 0 or more"
        return f"{_num(value)} is below the minimum {bound}"
    if kind == "greater_than":
        return f"{_num(value)} must be above {_num(ctx.get('gt'))}"
    if kind == "less_than_equal" and name == "capability":
        return (
            f"{_num(value)} is too large to compute with (at most 1e12): capabilities are"
            " relative, only their ratios matter, so divide them all by a common factor"
        )
    if kind == "less_than_equal":
        return f"{_num(value)} is above the maximum {ctx.get('le')}"
    if kind == "string_pattern_mismatch" and name == "colour":
        return f"'{value}' is not a colour: write it as #rrggbb, e.g. #1f77b4"
    if kind == "string_pattern_mismatch":
        return f"'{value}' is not a valid id: start with a letter, then use letters, digits, '_' or '-'"
    if kind == "string_too_short":
        return f"{name} must not be empty"
    if kind in ("string_type",):
        return f"{name} must be text"
    if kind == "literal_error":
        return f"'{value}' is not one of {ctx.get('expected')}"
    if kind in ("bool_parsing", "bool_type"):
        return f"'{value}' is not true or false"
    if kind.startswith("date"):
        return f"'{value}' is not a date: write it as YYYY-MM-DD"
    if kind == "list_type":
        return f"{name} must be a list"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"{name} must be a mapping of fields"
    if kind == "too_short":
        return f"{name} must not be empty"
    if kind == "value_error":
        return str(ctx.get("error", item["msg"]))
    return str(item["msg"])


def _num(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    try:
        return f"{float(value):g}"
    except (TypeError, ValueError):
        return repr(value)


def _fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Field names allowed where an unknown field was found (best effort, for suggestions)."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int) or (isinstance(part, str) and part.startswith("<")):
            continue
        fields = getattr(current, "model_fields", {})
        if part not in fields:
            break
        annotation = fields[part].annotation
        current = _model_in(annotation) or current
    return [info.alias or name for name, info in getattr(current, "model_fields", {}).items()]


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None
