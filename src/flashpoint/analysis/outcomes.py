"""Named futures: which future does a predicted outcome fall in?

A scenario's futures are tried in order; a prediction falls in the first whose condition holds
(``when: otherwise`` holds always). Conditions are structured data (see
:class:`~flashpoint.scenario.schema.Condition`), evaluated here with numpy over all draws.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from flashpoint.scenario.schema import Agreement, AllOf, AnyOf, Condition, Not, Outcome, Scenario

Reversion = Sequence[float | None]  # each issue's reversion point (None: none)

UNCLASSIFIED = -1
_COMPARE = {">=": np.greater_equal, "<=": np.less_equal, ">": np.greater, "<": np.less}


def future_label(outcomes: Sequence[Outcome], future: str | None) -> str:
    """How a future is named for people: its label, or for ``None`` (a prediction in no named
    future) "none of the named futures"."""
    if future is None:
        return "none of the named futures"
    return next(o.label for o in outcomes if o.id == future)


def reversion_of(scenario: Scenario) -> tuple[float | None, ...]:
    """Each issue's reversion point, in the scenario's order (what agreement rules test)."""
    return tuple(issue.reversion for issue in scenario.issues)


def holds(
    rule: Any,
    values: np.ndarray,
    issues: Sequence[str],
    reversion: Reversion | None = None,
    agreed: np.ndarray | None = None,
) -> np.ndarray:
    """Whether ``rule`` holds for each row of ``values[draw, issue]``; boolean ``[draw]``. An
    agreement rule needs the issues' ``reversion`` points, and reads the draws' agreement test
    ``agreed[draw, issue]`` where it was recorded: no agreement is every issue with a reversion
    point (or the issue named) refused. Without a recorded test, no agreement is every such
    issue at its reversion point."""
    if rule == "otherwise":
        return np.ones(values.shape[0], dtype=bool)
    if isinstance(rule, Condition):
        return _COMPARE[rule.op](values[:, list(issues).index(rule.issue)], rule.value)
    if isinstance(rule, Agreement):
        return _agreed(rule, values, issues, reversion, agreed)
    parts = rule.all if isinstance(rule, AllOf) else rule.any if isinstance(rule, AnyOf) else None
    if parts is not None:
        found = [holds(part, values, issues, reversion, agreed) for part in parts]
        return (np.logical_and if isinstance(rule, AllOf) else np.logical_or).reduce(found)
    if isinstance(rule, Not):
        return ~holds(rule.not_, values, issues, reversion, agreed)
    raise TypeError(f"not a rule: {rule!r}")


def _agreed(
    rule: Agreement,
    values: np.ndarray,
    issues: Sequence[str],
    reversion: Reversion | None,
    agreed: np.ndarray | None,
) -> np.ndarray:
    points = list(reversion or [None] * len(issues))
    tested = [list(issues).index(rule.issue)] if rule.issue else range(len(issues))
    tested = [i for i in tested if points[i] is not None]
    if not tested:
        raise ValueError(
            f"'{rule}' tests an agreement, but no issue it names has a reversion point"
        )
    if agreed is not None:
        refused = ~agreed[:, tested].any(axis=1)
    else:
        refused = np.stack([values[:, i] == points[i] for i in tested], axis=1).all(axis=1)
    return ~refused if rule.agreed else refused


def classify(
    outcomes: Sequence[Outcome],
    values: np.ndarray,
    issues: Sequence[str],
    reversion: Reversion | None = None,
    agreed: np.ndarray | None = None,
) -> np.ndarray:
    """The index of the future each draw falls in (``UNCLASSIFIED`` if none), ``[draw]``;
    ``agreed[draw, issue]``: the draws' agreement test, where recorded (:func:`holds`)."""
    found = np.full(values.shape[0], UNCLASSIFIED)
    for index, outcome in enumerate(outcomes):
        here = holds(outcome.when, values, issues, reversion, agreed)
        found = np.where((found == UNCLASSIFIED) & here, index, found)
    return found
