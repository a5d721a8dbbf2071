"""The ``flashpoint`` command: forecast, validate, convert, list scenarios and models, templates.

This module only parses arguments and presents results; all computing happens in the library
(:func:`flashpoint.forecast`, :func:`flashpoint.load_scenario`, ...).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from flashpoint import __version__
from flashpoint.analysis.forecast import Forecast, forecast
from flashpoint.cli.common import (
    PANEL_FORECASTS,
    PANEL_MODELS,
    PANEL_SCENARIOS,
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
    compile_notice,
    count,
    err,
    fail,
    json_flag,
    out,
    running,
)
from flashpoint.models.registry import MODELS, get_model, model_names
from flashpoint.report.rounds import PRESENTERS, explain
from flashpoint.report.terminal import (
    anchors_table,
    forecast_table,
    futures_table,
    models_table,
    notes_table,
    probabilities_table,
    scenario_overview,
    scenarios_table,
    spread_table,
)
from flashpoint.scenario.cells import infer_salience_scale
from flashpoint.scenario.errors import ScenarioError, UnknownShockError
from flashpoint.scenario.load import (
    DEFAULT_SCENARIO,
    READ_FORMATS,
    WRITE_FORMATS,
    WRITE_SUFFIXES,
    bundled_names,
    load_scenario,
    save_scenario,
)
from flashpoint.scenario.workbook import write_workbook


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
def forecast_command(
    scenario: ScenarioArg = DEFAULT_SCENARIO,
    model: ModelsArg = None,
    shock: Annotated[
        list[str] | None,
        typer.Option(
            "--shock",
            "-s",
            help="Apply a named shock of the scenario first (repeatable; applied in order).",
            metavar="SHOCK",
        ),
    ] = None,
    seed: SeedArg = None,
    draws: Annotated[
        int,
        typer.Option(
            min=1,
            help="Monte Carlo draws of the scenario's uncertain inputs; above 1, each future's"
            " probability and each issue's spread are shown too.",
            metavar="INTEGER",
        ),
    ] = 1,
    jitter: JitterArg = 0.0,
    executor: ExecutorArg = "auto",
    workers: WorkersArg = None,
    scheduler: SchedulerArg = None,
    as_json: json_flag("the forecast") = False,
) -> None:
    """Forecast a scenario: each model's predicted outcome and the future it falls in.

    With --draws, how likely each future is under the scenario's uncertainty."""
    check_models(model)
    check_executor(executor, scheduler)
    with running("forecast", scenario, draws) as progress:
        result = forecast(
            scenario,
            model or None,
            shocks=shock or (),
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
    shown = result.scenario
    out.print(forecast_table(result))
    if shown.outcomes:
        out.print(futures_table(result))
    if result.draws > 1:
        out.print(spread_table(result))
        if shown.outcomes:
            out.print(probabilities_table(result))
    if any(issue.anchors for issue in shown.issues):
        out.print(anchors_table(result, result.models[0]))
    dated = f"Information as of {shown.as_of.isoformat()}. " if shown.as_of else ""
    out.print(
        f"[dim]{dated}The inputs and the notes behind them: flashpoint show {escape(scenario)} --notes[/]"
    )


ModelOptionArg = Annotated[
    list[str] | None,
    typer.Option(
        "--option",
        "-o",
        help="A model option as NAME=VALUE (repeatable), e.g. -o status_quo_probability=1."
        " 'flashpoint models' and docs/models.md list each model's options.",
        metavar="NAME=VALUE",
    ),
]
PresetArg = Annotated[
    str | None,
    typer.Option(
        help="The model's preset, e.g. for eum: scholz (default) or literal.", metavar="PRESET"
    ),
]
RoundsArg = Annotated[
    int | None,
    typer.Option(
        help="The most rounds to run (a model of rounds; eum: 10, smp: 100 turns).",
        metavar="INTEGER",
    ),
]
PolicyArg = Annotated[
    str | None,
    typer.Option(help="exchange: decide-parity (default) or full-recompute.", metavar="POLICY"),
]
RateArg = Annotated[
    float | None,
    typer.Option(
        "--p",
        help="exchange: random variation of exchange rates, 0 (default) to 1.",
        metavar="NUMBER",
    ),
]
ShockArg = Annotated[
    list[str] | None,
    typer.Option(
        "--shock",
        "-s",
        help="Apply a named shock of the scenario first (repeatable; in order).",
        metavar="SHOCK",
    ),
]


def _run_one(
    scenario: str,
    model: str,
    named: dict[str, str | int | float | None],
    option: list[str] | None,
    shock: list[str] | None,
    seed: int | None,
) -> Forecast:
    """Run one model with the options given on the command line (``named``: those with their
    own flags, None where not given); usage errors exit 2."""
    given: dict[str, str | int | float] = {
        name: value for name, value in named.items() if value is not None
    }
    for pair in option or []:
        name, equals, value = pair.partition("=")
        if not equals or not name.strip():
            raise typer.BadParameter(f"'{pair}' is not NAME=VALUE", param_hint="--option")
        given[name.strip()] = value.strip()
    try:
        with compile_notice():
            return forecast(
                scenario, [model], shocks=shock or (), options={model: given}, seed=seed
            )
    except ScenarioError as error:
        fail(error, scenario)
        raise  # not reached: _fail exits
    except UnknownShockError as error:
        raise typer.BadParameter(str(error), param_hint="--shock") from None
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="the model's options") from None


def _option_summary(model: str, options: dict[str, object]) -> str:
    shown = [f"preset {options['preset']}"] if "preset" in options else []
    if model == "smp":  # KTAB's nine parameters: those not at KTAB's defaults
        defaults = get_model(model).options().model_dump(mode="json")
        shown.extend(
            f"{name} {value}"
            for name, value in options.items()
            if name not in ("rounds", "accommodation") and value != defaults[name]
        )
        if options.get("accommodation"):
            shown.append(count(len(options["accommodation"]), "accommodation pair"))
    if "policy" in options:
        shown.append(f"policy {options['policy']}")
    if options.get("p"):
        shown.append(f"p {options['p']}")
    if "rounds" in options:
        shown.append(f"at most {options['rounds']} rounds")
    return f" ({', '.join(shown)})" if shown else ""


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
def run_command(
    model: Annotated[str, typer.Argument(help=f"The model: {', '.join(model_names())}.")],
    scenario: ScenarioArg = DEFAULT_SCENARIO,
    preset: PresetArg = None,
    rounds: RoundsArg = None,
    policy: PolicyArg = None,
    p: RateArg = None,
    option: ModelOptionArg = None,
    shock: ShockArg = None,
    seed: SeedArg = None,
    trace: Annotated[
        bool, typer.Option("--trace", help="List every move of every round.", metavar="")
    ] = False,
    as_json: json_flag("the run") = False,
) -> None:
    """Run one model on a scenario and show it round by round: the median and mean, who moved."""
    check_models([model], "MODEL")
    named = {"preset": preset, "rounds": rounds, "policy": policy, "p": p}
    result = _run_one(scenario, model, named, option, shock, seed)
    presenter = PRESENTERS.get(model)
    if as_json:
        document = presenter.run_document(result, model) if presenter else result.to_dict()
        typer.echo(json.dumps(document, indent=2))
        return
    chosen = result[model]
    out.print(
        f"[bold]{escape(chosen.label)}[/] on {escape(result.scenario.title)}"
        + (f" with shocks {escape(', '.join(result.shocks))}" if result.shocks else "")
        + escape(_option_summary(model, chosen.options))
    )
    if presenter:
        for table in presenter.rounds_tables(result, model, trace):
            out.print(table)
    else:
        out.print(f"[dim]{model} is a one-step model: it has no rounds to show.[/]")
    out.print(forecast_table(result))
    if result.scenario.outcomes:
        out.print(futures_table(result))


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
def explain_command(
    scenario: Annotated[str, typer.Argument(help="A scenario file or a bundled scenario's name.")],
    actor: Annotated[str, typer.Argument(help="The actor, by id or by name.")],
    model: Annotated[
        str,
        typer.Option(
            "--model", "-m", help="A model that keeps a log of its rounds.", metavar="MODEL"
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
    preset: PresetArg = None,
    rounds: RoundsArg = None,
    policy: PolicyArg = None,
    p: RateArg = None,
    option: ModelOptionArg = None,
    shock: ShockArg = None,
    seed: SeedArg = None,
) -> None:
    """Say, round by round, what one actor did and why: the offer it took, from whom, and why."""
    check_models([model], "MODEL")
    presenter = PRESENTERS.get(model)
    if presenter is None:
        raise typer.BadParameter(
            f"'{model}' keeps no log of rounds; models that do: {', '.join(PRESENTERS)}",
            param_hint="--model",
        )
    named = {"preset": preset, "rounds": rounds, "policy": policy, "p": p}
    result = _run_one(scenario, model, named, option, shock, seed)
    shown = result.scenario
    wanted = actor.strip().casefold()
    index = next(
        (k for k, a in enumerate(shown.actors) if wanted in (a.id.casefold(), a.label.casefold())),
        None,
    )
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
    for table in explain(result, model, index, taking_part):
        out.print(table)


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


@app.command(
    rich_help_panel=PANEL_SCENARIOS,
    epilog=(
        "Examples:\n\n"
        "  flashpoint convert korea-2018 korea.xlsx             edit the default scenario in Excel\n\n"
        "  flashpoint convert cop21.csv cop21.yaml              a Decide file as a scenario file\n\n"
        "  flashpoint convert my-case.xlsx my-case.csv          just the actor table"
    ),
)
def convert(
    source: Annotated[
        str, typer.Argument(help="The scenario to read (any format, or a bundled name).")
    ],
    target: Annotated[
        Path,
        typer.Argument(
            help=f"The file to write; its extension picks the format ({', '.join(WRITE_FORMATS)})."
        ),
    ],
    from_format: Annotated[
        str | None,
        typer.Option("--from", help=f"Read as: {', '.join(READ_FORMATS)}.", metavar="FORMAT"),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite the target if it exists.", metavar="")
    ] = False,
) -> None:
    """Convert a scenario between formats (YAML, JSON, Excel workbook, CSV actor table)."""
    if target.suffix.lower() not in WRITE_SUFFIXES:
        raise typer.BadParameter(
            f"the target must end in {', '.join(list(WRITE_SUFFIXES)[:-1])} or {list(WRITE_SUFFIXES)[-1]}",
            param_hint="TARGET",
        )
    if target.exists() and not force:
        err.print(f"[red]{escape(str(target))} exists[/]; use --force to overwrite it.")
        raise typer.Exit(1)
    try:
        scenario = load_scenario(source, format=from_format)
    except ScenarioError as error:
        fail(error, source)
        return
    save_scenario(scenario, target)
    out.print(f"wrote {escape(str(target))}")
    dropped = [
        name
        for name, present in (
            ("the title and description", True),
            (
                "the salience scale (read back from the values)",
                infer_salience_scale(
                    (stance.salience, None)
                    for actor in scenario.actors
                    for stance in actor.issues.values()
                )[0]
                != scenario.salience_scale,
            ),
            ("the date", scenario.as_of is not None),
            ("sources", bool(scenario.sources)),
            ("provenance", bool(scenario.provenance)),
            ("issue descriptions", any(issue.description for issue in scenario.issues)),
            ("labelled points of scales", any(issue.anchors for issue in scenario.issues)),
            ("actor descriptions", any(actor.description for actor in scenario.actors)),
            ("uncertainty", bool(scenario.uncertainty)),
            ("futures", bool(scenario.outcomes)),
            ("shocks", bool(scenario.shocks)),
            ("the seed", scenario.seed is not None),
            ("model options", bool(scenario.model_options)),
        )
        if present
    ]
    if target.suffix.lower() == ".csv":
        err.print(
            "[yellow]note[/]: a CSV actor table holds the issues (id, label, scale), the actors (id,"
            " label) and their positions, saliences, capabilities and notes. Not written: "
            + ", ".join(dropped)
            + ". Write .yaml or .xlsx to keep everything."
        )


@app.command(
    rich_help_panel=PANEL_SCENARIOS,
    epilog=(
        "Examples:\n\n"
        "  flashpoint show korea-2018            issues, positions, futures and shocks\n\n"
        "  flashpoint show korea-2018 --notes    and the note behind every number"
    ),
)
def show(
    scenario: ScenarioArg = DEFAULT_SCENARIO,
    notes: Annotated[
        bool, typer.Option("--notes", help="Also list every number with its note.", metavar="")
    ] = False,
) -> None:
    """Show what a scenario states: issues, positions and saliences, uncertainty, futures, shocks."""
    try:
        loaded = load_scenario(scenario)
    except ScenarioError as error:
        fail(error, scenario)
        return
    for part in scenario_overview(loaded):
        out.print(part)
    if notes:
        out.print(notes_table(loaded))


@app.command(
    rich_help_panel=PANEL_SCENARIOS,
    epilog="Example:\n\n  flashpoint scenarios   then, e.g.: flashpoint show copenhagen-2009",
)
def scenarios() -> None:
    """List the scenarios that ship with flashpoint (usable by name anywhere a file is expected)."""
    loaded = {name: load_scenario(name) for name in bundled_names()}
    out.print(scenarios_table(loaded, DEFAULT_SCENARIO))


@app.command(
    rich_help_panel=PANEL_MODELS,
    epilog="Example:\n\n  flashpoint models   then, e.g.: flashpoint forecast -m nash",
)
def models() -> None:
    """List the models flashpoint can run, with what they compute and their sources."""
    out.print(models_table(MODELS.values()))


@app.command(
    rich_help_panel=PANEL_SCENARIOS,
    epilog="Example:\n\n  flashpoint template my-case.xlsx   then fill it in and run: flashpoint validate my-case.xlsx",
)
def template(
    target: Annotated[Path, typer.Argument(help="The workbook to write (.xlsx).")],
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite the file if it exists.", metavar="")
    ] = False,
) -> None:
    """Write an empty scenario workbook for an analyst to fill in, with a guide sheet."""
    if target.suffix.lower() != ".xlsx":
        raise typer.BadParameter(
            "the template is an Excel workbook: give a name ending in .xlsx", param_hint="TARGET"
        )
    if target.exists() and not force:
        err.print(f"[red]{escape(str(target))} exists[/]; use --force to overwrite it.")
        raise typer.Exit(1)
    write_workbook(None, target)
    out.print(
        f"wrote {escape(str(target))}: fill in the sheets (see its README sheet), then run:"
        f" flashpoint validate {escape(str(target))}"
    )


def main() -> None:
    app(prog_name="flashpoint")
