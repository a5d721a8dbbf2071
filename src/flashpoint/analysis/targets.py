"""What a sensitivity analysis measures: a future's probability or an issue's expected outcome.

``P(peace_regime)`` is the share of draws (and models, with equal weights) whose prediction
falls in the future ``peace_regime``; ``denuclearization`` (or ``E(denuclearization)``) is the
mean predicted outcome on that issue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import numpy as np

from flashpoint.analysis.outcomes import classify, reversion_of
from flashpoint.scenario.schema import Scenario

_WRAPPED = re.compile(r"^\s*(?P<kind>[A-Za-z]+)\s*\(\s*(?P<name>[^()]*?)\s*\)\s*$")


class UnknownChoice(ValueError):
    """A name that is not among the choices, e.g. a target or a factor; ``what`` says which
    setting it was given for, and the message lists the choices."""

    def __init__(self, message: str, what: str) -> None:
        super().__init__(message)
        self.what = what


@dataclass(frozen=True)
class Target:
    """A quantity forecasts are summarised into (see the module docstring)."""

    kind: Literal["probability", "outcome"]
    name: str
    label: str

    @property
    def text(self) -> str:
        return f"P({self.name})" if self.kind == "probability" else f"E({self.name})"

    def per_draw(
        self, scenario: Scenario, forecasts: np.ndarray, agreed: np.ndarray | None = None
    ) -> np.ndarray:
        """The target's value on each draw of ``forecasts[draw, issue]`` (with its agreement
        test ``agreed[draw, issue]``, where recorded): 1 or 0 for a future's probability, the
        predicted outcome for an issue; its mean is the target."""
        issues = [issue.id for issue in scenario.issues]
        if self.kind == "probability":
            index = next(k for k, o in enumerate(scenario.outcomes) if o.id == self.name)
            reversion = reversion_of(scenario)
            found = classify(scenario.outcomes, forecasts, issues, reversion, agreed)
            return (found == index).astype(float)
        return forecasts[:, issues.index(self.name)]


def parse_target(text: str | None, scenario: Scenario) -> Target:
    """Read ``P(future)``, ``E(issue)`` or ``issue``; by default the first future's probability
    (or, without futures, the first issue's outcome). A ValueError lists what may be asked."""
    futures = {o.id: o.label for o in scenario.outcomes}
    issues = {i.id: i.label for i in scenario.issues}
    if text is None or not text.strip():
        if futures:
            first = next(iter(futures))
            return Target("probability", first, f"P({futures[first]})")
        first = next(iter(issues))
        return Target("outcome", first, f"expected {issues[first]}")
    wrapped = _WRAPPED.match(text)
    kind, name = (wrapped["kind"].upper(), wrapped["name"]) if wrapped else ("E", text.strip())
    if kind == "P" and name in futures:
        return Target("probability", name, f"P({futures[name]})")
    if kind in ("E", "MEAN") and name in issues:
        return Target("outcome", name, f"expected {issues[name]}")
    choices = [f"P({f})" for f in futures] + list(issues)
    raise UnknownChoice(f"unknown target '{text}' (targets: {', '.join(choices)})", "target")
