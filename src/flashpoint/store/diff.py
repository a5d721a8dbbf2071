"""What changed between two stored runs: in their inputs (the scenario and the request, field by
field) and in their numbers (each future's probability and each issue's outcome, per model)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flashpoint.store.runs import StoredRun


@dataclass(frozen=True)
class Change:
    """One field that differs: its place (``actors.north_korea.capability``) and its values
    (None where one side has no such field)."""

    place: str
    before: Any
    after: Any


@dataclass(frozen=True)
class RunDiff:
    """Two runs compared: what changed in the scenario and the request, and how each number of
    the results moved (only those that did)."""

    first: StoredRun
    second: StoredRun
    scenario: list[Change]
    request: list[Change]
    numbers: list[Change]

    def to_dict(self) -> dict[str, Any]:
        def listed(changes: list[Change]) -> list[dict[str, Any]]:
            return [{"place": c.place, "before": c.before, "after": c.after} for c in changes]

        return {
            "first": self.first.id,
            "second": self.second.id,
            "scenario": listed(self.scenario),
            "request": listed(self.request),
            "numbers": listed(self.numbers),
        }


def flatten(value: Any, place: str = "") -> dict[str, Any]:
    """A JSON document as ``{place: value}`` of its leaves; a list of records that have ids is
    keyed by id (``actors.north_korea.capability``), any other list by position."""
    if isinstance(value, dict):
        found: dict[str, Any] = {}
        for key, item in value.items():
            found |= flatten(item, f"{place}.{key}" if place else str(key))
        return found
    if (
        isinstance(value, list)
        and value
        and all(isinstance(v, dict) and v.get("id") is not None for v in value)
    ):
        ids = [v["id"] for v in value]
        if len(set(ids)) == len(ids):
            return flatten(
                {str(v["id"]): {k: x for k, x in v.items() if k != "id"} for v in value}, place
            )
    if isinstance(value, list) and any(isinstance(v, dict | list) for v in value):
        return flatten({str(k): v for k, v in enumerate(value)}, place)
    return {place: value}


def changes(before: Any, after: Any) -> list[Change]:
    """The leaves in which two documents differ, in the order of the first (then the second's
    new ones)."""
    a, b = flatten(before), flatten(after)
    places = list(a) + [p for p in b if p not in a]
    return [Change(p, a.get(p), b.get(p)) for p in places if a.get(p) != b.get(p)]


def numbers(document: dict[str, Any] | None) -> dict[str, float]:
    """The numbers a result document states, by name: each future's probability and each
    issue's median (and the stated values' outcome) per model for a forecast; per variant for a
    comparison; the baseline and each input's ends for a sensitivity analysis; each model's MAE
    for a backtest; the target before and after, and the offer, for a levers search."""
    if not document:
        return {}
    kind = document["request"]["kind"]
    found: dict[str, float] = {}
    if kind == "forecast":
        summaries = {
            "recommended": document.get("recommended"),
            "ensemble": document.get("ensemble"),
        }
        summaries |= document["models"]
        for name, summary in summaries.items():
            if not summary:
                continue
            for future in summary.get("futures") or []:
                found[f"P({future['id']}) {name}"] = future["probability"]
            for issue, d in (summary.get("distribution") or {}).items():
                found[f"{issue} median {name}"] = d["median"]
            for issue, o in (summary.get("outcome") or {}).items():
                found[f"{issue} {name} (stated values)"] = o["value"]
    elif kind == "compare":
        for variant in document["variants"]:
            for future in variant["forecasts"]["ensemble"]["futures"] or []:
                found[f"P({future['id']}) {variant['name']}"] = future["probability"]
    elif kind == "sensitivity":
        found["baseline"] = document["baseline"]
        for row in document["rows"]:
            if "at_low" in row:
                found[f"{row['name']} at low"] = row["at_low"]
                found[f"{row['name']} at high"] = row["at_high"]
    elif kind == "backtest":
        for name, scores in document["models"].items():
            found[f"MAE {name}"] = scores["mae"]
    elif kind == "levers":
        found["target before"] = document["before"]["value"]
        found["target after"] = document["after"]["value"]
        for lever in document["offer"]:
            found[f"offer {lever['field']} on {lever['issue']}"] = lever["offer"]
    return found


def comparable(document: dict[str, Any] | None) -> dict[str, Any] | None:
    """A result document without what a rerun may change without changing a number: its
    timings, and how its request named the scenario (a name, or the scenario itself)."""
    if document is None:
        return None
    found = {key: value for key, value in document.items() if key != "timings"}
    found["request"] = {k: v for k, v in document["request"].items() if k != "scenario"}
    found["scenario"] = {k: v for k, v in document["scenario"].items() if k != "source"}
    return found


def beyond(before: Any, after: Any, relative: float) -> Change | None:
    """The first leaf (in the order of ``before``) in which two result documents differ by more
    than ``relative`` (numbers, relative to the larger; 0: bit for bit) or at all (anything
    else); None if there is none. The documents are compared as :func:`comparable` keeps them."""
    a, b = flatten(comparable(before)), flatten(comparable(after))
    for place in list(a) + [p for p in b if p not in a]:
        old, new = a.get(place), b.get(place)
        if _numeric(old) and _numeric(new):
            if abs(new - old) > relative * max(abs(old), abs(new)):
                return Change(place, old, new)
        elif old != new:
            return Change(place, old, new)
    return None


def _numeric(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def diff_runs(first: StoredRun, second: StoredRun) -> RunDiff:
    """What changed from ``first`` to ``second``."""
    before, after = numbers(first.result), numbers(second.result)
    moved = [
        Change(name, before.get(name), after.get(name))
        for name in list(before) + [n for n in after if n not in before]
        if before.get(name) != after.get(name)
    ]
    skip = {"scenario"}  # the request's scenario is a name or the scenario itself: compared above
    return RunDiff(
        first=first,
        second=second,
        scenario=changes(first.scenario, second.scenario),
        request=changes(
            {k: v for k, v in first.request.items() if k not in skip},
            {k: v for k, v in second.request.items() if k not in skip},
        ),
        numbers=moved,
    )
