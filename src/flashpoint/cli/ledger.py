"""``flashpoint ledger``: forecasts on record, resolved when the world answers, and scored."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from flashpoint.cli.common import PANEL_RECORDS, StoreArg, app, err, json_flag, out, print_json
from flashpoint.cli.runs import opened
from flashpoint.store import Entry, Ledger

ledger_app = typer.Typer(
    help="The forecast ledger: put a recorded forecast on record with its question, resolve it"
    " when the world answers, score the record, and verify that no forecast was edited.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
app.add_typer(ledger_app, name="ledger", rich_help_panel=PANEL_RECORDS)

EntryArg = Annotated[int, typer.Argument(help="The entry's id (flashpoint ledger list).", min=1)]


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"'{text}' is not a date: write it as YYYY-MM-DD") from None


@ledger_app.command("add")
def add_command(
    run_id: Annotated[int, typer.Argument(help="A recorded forecast run (with --draws).", min=1)],
    question: Annotated[
        str, typer.Option("--question", "-q", help="The question it answers.", metavar="TEXT")
    ],
    resolves_by: Annotated[
        str | None,
        typer.Option(
            "--resolves-by",
            help="When the answer will be known (YYYY-MM-DD). Default: the scenario's horizon.",
            metavar="DATE",
        ),
    ] = None,
    store: StoreArg = None,
    as_json: json_flag("the entry") = False,
) -> None:
    """Put a recorded forecast on record, with the question it answers."""
    with opened(store) as found:
        entry = Ledger(found).add(
            run_id, question, None if resolves_by is None else _date(resolves_by)
        )
    if as_json:
        print_json(entry.to_dict())
        return
    out.print(
        f"Entry {entry.id} is on record: {escape(question)} (resolves by {entry.resolves_by};"
        f" hash {entry.hash[:16]})."
    )
    out.print(_forecast_table(entry))


def _forecast_table(entry: Entry) -> Table:
    forecast = entry.forecast
    table = Table(title=Text(f"Entry {entry.id}: {entry.question}"), title_justify="left")
    table.add_column("Forecast", style="bold")
    for future in forecast["futures"]:
        table.add_column(Text(forecast["labels"][future]), justify="right")
    for name, probabilities in forecast["probabilities"].items():
        if probabilities:
            table.add_row(
                Text(name), *(f"{probabilities.get(f, 0.0):.0%}" for f in forecast["futures"])
            )
    return table


@ledger_app.command("resolve")
def resolve_command(
    entry_id: EntryArg,
    outcome: Annotated[
        str,
        typer.Option(
            "--outcome",
            help="The future that came about (its id or name), or the issues' outcomes as"
            " issue=value, separated by commas.",
            metavar="FUTURE-or-ISSUE=VALUE",
        ),
    ],
    store: StoreArg = None,
    as_json: json_flag("the entry") = False,
) -> None:
    """Record how an entry's question was answered."""
    with opened(store) as found:
        entry = Ledger(found).resolve(entry_id, outcome)
    if as_json:
        print_json(entry.to_dict())
        return
    assert entry.resolution is not None
    out.print(
        f"Entry {entry.id} resolved: {escape(entry.resolution.answer)}."
        " flashpoint ledger score scores the record."
    )


@ledger_app.command("list")
def list_command(store: StoreArg = None, as_json: json_flag("the entries") = False) -> None:
    """List the entries on record, oldest first."""
    with opened(store) as found:
        entries = Ledger(found).entries()
    if as_json:
        print_json({"entries": [entry.to_dict() for entry in entries]})
        return
    if not entries:
        out.print(
            "The ledger is empty: flashpoint ledger add RUN --question ... --resolves-by DATE."
        )
        return
    table = Table(title="The forecast ledger", title_justify="left")
    for name in ("Id", "Recorded (UTC)", "Run", "Question", "Resolves by", "Outcome"):
        table.add_column(name)
    for entry in entries:
        answer = "open" if entry.resolution is None else entry.resolution.answer
        table.add_row(
            str(entry.id),
            entry.created.replace("T", " ")[:19],
            str(entry.run or ""),
            Text(entry.question),
            entry.resolves_by,
            Text(answer),
        )
    out.print(table)


@ledger_app.command("score")
def score_command(store: StoreArg = None, as_json: json_flag("the scores") = False) -> None:
    """Score the resolved entries: Brier and ranked probability scores of the futures, absolute
    errors of issue outcomes, per model and over time, and reliability once enough are in."""
    with opened(store) as found:
        scores = Ledger(found).score()
    if as_json:
        print_json(scores.to_dict())
        return
    out.print(
        f"{scores.resolved} entr{'y' if scores.resolved == 1 else 'ies'} resolved, {scores.open} open."
    )
    if not scores.resolved:
        return

    def number(value: float | None, digits: int = 3) -> str:
        return "-" if value is None else f"{value:.{digits}f}"

    for title, rows, first in (
        ("Per model (headline: the forecast the report leads with)", scores.models, "Model"),
        ("Over time: the headline forecast, by month of resolution", scores.periods, "Month"),
    ):
        table = Table(
            title=title,
            title_justify="left",
            caption="Brier: 0 is perfect, 2 the worst; RPS (ranked probability score): 0"
            " is perfect, 1 the worst; MAE: absolute error of the median on the issue's"
            " scale.",
            caption_justify="left",
        )
        for name, justify in (
            (first, "left"),
            ("Futures", "right"),
            ("Brier", "right"),
            ("RPS", "right"),
            ("Issues", "right"),
            ("MAE", "right"),
        ):
            table.add_column(name, justify=justify)  # type: ignore[arg-type]
        for row in rows:
            table.add_row(
                Text(row.model),
                str(row.futures_scored),
                number(row.brier),
                number(row.rps),
                str(row.issues_scored),
                number(row.mae, 1),
            )
        out.print(table)
    if scores.reliability is None:
        out.print("[dim]A reliability table appears once 10 entries are resolved by a future.[/]")
        return
    table = Table(title="Reliability of the headline forecast", title_justify="left")
    for name in ("Predicted", "Forecasts", "Mean predicted", "Observed"):
        table.add_column(name, justify="right")
    for label, count, predicted, observed in scores.reliability:
        table.add_row(label, str(count), f"{predicted:.0%}", f"{observed:.0%}")
    out.print(table)


@ledger_app.command("verify")
def verify_command(store: StoreArg = None, as_json: json_flag("the result") = False) -> None:
    """Check the hash chain: that no forecast on record was edited after it was recorded
    (exit 1, naming each entry, if one was)."""
    with opened(store) as found:
        ledger = Ledger(found)
        problems, count, where = ledger.verify(), len(ledger.entries()), found.path
    if as_json:
        print_json({"entries": count, "intact": not problems, "problems": problems})
    elif problems:
        for problem in problems:
            err.print(f"[red]{escape(problem)}[/]")
    else:
        out.print(
            f"The ledger in {escape(str(where))} is intact: {count} entr{'y' if count == 1 else 'ies'}, every hash as recorded."
        )
    if problems:
        raise typer.Exit(1)


__all__ = ["ledger_app"]
