"""What the ``flashpoint`` commands share: the application, the consoles, the common arguments
and options, and how usage and input errors are reported."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from flashpoint.analysis.targets import UnknownChoice
from flashpoint.engine.compilation import on_compile
from flashpoint.engine.executors import EXECUTORS, SchedulerUnreachable
from flashpoint.extras import MissingExtra
from flashpoint.models.registry import MODELS, model_names
from flashpoint.report.progress import draws_progress
from flashpoint.report.terminal import problems_table
from flashpoint.scenario.errors import ScenarioError, UnknownShockError

# The panels of `flashpoint --help`
PANEL_FORECASTS = "Forecasts"
PANEL_MODELS = "Models round by round"
PANEL_SCENARIOS = "Scenarios"

out = Console()
err = Console(stderr=True)

app = typer.Typer(
    name="flashpoint",
    help=(
        "Model and forecast multi-party negotiations at geopolitical flashpoints.\n\n"
        "Run without a command, flashpoint forecasts the bundled Korea 2018 scenario with every model."
    ),
    epilog=(
        "Examples:\n\n"
        "  flashpoint                              forecast the Korea 2018 scenario\n\n"
        "  flashpoint forecast my-case.xlsx        forecast your own scenario\n\n"
        "  flashpoint forecast --draws 2000        how likely each future is\n\n"
        "  flashpoint compare                      what each shock of the scenario changes\n\n"
        '  flashpoint sensitivity -t "P(peace_regime)"   which inputs drive it\n\n'
        "  flashpoint validate my-case.csv         list every problem in an input file\n\n"
        "  flashpoint template my-case.xlsx        start a new scenario in Excel"
    ),
    rich_markup_mode="rich",
    add_completion=False,
    no_args_is_help=False,
)

ScenarioArg = Annotated[
    str,
    typer.Argument(
        help="A scenario file (.yaml, .json, .xlsx, .csv; KTAB (.csv, .xml) and Decide files too) or the name of a"
        " bundled scenario (see 'flashpoint scenarios').",
        show_default=True,
    ),
]
SeedArg = Annotated[
    int | None,
    typer.Option(
        min=0,
        help="Seed of the run's random streams (default: the scenario's seed, else 0).",
        metavar="INTEGER",
    ),
]


def json_flag(what: str) -> Any:
    """The ``--json`` flag of a command that prints ``what`` (e.g. "the forecast") as JSON."""
    return Annotated[
        bool,
        typer.Option(
            "--json", help=f"Print {what} as JSON (schema: docs/json-output.md).", metavar=""
        ),
    ]


def count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def fail(error: ScenarioError, what: str) -> None:
    err.print(f"[bold red]{count(len(error.problems), 'problem')}[/] in {escape(what)}:")
    err.print(problems_table(error.problems))
    raise typer.Exit(1)


ModelsArg = Annotated[
    list[str] | None,
    typer.Option(
        "--model",
        "-m",
        help=f"A model to run (repeatable). Default: all of {', '.join(model_names())}.",
        metavar="MODEL",
    ),
]
JitterArg = Annotated[
    float,
    typer.Option(
        min=0.0,
        help="Also spread every input without an uncertainty entry, by this share of its range"
        " (e.g. 0.05).",
        metavar="SHARE",
    ),
]
ExecutorArg = Annotated[
    str,
    typer.Option(
        help="Where the draws run: serial, process (a pool of worker processes), dask (a Dask"
        " cluster: --scheduler, else a local one), or auto: process from 1,000 draws on a"
        " machine with several cores, else serial. The numbers are the same on each.",
        metavar="EXECUTOR",
    ),
]
WorkersArg = Annotated[
    int | None,
    typer.Option(min=1, help="Worker processes (default: one per core).", metavar="INTEGER"),
]
SchedulerArg = Annotated[
    str | None,
    typer.Option(
        help="The Dask scheduler to send the draws to, e.g. tcp://10.0.0.5:8786 (with"
        " --executor dask; default: a local cluster of --workers processes).",
        metavar="ADDRESS",
    ),
]


def check_models(names: list[str] | None, param_hint: str = "--model") -> None:
    """A usage error (exit 2) for a model that is not registered, listing the models."""
    for name in names or []:
        if name not in MODELS:
            raise typer.BadParameter(
                f"unknown model '{name}' (models: {', '.join(model_names())})",
                param_hint=param_hint,
            )


def check_executor(executor: str, scheduler: str | None) -> None:
    """A usage error (exit 2) for an unknown executor, or a scheduler without Dask."""
    if executor not in EXECUTORS:
        raise typer.BadParameter(
            f"'{executor}' is not an executor (executors: {', '.join(EXECUTORS)})",
            param_hint="--executor",
        )
    if scheduler is not None and executor != "dask":
        raise typer.BadParameter(
            "a scheduler is for the dask executor: add --executor dask", param_hint="--scheduler"
        )


def compile_notice() -> AbstractContextManager[None]:
    """Say so on the terminal when the models are being compiled (the first run on a machine;
    :mod:`flashpoint.engine.compilation`), so that a long first run is not a surprise."""
    return on_compile(
        lambda: err.print(
            "[dim]Compiling the models for this machine, once: this run takes about a minute"
            " longer; later runs load them in a second.[/]"
        )
    )


@contextmanager
def running(
    what: str, scenario: str, draws: int | None, label: str = "Monte Carlo draws"
) -> Iterator[Callable[[int], None] | None]:
    """Run library work with a progress bar over ``draws`` draws (None: not known ahead), and turn what can go wrong
    into messages: Ctrl-C (exit 130), problems in the scenario (exit 1, every problem listed),
    an unknown shock (usage error), bad model options (exit 1), and a missing optional
    dependency (exit 1, with the install command)."""
    try:
        with compile_notice(), draws_progress(draws, err, label) as progress:
            yield progress
    except KeyboardInterrupt:
        err.print(f"Stopped: the {what} was interrupted; nothing was printed.")
        raise typer.Exit(130) from None
    except ScenarioError as error:
        fail(error, scenario)
    except UnknownShockError as error:
        raise typer.BadParameter(str(error), param_hint="--shock") from None
    except UnknownChoice as error:
        raise typer.BadParameter(str(error), param_hint=f"--{error.what}") from None
    except (ValueError, MissingExtra, SchedulerUnreachable) as error:
        err.print(f"[red]{escape(str(error))}[/]")
        raise typer.Exit(1) from None
