"""What a scenario's inputs must satisfy however they were set: the range each input may take, and
at least one actor carrying weight on every issue. Validation checks a scenario against them
(:mod:`.validate`), shocks check the scenario they leave (:mod:`.shocks`), and the sampler keeps
its draws in range (:mod:`flashpoint.engine.sampling`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from flashpoint.scenario.schema import Actor, Issue, Scenario


def bounds(field: str, issue: Issue | None, scale: float) -> tuple[float, float]:
    """The range an input may take: an issue's scale, 0 to the salience scale, capability >= 0."""
    if field in ("position", "red_line"):
        assert issue is not None
        return issue.min, issue.max
    if field == "salience":
        return 0.0, scale
    return 0.0, math.inf


def no_weight(issue_id: str, actors: Iterable[Actor]) -> str | None:
    """The problem with issue ``issue_id`` if none of ``actors`` has both capability and salience
    above zero on it (no model can forecast it), else None."""
    if any(_weight(actor, issue_id) > 0 for actor in actors):
        return None
    return (
        f"no actor has both a capability and a salience above 0 on issue '{issue_id}',"
        " so no model can forecast it"
    )


def unweighted_issues(scenario: Scenario) -> list[str]:
    """Messages for issues on which no actor has both capability and salience above zero."""
    return [
        message
        for issue in scenario.issues
        if (message := no_weight(issue.id, scenario.actors)) is not None
    ]


def _weight(actor: Actor, issue_id: str) -> float:
    stance = actor.issues.get(issue_id)
    capability = actor.capability_on(issue_id)
    if stance is None or capability is None:
        return 0.0
    return capability * stance.salience
