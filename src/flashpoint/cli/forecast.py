"""``flashpoint forecast`` (and ``flashpoint`` with no command): each model's predicted outcome
and the future it falls in; with draws, how likely each future is."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from flashpoint import DEFAULT_SCENARIO, ForecastRequest, __version__
from flashpoint.cli.common import (
    PANEL_FORECASTS,
    CsvArg,
    RunOptions,
    ScenarioArg,
    XlsxArg,
    app,
    json_flag,
    out,
    print_json,
    run_options,
    run_request,
    write_tables,
)
from flashpoint.report.sections.agreement import agreement_table, blocks_table, zone_table
from flashpoint.report.sections.bottom_line import brief_text
from flashpoint.report.sections.headline import (
    basis_text,
    probabilities_table,
    recommended_table,
    tree_table,
)
from flashpoint.report.sections.inputs import anchors_table
from flashpoint.report.sections.outcomes import (
    forecast_table,
    futures_table,
    recommended_issues_table,
    spread_table,
)


@app.callback(invoke_without_command=True)
def main_callback(
    ctx: typer.Context,
    version: Annotated[
        bool, typer.Option("--version", help="Print the version and exit.", metavar="")
    ] = False,
) -> None:
    if version:
        out.print(f"flashpoint {__version__}")
        raise typer.Exit()
    if ctx.invoked_subcommand is None:
        forecast_command()


@app.command(
    "forecast",
    rich_help_panel=PANEL_FORECASTS,
    epilog=(
        "Examples:\n\n"
        "  flashpoint forecast                                  Korea 2018, every model\n\n"
        "  flashpoint forecast korea-2018 -m compromise -m nash  two models only\n\n"
        "  flashpoint forecast korea-2018 --shock us_maximum_pressure\n\n"
        "  flashpoint forecast my-case.yaml --json > forecast.json\n\n"
        "  flashpoint forecast korea-2018 --draws 2000 --executor process   how likely each future is"
    ),
)
@run_options
def forecast_command(
    scenario: ScenarioArg = DEFAULT_SCENARIO,
    shock: Annotated[
        list[str] | None,
        typer.Option(
            "--shock",
            "-s",
            help="Apply a named shock of the scenario first (repeatable; applied in order).",
            metavar="SHOCK",
        ),
    ] = None,
    draws: Annotated[
        int,
        typer.Option(
            min=1,
            help="Monte Carlo draws of the scenario's uncertain inputs; above 1, each future's"
            " probability and each issue's spread are shown too.",
            metavar="INTEGER",
        ),
    ] = 1,
    *,
    run: RunOptions,
    tree: Annotated[
        bool,
        typer.Option(
            "--tree",
            help="With --draws: let each draw follow one branch of the scenario tree, the"
            " scenario as stated or one of its shocks that state a probability.",
            metavar="",
        ),
    ] = False,
    paths: Annotated[
        bool,
        typer.Option(
            "--paths",
            help="With --draws: keep each model's positions round by round, with bands over the"
            " draws, in --json (the report's charts of rounds).",
            metavar="",
        ),
    ] = False,
    brief: Annotated[
        bool,
        typer.Option(
            "--brief/--no-brief",
            help="Lead with the bottom line: key judgements, what would change it and"
            " signposts (about a second more).",
        ),
    ] = True,
    csv: CsvArg = None,
    xlsx: XlsxArg = None,
    as_json: json_flag("the forecast") = False,
) -> None:
    """Forecast a scenario: each model's predicted outcome and the future it falls in.

    With --draws, how likely each future is under the scenario's uncertainty."""
    if tree and (draws < 2 or shock):
        raise typer.BadParameter(
            "a scenario tree mixes the scenario and its likely shocks over Monte Carlo draws:"
            " give --draws (2 or more) and no --shock",
            param_hint="--tree",
        )
    request = ForecastRequest(
        scenario=scenario,
        shocks=tuple(shock or ()),
        draws=draws,
        tree=tree,
        paths=paths,
        brief=brief,
        **run.request_fields(),
    )
    result = run_request(request, scenario, "forecast", run)
    write_tables(result, csv, xlsx)
    if as_json:
        print_json(result.to_dict())
        return
    shown = result.scenario
    bottom = result.brief() if brief else None
    if bottom is not None:
        out.print(brief_text(bottom))
    if result.tree is not None:
        out.print(tree_table(result))
    if result.recommended is not None:
        if shown.outcomes:
            out.print(recommended_table(result))
            out.print(basis_text(result.basis))
        out.print(recommended_issues_table(result))
    out.print(forecast_table(result))
    if shown.outcomes:
        out.print(futures_table(result))
    if any(model.blocked for model in result.results.values()):
        out.print(blocks_table(result))
    if result.zones and any(
        zone.stated is None or zone.empty > 0 for zone in result.zones.values()
    ):
        out.print(zone_table(result))
    if result.draws > 1:
        if any(model.agreement is not None for model in result.results.values()):
            out.print(agreement_table(result))
        out.print(spread_table(result))
        if shown.outcomes:
            out.print(probabilities_table(result))
    if any(issue.anchors for issue in shown.issues):
        out.print(anchors_table(result, result.models[0]))
    dated = f"Information as of {shown.as_of.isoformat()}. " if shown.as_of else ""
    out.print(
        f"[dim]{dated}The inputs and the notes behind them: flashpoint show {escape(scenario)} --notes[/]"
    )
