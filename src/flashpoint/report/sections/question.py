"""The question: what is bargained over, the futures in view and who wants what; the scenario's
description, its named futures (:func:`~flashpoint.report.scenario_tables.futures_definition_table`)
and its actors' stances (:func:`~flashpoint.report.scenario_tables.stances_table`), the tables
``flashpoint show`` and the web app's scenario page print too."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from flashpoint.analysis.forecast import Forecast
from flashpoint.report.parts import Section
from flashpoint.report.scenario_tables import futures_definition_table, stances_table


def section(forecast: Forecast) -> Section:
    """The question: what is bargained over, the futures in view, and who wants what."""
    scenario = forecast.scenario
    tables: list[Table | Text] = []
    if scenario.outcomes:
        tables.append(futures_definition_table(scenario))
    tables.append(stances_table(scenario))
    return Section(
        id="question",
        title="The question",
        intro=f"{scenario.description}\n{len(scenario.actors)} actors bargain over"
        f' {len(scenario.issues)} issues. "The inputs in full" states every input, and the'
        " notes and their sources close the report.",
        tables=tables,
    )
