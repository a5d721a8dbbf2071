"""What the ``flashpoint`` commands share: the application, the consoles, the common arguments
and options (those of every run declared once, :func:`run_options`), running a request with a
progress bar, and how usage and input errors are reported."""

from __future__ import annotations

import functools
import inspect
import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, get_type_hints

import typer
from rich.console import Console
from rich.markup import escape

from flashpoint import (
    EXECUTORS,
    MODELS,
    ForecastRequest,
    MissingExtra,
    ScenarioError,
    SchedulerUnreachable,
    UnknownChoice,
    UnknownShockError,
    model_names,
    on_compile,
    on_long_run,
    run,
)
from flashpoint.report.export import write_table
from flashpoint.report.progress import progress_bar
from flashpoint.report.scenario_tables import problems_table
from flashpoint.store import RunStore, StoreError, stopped_by

# The panels of `flashpoint --help`
PANEL_FORECASTS = "Forecasts"
PANEL_MODELS = "Models round by round"
PANEL_SCENARIOS = "Scenarios"
PANEL_RECORDS = "Records"
PANEL_BROWSER = "In a browser"

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
        "  flashpoint report -o korea.html         a report to send, with every chart\n\n"
        "  flashpoint runs list                    what you ran, newest first\n\n"
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


class OptionError(typer.BadParameter):
    """A usage error (exit 2) whose message names its option itself, printed as it is (not
    after "Invalid value for ...")."""

    def format_message(self) -> str:
        return self.message


def checked_seed(seed: int | None) -> int | None:
    """``--seed`` as given, checked as the command line is read, before any work: a seed
    outside 0 to 2^64 - 1 is a usage error naming the range."""
    if seed is None or ForecastRequest.is_seed(seed):
        return seed
    raise OptionError(
        f"--seed must be a whole number from 0 to {ForecastRequest.largest_seed}, not {seed}"
    )


SeedArg = Annotated[
    int | None,
    typer.Option(
        callback=checked_seed,
        help="Seed of the run's random streams, a whole number from 0 to 2^64 - 1 (default: the"
        " scenario's seed, else 0).",
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
    float | None,
    typer.Option(
        min=0.0,
        max=0.5,
        help="Also spread every input without an uncertainty entry, by this share of its range"
        " (e.g. 0.05; at most 0.5). Default: 0; backtest: 0.05.",
        metavar="SHARE",
        show_default=False,
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


def announce_slow_read(message: str) -> None:
    """Say that a large scenario file is being read, and about how long it takes."""
    err.print(f"[dim]{escape(message)}[/]")


@contextmanager
def compile_notice() -> Iterator[None]:
    """Say so on the terminal when the models are being compiled (the first run on a machine;
    :mod:`flashpoint.engine.compilation`), and when a run is estimated to take long
    (:mod:`flashpoint.analysis.cost`), so that a long run is not a surprise."""
    with (
        on_compile(
            lambda: err.print(
                "[dim]Compiling the models for this machine, once: this run takes about half a"
                " minute longer; later runs load them in a second.[/]"
            )
        ),
        on_long_run(
            lambda cost: err.print(
                f"[yellow]This run will take {escape(cost.describe())}; the progress bar counts"
                " the draws as they finish. Fewer draws (--draws) or models (--model) make it"
                " shorter.[/]"
            )
        ),
    ):
        yield


StoreArg = Annotated[
    Path | None,
    typer.Option(
        "--store",
        help="The run store to use (default: $FLASHPOINT_STORE, else runs.sqlite in your data"
        " folder, e.g. ~/.local/share/flashpoint).",
        metavar="PATH",
        show_default=False,
    ),
]
NoStoreArg = Annotated[
    bool,
    typer.Option("--no-store", help="Do not record this run in the run store.", metavar=""),
]
KeepTracesArg = Annotated[
    bool,
    typer.Option(
        "--keep-traces",
        help="Also record every draw's forecast in the run store, compressed (flashpoint runs"
        " export --traces reads them back; a forecast of more than 100,000 draws sums them up"
        " as it runs and keeps none).",
        metavar="",
    ),
]


@dataclass(frozen=True)
class RunOptions:
    """The options every command that runs an analysis takes (:func:`run_options`): what it
    runs, and where it records the run (``store``; ``no_store`` records nothing)."""

    models: list[str] | None
    seed: int | None
    jitter: float | None
    executor: str
    workers: int | None
    scheduler: str | None
    store: Path | None = None
    no_store: bool = False
    keep_traces: bool = False

    def request_fields(self) -> dict[str, Any]:
        """The request's fields these options give, after the usage checks (exit 2)."""
        check_models(self.models)
        check_executor(self.executor, self.scheduler)
        fields = {
            "models": self.models or None,
            "seed": self.seed,
            "executor": self.executor,
            "workers": self.workers,
            "scheduler": self.scheduler,
        }
        return fields if self.jitter is None else {**fields, "jitter": self.jitter}


def options_of(
    parameters: list[inspect.Parameter], bundle: Callable[..., Any]
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """A decorator that gives a command the options ``parameters``, declared once, in the
    place of the command's parameter ``run``, which receives ``bundle(**their values)``."""

    def decorate(command: Callable[..., None]) -> Callable[..., None]:
        own = list(inspect.signature(command, eval_str=True).parameters.values())
        at = [parameter.name for parameter in own].index("run")
        hints = get_type_hints(command, include_extras=True)

        @functools.wraps(command)
        def with_options(**given: Any) -> None:
            values = {p.name: given.pop(p.name, p.default) for p in parameters}
            command(**given, run=bundle(**values))

        shown = own[:at] + parameters + own[at + 1 :]
        with_options.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
            [parameter.replace(kind=inspect.Parameter.KEYWORD_ONLY) for parameter in shown]
        )
        with_options.__annotations__ = {
            **{name: hint for name, hint in hints.items() if name not in ("run", "return")},
            **{parameter.name: parameter.annotation for parameter in parameters},
        }
        return with_options

    return decorate


def options(*declared: tuple[str, Any, Any]) -> list[inspect.Parameter]:
    """Command-line options as parameters, each ``(name, annotation, default)``."""
    return [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=kind)
        for name, kind, default in declared
    ]


run_options = options_of(
    options(
        ("model", ModelsArg, None),
        ("seed", SeedArg, None),
        ("jitter", JitterArg, None),
        ("executor", ExecutorArg, "auto"),
        ("workers", WorkersArg, None),
        ("scheduler", SchedulerArg, None),
        ("store", StoreArg, None),
        ("no_store", NoStoreArg, False),
        ("keep_traces", KeepTracesArg, False),
    ),
    lambda model, **values: RunOptions(models=model, **values),
)
"""The options every run shares (--model, --seed, --jitter, --executor, --workers,
--scheduler, --store, --no-store, --keep-traces), as one :class:`RunOptions` in the command's parameter
``run``."""


INPUT_ERRORS = (ScenarioError, UnknownShockError, UnknownChoice, MissingExtra, ValueError)
"""Errors in what a run was given: said to the user, not recorded as failed runs."""


def run_request(request: Any, scenario: str, what: str, options: RunOptions | None = None) -> Any:
    """Run ``request`` with a progress bar of its unit, record it in the run store unless
    ``options`` say not to (finished, or failed for another reason than its input, e.g.
    interrupted; a store that cannot be used is said, and the run's result is still printed),
    and turn what can go wrong into messages (:func:`running`)."""
    store = None
    if options is not None and not options.no_store:
        try:
            store = RunStore(options.store)
        except StoreError as error:
            err.print(f"[yellow]{escape(str(error))}; this run is not recorded.[/]")
    try:
        with running(what, scenario), progress_bar(err, request.progress_unit) as progress:
            started = time.perf_counter()
            try:
                result = run(request, progress)
            except BaseException as error:
                if store is not None and not isinstance(error, INPUT_ERRORS):
                    failure, status = stopped_by(error)
                    seconds = time.perf_counter() - started
                    _keep(lambda: store.record_failure(request, failure, seconds, status))
                raise
        if store is not None:
            seconds = time.perf_counter() - started
            run_id = _keep(lambda: store.record(result, seconds, options.keep_traces))
            if run_id is not None:
                err.print(
                    f"[dim]Recorded as run {run_id} in {escape(str(store.path))}"
                    f" (flashpoint runs show {run_id}).[/]"
                )
        return result
    finally:
        if store is not None:
            store.close()


def _keep(record: Callable[[], int]) -> int | None:
    """Record a run in the store; a store that fails is said, not fatal."""
    try:
        return record()
    except StoreError as error:
        err.print(f"[yellow]{escape(str(error))}; this run is not recorded.[/]")
        return None


CsvArg = Annotated[
    Path | None,
    typer.Option(
        "--csv",
        help="Also write the results as a table, one row per model and quantity (CSV).",
        metavar="FILE",
    ),
]
XlsxArg = Annotated[
    Path | None,
    typer.Option(
        "--xlsx",
        help="Also write the results as an Excel workbook, a sheet per kind of row.",
        metavar="FILE",
    ),
]


def write_tables(result: Any, csv: Path | None, xlsx: Path | None) -> None:
    """Write a result's table (``result.to_frame()``) as CSV and as a workbook where asked,
    and say so on stderr; a file that cannot be written is an error (exit 1)."""
    for path, kind in ((csv, "csv"), (xlsx, "xlsx")):
        if path is None:
            continue
        try:
            write_table(result.to_frame(), path, kind)
        except OSError as error:
            err.print(
                f"[red]cannot write {escape(str(path))}: {escape(error.strerror or str(error))}[/]"
            )
            raise typer.Exit(1) from None
        err.print(f"[dim]wrote {escape(str(path))}[/]")


def print_json(document: dict[str, Any]) -> None:
    """Print a result's JSON document (``docs/json-output.md``) on stdout."""
    typer.echo(json.dumps(document, indent=2))


@contextmanager
def running(what: str, scenario: str) -> Iterator[None]:
    """Run library work and turn what can go wrong into messages: Ctrl-C (exit 130), problems
    in the scenario (exit 1, every problem listed), an unknown shock (usage error), bad model
    options (exit 1), a missing optional dependency (exit 1, with the install command), and
    running out of memory (exit 1, with what would fit).
    Says so when the models are being compiled."""
    try:
        with compile_notice():
            yield
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
    except MemoryError:
        err.print(
            f"[red]The {what} needs more memory than this machine has: run it with fewer draws"
            " (--draws), fewer models (--model), or on a Dask cluster (--executor dask"
            " --scheduler ADDRESS).[/]"
        )
        raise typer.Exit(1) from None
