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
from flashpoint.store import Anchor, Entry, Ledger, Resolution

ledger_app = typer.Typer(
    help="The forecast ledger: put a recorded forecast on record with its question, resolve it"
    " when the world answers, score the record, print its anchor to keep elsewhere, and verify"
    " that nothing on record was edited or removed.",
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
    out.print(_ANCHOR_HINT)


_ANCHOR_HINT = (
    "[dim]flashpoint ledger anchor prints the chain's new head, to keep outside the store.[/]"
)


def _damaged(links: list[Entry | Resolution]) -> None:
    """Name each damaged entry on stderr."""
    for link in links:
        for damage in link.damage:
            err.print(f"[yellow]entry {link.id} is damaged: {escape(damage)}[/]")


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
        f"Entry {entry.id} resolved: {escape(entry.resolution.answer)} (entry"
        f" {entry.resolution.id}). flashpoint ledger score scores the record."
    )
    out.print(_ANCHOR_HINT)


@ledger_app.command("list")
def list_command(store: StoreArg = None, as_json: json_flag("the entries") = False) -> None:
    """List the entries on record, oldest first."""
    with opened(store) as found:
        ledger = Ledger(found)
        chain, entries = ledger.chain(), ledger.entries()
    _damaged(chain)
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
            Text(f"damaged ({'; '.join(entry.damage)})" if entry.damage else entry.question),
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
    for skipped in scores.skipped:
        err.print(f"[yellow]{escape(skipped)}[/]")
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


@ledger_app.command("anchor")
def anchor_command(store: StoreArg = None, as_json: json_flag("the anchor") = False) -> None:
    """Print the chain's head (its length and its last hash) to keep outside the store:
    publish it, e-mail it, commit it. verify --anchor then shows whether the chain still holds
    it."""
    with opened(store) as found:
        anchor = Ledger(found).anchor()
    if as_json:
        print_json({"anchor": str(anchor), "length": anchor.length, "hash": anchor.hash})
        return
    typer.echo(str(anchor))  # alone on stdout, unwrapped: to copy, or $(flashpoint ledger anchor)
    err.print(
        f"[dim]Keep this anchor outside the store. flashpoint ledger verify --anchor"
        f" {anchor} fails if any of the {anchor.length} entries it covers is changed or"
        " removed, even with every hash recomputed.[/]",
        soft_wrap=True,
    )


def _anchor(text: str | None) -> Anchor | None:
    if text is None:
        return None
    try:
        return Anchor.parse(text)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--anchor") from None


@ledger_app.command("verify")
def verify_command(
    anchor: Annotated[
        str | None,
        typer.Option(
            "--anchor",
            help="An anchor kept earlier (flashpoint ledger anchor): fail unless the chain"
            " still holds that head unchanged at that position (entries added since are fine)."
            " Without it, verify checks only the chain's consistency, which cannot detect a"
            " recomputed chain or deleted newest entries.",
            metavar="flashpoint-ledger:LENGTH:HASH",
        ),
    ] = None,
    store: StoreArg = None,
    as_json: json_flag("the result") = False,
) -> None:
    """Check the hash chain: that no entry on record (forecast or resolution) was edited or
    removed from within, and with --anchor that the chain still holds the head you kept (exit
    1, naming what differs, if not)."""
    kept = _anchor(anchor)
    with opened(store) as found:
        checked, where = Ledger(found).verification(kept), found.path
    if as_json:
        print_json(checked.to_dict())
    else:
        for problem in checked.problems:
            err.print(f"[red]{escape(problem)}[/]")
        count = checked.entries
        what = (
            f"{count} entr{'y' if count == 1 else 'ies'} ({checked.forecasts} forecast"
            f"{'' if checked.forecasts == 1 else 's'}, {checked.resolutions} resolution"
            f"{'' if checked.resolutions == 1 else 's'})"
        )
        if checked.intact and kept is not None:
            out.print(
                f"The ledger in {escape(str(where))} is intact: {what}, every hash as recorded,"
                f" and it still holds the anchor's head (entry {kept.length})."
            )
        elif checked.intact:
            out.print(
                f"The ledger in {escape(str(where))} is consistent in itself: {what}, every"
                " hash as recorded."
            )
        for note in checked.notes:
            out.print(f"[yellow]{escape(note)}[/]")
    if not checked.intact:
        raise typer.Exit(1)


__all__ = ["ledger_app"]
