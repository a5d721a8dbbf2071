"""Decision rules of the European Union as terms of agreement, for backtests on EU decisions
(the DEU data): who can veto a proposal, and what stands without one.

Without a new law the reference point stands (the outcomes table's ``reference_point``: the
status quo). Under unanimity in the Council (``voting_rule`` ``Unan``) every member state can
block it; under co-decision (``procedure`` ``COD``) the European Parliament can; the Commission
proposes and holds no veto here, and under qualified majority no single state does (Thomson et
al. 2006, *The European Union Decides*, ch. 1). An issue without a reference point needs nobody's
consent.
"""

from __future__ import annotations

from flashpoint.scenario.outcomes import KnownOutcome
from flashpoint.scenario.schema import Scenario

COMMISSION = "European Commission"
PARLIAMENT = "European Parliament"


def with_eu_rules(scenario: Scenario, known: dict[str, KnownOutcome]) -> Scenario:
    """The scenario with each decided issue's reference point as its reversion point and the
    vetoes of the EU's decision rules as its consent (the module docstring)."""
    taking_part = {
        issue.id: [actor.id for actor in scenario.actors if issue.id in actor.issues]
        for issue in scenario.issues
    }
    issues = []
    for issue in scenario.issues:
        decided = known.get(issue.id)
        if decided is None or decided.reference_point is None:
            issues.append(issue)
            continue
        actors = taking_part[issue.id]
        consent = []
        if decided.voting_rule == "Unan":
            consent = [a for a in actors if a not in (COMMISSION, PARLIAMENT)]
        if decided.procedure == "COD" and PARLIAMENT in actors:
            consent.append(PARLIAMENT)
        issues.append(
            issue.model_copy(
                update={
                    "reversion": decided.reference_point,
                    "reversion_note": "the reference point of the outcomes table",
                    "consent": consent,
                }
            )
        )
    return scenario.model_copy(update={"issues": issues, "agreement": "issue"})
