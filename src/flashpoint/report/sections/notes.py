"""Notes and sources: every stated number with the note that justifies it and the sources it
cites (:func:`~flashpoint.report.scenario_tables.notes_table`, as ``flashpoint show --notes``
prints it), the scenario's sources with their addresses, and its provenance."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from flashpoint.analysis.forecast import Forecast
from flashpoint.report.parts import Section
from flashpoint.report.scenario_tables import notes_table
from flashpoint.scenario.schema import Scenario


def sources_table(scenario: Scenario) -> Table:
    """The scenario's sources: each one's id, citation and address."""
    sources = Table(title="Sources", title_justify="left")
    sources.add_column("Id")
    sources.add_column("Source")
    sources.add_column("Address")
    for source in scenario.sources:
        sources.add_row(Text(source.id or ""), Text(source.citation), Text(source.url or ""))
    return sources


def section(forecast: Forecast) -> Section:
    """Notes and sources: every stated number with its note and sources, the sources
    themselves, and where the scenario comes from."""
    scenario = forecast.scenario
    tables: list[Table | Text] = [notes_table(scenario)]
    if scenario.sources:
        tables.append(sources_table(scenario))
    if scenario.provenance:
        tables.append(Text(f"Provenance: {scenario.provenance}"))
    return Section(
        id="notes",
        title="Notes and sources",
        intro="Where every input comes from: each note names its sources by id.",
        tables=tables,
    )
