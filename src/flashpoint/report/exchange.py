"""An exchange model run, for people: the trades of each round in words, the round-by-round
outcomes, the ``flashpoint run`` JSON document, and one actor's trades.

Everything here reads the run's log (a list of :class:`~flashpoint.models.exchange.records.
ExchangeRound` per draw); nothing is computed again except converting 0-100 back to each
issue's own scale.
"""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text

from flashpoint.analysis.forecast import Forecast, ModelResult
from flashpoint.models.exchange.records import ExchangeRound, Executed, Side
from flashpoint.report.run_document import run_header
from flashpoint.report.terminal import precise
from flashpoint.scenario.schema import Scenario
from flashpoint.scenario.words import possessive


def _rounds(result: ModelResult) -> list[ExchangeRound]:
    return result.trajectory.events[0]


def _on_scale(scenario: Scenario, issue: int, value: float, move: bool = False) -> float:
    item = scenario.issues[issue]
    return value * (item.max - item.min) / 100 + (0.0 if move else item.min)


def trade_text(scenario: Scenario, executed: Executed) -> str:
    """One exchange in words: who moves how far on what towards whom, and the gain."""
    labels = [actor.label for actor in scenario.actors]

    def moves(side: Side, partner: Side) -> str:
        item = scenario.issues[side.supply]
        size = abs(_on_scale(scenario, side.supply, side.move, move=True))
        return f"{labels[side.actor]} moves {precise(size, item)} on {item.label} towards {labels[partner.actor]}"

    return f"{moves(executed.a, executed.b)}; {moves(executed.b, executed.a)}; gain {executed.gain:.3g} each"


def _side(scenario: Scenario, side: Side) -> dict[str, Any]:
    return {
        "actor": scenario.actors[side.actor].id,
        "supplies": scenario.issues[side.supply].id,
        "demands": scenario.issues[side.demand].id,
        "from": _on_scale(scenario, side.supply, side.position),
        "move": _on_scale(scenario, side.supply, side.move, move=True),
        "to": _on_scale(scenario, side.supply, side.position + side.move),
        "towards": _on_scale(scenario, side.supply, side.target),
    }


def run_document(forecast: Forecast, model: str) -> dict[str, Any]:
    """The JSON document of ``flashpoint run exchange``: per issue the outcome at the start of
    each round and after its exchanges, and every executed exchange."""
    result = forecast[model]
    scenario = forecast.scenario
    rounds = _rounds(result)
    outcome = result.trajectory.outcome[:, 0]
    return {
        **run_header(forecast, model, len(rounds)),
        "issues": {
            issue.id: {
                "start_outcome": [_on_scale(scenario, i, r.start_outcome[i]) for r in rounds],
                "voting_outcome": [float(v) for v in outcome[:, i]],
            }
            for i, issue in enumerate(scenario.issues)
        },
        "exchanges": [
            {
                "round": entry.number,
                "sequence": executed.sequence,
                "gain": executed.gain,
                "sides": [_side(scenario, executed.a), _side(scenario, executed.b)],
                "text": trade_text(scenario, executed),
            }
            for entry in rounds
            for executed in entry.result.executed
        ],
    }


def rounds_tables(forecast: Forecast, model: str, trace: bool) -> list[Table]:
    """The voting outcome of every issue after each round (and, with ``trace``, every trade)."""
    result = forecast[model]
    scenario = forecast.scenario
    outcome = result.trajectory.outcome[:, 0]
    rounds = _rounds(result)
    last = len(rounds)
    table = Table(
        title="Voting outcome (the weighted mean of the voting positions)",
        title_justify="left",
        caption=Text(
            f"Trades executed per round: {', '.join(str(len(r.result.executed)) for r in rounds)}."
            + ("" if trace else " --trace lists every round and every trade; --json has all of it.")
        ),
        caption_justify="left",
    )
    table.add_column("Issue (scale)")
    table.add_column("Stated", justify="right")
    table.add_column("Round 1", justify="right")
    table.add_column(f"Round {last}", justify="right")
    table.add_column("Lowest-highest", justify="right")
    for i, item in enumerate(scenario.issues):
        series = outcome[1:, i] if last else outcome[:1, i]
        table.add_row(
            Text(f"{item.label} ({item.min:g} to {item.max:g})"),
            precise(outcome[0, i], item),
            precise(outcome[min(1, last), i], item),
            precise(outcome[last, i], item),
            f"{precise(series.min(), item)}-{precise(series.max(), item)}",
        )
    tables = [table]
    if trace:
        every = Table(title="Voting outcome by round", title_justify="left")
        every.add_column("Round", justify="right")
        for item in scenario.issues:
            every.add_column(Text(item.id), justify="right")
        for number in range(last + 1):
            every.add_row(
                str(number),
                *(precise(outcome[number, i], item) for i, item in enumerate(scenario.issues)),
            )
        tables.append(every)
        trades = Table(title="Trades, in the order executed", title_justify="left")
        trades.add_column("Round", justify="right")
        trades.add_column("#", justify="right")
        trades.add_column("Trade")
        for entry in rounds:
            for executed in entry.result.executed:
                trades.add_row(
                    str(entry.number), str(executed.sequence), Text(trade_text(scenario, executed))
                )
        tables.append(trades)
    return tables


def explain_table(forecast: Forecast, model: str, actor: int, issue: int) -> Table:
    """The trades in which an actor moved on an issue, or gained on it."""
    result = forecast[model]
    scenario = forecast.scenario
    item = scenario.issues[issue]
    table = Table(
        title=Text(f"{possessive(scenario.actors[actor].label)} trades on {item.label}"),
        title_justify="left",
        caption=Text(
            "It concedes on an issue it cares less about to gain on one it cares more about; "
            "gains are in salience x points of the 0-100 scale (docs/models.md)."
        ),
        caption_justify="left",
    )
    table.add_column("Round", justify="right")
    table.add_column("#", justify="right")
    table.add_column("Trade")
    found = False
    for entry in _rounds(result):
        for executed in entry.result.executed:
            sides = (executed.a, executed.b)
            if any(s.actor == actor and issue in (s.supply, s.demand) for s in sides):
                table.add_row(
                    str(entry.number), str(executed.sequence), Text(trade_text(scenario, executed))
                )
                found = True
    if not found:
        table.add_row("", "", Text("No trades on this issue."))
    return table
