"""An expected utility model run, for people: round-by-round tables, the ``flashpoint run``
JSON document, and what one actor did in each round and why.

Everything here reads the run's log (:class:`flashpoint.models.eum.EUMLog`); nothing is computed
again.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from rich.table import Table
from rich.text import Text

from flashpoint.analysis.forecast import Forecast, ModelResult
from flashpoint.models.eum import CAPITULATION, COMPROMISE, CONFRONTATION, MOVES, EUMLog
from flashpoint.report.formats import listed, precise
from flashpoint.report.outcome_words import outcome_sentence
from flashpoint.report.run_document import run_header
from flashpoint.scenario.words import capitalised, named


def _log(result: ModelResult) -> EUMLog:
    return result.trajectory.events


def stop(result: ModelResult, issue: int) -> dict[str, Any]:
    """How the run of one issue ended: ``kind`` is ``fixed_point``, ``cycle`` or ``round_limit``;
    ``round`` is where the positions repeated an earlier round's; ``cycle_length`` how far back."""
    log = _log(result)
    at, length = int(log.repeat_round[0, issue]), int(log.cycle_length[0, issue])
    if at < 0:
        return {"kind": "round_limit", "round": None, "cycle_length": None}
    return {"kind": "fixed_point" if length == 1 else "cycle", "round": at, "cycle_length": length}


def stop_text(result: ModelResult, issue: int) -> str:
    ended = stop(result, issue)
    if ended["kind"] == "round_limit":
        return f"no repeat within {result.rounds - 1} rounds (the round limit)"
    if ended["kind"] == "fixed_point":
        return f"a fixed point: round {ended['round']} left every position as it was"
    first = ended["round"] - ended["cycle_length"]
    return (
        f"a cycle of {ended['cycle_length']} rounds: round {ended['round']} repeated the positions"
        f" of round {first}"
    )


def last_round(result: ModelResult, issue: int) -> int:
    """The last round run on an issue: where its positions repeated, or the run's last."""
    at = int(_log(result).repeat_round[0, issue])
    return at if at >= 0 else result.rounds - 1


def _value(number_: float) -> float | None:
    return None if np.isnan(number_) else float(number_)


def run_document(forecast: Forecast, model: str) -> dict[str, Any]:
    """The JSON document of ``flashpoint run eum``: per issue, the median and mean by round, how
    the run ended, and every actor's position and move in every round."""
    result = forecast[model]
    log = _log(result)
    scenario = forecast.scenario
    actors = [actor.id for actor in scenario.actors]
    issues: dict[str, Any] = {}
    for i, issue in enumerate(scenario.issues):
        present = [a for a, actor in enumerate(scenario.actors) if issue.id in actor.issues]
        rounds = range(last_round(result, i) + 1)
        issues[issue.id] = {
            "median": [float(log.median[r, 0, i]) for r in rounds],
            "mean": [float(log.mean[r, 0, i]) for r in rounds],
            "stop": stop(result, i),
            "actors": {
                actors[a]: [_actor_round(result, r, a, i, actors) for r in rounds] for a in present
            },
        }
    return {
        **run_header(forecast, model, result.rounds - 1),
        "issues": issues,
    }


def _actor_round(result: ModelResult, r: int, a: int, i: int, actors: list[str]) -> dict[str, Any]:
    log = _log(result)
    partner = int(log.partner[r, 0, a, i])
    offers = log.offers[r, 0, a, i]
    return {
        "round": r,
        "position": float(result.trajectory.positions[r, 0, a, i]),
        "risk_exponent": _value(log.risk[r, 0, a, i]),
        "move": MOVES[log.move[r, 0, a, i]] or None,
        "partner": actors[partner] if partner >= 0 else None,
        "alpha": _value(log.alpha[r, 0, a, i]),
        "beta": _value(log.beta[r, 0, a, i]),
        "offers": {
            "confrontation": int(offers[0]),
            "compromise": int(offers[1]),
            "capitulation": int(offers[2]),
        },
    }


def rounds_tables(forecast: Forecast, model: str, trace: bool) -> list[Table]:
    """One table per issue: each round's weighted median and mean, and who moved (every move,
    with its partner and new position, when ``trace``)."""
    result = forecast[model]
    log = _log(result)
    scenario = forecast.scenario
    labels = [actor.label for actor in scenario.actors]
    tables = []
    for i, issue in enumerate(scenario.issues):
        table = Table(
            title=Text(f"{issue.label} ({issue.min:g} to {issue.max:g})"),
            title_justify="left",
            caption=Text(f"Ended with {stop_text(result, i)}."),
            caption_justify="left",
        )
        table.add_column("Round", justify="right")
        table.add_column("Median", justify="right")
        table.add_column("Mean", justify="right")
        table.add_column("Moves" if trace else "Actors who moved")
        for r in range(last_round(result, i) + 1):
            movers = np.flatnonzero(log.move[r, 0, :, i])
            if trace:
                moves = Text(
                    "\n".join(
                        f"{labels[a]}: {_took(int(log.move[r, 0, a, i]), labels[log.partner[r, 0, a, i]])}"
                        f" -> {precise(result.trajectory.positions[r, 0, a, i], issue)}"
                        for a in movers
                    )
                    or ("(the input)" if r == 0 else "-")
                )
            else:
                moves = Text(
                    ", ".join(labels[a] for a in movers) or ("(the input)" if r == 0 else "-")
                )
            median, mean = (precise(v[r, 0, i], issue) for v in (log.median, log.mean))
            table.add_row(str(r), median, mean, moves)
        tables.append(table)
    return tables


def _took(move: int, partner: str) -> str:
    return {
        CONFRONTATION: f"lost a confrontation to {partner}",
        COMPROMISE: f"compromised with {partner}",
        CAPITULATION: f"gave way to {partner}",
    }[move]


def _why(move: int, alpha: float, beta: float, partner: str) -> str:
    """Why an offer of this kind was made (``docs/specs/eum.md`` §3.5): the two expected
    utilities."""
    utilities = (
        f"Its expected utility of challenging {partner} was {alpha:+.4f}, and of {partner}"
        f" challenging it {beta:+.4f}"
    )
    reason = {
        CONFRONTATION: f"both sides expected to gain from a challenge, {partner} more",
        COMPROMISE: f"{partner} expected to gain from a challenge more than it would lose by one",
        CAPITULATION: f"it would lose more by challenging {partner} than {partner} would gain",
    }[move]
    return f"{utilities}: {reason}."


def outcome_text(forecast: Forecast, model: str, actor: int, issue: int) -> str:
    """The outcome of the run on an issue, and how the actor's own moves square with it: the
    weighted median at the start and at the end (and whose position it is), whether the actor
    moved, and which actors moved from their stated positions; then the model's outcome, and
    the forecast if the bargain is refused."""
    result = forecast[model]
    log = _log(result)
    scenario = forecast.scenario
    item = scenario.issues[issue]
    labels = [named(a.label) for a in scenario.actors]
    end = last_round(result, issue)
    positions = result.trajectory.positions[: end + 1, 0, :, issue]
    start, last = float(log.median[0, 0, issue]), float(log.median[end, 0, issue])
    at = [labels[a] for a in np.flatnonzero(np.isclose(positions[-1], last))]
    whose = f", the position of {listed(at)}" if at else ""
    if precise(start, item) == precise(last, item):
        said = (
            f"The weighted median of the positions stayed at {precise(last, item)} from the"
            f" start to round {end}{whose}."
        )
    else:
        said = (
            f"The weighted median of the positions went from {precise(start, item)} at the"
            f" start to {precise(last, item)} after round {end}{whose}."
        )
    moved = [
        a
        for a in range(len(labels))
        if a != actor
        and not np.isnan(positions[0, a])
        and np.any(positions[:, a] != positions[0, a])
    ]
    others = ", ".join(
        f"{labels[a]} ({precise(positions[0, a], item)} to {precise(positions[-1, a], item)})"
        if positions[-1, a] != positions[0, a]
        else f"{labels[a]} (moved, and back at {precise(positions[0, a], item)})"
        for a in moved
    )
    own = positions[:, actor]
    subject = capitalised(labels[actor])
    if np.all(own == own[0]):
        said += (
            f" {subject} never moved from {precise(own[0], item)}, so the outcome is where"
            " the other actors' positions put it"
            + (f"; those who moved: {others}." if moved else ": none of them moved either.")
        )
    else:
        went = (
            f"moved from {precise(own[0], item)} to {precise(own[-1], item)}"
            if own[-1] != own[0]
            else f"moved, and is back at {precise(own[0], item)}"
        )
        said += f" {subject} {went}" + (
            f"; the others who moved: {others}." if moved else "; no other actor moved."
        )
    return f"{said} {outcome_sentence(forecast, model, issue)}"


def explain_table(forecast: Forecast, model: str, actor: int, issue: int) -> Table:
    """Round by round, what one actor did on one issue and why."""
    result = forecast[model]
    log = _log(result)
    scenario = forecast.scenario
    labels = [a.label for a in scenario.actors]
    positions = result.trajectory.positions[:, 0, :, issue]
    item = scenario.issues[issue]
    table = Table(
        title=Text(f"{labels[actor]} on {item.label} ({item.min:g} to {item.max:g})"),
        title_justify="left",
        caption=Text(
            "Risk exponent: below 1 the actor accepts risk, above 1 it avoids it. Expected"
            " utilities are as the actor sees them (docs/models.md). The run ended with "
            + stop_text(result, issue)
            + ". "
            + outcome_text(forecast, model, actor, issue)
        ),
        caption_justify="left",
        show_lines=True,
    )
    table.add_column("Round", justify="right")
    table.add_column("Position", justify="right")
    table.add_column("Risk", justify="right")
    table.add_column("What it did and why")
    table.add_row("0", precise(positions[0, actor], item), "", Text("Its stated position."))
    for r in range(1, last_round(result, issue) + 1):
        before, after = positions[r - 1, actor], positions[r, actor]
        move = int(log.move[r, 0, actor, issue])
        offers = log.offers[r, 0, actor, issue]
        lines = []
        if move:
            partner = labels[log.partner[r, 0, actor, issue]]
            went = (
                f"moved from {precise(before, item)} to {precise(after, item)}"
                if after != before
                else f"stayed at {precise(after, item)} ({partner} holds the same position)"
            )
            took = _took(move, partner)
            lines.append(f"{capitalised(took)}: {went}.")
            lines.append(
                _why(move, log.alpha[r, 0, actor, issue], log.beta[r, 0, actor, issue], partner)
            )
        else:
            lines.append(f"Took no offer: stayed at {precise(after, item)}.")
        counts = [
            f"{count} {kind}{'s' if count != 1 else ''}"
            for count, kind in zip(
                offers, ("confrontation", "compromise", "capitulation"), strict=True
            )
            if count
        ]
        lines.append("Offers: " + (", ".join(counts) if counts else "none") + ".")
        drawn = [
            f"{labels[a]} ({MOVES[log.move[r, 0, a, issue]]})"
            for a in np.flatnonzero(log.partner[r, 0, :, issue] == actor)
        ]
        if drawn:
            lines.append("Its own offer was taken by: " + ", ".join(drawn) + ".")
        risk = log.risk[r, 0, actor, issue]
        table.add_row(str(r), precise(after, item), f"{risk:.3f}", Text("\n".join(lines)))
    return table
