"""The native scenario format: a YAML (or JSON) document mirroring :class:`Scenario`.

Reading records the line of every value, so problems are reported as
``korea.yaml, line 42, actors[0].issues.denuclearization.salience: 140 is above ...``.
Writing produces the canonical form: fields in schema order, defaults left out, futures'
conditions as short strings (``"denuclearization >= 70"``). A file holds at most
``FLASHPOINT_MAX_VALUES`` values (:data:`~flashpoint.scenario.guard.LIMITS`), when it is read
and when it is written: a scenario that would hold more is not written, since it could not be
read back.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import yaml

from flashpoint.scenario.errors import Location, Origin, Path_, Problem, ScenarioError
from flashpoint.scenario.guard import limit
from flashpoint.scenario.schema import Agreement, AllOf, AnyOf, Condition, Not, Scenario

VALUES = "FLASHPOINT_MAX_VALUES"  # the limit on the values of a file (guard.LIMITS)
_BOOL, _INT, _FLOAT = (f"tag:yaml.org,2002:{kind}" for kind in ("bool", "int", "float"))
_CORE = (
    (_BOOL, r"true|True|TRUE|false|False|FALSE", "tTfF"),
    (_INT, r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+", "-+0123456789"),
    (
        _FLOAT,
        (
            r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?"
            r"|[-+]?\.(inf|Inf|INF)|\.nan|\.NaN|\.NAN"
        ),
        "-+.0123456789",
    ),
)
"""The plain scalars that YAML 1.2's core schema reads as truth values and numbers."""


class CoreLoader(yaml.SafeLoader):
    """PyYAML's safe loader reading truth values and numbers as YAML 1.2 (its core schema)
    does, not as YAML 1.1: ``yes``, ``no``, ``on`` and ``off`` are text (only ``true`` and
    ``false`` are truth values), ``1:30`` is text (not the sexagesimal 90), ``017`` is 17 (not
    the octal 15; ``0o17`` is octal), and ``1e5`` is a number. Dates stay dates."""

    yaml_implicit_resolvers: ClassVar[dict[str, list[tuple[str, re.Pattern[str]]]]] = {
        first: [(tag, pattern) for tag, pattern in resolvers if tag not in (_BOOL, _INT, _FLOAT)]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:  # type: ignore[override]
        text = str(self.construct_scalar(node))
        if text.startswith(("0o", "0x")):
            return int(text[2:], 8 if text[1] == "o" else 16)
        return int(text)


class CoreDumper(yaml.SafeDumper):
    """PyYAML's safe dumper quoting any text that YAML 1.1 *or* 1.2 would read as something
    else (``yes``, ``1e5``), so that every YAML reader reads it back as text."""


for _tag, _pattern, _first in _CORE:
    CoreLoader.add_implicit_resolver(_tag, re.compile(f"^(?:{_pattern})$"), list(_first))
    CoreDumper.add_implicit_resolver(_tag, re.compile(f"^(?:{_pattern})$"), list(_first))
CoreLoader.add_constructor(_INT, CoreLoader.construct_yaml_int)

_FAST: type | None = None  # CoreLoader on libyaml's parser, where PyYAML was built with it
if getattr(yaml, "__with_libyaml__", False):

    class _FastCoreLoader(yaml.CSafeLoader):  # type: ignore[name-defined,misc]
        """:class:`CoreLoader` on libyaml's parser (about ten times as fast on Korea's file):
        the same resolvers and constructors."""

        yaml_implicit_resolvers = CoreLoader.yaml_implicit_resolvers

    _FastCoreLoader.add_constructor(_INT, CoreLoader.construct_yaml_int)
    _FAST = _FastCoreLoader


def _parsed(text: str, read: Callable[[Any], Any]) -> Any:
    """``read(loader)`` of a loader of ``text``: libyaml's where it has it, and PyYAML's own
    parser for text libyaml refuses, so that a problem is said in the same words on every
    installation, and for text with a tab, which libyaml accepts in places where PyYAML's parser
    does not (``key:<tab>value``)."""
    if _FAST is not None and "\t" not in text:
        try:
            return _read_with(_FAST, text, read)
        except yaml.YAMLError:
            pass
    return _read_with(CoreLoader, text, read)


def _read_with(loader_class: type, text: str, read: Callable[[Any], Any]) -> Any:
    loader = loader_class(text)
    try:
        return read(loader)
    finally:
        loader.dispose()


def load_yaml(text: str) -> Any:
    """A YAML value from text, read as YAML 1.2 (:class:`CoreLoader`)."""
    return _parsed(text, lambda loader: loader.get_single_data())  # a safe loader


def dump_yaml(value: Any, **options: Any) -> str:
    """YAML text of a value that both YAML 1.1 and 1.2 readers read back the same."""
    return yaml.dump(value, Dumper=CoreDumper, allow_unicode=True, **options)


def read_native(text: str, name: str | None = None) -> tuple[Any, Origin, list[Problem]]:
    """Parse YAML or JSON text; return the data, where each value came from, and any problems.

    YAML is read as YAML 1.2 (:class:`CoreLoader`): ``yes`` is text and ``017`` is 17."""
    origin = Origin(file=name)
    problems: list[Problem] = []

    def read(loader: CoreLoader) -> Any:
        origin.places.clear()
        problems.clear()
        node = loader.get_single_node()
        if node is None:
            raise ScenarioError([Problem(Location(file=name), "the file is empty")])
        _record_lines(loader, node, (), origin, problems, [limit(VALUES)])
        return loader.construct_document(node)

    try:
        data = _parsed(text, read)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        what = error.problem or error.context or "unreadable"
        raise ScenarioError(
            [Problem(Location(file=name, line=line), f"this is not valid YAML or JSON: {what}")]
        ) from None
    return data, origin, problems


def _record_lines(
    loader: CoreLoader,
    node: yaml.Node,
    path: Path_,
    origin: Origin,
    problems: list[Problem],
    budget: list[int],
) -> None:
    """Record the line of every value; ``budget`` holds how many values may still be visited
    (aliases count each time they are used), so a file that expands beyond it is refused."""
    budget[0] -= 1
    if budget[0] < 0:
        raise ScenarioError(
            [
                Problem(
                    Location(file=origin.file),
                    f"the file expands to more than {_most_values()}: raise the limit with the"
                    f" environment variable {VALUES}",
                )
            ]
        )
    origin.record(path, line=node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node)
            if isinstance(key, float) and key.is_integer():
                key = int(key)
            line = key_node.start_mark.line + 1
            if key in seen:
                problems.append(
                    Problem(
                        Location(file=origin.file, line=line),
                        f"'{key}' appears twice in the same mapping (first at line {seen[key]})",
                    )
                )
                continue
            seen[key] = line
            _record_lines(loader, value_node, path + (key,), origin, problems, budget)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(loader, item, path + (index,), origin, problems, budget)


def _most_values() -> str:
    """The limit on a file's values, in words."""
    return (
        f"{limit(VALUES):,} values, the most flashpoint reads from a YAML or JSON file (every"
        " mapping, list, number and text counts, and a YAML alias each time it is used)"
    )


def count_values(data: Any) -> int:
    """How many values a file of ``data`` holds, counted as reading it counts them
    (:func:`_record_lines`): each mapping, list and scalar, not the mappings' keys."""
    if isinstance(data, dict):
        return 1 + sum(count_values(value) for value in data.values())
    if isinstance(data, list):
        return 1 + sum(count_values(item) for item in data)
    return 1


def _check_values(data: Any, path: Path) -> None:
    """Refuse to write ``data`` to ``path`` (YAML or JSON) if it holds more values than
    flashpoint reads from a file: the limits that hold for a scenario's file hold for the
    files written from it."""
    count = count_values(data)
    if count > limit(VALUES):
        raise ScenarioError(
            [
                Problem(
                    Location(file=path.name),
                    f"the scenario would be written with {count:,} values, more than"
                    f" {_most_values()}, so flashpoint would refuse to read the file: raise"
                    f" the limit to {count:,} or more with the environment variable {VALUES},"
                    " when writing the file and when reading it",
                )
            ]
        )


def scenario_to_data(scenario: Scenario) -> dict[str, Any]:
    """The canonical plain-data form of a scenario (what YAML and JSON files hold)."""
    data = scenario.model_dump(mode="json", exclude_defaults=True, by_alias=True)
    data = {"id": scenario.id, "title": scenario.title, **data}
    for issue, raw in zip(scenario.issues, data.get("issues", []), strict=True):
        if issue.anchors:
            raw["anchors"] = dict(issue.anchors)
    for outcome, raw in zip(scenario.outcomes, data.get("outcomes", []), strict=True):
        raw["when"] = rule_to_data(outcome.when)
    for shock, raw in zip(scenario.shocks, data.get("shocks", []), strict=True):
        if shock.probability is not None and shock.probability[0] == shock.probability[1]:
            raw["probability"] = shock.probability[0]
    return _numbers(data)


def rule_to_data(rule: Any) -> Any:
    """A future's condition in its written form: strings for comparisons and agreement rules,
    all/any/not maps."""
    if rule == "otherwise":
        return "otherwise"
    if isinstance(rule, Condition | Agreement):
        return str(rule)
    if isinstance(rule, AllOf):
        return {"all": [rule_to_data(part) for part in rule.all]}
    if isinstance(rule, AnyOf):
        return {"any": [rule_to_data(part) for part in rule.any]}
    if isinstance(rule, Not):
        return {"not": rule_to_data(rule.not_)}
    raise TypeError(f"not a rule: {rule!r}")


def _numbers(value: Any) -> Any:
    """Write whole numbers as integers (100, not 100.0) for readable files."""
    if isinstance(value, dict):
        return {whole_number(key): _numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_numbers(item) for item in value]
    return whole_number(value)


def whole_number(value: Any) -> Any:
    """A float that is a whole number as an int (100, not 100.0); anything else unchanged."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


def write_yaml(scenario: Scenario, path: Path) -> None:
    """Write a scenario as YAML (refused, before writing, if it holds too many values)."""
    data = scenario_to_data(scenario)
    _check_values(data, path)
    for field in ("as_of", "horizon"):  # dates as YAML dates
        if getattr(scenario, field) is not None:
            data[field] = getattr(scenario, field)
    text = dump_yaml(data, sort_keys=False, width=100)
    path.write_text(text, encoding="utf-8")


def write_json(scenario: Scenario, path: Path) -> None:
    """Write a scenario as JSON (refused, before writing, if it holds too many values)."""
    data = scenario_to_data(scenario)
    _check_values(data, path)
    text = json.dumps(data, indent=2, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")
