"""An exchange model run, for people: the trades of each round in words, the round-by-round
outcomes, the ``flashpoint run`` JSON document, and one actor's trades with the reason for each
and its own position round by round.

Everything here reads the run's log (a list of :class:`~flashpoint.models.exchange.records.
ExchangeRound` per draw); nothing is computed again except converting 0-100 back to each
issue's own scale, the salience ratios that decide who concedes what, and sums of moves.
"""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text

from flashpoint.analysis.forecast import Forecast, ModelResult
from flashpoint.models.exchange.records import ExchangeRound, Executed, RoundStart, Side
from flashpoint.report.formats import precise
from flashpoint.report.outcome_words import outcome_sentence
from flashpoint.report.run_document import run_header
from flashpoint.scenario.schema import Issue, Scenario
from flashpoint.scenario.words import in_sentence, named, possessive


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
    table.add_column("Lowest to highest", justify="right")
    for i, item in enumerate(scenario.issues):
        series = outcome[1:, i] if last else outcome[:1, i]
        table.add_row(
            Text(f"{item.label} ({item.min:g} to {item.max:g})"),
            precise(outcome[0, i], item),
            precise(outcome[min(1, last), i], item),
            precise(outcome[last, i], item),
            f"{precise(series.min(), item)} to {precise(series.max(), item)}",
        )
    tables = [table]
    if trace:
        every = Table(title="Voting outcome by round", title_justify="left")
        every.add_column("Round", justify="right")
        for item in scenario.issues:
            every.add_column(Text(item.label), justify="right")
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


RULE = (
    "Who concedes what (Stokman & Van Oosten): each of the two actors takes its salience on the"
    " issue it supplies over its salience on the issue it demands; the actor with the smaller"
    " ratio concedes on that issue, which matters relatively less to it than to its partner,"
    " even when it is the issue the actor cares most about. Gains are in salience x points of"
    " the 0-100 scale (docs/models.md). A move is of a voting position within its round; the"
    " next table sums them by round."
)


def _salience(scenario: Scenario, start: RoundStart, actor: int, issue: int) -> float:
    """An actor's salience on an issue as the run used it, on the scenario's salience scale."""
    return float(start.salience[actor, issue]) * scenario.salience_scale


def trade_reason(scenario: Scenario, start: RoundStart, executed: Executed, actor: int) -> str:
    """Why ``actor`` concedes what it concedes in an executed trade, from the saliences the run
    used: its salience on the issue it supplies over its salience on the one it demands, against
    its partner's same ratio (the smaller ratio concedes: ``docs/specs/exchange.md`` §4.2)."""
    own, other = (executed.a, executed.b) if executed.a.actor == actor else (executed.b, executed.a)
    supply, demand = own.supply, own.demand
    labels = [a.label for a in scenario.actors]

    def ratio(who: int) -> str:
        top = _salience(scenario, start, who, supply)
        bottom = _salience(scenario, start, who, demand)
        return f"{top:.3g}/{bottom:.3g} = {top / bottom if bottom else float('inf'):.2f}"

    conceded, gained = (in_sentence(scenario.issues[i].label) for i in (supply, demand))
    return (
        f"{named(labels[actor])} concedes on {conceded} for {gained}: salience {ratio(actor)}"
        f" against {possessive(named(labels[other.actor]))} {ratio(other.actor)}."
    )


def explain_table(forecast: Forecast, model: str, actor: int, issue: int) -> Table:
    """The trades in which an actor moved on an issue, or gained on it, each with the reason
    for who concedes what, computed from the saliences of the run."""
    result = forecast[model]
    scenario = forecast.scenario
    item = scenario.issues[issue]
    table = Table(
        title=Text(f"{possessive(scenario.actors[actor].label)} trades on {item.label}"),
        title_justify="left",
        caption=Text(RULE),
        caption_justify="left",
    )
    table.add_column("Round", justify="right")
    table.add_column("#", justify="right")
    table.add_column("Trade, and why")
    found = False
    for entry in _rounds(result):
        for executed in entry.result.executed:
            sides = (executed.a, executed.b)
            if any(s.actor == actor and issue in (s.supply, s.demand) for s in sides):
                why = trade_reason(scenario, entry.start, executed, actor)
                table.add_row(
                    str(entry.number),
                    str(executed.sequence),
                    Text(f"{trade_text(scenario, executed)}.\n{why}"),
                )
                found = True
    if not found:
        table.add_row("", "", Text("No trades on this issue."))
    return table


def position_moves(result: ModelResult, actor: int, issue: int) -> list[dict[str, float]]:
    """Round by round, on 0-100: where the actor's preference on the issue stood at the round's
    start, the sum of its moves there in the round (signed: up is +), the sum of their sizes,
    and its voting position after the round's trades."""
    found = []
    for entry in _rounds(result):
        signed = gross = 0.0
        for executed in entry.result.executed:
            for side in (executed.a, executed.b):
                if side.actor == actor and side.supply == issue:
                    signed += side.move
                    gross += abs(side.move)
        found.append(
            {
                "round": entry.number,
                "start": float(entry.start.position[actor, issue]),
                "moves": signed,
                "gross": gross,
                "voting": float(entry.result.voting[actor, issue]),
            }
        )
    return found


def moves_table(forecast: Forecast, model: str, actor: int, issue: int) -> Table:
    """The actor's own position on the issue round by round, in the units of the issue's scale.

    Each round it moves its voting position from the preference it starts the round with (its
    moves of one round never change direction, so they add up to at most the scale); after the
    round its preference keeps only part of the move, so the next round covers the same ground
    again. The caption gives the net change, stated position to last voting position, and the
    gross sum of the moves of all rounds, said to be one; then the model's outcome."""
    result = forecast[model]
    scenario = forecast.scenario
    item = scenario.issues[issue]
    rows = position_moves(result, actor, issue)
    table = Table(
        title=Text(
            f"{possessive(scenario.actors[actor].label)} own position on {item.label} by round"
            f" ({item.min:g} to {item.max:g})"
        ),
        title_justify="left",
        caption_justify="left",
    )
    table.add_column("Round", justify="right")
    table.add_column("Preference at its start", justify="right")
    table.add_column("Its moves in the round, summed", justify="right")
    table.add_column("Voting position after", justify="right")
    for row in rows:
        table.add_row(
            str(row["round"]),
            precise(_on_scale(scenario, issue, row["start"]), item),
            signed(_on_scale(scenario, issue, row["moves"], move=True), item),
            precise(_on_scale(scenario, issue, row["voting"]), item),
        )
    stated = float(result.trajectory.positions[0, 0, actor, issue])
    if not rows:
        said = [f"Stated position {precise(stated, item)}; the run had no rounds."]
    else:
        last = _on_scale(scenario, issue, rows[-1]["voting"])
        net = (
            f"Stated position {precise(stated, item)}; its voting position after round"
            f" {rows[-1]['round']}, {precise(last, item)}: a net change of"
            f" {signed(last - stated, item)} on the scale of {item.min:g} to {item.max:g}."
        )
        said = [net]
        gross = _on_scale(scenario, issue, sum(row["gross"] for row in rows), move=True)
        if len([row for row in rows if row["gross"]]) > 1:
            salience = float(_rounds(result)[0].start.salience[actor, issue])
            kept = 0.1 + 0.4 * (1 - salience)
            said.append(
                f"Its moves of all rounds add up to {precise(gross, item)}: a gross sum, not a"
                " distance on the scale. Each round starts again from its preference, which"
                f" keeps only {kept:.0%} of a round's move (0.1 + 0.4 x (1 - {salience:.3g}), its"
                " salience on 0-1), so"
                " the rounds cover the same ground again, and a round may move it back."
            )
    said.append(outcome_sentence(forecast, model, issue))
    table.caption = Text(" ".join(said))
    return table


def signed(value: float, issue: Issue) -> str:
    """A change as shown: ``+53.6``, ``-4.0``, ``0.0``."""
    shown = precise(value, issue)
    return shown if float(shown) == 0 or shown.startswith("-") else f"+{shown}"


def explain_tables(forecast: Forecast, model: str, actor: int, issues: list[int]) -> list[Table]:
    """Per issue: the actor's trades on it with their reasons, then its own position round by
    round, its net change and the model's outcome."""
    return [
        table
        for issue in issues
        for table in (
            explain_table(forecast, model, actor, issue),
            moves_table(forecast, model, actor, issue),
        )
    ]
