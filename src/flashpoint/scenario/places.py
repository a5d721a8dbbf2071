"""A place in a scenario's data in words (issue #38): the path a validation problem carries
(``actors[0].issues.denuclearization.salience``, ``uncertainty[3]``) as a person names it, from
the labels of the data itself (``North Korea, Denuclearization, salience``; ``Uncertainty entry 4
(United States, Denuclearization, red line)``), for every front that shows problems of data it
holds (the web app's editor)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flashpoint.scenario.characters import visible
from flashpoint.scenario.words import capitalised

_FIELD_WORDS = {
    "label": "name",
    "min": "scale minimum",
    "max": "scale maximum",
    "anchors": "labelled points",
    "actual": "actual outcome",
    "reversion": "reversion point",
    "no_deal_cost": "cost of no deal",
    "red_line": "red line",
    "issues": "stances",
    "when": "condition",
    "changes": "changes",
    "set": "value set",
    "shift": "shift",
    "drop": "drop",
    "op": "comparison",
    "agreed": "agreement",
    "sd": "sd",
    "as_of": "date of the information",
    "salience_scale": "salience scale",
    "model_options": "model options",
    "source": "sources",
}
_LISTS = {
    "issues": "Issues",
    "actors": "Actors",
    "uncertainty": "Uncertainty",
    "outcomes": "Futures",
    "shocks": "Shocks",
    "sources": "Sources",
}
_PART = re.compile(r"\.?([^.\[\]]+)|\[([^\]]*)\]")


def field_words(name: str) -> str:
    """A field of the scenario format in words: ``no_deal_cost`` -> ``cost of no deal``,
    ``red_line_note`` -> ``red line note``."""
    if name in _FIELD_WORDS:
        return _FIELD_WORDS[name]
    for suffix, word in (("_note", "note"), ("_source", "sources")):
        if name.endswith(suffix) and len(name) > len(suffix):
            return f"{field_words(name[: -len(suffix)])} {word}"
    return name.replace("_", " ")


def _parts(path: str) -> list[str | int]:
    parts: list[str | int] = []
    for match in _PART.finditer(path):
        name, index = match.groups()
        if name is not None:
            parts.append(name)
        else:
            parts.append(int(index) if index.lstrip("-").isdigit() else index)
    return parts


def _records(data: Any, key: str) -> list[Any]:
    value = data.get(key) if isinstance(data, Mapping) else None
    return value if isinstance(value, list) else []


def _text(value: Any) -> str | None:
    return visible(value.strip(), 60) if isinstance(value, str) and value.strip() else None


def _name(record: Any, fallback: str) -> str:
    """A record's label, else its id, else ``fallback``."""
    if isinstance(record, Mapping):
        return _text(record.get("label")) or _text(record.get("id")) or fallback
    return fallback


def _record(data: Any, key: str, index: Any) -> Any:
    records = _records(data, key)
    return records[index] if isinstance(index, int) and 0 <= index < len(records) else None


def _issue_name(data: Any, issue_id: Any) -> str | None:
    if not isinstance(issue_id, str) or not issue_id:
        return None
    for issue in _records(data, "issues"):
        if isinstance(issue, Mapping) and issue.get("id") == issue_id:
            return _name(issue, visible(issue_id, 60))
    return visible(issue_id, 60)


def _actor_name(data: Any, actor_id: Any) -> str | None:
    if not isinstance(actor_id, str) or not actor_id:
        return None
    for actor in _records(data, "actors"):
        if isinstance(actor, Mapping) and actor.get("id") == actor_id:
            return _name(actor, visible(actor_id, 60))
    return visible(actor_id, 60)


def _target(data: Any, record: Any) -> str:
    """What an uncertainty entry or a change is about: ``(North Korea, Denuclearization,
    salience)``, or '' when it names nothing."""
    if not isinstance(record, Mapping):
        return ""
    named = [
        _actor_name(data, record.get("actor")),
        _issue_name(data, record.get("issue")),
        field_words(record["field"]) if isinstance(record.get("field"), str) else None,
    ]
    if record.get("drop") is True:
        named.append("dropped")
    said = ", ".join(part for part in named if part)
    return f" ({said})" if said else ""


def _rest(parts: list[str | int]) -> list[str]:
    """The fields below a record in words: ``low``; ``labelled point 200``; ``consent, entry
    2``."""
    words: list[str] = []
    for at, part in enumerate(parts):
        before = parts[at - 1] if at else None
        if before == "anchors":
            words[-1] = f"labelled point {part}"
        elif isinstance(part, int):
            words.append(f"entry {part + 1}")
        else:
            words.append(field_words(part))
    return words


def _condition(parts: list[str | int]) -> list[str]:
    """Where in a future's condition: ``condition part 2.1``, then the field (``value``)."""
    numbers: list[str] = []
    fields: list[str] = []
    for part in parts:
        if isinstance(part, int):
            numbers.append(str(part + 1))
        elif part not in ("all", "any", "not"):
            fields.append(field_words(part))
    head = "condition" + (f" part {'.'.join(numbers)}" if numbers else "")
    return [head, *fields]


def place_in_words(path: str | None, data: Any = None) -> str | None:
    """Where the value at ``path`` of a scenario's data is, in words, its actors, issues,
    futures and shocks named by their labels in ``data`` (by their place when ``data`` does not
    have them): ``actors[0].issues.denuclearization.salience`` -> ``North Korea,
    Denuclearization, salience``; ``uncertainty[3]`` -> ``Uncertainty entry 4 (North Korea,
    Denuclearization, salience)``; ``outcomes[0].when.all[1]`` -> ``Future 'Peace regime',
    condition part 2``. None for no path."""
    if not path:
        return None
    try:
        return _place(path, _parts(path), data)
    except Exception:  # noqa: BLE001 - words are a help: a path they cannot read keeps its own
        return None


def _place(path: str, parts: list[str | int], data: Any) -> str | None:
    if not parts:
        return None
    head, index = parts[0], parts[1] if len(parts) > 1 else None
    if not isinstance(index, int) or head not in (
        "actors",
        "issues",
        "uncertainty",
        "outcomes",
        "shocks",
        "sources",
    ):
        top = _LISTS.get(str(parts[0])) or capitalised(field_words(str(parts[0])))
        return ", ".join([top, *_rest(parts[1:])])
    record = _record(data, str(head), index)
    number = index + 1
    if head == "actors":
        words = [_name(record, f"Actor {number}")]
        rest = parts[2:]
        if len(rest) >= 2 and rest[0] == "issues":
            stances = record.get("issues") if isinstance(record, Mapping) else None
            after = path.split(".issues.", 1)[1] if ".issues." in path else str(rest[1])
            known = [key for key in (stances or {}) if isinstance(key, str)]
            known += [i.get("id") for i in _records(data, "issues") if isinstance(i, Mapping)]
            issue_id = max(
                (
                    k
                    for k in known
                    if isinstance(k, str) and (after == k or after.startswith(k + "."))
                ),
                key=len,
                default=str(rest[1]),
            )
            words.append(_issue_name(data, issue_id) or issue_id)
            tail = after[len(issue_id) :].lstrip(".")
            return ", ".join(words + (_rest(_parts(tail)) if tail else []))
        return ", ".join(words + _rest(rest))
    if head == "issues":
        return ", ".join([f"Issue {_name(record, str(number))}", *_rest(parts[2:])])
    if head == "uncertainty":
        return ", ".join([f"Uncertainty entry {number}{_target(data, record)}", *_rest(parts[2:])])
    if head == "sources":
        return ", ".join([f"Source {_name(record, str(number))}", *_rest(parts[2:])])
    if head == "outcomes":
        words = [f"Future '{_name(record, str(number))}'"]
        rest = parts[2:]
        if rest and rest[0] == "when":
            return ", ".join(words + _condition(rest[1:]))
        return ", ".join(words + _rest(rest))
    words = [f"Shock '{_name(record, str(number))}'"]
    rest = parts[2:]
    if len(rest) >= 2 and rest[0] == "changes" and isinstance(rest[1], int):
        changes = record.get("changes") if isinstance(record, Mapping) else None
        change = (
            changes[rest[1]] if isinstance(changes, list) and 0 <= rest[1] < len(changes) else None
        )
        words.append(f"change {rest[1] + 1}{_target(data, change)}")
        return ", ".join(words + _rest(rest[2:]))
    return ", ".join(words + _rest(rest))
