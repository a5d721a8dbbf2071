"""``flashpoint backtest``: how well each model, and the recommended forecast, forecast issues
that have been decided."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from flashpoint import BacktestRequest
from flashpoint.cli.common import (
    PANEL_FORECASTS,
    RunOptions,
    app,
    err,
    json_flag,
    out,
    print_json,
    run_options,
    run_request,
)
from flashpoint.report.document import backtest_report
from flashpoint.report.export import write_table
from flashpoint.report.files import write_report
from flashpoint.report.sections.backtest import candidates_table, errors_table, intervals_table


@app.command(
    "backtest",
    rich_help_panel=PANEL_FORECASTS,
    epilog=(
        "Examples:\n\n"
        "  flashpoint backtest --actors deu.actors.csv --outcomes deu.outcomes.csv\n\n"
        "  flashpoint backtest --actors deu.actors.csv --outcomes deu.outcomes.csv -m compromise"
        " -m median --csv per-issue.csv\n\n"
        "  flashpoint backtest --actors a.csv --outcomes o.csv --json > backtest.json"
    ),
)
@run_options
def backtest_command(
    actors: Annotated[
        str,
        typer.Option(
            "--actors",
            help="The actors of the decided issues: any scenario file, e.g. a long actor table"
            " (actor, issue, capability, position, salience).",
            metavar="FILE",
        ),
    ],
    outcomes: Annotated[
        str | None,
        typer.Option(
            "--outcomes",
            help="What was decided: a CSV table with issue and outcome, and where known proposal,"
            " decision_year, voting_rule, procedure and reference_point. Default: the actual"
            " outcome the scenario gives each decided issue.",
            metavar="FILE",
        ),
    ] = None,
    draws: Annotated[
        int,
        typer.Option(min=1, help="Monte Carlo draws of each issue's inputs.", metavar="INTEGER"),
    ] = 100,
    folds: Annotated[
        int,
        typer.Option(
            min=2,
            help="Cross-validation folds (issues of one proposal stay in one fold).",
            metavar="INTEGER",
        ),
    ] = 10,
    *,
    run: RunOptions,
    eu_rules: Annotated[
        bool,
        typer.Option(
            "--eu-rules",
            help="Run the agreement test with the EU's decision rules: the reference point"
            " stands unless every member state agrees under unanimity and the Parliament under"
            " co-decision.",
            metavar="",
        ),
    ] = False,
    csv: Annotated[
        Path | None,
        typer.Option(
            "--csv",
            help="Also write one row per issue: the outcome, each forecast and its 80% interval.",
            metavar="FILE",
        ),
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option(
            "--report",
            help="Also write a report with the charts of errors and interval calibration: an"
            " .html page or a .pdf.",
            metavar="FILE",
        ),
    ] = None,
    recommendation: Annotated[
        str | None,
        typer.Option(
            "--recommendation",
            help="Also score this recommendation as it is, not fitted again: 'shipped' (the one"
            " flashpoint ships) or a file --save-recommendation wrote. On decisions it never saw,"
            " this is its out-of-sample test (the forecaster 'fixed').",
            metavar="shipped|FILE",
        ),
    ] = None,
    save_recommendation: Annotated[
        Path | None,
        typer.Option(
            "--save-recommendation",
            help="Also write the recommended forecast chosen and fitted on every issue (JSON).",
            metavar="FILE",
        ),
    ] = None,
    as_json: json_flag("the backtest") = False,
) -> None:
    """Score every model and the recommended forecast on issues that have been decided.

    Errors, hit rates, interval coverage and CRPS, cross-validated by proposal."""
    request = BacktestRequest(
        scenario=actors,
        outcomes=outcomes,
        draws=draws,
        folds=folds,
        eu_rules=eu_rules,
        recommendation=recommendation,
        **run.request_fields(),
    )
    if report is not None and report.suffix.lower() not in (".html", ".htm", ".pdf"):  # not PNGs
        raise typer.BadParameter(
            f"cannot tell the format of '{report.name}': end it in .html or .pdf",
            param_hint="--report",
        )
    where = actors if outcomes is None else f"{actors} or {outcomes}"
    result = run_request(request, where, "backtest", run)
    if report is not None:
        write_report(backtest_report(result), report)
    if csv is not None:
        write_table(result.to_frame(), csv, "csv")  # texts quoted against formulas
    if save_recommendation is not None:
        if result.recommendation is None:
            err.print(f"[red]{escape(candidates_table(result).plain)}[/] Nothing was saved.")
            raise typer.Exit(1)
        document = json.dumps(result.recommendation.to_dict(), indent=2)
        save_recommendation.write_text(document + "\n", encoding="utf-8")
    if as_json:
        print_json(result.to_dict())
        return
    out.print(errors_table(result))
    out.print(intervals_table(result))
    out.print(candidates_table(result))
    written = [str(path) for path in (csv, report, save_recommendation) if path is not None]
    if written:
        out.print(f"[dim]wrote {escape(', '.join(written))}[/]")
