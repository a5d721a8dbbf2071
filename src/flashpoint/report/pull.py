"""Who pulled a one-step model's outcome where: each actor's share of the weight (capability x
salience) and its pull on the outcome, for ``flashpoint explain`` of the compromise, median and
Nash models, which keep no log of rounds.

The compromise outcome is the point where the weighted pulls ``w_a (x_a - outcome)`` balance:
they add up to 0 (Achen 2006). The weighted median is the position at which half the weight lies
on each side (Black 1948): the actor there is pivotal. The Nash bargaining solution weighs each
actor's gain by the same weights (Nash 1950; Kalai 1977 for the weights).
"""

from __future__ import annotations

import numpy as np
from rich.table import Table
from rich.text import Text

from flashpoint.analysis.forecast import Forecast
from flashpoint.engine.arrays import ScenarioArrays
from flashpoint.report.formats import precise

ONE_STEP = ("compromise", "median", "nash")


def explain_pull(forecast: Forecast, model: str, actor: int, issues: list[int]) -> list[Table]:
    """Per issue, every actor taking part with its position, share of the weight and pull on
    the model's outcome (the actor asked about first); the outcome is the model's prediction,
    before the agreement test."""
    arrays = ScenarioArrays.from_scenario(forecast.scenario)
    labels = [a.label for a in forecast.scenario.actors]
    tables = []
    for i in issues:
        issue = forecast.scenario.issues[i]
        outcome = float(forecast[model].trajectory.forecast[0, i])
        present = np.flatnonzero(arrays.present[:, i])
        weight = arrays.weight[0, present, i]
        share = weight / weight.sum()
        position = arrays.position[0, present, i]
        pull = share * (position - outcome)
        order = sorted(range(len(present)), key=lambda k: (present[k] != actor, -share[k]))
        table = Table(
            title=Text(
                f"{labels[actor]} on {issue.label}: who pulls the {model} outcome"
                f" ({precise(outcome, issue)}) where"
            ),
            title_justify="left",
            caption=Text(_caption(model)),
            caption_justify="left",
        )
        table.add_column("Actor", style="bold")
        table.add_column("Position", justify="right")
        table.add_column("Weight share", justify="right")
        table.add_column("Pull", justify="right")
        for k in order:
            table.add_row(
                Text(labels[present[k]]),
                precise(float(position[k]), issue),
                f"{share[k]:.1%}",
                f"{pull[k]:+.1f}",
            )
        tables.append(table)
    return tables


def _caption(model: str) -> str:
    common = (
        "Weight: capability x salience; pull: the weight share times the distance from the"
        " outcome to the actor's position."
    )
    if model == "compromise":
        return common + (
            " The compromise outcome is where the pulls balance: they add up to 0 (each is"
            " rounded to 0.1 here, so the column may miss 0 by the rounding)."
        )
    if model == "median":
        return common + " The weighted median is the position with half the weight on each side."
    return common + " The Nash solution weighs each actor's gain over its worst point by it."
