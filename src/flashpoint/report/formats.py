"""Numbers and lists as every table, chart and sentence of a report writes them: one decimal
for an outcome, about a thousandth of the scale for a position, an issue's scale, and a list in
words."""

from __future__ import annotations

import math

from flashpoint.scenario.schema import Issue


def number(value: float) -> str:
    """A predicted value as shown: one decimal, never '-0.0'."""
    return f"{round(value, 1) + 0.0:.1f}"


def precise(value: float, issue: Issue) -> str:
    """A position shown to about a thousandth of the issue's scale (3 decimals on 4-10, 1 on
    0-100), never '-0.0'."""
    digits = max(1, 3 - int(math.floor(math.log10(max(issue.max - issue.min, 1e-12)))))
    return f"{round(value, digits) + 0.0:.{digits}f}"


def scale(issue: Issue) -> str:
    """An issue's scale in words: ``0 to 100``."""
    return f"{issue.min:g} to {issue.max:g}"


def listed(names: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
