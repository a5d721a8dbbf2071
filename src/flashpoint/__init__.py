"""flashpoint: model and forecast multi-party negotiations at geopolitical flashpoints.

The Python API::

    import flashpoint

    scenario = flashpoint.load_scenario("korea-2018")     # a bundled name or a file
    result = flashpoint.forecast(scenario, models=["compromise", "nash"])
    result["compromise"].outcome["denuclearization"]
    result.to_dict()                                      # the documented JSON document
    result = flashpoint.forecast("korea-2018", draws=2000)  # probabilities of the futures
    result.to_frame()                                     # a pandas table
    flashpoint.compare("korea-2018", ["us_maximum_pressure"])    # a shock's effect
    flashpoint.sensitivity("korea-2018", "P(peace_regime)")      # what drives it
    flashpoint.backtest("actors.csv", "outcomes.csv")            # how well each model did
    flashpoint.levers("korea-2018", "united_states", "P(peace_regime)")  # what would it take
    flashpoint.what_if(scenario, [flashpoint.Edit(path="actors.united_states.issues."
        "sanctions_relief.position", value=40)])             # the headline, moved by hand

Every run is one value, a run request; the functions above build one and run it::

    request = flashpoint.ForecastRequest(scenario="korea-2018", draws=2000, seed=7)
    result = flashpoint.run(request)
    result.request                     # the request, with its seed and models filled in
    flashpoint.run(result.to_dict()["request"])   # the same numbers again

The names below are the public API: the command line (and every other front) uses only them.
"""

from flashpoint._version import __version__
from flashpoint.analysis.backtest import Backtest, backtest
from flashpoint.analysis.compare import ENSEMBLE, Comparison, compare
from flashpoint.analysis.cost import Cost, TooLarge, on_long_run
from flashpoint.analysis.forecast import Forecast, ModelResult, forecast
from flashpoint.analysis.levers import Levers, levers
from flashpoint.analysis.progress import Progress
from flashpoint.analysis.request import (
    BacktestRequest,
    CompareRequest,
    ForecastRequest,
    LeversRequest,
    RunRequest,
    SensitivityRequest,
    read_request,
)
from flashpoint.analysis.runner import run
from flashpoint.analysis.sensitivity import METHODS, Sensitivity, sensitivity
from flashpoint.analysis.targets import UnknownChoice
from flashpoint.analysis.whatif import WhatIf, what_if
from flashpoint.engine.arrays import ScenarioArrays
from flashpoint.engine.compilation import on_compile
from flashpoint.engine.executors import EXECUTORS, SchedulerUnreachable
from flashpoint.extras import MissingExtra
from flashpoint.models.registry import MODELS, get_model, model_names
from flashpoint.scenario import (
    DEFAULT_SCENARIO,
    READ_FORMATS,
    WRITE_FORMATS,
    WRITE_SUFFIXES,
    Edit,
    Location,
    Problem,
    Scenario,
    ScenarioError,
    Shock,
    UnknownShockError,
    apply_edits,
    apply_shocks,
    bundled_names,
    left_out_of_csv,
    load_scenario,
    on_slow_read,
    place_in_words,
    read_outcomes,
    save_scenario,
    scenario_from_data,
    scenario_to_data,
    write_template,
)

__all__ = [
    "DEFAULT_SCENARIO",
    "ENSEMBLE",
    "EXECUTORS",
    "METHODS",
    "MODELS",
    "READ_FORMATS",
    "WRITE_FORMATS",
    "WRITE_SUFFIXES",
    "Backtest",
    "BacktestRequest",
    "CompareRequest",
    "Comparison",
    "Cost",
    "Edit",
    "Forecast",
    "ForecastRequest",
    "Levers",
    "Location",
    "LeversRequest",
    "MissingExtra",
    "ModelResult",
    "Problem",
    "Progress",
    "RunRequest",
    "Scenario",
    "ScenarioArrays",
    "ScenarioError",
    "SchedulerUnreachable",
    "Sensitivity",
    "SensitivityRequest",
    "TooLarge",
    "Shock",
    "UnknownChoice",
    "UnknownShockError",
    "WhatIf",
    "__version__",
    "apply_edits",
    "apply_shocks",
    "backtest",
    "bundled_names",
    "compare",
    "forecast",
    "get_model",
    "levers",
    "left_out_of_csv",
    "load_scenario",
    "model_names",
    "on_compile",
    "on_long_run",
    "on_slow_read",
    "place_in_words",
    "read_outcomes",
    "read_request",
    "run",
    "save_scenario",
    "scenario_from_data",
    "scenario_to_data",
    "sensitivity",
    "what_if",
    "write_template",
]
