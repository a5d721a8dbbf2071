"""``flashpoint validate``: every problem in a scenario file, with its place."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from flashpoint import READ_FORMATS, ScenarioError, load_scenario
from flashpoint.cli.common import PANEL_SCENARIOS, app, count, fail, out


@app.command(
    rich_help_panel=PANEL_SCENARIOS,
    epilog=(
        "Examples:\n\n"
        "  flashpoint validate my-case.xlsx\n\n"
        "  flashpoint validate data.txt --format decide"
    ),
)
def validate(
    file: Annotated[
        str, typer.Argument(help="The scenario file to check (or a bundled scenario's name).")
    ],
    format: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help=f"Read as this format instead of guessing: {', '.join(READ_FORMATS)}.",
            metavar="FORMAT",
        ),
    ] = None,
) -> None:
    """Check a scenario file and list every problem with its place (sheet, row, column or line).

    Exits with status 1 if there are problems.
    """
    if format is not None and format not in READ_FORMATS:
        raise typer.BadParameter(
            f"unknown format '{format}' (formats: {', '.join(READ_FORMATS)})", param_hint="--format"
        )
    try:
        scenario = load_scenario(file, format=format)
    except ScenarioError as error:
        fail(error, file)
        return
    counts = ", ".join(
        count(len(items), noun)
        for items, noun in (
            (scenario.actors, "actor"),
            (scenario.issues, "issue"),
            (scenario.outcomes, "future"),
            (scenario.shocks, "shock"),
            (scenario.uncertainty, "uncertain input"),
        )
    )
    out.print(f"[bold green]valid[/]: {escape(file)} - '{escape(scenario.title)}': {counts}")
