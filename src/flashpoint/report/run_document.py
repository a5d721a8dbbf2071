"""What every ``flashpoint run --json`` document starts with, whatever the model."""

from __future__ import annotations

from typing import Any

from flashpoint._version import __version__
from flashpoint.analysis.forecast import Forecast

RUN_SCHEMA = "flashpoint.run/1"


def run_header(forecast: Forecast, model: str, rounds: int) -> dict[str, Any]:
    """The schema, the model and its options, the scenario, the request that reruns it, shocks,
    seed, the number of rounds run, and the forecast with the future it falls in."""
    result = forecast[model]
    scenario = forecast.scenario
    return {
        "schema": RUN_SCHEMA,
        "flashpoint_version": __version__,
        "model": model,
        "label": result.label,
        "options": result.options,
        "scenario": {"id": scenario.id, "title": scenario.title, "source": forecast.source},
        "request": forecast.request.model_dump(mode="json"),
        "shocks": list(forecast.shocks),
        "seed": forecast.seed,
        "rounds": rounds,
        "forecast": result.outcome,
        "future": result.future,
    }
