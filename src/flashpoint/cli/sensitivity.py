"""``flashpoint sensitivity``: which inputs and model options drive a forecast."""

from __future__ import annotations

from typing import Annotated

import typer

from flashpoint import DEFAULT_SCENARIO, METHODS, SensitivityRequest
from flashpoint.cli.common import (
    PANEL_FORECASTS,
    RunOptions,
    ScenarioArg,
    app,
    json_flag,
    out,
    print_json,
    run_options,
    run_request,
)
from flashpoint.report.sections.drivers import factorial_tables, indices_table, tornado_table


@app.command(
    "sensitivity",
    rich_help_panel=PANEL_FORECASTS,
    epilog=(
        "Examples:\n\n"
        '  flashpoint sensitivity --target "P(peace_regime)"          tornado for Korea 2018\n\n'
        "  flashpoint sensitivity korea-2018 --target denuclearization --method morris\n\n"
        "  flashpoint sensitivity --method sobol --samples 512 --executor process\n\n"
        "  flashpoint sensitivity --method factorial -f eum.preset -f exchange.policy"
    ),
)
@run_options
def sensitivity_command(
    scenario: ScenarioArg = DEFAULT_SCENARIO,
    target: Annotated[
        str | None,
        typer.Option(
            "--target",
            "-t",
            help='What to explain: "P(future)" (a future\'s probability) or an issue (its expected'
            " outcome). Default: the first future's probability.",
            metavar="TARGET",
        ),
    ] = None,
    method: Annotated[
        str,
        typer.Option(
            help="tornado (one input at a time), morris or sobol (indices via SALib), or"
            " factorial (over categorical model options).",
            metavar="METHOD",
        ),
    ] = "tornado",
    factor: Annotated[
        list[str] | None,
        typer.Option(
            "--factor",
            "-f",
            help="factorial: a model option to vary, as MODEL.OPTION (repeatable; default"
            " eum.preset and exchange.policy).",
            metavar="FACTOR",
        ),
    ] = None,
    draws: Annotated[
        int,
        typer.Option(
            min=1, help="tornado, factorial: Monte Carlo draws of each setting.", metavar="INTEGER"
        ),
    ] = 500,
    samples: Annotated[
        int | None,
        typer.Option(
            min=2,
            help="morris: trajectories (default 20); sobol: base samples, a power of 2 (default"
            " 256).",
            metavar="INTEGER",
        ),
    ] = None,
    *,
    run: RunOptions,
    as_json: json_flag("the analysis") = False,
) -> None:
    """Which uncertain inputs or model options move a forecast, and by how much.

    The target is a future's probability or an issue's outcome (--target), measured on the
    headline forecast; with --model, on those models pooled with equal weights."""
    fields = run.request_fields()
    if method not in METHODS:
        raise typer.BadParameter(
            f"'{method}' is not a method (methods: {', '.join(METHODS)})", param_hint="--method"
        )
    request = SensitivityRequest(
        scenario=scenario,
        target=target,
        method=method,
        factors=factor,
        draws=draws,
        samples=samples,
        **fields,
    )
    result = run_request(request, scenario, "sensitivity analysis", run)
    if as_json:
        print_json(result.to_dict())
        return
    if result.method == "tornado":
        out.print(tornado_table(result))
    elif result.method == "factorial":
        for table in factorial_tables(result):
            out.print(table)
    else:
        out.print(indices_table(result))
