"""Why each actor moved: per actor, who pulls the compromise where
(:mod:`flashpoint.report.pull`) and what it did in each round of the expected utility model and
why (:mod:`flashpoint.report.rounds` and the model's presenter), the tables ``flashpoint explain``
prints."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from flashpoint.analysis.forecast import Forecast
from flashpoint.report.parts import Group, Section
from flashpoint.report.pull import ONE_STEP, explain_pull
from flashpoint.report.rounds import PRESENTERS, explain

EXPLAINED = ("compromise", "eum")  # the models whose explanations a report gives, if run


def section(forecast: Forecast) -> Section:
    """Why each actor moved: a folded group per actor, with the explanations of the models of
    :data:`EXPLAINED` that the forecast ran."""
    scenario = forecast.scenario
    groups = []
    for a, actor in enumerate(scenario.actors):
        taking_part = [i for i, issue in enumerate(scenario.issues) if issue.id in actor.issues]
        tables: list[Table | Text] = []
        for model in EXPLAINED:
            if model not in forecast.results:
                continue
            if model in ONE_STEP:
                tables += explain_pull(forecast, model, a, taking_part)
            elif model in PRESENTERS:
                tables += explain(forecast, model, a, taking_part)
        if tables:
            groups.append(Group(title=actor.label, tables=tables, folded=True))
    return Section(
        id="explanations",
        title="Why each actor moved",
        intro="Per actor: who pulls the compromise where, and what it did in each round of the"
        " expected utility model and why.",
        groups=groups,
    )
