"""A model's outcome on one issue in words, for the explanations of a run: the bargain the model
predicts and, where an actor whose consent it needs refuses it, the reversion point that takes
its place (the forecast). Computed from the run's result, nothing else."""

from __future__ import annotations

from flashpoint.analysis.forecast import Forecast
from flashpoint.report.formats import listed, precise
from flashpoint.scenario.words import in_sentence, named


def outcome_sentence(forecast: Forecast, model: str, issue: int) -> str:
    """``The model's outcome on denuclearization: 90.0 ...``: the run's predicted outcome and,
    if the agreement test refused it, who refused it and the forecast that stands instead."""
    result = forecast[model]
    scenario = forecast.scenario
    item = scenario.issues[issue]
    bargain = float(result.trajectory.forecast[0, issue])
    said = f"The model's outcome on {in_sentence(item.label)}: {precise(bargain, item)}"
    refusers = result.blocked.get(item.id)
    if refusers is None:
        return said + "."
    names = [named(a.label) for a in scenario.actors if a.id in refusers]
    return (
        f"{said}, but the bargain is refused by {listed(names)}, so the forecast is the"
        f" reversion point, {precise(result.outcome[item.id], item)}."
    )
