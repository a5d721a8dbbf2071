"""``flashpoint models``: the models flashpoint can run."""

from __future__ import annotations

from flashpoint import MODELS
from flashpoint.cli.common import PANEL_MODELS, app, out
from flashpoint.report.scenario_tables import models_table


@app.command(
    rich_help_panel=PANEL_MODELS,
    epilog="Example:\n\n  flashpoint models   then, e.g.: flashpoint forecast -m nash",
)
def models() -> None:
    """List the models flashpoint can run, with what they compute and their sources."""
    out.print(models_table(MODELS.values()))
