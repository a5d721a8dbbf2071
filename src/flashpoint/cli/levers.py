"""``flashpoint levers``: what would it take? The offer by one actor that makes a target most
likely, or reaches a threshold with the smallest move."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from flashpoint import DEFAULT_SCENARIO, LeversRequest
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
from flashpoint.report.sections.levers import curve_table, effect_table, offer_table, searched


@app.command(
    "levers",
    rich_help_panel=PANEL_FORECASTS,
    epilog=(
        "Examples:\n\n"
        '  flashpoint levers korea-2018 --actor united_states --target "P(peace_regime)"\n\n'
        "  flashpoint levers korea-2018 --actor united_states -i sanctions_relief -i"
        " security_guarantee --budget 40\n\n"
        '  flashpoint levers korea-2018 --actor united_states --target "P(peace_regime)"'
        " --threshold 0.6   the smallest offer that reaches 60%"
    ),
)
@run_options
def levers_command(
    scenario: ScenarioArg = DEFAULT_SCENARIO,
    actor: Annotated[
        str,
        typer.Option("--actor", "-a", help="The actor whose offer is searched.", metavar="ACTOR"),
    ] = "",
    target: Annotated[
        str | None,
        typer.Option(
            "--target",
            "-t",
            help='"P(future)" or an issue. Default: the first future\'s probability.',
            metavar="TARGET",
        ),
    ] = None,
    issue: Annotated[
        list[str] | None,
        typer.Option(
            "--issue",
            "-i",
            help="An issue to search the actor's position on (repeatable; default: all it takes part in).",
            metavar="ISSUE",
        ),
    ] = None,
    budget: Annotated[
        float | None,
        typer.Option(
            min=0.0,
            help="The largest total move, in points of each input's range (0-100 each).",
            metavar="POINTS",
        ),
    ] = None,
    threshold: Annotated[
        float | None,
        typer.Option(
            help="Find the smallest offer that brings the target to this value (a probability 0-1, or an outcome).",
            metavar="VALUE",
        ),
    ] = None,
    minimise: Annotated[
        bool,
        typer.Option(
            "--minimise",
            help="Make the target as small as possible (say, P(breakdown)).",
            metavar="",
        ),
    ] = False,
    saliences: Annotated[
        bool,
        typer.Option(
            "--saliences", help="Also search the actor's saliences on those issues.", metavar=""
        ),
    ] = False,
    draws: Annotated[
        int, typer.Option(min=2, help="Monte Carlo draws every offer runs on.", metavar="INTEGER")
    ] = 200,
    generations: Annotated[
        int,
        typer.Option(min=1, max=1000, help="Generations of the search at most.", metavar="INTEGER"),
    ] = 15,
    *,
    run: RunOptions,
    as_json: json_flag("the search") = False,
) -> None:
    """What would it take? Search one actor's offer for the one that makes a future most likely.

    Differential evolution over the actor's positions (and saliences), every offer on the same
    draws, measured on the headline forecast (with --model, on those models pooled); the result
    says how much the offer helps, under which models, and how robust it is."""
    if not actor:
        raise typer.BadParameter("name the actor whose offer to search", param_hint="--actor")
    fields = run.request_fields()
    if run.executor == "auto":
        fields["executor"] = "serial"  # each generation is one small run: a pool only costs
    request = LeversRequest(
        scenario=scenario,
        actor=actor,
        target=target,
        issues=tuple(issue or ()),
        budget=budget,
        threshold=threshold,
        direction="minimise" if minimise else "maximise",
        saliences=saliences,
        draws=draws,
        generations=generations,
        **fields,
    )
    result = run_request(request, scenario, "levers search", run)
    if as_json:
        print_json(result.to_dict())
        return
    out.print(offer_table(result))
    out.print(effect_table(result))
    out.print(curve_table(result))
    reached = ""
    if result.reached is not None:
        reached = (
            " The threshold was reached."
            if result.reached
            else " No offer within the bounds reached the threshold."
        )
    out.print(
        f"[dim]{escape(searched(result))} Total move {result.move:.1f} points.{escape(reached)}"
        f" Seed {result.seed}: the same seed gives the same offer.[/]"
    )
