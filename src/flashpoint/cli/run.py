"""``flashpoint run``: one model on a scenario, round by round."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from flashpoint import DEFAULT_SCENARIO, model_names
from flashpoint.cli.common import (
    PANEL_MODELS,
    ScenarioArg,
    app,
    check_models,
    json_flag,
    out,
    print_json,
)
from flashpoint.cli.one_model import OneModelOptions, one_model_options
from flashpoint.report.rounds import PRESENTERS
from flashpoint.report.scenario_tables import option_summary
from flashpoint.report.sections.agreement import blocks_table
from flashpoint.report.sections.outcomes import forecast_table, futures_table


@app.command(
    "run",
    rich_help_panel=PANEL_MODELS,
    epilog=(
        "Examples:\n\n"
        "  flashpoint run eum eu-emissions-1985                     the EUM, round by round\n\n"
        "  flashpoint run eum eu-emissions-1985 --trace             and every move\n\n"
        "  flashpoint run eum korea-2018 --preset literal -o status_quo_probability=1\n\n"
        "  flashpoint run eum my-case.csv --rounds 30 --json > run.json\n\n"
        "  flashpoint run exchange korea-2018 --trace               who trades what with whom\n\n"
        "  flashpoint run exchange copenhagen-2009 --policy full-recompute --p 0.5\n\n"
        "  flashpoint run smp korea-2018 --trace                    challenges and bargains\n\n"
        "  flashpoint run smp my-case.xml -o BigRAdjust=Half -o StateTransitions=Stochastic"
    ),
)
@one_model_options
def run_command(
    model: Annotated[str, typer.Argument(help=f"The model: {', '.join(model_names())}.")],
    scenario: ScenarioArg = DEFAULT_SCENARIO,
    *,
    run: OneModelOptions,
    trace: Annotated[
        bool, typer.Option("--trace", help="List every move of every round.", metavar="")
    ] = False,
    as_json: json_flag("the run") = False,
) -> None:
    """Run one model on a scenario and show it round by round: the median and mean, who moved."""
    check_models([model], "MODEL")
    result = run.forecast(scenario, model)
    presenter = PRESENTERS.get(model)
    if as_json:
        document = presenter.run_document(result, model) if presenter else result.to_dict()
        print_json(document)
        return
    chosen = result[model]
    out.print(
        f"[bold]{escape(chosen.label)}[/] on {escape(result.scenario.title)}"
        + (f" with shocks {escape(', '.join(result.shocks))}" if result.shocks else "")
        + escape(option_summary(model, chosen.options))
    )
    if presenter:
        for table in presenter.rounds_tables(result, model, trace):
            out.print(table)
    else:
        out.print(f"[dim]{model} is a one-step model: it has no rounds to show.[/]")
    out.print(forecast_table(result))
    if result.scenario.outcomes:
        out.print(futures_table(result))
    if result[model].blocked:
        out.print(blocks_table(result))
