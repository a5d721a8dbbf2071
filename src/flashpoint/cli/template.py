"""``flashpoint template``: an empty scenario workbook to fill in."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from flashpoint import write_template
from flashpoint.cli.common import PANEL_SCENARIOS, app, err, out


@app.command(
    rich_help_panel=PANEL_SCENARIOS,
    epilog="Example:\n\n  flashpoint template my-case.xlsx   then fill it in and run: flashpoint validate my-case.xlsx",
)
def template(
    target: Annotated[Path, typer.Argument(help="The workbook to write (.xlsx).")],
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite the file if it exists.", metavar="")
    ] = False,
) -> None:
    """Write an empty scenario workbook for an analyst to fill in, with a guide sheet."""
    if target.suffix.lower() != ".xlsx":
        raise typer.BadParameter(
            "the template is an Excel workbook: give a name ending in .xlsx", param_hint="TARGET"
        )
    if target.exists() and not force:
        err.print(f"[red]{escape(str(target))} exists[/]; use --force to overwrite it.")
        raise typer.Exit(1)
    write_template(target)
    out.print(
        f"wrote {escape(str(target))}: fill in the sheets (see its README sheet), then run:"
        f" flashpoint validate {escape(str(target))}"
    )
