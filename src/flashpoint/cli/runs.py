"""``flashpoint runs``: the runs the store recorded: list, show, diff, rerun, export, delete."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from flashpoint.cli.common import (
    PANEL_RECORDS,
    StoreArg,
    app,
    err,
    json_flag,
    out,
    print_json,
    running,
)
from flashpoint.store import (
    ACROSS_MACHINES,
    RunStore,
    StoredRun,
    StoreError,
    beyond,
    described,
    diff_runs,
    same_machine,
    this_machine,
)
from flashpoint.store.diff import numbers
from flashpoint.store.runs import DamagedRun

runs_app = typer.Typer(
    help="The runs the store recorded: every forecast, comparison, sensitivity analysis and"
    " backtest, with its scenario, request and result.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
app.add_typer(runs_app, name="runs", rich_help_panel=PANEL_RECORDS)

RunArg = Annotated[int, typer.Argument(help="The run's id (flashpoint runs list).", min=1)]


@contextmanager
def opened(path: Path | None) -> Iterator[RunStore]:
    """The store, or a clear error (exit 1); so are an unknown run, a refused change and a bad
    value (KeyError, StoreError, ValueError) inside the block."""
    try:
        store = RunStore(path)
    except StoreError as error:
        err.print(f"[red]{escape(str(error))}[/]")
        raise typer.Exit(1) from None
    try:
        yield store
    except KeyError as error:
        err.print(f"[red]{escape(str(error.args[0]))}[/]")
        raise typer.Exit(1) from None
    except (StoreError, ValueError) as error:
        err.print(f"[red]{escape(str(error))}[/]")
        raise typer.Exit(1) from None
    finally:
        store.close()


def _what(run: StoredRun) -> str:
    shocks = run.request.get("shocks")
    extra = ""
    if run.kind == "forecast" and shocks:
        extra = f", shocks {', '.join(shocks)}"
    if run.kind == "sensitivity":
        extra = (
            f", {run.request.get('method')} of {run.request.get('target') or 'the first future'}"
        )
    return f"{run.kind}{extra}"


@runs_app.command("list")
def list_command(
    limit: Annotated[int, typer.Option(min=1, help="Show the newest N runs.", metavar="N")] = 20,
    store: StoreArg = None,
    as_json: json_flag("the runs") = False,
) -> None:
    """List the recorded runs, newest first."""
    with opened(store) as found:
        runs = found.runs(limit)
        where = found.path
    if as_json:
        print_json({"store": str(where), "runs": [asdict(run.summary()) for run in runs]})
        return
    if not runs:
        out.print(
            f"No runs recorded yet in {escape(str(where))}: every forecast, compare,"
            " sensitivity and backtest is recorded as it runs."
        )
        return
    table = Table(title=Text(f"Runs in {where}"), title_justify="left")
    for name, justify in (
        ("Id", "right"),
        ("When (UTC)", "left"),
        ("What", "left"),
        ("Scenario", "left"),
        ("Draws", "right"),
        ("Seed", "right"),
        ("Seconds", "right"),
        ("Status", "left"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for run in runs:
        table.add_row(
            str(run.id),
            run.created.replace("T", " ")[:19],
            Text(_what(run)),
            Text(run.source),
            str(run.request.get("draws") or ""),
            "" if run.seed is None else str(run.seed),
            _seconds(run.seconds, 1),
            _status(run),
        )
    out.print(table)


def _status(run: StoredRun) -> Text:
    """A run's status in a list: done, failed or cancelled (and why), or damaged (and how)."""
    if run.damage:
        return Text(f"damaged: {'; '.join(run.damage)}", style="red")
    return Text(run.status if run.error is None else f"{run.status}: {run.error}"[:60])


def _seconds(seconds: float, digits: int) -> str:
    """How long a run took, "-" where its record does not say (it is damaged)."""
    return "-" if math.isnan(seconds) else f"{seconds:.{digits}f}"


@runs_app.command("show")
def show_command(
    run_id: RunArg, store: StoreArg = None, as_json: json_flag("the run") = False
) -> None:
    """Show one run: what ran, on what, and its numbers; a damaged run, what is left of it and
    how it is damaged (exit 1)."""
    with opened(store) as found:
        run = found.get(run_id, damaged=not as_json)
    if as_json:
        print_json(run.to_dict())
        return
    table = Table(title=Text(f"Run {run.id}: {run.title}"), title_justify="left", show_header=False)
    table.add_column("", style="bold")
    table.add_column("")
    for name, value in (
        ("When (UTC)", run.created),
        ("What", _what(run)),
        ("Scenario", run.source),
        ("Scenario hash", run.scenario_hash[:16]),
        ("Models", ", ".join(run.models)),
        ("Seed", str(run.seed)),
        ("Draws", str(run.request.get("draws"))),
        ("Status", run.status),
        ("Seconds", _seconds(run.seconds, 2)),
        ("flashpoint", run.version),
    ):
        table.add_row(name, Text(value))
    if run.error:
        table.add_row("Error", Text(run.error))
    out.print(table)
    found_numbers = numbers(run.result)
    if found_numbers:
        values = Table(title="Its numbers", title_justify="left")
        values.add_column("Quantity")
        values.add_column("Value", justify="right")
        for name, value in found_numbers.items():
            values.add_row(Text(name), _number(name, value))
        out.print(values)
    if run.damage:
        err.print(f"[red]Run {run.id} is damaged:[/]")
        for damage in run.damage:
            err.print(Text(f"  - {damage}"))
        err.print(f"{DamagedRun.consequence}.")
        raise typer.Exit(1)
    out.print(
        f"[dim]flashpoint runs rerun {run.id} runs it again; flashpoint runs export {run.id}"
        " writes all of it as JSON.[/]"
    )


def _number(name: str, value: float | None) -> str:
    if value is None:
        return "-"
    return (
        f"{value:.1%}"
        if name.startswith("P(") or name.startswith("baseline") and value <= 1
        else f"{value:.2f}"
    )


@runs_app.command("diff")
def diff_command(
    first: Annotated[int, typer.Argument(help="The earlier run's id.", min=1)],
    second: Annotated[int, typer.Argument(help="The later run's id.", min=1)],
    store: StoreArg = None,
    as_json: json_flag("the differences") = False,
) -> None:
    """What changed between two runs: in the inputs, and in the numbers."""
    with opened(store) as found:
        difference = diff_runs(found.get(first), found.get(second))
    if as_json:
        print_json(difference.to_dict())
        return
    for title, changes in (
        ("The scenario", difference.scenario),
        ("The request", difference.request),
        ("The numbers", difference.numbers),
    ):
        if not changes:
            out.print(f"{title}: no change.")
            continue
        table = Table(
            title=Text(f"{title}: {len(changes)} change{'s' if len(changes) != 1 else ''}"),
            title_justify="left",
        )
        table.add_column("What")
        table.add_column(f"Run {first}", justify="right")
        table.add_column(f"Run {second}", justify="right")
        numeric = title == "The numbers"
        for change in changes:
            table.add_row(
                Text(change.place),
                _number(change.place, change.before) if numeric else Text(_shown(change.before)),
                _number(change.place, change.after) if numeric else Text(_shown(change.after)),
            )
        out.print(table)


def _shown(value: Any) -> str:
    if value is None:
        return "-"
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    return text if len(text) <= 80 else text[:77] + "..."


@runs_app.command("rerun")
def rerun_command(
    run_id: RunArg,
    store: StoreArg = None,
    as_json: json_flag("the new result") = False,
) -> None:
    """Run a recorded run again (same request, same scenario) and say whether every number is
    the same: bit for bit on the machine it was recorded on, within 1e-12 (relative) on another
    (docs/reliability.md); the new run is recorded too."""
    with opened(store) as found:
        stored = found.get(run_id)
        request = stored.rerun_request()
        with running("rerun", stored.source):
            result, new_id = found.run(request)
    document = result.to_dict()
    if as_json:
        print_json(document)
    here = same_machine(stored.machine)
    tolerance = 0.0 if here else ACROSS_MACHINES
    differing = beyond(stored.result, json.loads(json.dumps(document)), tolerance)
    said = f"Run {run_id} again as run {new_id}"
    if not here:
        said += (
            f" (it was recorded on {described(stored.machine)};"
            f" this is {described(this_machine())})"
        )
    if differing is None:
        same = "bit for bit" if here else f"within {tolerance:g} (relative)"
        err.print(f"{said}: every number is the same, {same}.")
        return
    err.print(
        f"{said}: {escape(differing.place)} was {_shown(differing.before)}, now"
        f" {_shown(differing.after)}"
        + ("" if here else f", beyond {tolerance:g} (relative)")
        + f" (flashpoint runs diff {run_id} {new_id} lists the headline numbers)."
    )
    raise typer.Exit(1)


@runs_app.command("export")
def export_command(
    run_id: RunArg,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file (default: print).", metavar="FILE"),
    ] = None,
    traces: Annotated[
        Path | None,
        typer.Option(
            "--traces",
            help="Also write the run's per-draw forecasts (kept with --keep-traces) to this"
            " .npz file: one array [draw, issue] per model (per variant/model for compare).",
            metavar="FILE",
        ),
    ] = None,
    store: StoreArg = None,
) -> None:
    """Export a run as one JSON document: its scenario, request and result."""
    with opened(store) as found:
        document = found.get(run_id).to_dict()
        if traces is not None:
            kept = found.traces(run_id)
            with traces.open("wb") as file:
                np.savez_compressed(file, **kept)
            err.print(f"wrote {escape(str(traces))} ({len(kept)} arrays)")
    if output is None:
        print_json(document)
        return
    output.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    err.print(f"wrote {escape(str(output))}")


@runs_app.command("delete")
def delete_command(
    run_ids: Annotated[list[int], typer.Argument(help="The ids of the runs to delete.", min=1)],
    store: StoreArg = None,
    as_json: json_flag("the runs deleted") = False,
) -> None:
    """Delete recorded runs (not those the forecast ledger cites)."""
    deleted = []
    with opened(store) as found:
        for run_id in run_ids:
            found.delete(run_id)
            deleted.append(run_id)
            if not as_json:
                out.print(f"Deleted run {run_id}.")
    if as_json:
        print_json({"deleted": deleted})
