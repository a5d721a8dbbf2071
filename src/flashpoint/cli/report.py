"""``flashpoint report``: a forecast, its shocks and its drivers as one report to send: a
self-contained HTML page, a PDF, or a PNG per chart."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from flashpoint import (
    DEFAULT_SCENARIO,
    CompareRequest,
    ForecastRequest,
    LeversRequest,
    MissingExtra,
    SensitivityRequest,
)
from flashpoint.cli.common import (
    PANEL_FORECASTS,
    RunOptions,
    ScenarioArg,
    app,
    err,
    out,
    run_options,
    run_request,
)
from flashpoint.report.document import forecast_report
from flashpoint.report.files import report_format, write_report
from flashpoint.report.printing import check_printing
from flashpoint.report.sections.headline import basis_text, recommended_table


def output_format(output: Path, given: str | None) -> str:
    """The report's format (:func:`flashpoint.report.files.report_format`), as a usage error."""
    try:
        return report_format(output, given)
    except ValueError as error:
        raise typer.BadParameter(
            str(error), param_hint="--format" if given is not None else "--output"
        ) from None


def command_line(
    scenario: str,
    output: Path,
    format_: str | None,
    draws: int,
    run: RunOptions,
    seed: int,
    fields: dict,
) -> str:
    """The command that makes the same report, to the same place (the seed filled in)."""
    words = ["flashpoint", "report", scenario, "-o", str(output)]
    if format_ is not None:
        words += ["--format", format_]
    words += ["--draws", str(draws), "--seed", str(seed)]
    for model in run.models or []:
        words += ["-m", model]
    if run.jitter is not None:
        words += ["--jitter", f"{run.jitter:g}"]
    for flag, value in fields.items():
        if value:
            words.append(flag)
    return shlex.join(words)


@app.command(
    "report",
    rich_help_panel=PANEL_FORECASTS,
    epilog=(
        "Examples:\n\n"
        "  flashpoint report                                    Korea 2018 to report.html\n\n"
        "  flashpoint report my-case.xlsx -o my-case.html       open it in any browser, offline\n\n"
        "  flashpoint report korea-2018 -o korea.pdf            for print (A4)\n\n"
        "  flashpoint report korea-2018 -o charts --format png  one PNG per chart"
    ),
)
@run_options
def report_command(
    scenario: ScenarioArg = DEFAULT_SCENARIO,
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            help="Where to write the report: an .html or .pdf file, or a folder for PNGs.",
            metavar="PATH",
        ),
    ] = Path("report.html"),
    format_: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="html (one self-contained page: charts you can hover, every table), pdf (A4,"
            " charts and headline) or png (one image per chart). Default: by --output.",
            metavar="FORMAT",
        ),
    ] = None,
    draws: Annotated[
        int,
        typer.Option(
            min=2,
            help="Monte Carlo draws of the forecast and of each shock.",
            metavar="INTEGER",
        ),
    ] = 1000,
    *,
    run: RunOptions,
    no_shocks: Annotated[
        bool,
        typer.Option("--no-shocks", help="Leave out the comparison of shocks.", metavar=""),
    ] = False,
    no_drivers: Annotated[
        bool,
        typer.Option(
            "--no-drivers",
            help="Leave out what drives the forecast (the tornado of uncertain inputs).",
            metavar="",
        ),
    ] = False,
    lever: Annotated[
        str | None,
        typer.Option(
            "--lever",
            help="Add what would it take: search this actor's offer for the one that makes the"
            " first future most likely (flashpoint levers, 200 draws).",
            metavar="ACTOR",
        ),
    ] = None,
) -> None:
    """Write a report to send: the forecast, each shock, what drives it, and why.

    One self-contained HTML page (it opens offline, in any browser), a PDF, or PNG charts."""
    kind = output_format(output, format_)
    fields = run.request_fields()
    if kind != "html":
        try:
            check_printing()
        except MissingExtra as error:
            err.print(f"[red]{escape(str(error))}[/]")
            raise typer.Exit(1) from None
    forecast = run_request(
        ForecastRequest(scenario=scenario, draws=draws, paths=True, brief=True, **fields),
        scenario,
        "forecast",
        run,
    )
    shown = forecast.scenario
    comparison = None
    if shown.shocks and not no_shocks:
        comparison = run_request(
            CompareRequest(scenario=scenario, draws=draws, **fields), scenario, "comparison", run
        )
    sensitivity = None
    if shown.uncertainty and not no_drivers:
        leading = None  # what drives the future the headline puts first
        if forecast.recommended is not None and forecast.recommended.futures:
            first = max(forecast.recommended.futures.items(), key=lambda item: item[1].probability)
            leading = f"P({first[0]})" if first[0] is not None else None
        sensitivity = run_request(
            SensitivityRequest(scenario=scenario, target=leading, **fields),
            scenario,
            "sensitivity analysis",
            run,
        )
    levers = None
    if lever is not None:
        levers = run_request(
            LeversRequest(scenario=scenario, actor=lever, draws=min(draws, 200), **fields),
            scenario,
            "levers search",
            run,
        )
    report = forecast_report(forecast, comparison, sensitivity, levers)
    again = command_line(
        scenario,
        output,
        format_,
        draws,
        run,
        forecast.seed,
        {"--no-shocks": no_shocks, "--no-drivers": no_drivers},
    ) + (f" --lever {shlex.quote(lever)}" if lever else "")
    try:
        written = write_report(report, output, kind, command=again)
    except OSError as error:
        err.print(
            f"[red]cannot write {escape(str(output))}: {escape(error.strerror or str(error))}[/]"
        )
        raise typer.Exit(1) from None
    if forecast.recommended is not None and shown.outcomes:
        out.print(recommended_table(forecast))
        out.print(basis_text(forecast.basis))
    where = str(output) if kind != "png" else f"{len(written)} charts in {output}"
    out.print(f"Wrote {escape(where)}. The same report again: {escape(again)}")
