"""A spatial model (SMP) run, for people: the expected outcome state by state, each turn's
challenges and bargains in words, the ``flashpoint run`` JSON document, and what one actor did
in each turn and why.

Everything here reads the run's log (one :class:`~flashpoint.models.smp.SMPRun` per draw);
nothing is computed again except converting KTAB's [0, 1] scale back to each issue's own.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from rich.table import Table
from rich.text import Text

from flashpoint.analysis.forecast import Forecast, ModelResult
from flashpoint.models.smp.records import STOP_FRACTION, VIEWS, SMPRun, Turn
from flashpoint.report.formats import precise
from flashpoint.report.run_document import run_header
from flashpoint.scenario.schema import Scenario


def _run(result: ModelResult) -> SMPRun:
    return result.trajectory.events[0]


def _on_scale(scenario: Scenario, issue: int, value: float) -> float:
    item = scenario.issues[issue]
    return float(item.min + value * (item.max - item.min))


def _point(scenario: Scenario, values: np.ndarray, issues: list[int] | None = None) -> str:
    """A position in the issues' own scales, e.g. '72.0 / 15.5'."""
    chosen = range(len(scenario.issues)) if issues is None else issues
    return " / ".join(
        precise(_on_scale(scenario, i, values[i]), scenario.issues[i]) for i in chosen
    )


def stop_text(run: SMPRun, rounds: int) -> str:
    """Why the run ended (``docs/specs/ktab.md`` §4.9)."""
    if run.turns >= rounds and run.fractional_change[-1] >= STOP_FRACTION:
        return f"the turn limit ({rounds} turns)"
    return (
        f"turn {run.turns}, which moved the actors {run.fractional_change[-1]:.1%} as far as the"
        f" first turn (below {STOP_FRACTION:.0%})"
    )


def challenge_text(scenario: Scenario, turn: Turn, b: int) -> str:
    """One bargain in words: who challenged whom, the estimate behind it, where it would put
    each side and who took it."""
    labels = [actor.label for actor in scenario.actors]
    bargains = turn.bargains
    i, j = int(bargains.initiator[b]), int(bargains.receiver[b])
    view = VIEWS[int(bargains.view[b])]
    takers = [labels[k] for k in (i, j) if turn.chosen[k] == b]
    took = " and ".join(takers) + " took it" if takers else "neither side took it"
    return (
        f"{labels[i]} challenged {labels[j]} (its estimate: wins with probability"
        f" {turn.success[i]:.2f}, gains {turn.gain[i]:.3f}); the bargain ({view}'s view) puts"
        f" {labels[i]} at {_point(scenario, bargains.initiator_position[b])} and {labels[j]} at"
        f" {_point(scenario, bargains.receiver_position[b])}; {took}."
    )


def run_document(forecast: Forecast, model: str) -> dict[str, Any]:
    """The JSON document of ``flashpoint run smp``: every state's positions, win probabilities,
    risk attitudes and expected outcome, and every turn's challenges, bargains and choices."""
    result = forecast[model]
    run = _run(result)
    scenario = forecast.scenario
    actors = [actor.id for actor in scenario.actors]
    issues = [issue.id for issue in scenario.issues]
    positions = result.trajectory.positions[:, 0]
    outcome = result.trajectory.outcome[:, 0]

    def where(values: np.ndarray) -> dict[str, float]:
        return {issue: _on_scale(scenario, i, values[i]) for i, issue in enumerate(issues)}

    states = [
        {
            "state": s,
            "outcome": {issue: float(outcome[s, i]) for i, issue in enumerate(issues)},
            "actors": {
                actor: {
                    "position": {
                        issue: None if np.isnan(v) else float(v)
                        for issue, v in zip(issues, positions[s, a], strict=True)
                    },
                    "win_probability": float(state.win_probability[a]),
                    "risk": float(state.risk[a]),
                }
                for a, actor in enumerate(actors)
            },
        }
        for s, state in enumerate(run.states)
    ]
    turns = []
    for t, turn in enumerate(run.turns_log, start=1):
        bargains = turn.bargains
        turns.append(
            {
                "turn": t,
                "fractional_change": float(run.fractional_change[t - 1]),
                "challenges": [
                    {
                        "initiator": actors[i],
                        "target": actors[turn.target[i]],
                        "win_probability": float(turn.success[i]),
                        "expected_gain": float(turn.gain[i]),
                    }
                    for i in np.flatnonzero(turn.target >= 0)
                ],
                "bargains": [
                    {
                        "initiator": actors[bargains.initiator[b]],
                        "receiver": actors[bargains.receiver[b]],
                        "view": VIEWS[int(bargains.view[b])],
                        "initiator_position": where(bargains.initiator_position[b]),
                        "receiver_position": where(bargains.receiver_position[b]),
                        "taken_by": [
                            actors[k]
                            for k in (bargains.initiator[b], bargains.receiver[b])
                            if turn.chosen[k] == b
                        ],
                        "text": challenge_text(scenario, turn, b),
                    }
                    for b in range(bargains.size)
                ],
                "choices": {
                    actor: {
                        "bargain": None if turn.chosen[a] < 0 else int(turn.chosen[a]),
                        "probability": float(turn.chosen_probability[a]),
                    }
                    for a, actor in enumerate(actors)
                },
            }
        )
    return {
        **run_header(forecast, model, run.turns),
        "stop": stop_text(run, result.options["rounds"]),
        "states": states,
        "turns": turns,
    }


def rounds_tables(forecast: Forecast, model: str, trace: bool) -> list[Table]:
    """The expected outcome after each turn, how far the actors moved and how many did (and,
    with ``trace``, every challenge and bargain)."""
    result = forecast[model]
    run = _run(result)
    scenario = forecast.scenario
    outcome = result.trajectory.outcome[:, 0]
    table = Table(
        title="Expected outcome (positions weighted by their win probability)",
        title_justify="left",
        caption=Text(
            f"The run ended after {stop_text(run, result.options['rounds'])}. Moved: how"
            " many actors moved in the turn; change: how far, against the first turn."
            + ("" if trace else " --trace lists every challenge; --json has all of it.")
        ),
        caption_justify="left",
    )
    table.add_column("Turn", justify="right")
    for item in scenario.issues:
        table.add_column(Text(item.id), justify="right")
    table.add_column("Moved", justify="right")
    table.add_column("Change", justify="right")
    for s in range(len(run.states)):
        if s == 0:
            moved, change = "", ""
        else:
            turn = run.turns_log[s - 1]
            count = int((turn.chosen >= 0).sum())
            moved, change = str(count), f"{run.fractional_change[s - 1]:.1%}"
        table.add_row(
            str(s),
            *(precise(outcome[s, i], item) for i, item in enumerate(scenario.issues)),
            moved,
            change,
        )
    tables = [table]
    if trace:
        challenges = Table(
            title=Text(
                "Challenges and bargains (positions: "
                + " / ".join(i.id for i in scenario.issues)
                + ")"
            ),
            title_justify="left",
            show_lines=True,
        )
        challenges.add_column("Turn", justify="right")
        challenges.add_column("Challenge")
        for t, turn in enumerate(run.turns_log, start=1):
            for b in range(turn.bargains.size):
                challenges.add_row(str(t), Text(challenge_text(scenario, turn, b)))
        tables.append(challenges)
    return tables


def explain_tables(forecast: Forecast, model: str, actor: int, issues: list[int]) -> list[Table]:
    """Turn by turn, one actor: its position on the issues asked for, its win probability and
    risk attitude, whom it challenged and why, who challenged it, and what it took."""
    result = forecast[model]
    run = _run(result)
    scenario = forecast.scenario
    labels = [a.label for a in scenario.actors]
    positions = result.trajectory.positions[:, 0, actor]
    shown = [scenario.issues[i] for i in issues]
    table = Table(
        title=Text(f"{labels[actor]} in the spatial model"),
        title_justify="left",
        caption=Text(
            "Win probability: of its position in an election over all positions. Risk: from"
            " a separate election with risk-neutral utilities, 1 for the likeliest position's"
            " actor there (risk averse), lowest for the least likely (docs/models.md). The run"
            f" ended after {stop_text(run, result.options['rounds'])}."
        ),
        caption_justify="left",
        show_lines=True,
    )
    table.add_column("Turn", justify="right")
    table.add_column("Position")
    table.add_column("Win p.", justify="right")
    table.add_column("Risk", justify="right")
    table.add_column("What it did and why", ratio=1)
    for s, state in enumerate(run.states):
        lines = ["Its stated position."] if s == 0 else _turn_lines(scenario, run, s - 1, actor)
        where = "\n".join(
            f"{item.id}: {precise(positions[s, i], item)}"
            for i, item in zip(issues, shown, strict=True)
        )
        table.add_row(
            str(s),
            Text(where),
            f"{state.win_probability[actor]:.3f}",
            f"{state.risk[actor]:+.2f}",
            Text("\n".join(lines)),
        )
    return [table]


def _turn_lines(scenario: Scenario, run: SMPRun, t: int, actor: int) -> list[str]:
    labels = [a.label for a in scenario.actors]
    turn = run.turns_log[t]
    bargains = turn.bargains
    lines = []
    target = int(turn.target[actor])
    if target >= 0:
        lines.append(
            f"Challenged {labels[target]}: expected to win with probability"
            f" {turn.success[actor]:.2f} and to gain {turn.gain[actor]:.3f}."
        )
    else:
        lines.append("Saw no challenge worth making.")
    challengers = sorted(
        {labels[bargains.initiator[b]] for b in np.flatnonzero(bargains.receiver == actor)}
    )
    if challengers:
        lines.append("Challenged by " + ", ".join(challengers) + ".")
    chosen = int(turn.chosen[actor])
    share = f"probability {turn.chosen_probability[actor]:.2f} in its election"
    if chosen < 0:
        lines.append(f"Kept its position ({share}).")
    else:
        i, j = int(bargains.initiator[chosen]), int(bargains.receiver[chosen])
        whose = "its own bargain with" if i == actor else "the bargain offered by"
        partner = labels[j] if i == actor else labels[i]
        before = run.states[t].position[actor]
        after = run.states[t + 1].position[actor]
        lines.append(
            f"Took {whose} {partner} ({share}): moved from {_point(scenario, before)} to"
            f" {_point(scenario, after)}."
        )
    return lines
