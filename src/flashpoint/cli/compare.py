"""``flashpoint compare``: the baseline against each shock, on common random numbers."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from flashpoint import DEFAULT_SCENARIO, ENSEMBLE, CompareRequest
from flashpoint.cli.common import (
    PANEL_FORECASTS,
    CsvArg,
    RunOptions,
    ScenarioArg,
    XlsxArg,
    app,
    check_models,
    json_flag,
    out,
    print_json,
    run_options,
    run_request,
    write_tables,
)
from flashpoint.report.sections.shocks import (
    compare_futures_table,
    compare_issues_table,
    mechanism_table,
)


@app.command(
    "compare",
    rich_help_panel=PANEL_FORECASTS,
    epilog=(
        "Examples:\n\n"
        "  flashpoint compare                                   Korea 2018: every shock\n\n"
        "  flashpoint compare korea-2018 -s us_maximum_pressure -s china_guarantee\n\n"
        "  flashpoint compare korea-2018 -s china_guarantee+economic_package   two together\n\n"
        "  flashpoint compare my-case.yaml --draws 5000 --executor process --json > compare.json"
    ),
)
@run_options
def compare_command(
    scenario: ScenarioArg = DEFAULT_SCENARIO,
    shock: Annotated[
        list[str] | None,
        typer.Option(
            "--shock",
            "-s",
            help="A shock to compare with the baseline (repeatable: one column each; join shocks"
            " with + to apply them together). Default: each of the scenario's shocks.",
            metavar="SHOCK",
        ),
    ] = None,
    by_model: Annotated[
        str | None,
        typer.Option(
            "--by-model",
            help="Show one model's numbers (or 'ensemble': the models pooled with equal"
            " weights) instead of the headline forecast's (--json has all).",
            metavar="MODEL",
        ),
    ] = None,
    draws: Annotated[
        int,
        typer.Option(
            min=2, help="Monte Carlo draws; every variant runs on the same ones.", metavar="INTEGER"
        ),
    ] = 1000,
    *,
    run: RunOptions,
    csv: CsvArg = None,
    xlsx: XlsxArg = None,
    as_json: json_flag("the comparison") = False,
) -> None:
    """Compare the scenario as stated with each shock, on the same Monte Carlo draws.

    How each future's probability and each issue's outcome change under each shock."""
    fields = run.request_fields()
    model = run.models
    shown = by_model
    if by_model not in (None, ENSEMBLE) and by_model not in (model or [by_model]):
        raise typer.BadParameter(
            f"'{by_model}' is not among the models run ({', '.join(model or [])})",
            param_hint="--by-model",
        )
    check_models([by_model] if by_model not in (None, ENSEMBLE) else None)
    shocks = [tuple(part.strip() for part in item.split("+")) for item in shock] if shock else None
    request = CompareRequest(scenario=scenario, shocks=shocks, draws=draws, **fields)
    result = run_request(request, scenario, "comparison", run)
    write_tables(result, csv, xlsx)
    if as_json:
        print_json(result.to_dict())
        return
    if result.scenario.outcomes:
        out.print(compare_futures_table(result, shown))
    out.print(compare_issues_table(result, shown))
    if shown is None and any(variant.mechanism for variant in result.shocked):
        out.print(mechanism_table(result))
    out.print(
        f"[dim]What each shock changes: flashpoint show {escape(scenario)}. Seed {result.seed};"
        " the same seed gives the same numbers on every executor.[/]"
    )
