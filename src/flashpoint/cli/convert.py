"""``flashpoint convert``: a scenario from one format to another."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from flashpoint import (
    READ_FORMATS,
    WRITE_FORMATS,
    WRITE_SUFFIXES,
    ScenarioError,
    left_out_of_csv,
    load_scenario,
    save_scenario,
)
from flashpoint.cli.common import PANEL_SCENARIOS, app, err, fail, out


@app.command(
    rich_help_panel=PANEL_SCENARIOS,
    epilog=(
        "Examples:\n\n"
        "  flashpoint convert korea-2018 korea.xlsx             edit the default scenario in Excel\n\n"
        "  flashpoint convert cop21.csv cop21.yaml              a Decide file as a scenario file\n\n"
        "  flashpoint convert my-case.xlsx my-case.csv          just the actor table"
    ),
)
def convert(
    source: Annotated[
        str, typer.Argument(help="The scenario to read (any format, or a bundled name).")
    ],
    target: Annotated[
        Path,
        typer.Argument(
            help=f"The file to write; its extension picks the format ({', '.join(WRITE_FORMATS)})."
        ),
    ],
    from_format: Annotated[
        str | None,
        typer.Option("--from", help=f"Read as: {', '.join(READ_FORMATS)}.", metavar="FORMAT"),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite the target if it exists.", metavar="")
    ] = False,
) -> None:
    """Convert a scenario between formats (YAML, JSON, Excel workbook, CSV actor table)."""
    if target.suffix.lower() not in WRITE_SUFFIXES:
        raise typer.BadParameter(
            f"the target must end in {', '.join(list(WRITE_SUFFIXES)[:-1])} or {list(WRITE_SUFFIXES)[-1]}",
            param_hint="TARGET",
        )
    if target.exists() and not force:
        err.print(f"[red]{escape(str(target))} exists[/]; use --force to overwrite it.")
        raise typer.Exit(1)
    try:
        scenario = load_scenario(source, format=from_format)
    except ScenarioError as error:
        fail(error, source)
        return
    try:
        save_scenario(scenario, target)
    except ScenarioError as error:  # a file flashpoint could not read back is not written
        fail(error, str(target))
        return
    out.print(f"wrote {escape(str(target))}")
    if target.suffix.lower() == ".csv":
        err.print(
            "[yellow]note[/]: a CSV actor table holds the issues (id, label, scale), the actors (id,"
            " label) and their positions, saliences, capabilities and notes. Not written: "
            + ", ".join(left_out_of_csv(scenario))
            + ". Write .yaml or .xlsx to keep everything."
        )
