"""``flashpoint explain``: what one actor did in each round of a model's run, and why."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from flashpoint.cli.common import PANEL_MODELS, app, check_models, err, out
from flashpoint.cli.one_model import OneModelOptions, one_model_options
from flashpoint.report.pull import ONE_STEP, explain_pull
from flashpoint.report.rounds import PRESENTERS, explain


@app.command(
    "explain",
    rich_help_panel=PANEL_MODELS,
    epilog=(
        "Examples:\n\n"
        "  flashpoint explain eu-emissions-1985 belgium             every round, with its reasons\n\n"
        "  flashpoint explain korea-2018 'North Korea' --issue denuclearization\n\n"
        "  flashpoint explain korea-2018 north_korea --preset literal --rounds 5\n\n"
        "  flashpoint explain korea-2018 'North Korea' --model exchange   its trades\n\n"
        "  flashpoint explain korea-2018 'North Korea' --model smp   its challenges, turn by turn"
    ),
)
@one_model_options
def explain_command(
    scenario: Annotated[str, typer.Argument(help="A scenario file or a bundled scenario's name.")],
    actor: Annotated[str, typer.Argument(help="The actor, by id or by name.")],
    model: Annotated[
        str,
        typer.Option(
            "--model",
            "-m",
            help="The model: eum, exchange and smp say what the actor did round by round;"
            " compromise, median and nash who pulled the outcome where.",
            metavar="MODEL",
        ),
    ] = "eum",
    issue: Annotated[
        list[str] | None,
        typer.Option(
            "--issue",
            "-i",
            help="Only this issue (repeatable). Default: every issue.",
            metavar="ISSUE",
        ),
    ] = None,
    *,
    run: OneModelOptions,
) -> None:
    """Say, round by round, what one actor did and why: the offer it took, from whom, and why."""
    check_models([model], "MODEL")
    if model not in PRESENTERS and model not in ONE_STEP:
        raise typer.BadParameter(
            f"'{model}' has no explanation; models that do: {', '.join([*ONE_STEP, *PRESENTERS])}",
            param_hint="--model",
        )
    result = run.forecast(scenario, model)
    shown = result.scenario
    index = shown.find_actor(actor)
    if index is None:
        names = ", ".join(f"{a.id} ({a.label})" if a.label != a.id else a.id for a in shown.actors)
        raise typer.BadParameter(
            f"no actor '{actor}' in {scenario}; actors: {names}", param_hint="ACTOR"
        )
    issue_ids = [i.id for i in shown.issues]
    for name in issue or []:
        if name not in issue_ids:
            raise typer.BadParameter(
                f"no issue '{name}' in {scenario}; issues: {', '.join(issue_ids)}",
                param_hint="--issue",
            )
    taking_part = [
        k
        for k, item in enumerate(shown.issues)
        if (not issue or item.id in issue) and item.id in shown.actors[index].issues
    ]
    if not taking_part:
        err.print(f"{escape(shown.actors[index].label)} takes no part in the issues asked for.")
        raise typer.Exit(1)
    tables = (
        explain_pull(result, model, index, taking_part)
        if model in ONE_STEP
        else explain(result, model, index, taking_part)
    )
    for table in tables:
        out.print(table)
