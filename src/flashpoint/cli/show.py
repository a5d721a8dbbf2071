"""``flashpoint show``: everything a scenario states, and with --notes the source of each number."""

from __future__ import annotations

from typing import Annotated

import typer

from flashpoint import DEFAULT_SCENARIO, ScenarioError, load_scenario
from flashpoint.cli.common import PANEL_SCENARIOS, ScenarioArg, app, fail, out
from flashpoint.report.scenario_tables import notes_table, scenario_overview


@app.command(
    rich_help_panel=PANEL_SCENARIOS,
    epilog=(
        "Examples:\n\n"
        "  flashpoint show korea-2018            issues, positions, futures and shocks\n\n"
        "  flashpoint show korea-2018 --notes    and the note behind every number"
    ),
)
def show(
    scenario: ScenarioArg = DEFAULT_SCENARIO,
    notes: Annotated[
        bool, typer.Option("--notes", help="Also list every number with its note.", metavar="")
    ] = False,
) -> None:
    """Show what a scenario states: issues, positions and saliences, uncertainty, futures, shocks."""
    try:
        loaded = load_scenario(scenario)
    except ScenarioError as error:
        fail(error, scenario)
        return
    for part in scenario_overview(loaded):
        out.print(part)
    if notes:
        out.print(notes_table(loaded))
