"""``flashpoint compare``: the baseline against each shock, on common random numbers."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.markup import escape

from flashpoint.analysis.compare import ENSEMBLE, compare
from flashpoint.cli.common import (
    PANEL_FORECASTS,
    ExecutorArg,
    JitterArg,
    ModelsArg,
    ScenarioArg,
    SchedulerArg,
    SeedArg,
    WorkersArg,
    app,
    check_executor,
    check_models,
    json_flag,
    out,
    running,
)
from flashpoint.report.compare import compare_futures_table, compare_issues_table
from flashpoint.scenario.load import DEFAULT_SCENARIO


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
    model: ModelsArg = None,
    by_model: Annotated[
        str | None,
        typer.Option(
            "--by-model",
            help="Show one model's numbers instead of the ensemble's (--json has all).",
            metavar="MODEL",
        ),
    ] = None,
    seed: SeedArg = None,
    draws: Annotated[
        int,
        typer.Option(
            min=2, help="Monte Carlo draws; every variant runs on the same ones.", metavar="INTEGER"
        ),
    ] = 1000,
    jitter: JitterArg = 0.0,
    executor: ExecutorArg = "auto",
    workers: WorkersArg = None,
    scheduler: SchedulerArg = None,
    as_json: json_flag("the comparison") = False,
) -> None:
    """Compare the scenario as stated with each shock, on the same Monte Carlo draws.

    How each future's probability and each issue's outcome change under each shock."""
    check_models(model)
    check_executor(executor, scheduler)
    shown = by_model or ENSEMBLE
    if by_model is not None and by_model not in (model or [by_model]):
        raise typer.BadParameter(
            f"'{by_model}' is not among the models run ({', '.join(model or [])})",
            param_hint="--by-model",
        )
    check_models([by_model] if by_model else None)
    shocks = [tuple(part.strip() for part in item.split("+")) for item in shock] if shock else None
    with running("comparison", scenario, draws * (1 + len(shocks or [1]))) as progress:
        result = compare(
            scenario,
            shocks,
            model or None,
            seed=seed,
            draws=draws,
            jitter=jitter,
            executor=executor,  # type: ignore[arg-type]
            workers=workers,
            scheduler=scheduler,
            progress=progress,
        )
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2))
        return
    if result.scenario.outcomes:
        out.print(compare_futures_table(result, shown))
    out.print(compare_issues_table(result, shown))
    out.print(
        f"[dim]What each shock changes: flashpoint show {escape(scenario)}. Seed {result.seed};"
        " the same seed gives the same numbers on every executor.[/]"
    )
