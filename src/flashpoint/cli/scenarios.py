"""``flashpoint scenarios``: the scenarios that ship with flashpoint."""

from __future__ import annotations

from flashpoint import DEFAULT_SCENARIO, bundled_names, load_scenario
from flashpoint.cli.common import PANEL_SCENARIOS, app, out
from flashpoint.report.scenario_tables import scenarios_table


@app.command(
    rich_help_panel=PANEL_SCENARIOS,
    epilog="Example:\n\n  flashpoint scenarios   then, e.g.: flashpoint show copenhagen-2009",
)
def scenarios() -> None:
    """List the scenarios that ship with flashpoint (usable by name anywhere a file is expected)."""
    loaded = {name: load_scenario(name) for name in bundled_names()}
    out.print(scenarios_table(loaded, DEFAULT_SCENARIO))
