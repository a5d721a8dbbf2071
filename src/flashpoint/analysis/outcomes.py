"""Named futures: which future does a predicted outcome fall in?

A scenario's futures are tried in order; a prediction falls in the first whose condition holds
(``when: otherwise`` holds always). Conditions are structured data (see
:class:`~flashpoint.scenario.schema.Condition`), evaluated here with numpy over all draws.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from flashpoint.scenario.schema import AllOf, AnyOf, Condition, Not, Outcome

UNCLASSIFIED = -1
_COMPARE = {">=": np.greater_equal, "<=": np.less_equal, ">": np.greater, "<": np.less}


def future_label(outcomes: Sequence[Outcome], future: str | None) -> str:
    """How a future is named for people: its label, or for ``None`` (a prediction in no named
    future) "none of the named futures"."""
    if future is None:
        return "none of the named futures"
    return next(o.label for o in outcomes if o.id == future)


def holds(rule: Any, values: np.ndarray, issues: Sequence[str]) -> np.ndarray:
    """Whether ``rule`` holds for each row of ``values[draw, issue]``; boolean ``[draw]``."""
    if rule == "otherwise":
        return np.ones(values.shape[0], dtype=bool)
    if isinstance(rule, Condition):
        return _COMPARE[rule.op](values[:, list(issues).index(rule.issue)], rule.value)
    if isinstance(rule, AllOf):
        return np.logical_and.reduce([holds(part, values, issues) for part in rule.all])
    if isinstance(rule, AnyOf):
        return np.logical_or.reduce([holds(part, values, issues) for part in rule.any])
    if isinstance(rule, Not):
        return ~holds(rule.not_, values, issues)
    raise TypeError(f"not a rule: {rule!r}")


def classify(outcomes: Sequence[Outcome], values: np.ndarray, issues: Sequence[str]) -> np.ndarray:
    """The index of the future each draw falls in (``UNCLASSIFIED`` if none), ``[draw]``."""
    found = np.full(values.shape[0], UNCLASSIFIED)
    for index, outcome in enumerate(outcomes):
        found = np.where(
            (found == UNCLASSIFIED) & holds(outcome.when, values, issues), index, found
        )
    return found
