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
"""

__version__ = "0.1.0"

from flashpoint.analysis.compare import Comparison, compare  # noqa: E402
from flashpoint.analysis.forecast import Forecast, ModelResult, forecast  # noqa: E402
from flashpoint.analysis.sensitivity import Sensitivity, sensitivity  # noqa: E402
from flashpoint.engine.arrays import ScenarioArrays  # noqa: E402
from flashpoint.models.registry import MODELS, get_model, model_names  # noqa: E402
from flashpoint.scenario import (  # noqa: E402
    Scenario,
    ScenarioError,
    Shock,
    apply_shocks,
    bundled_names,
    load_scenario,
    save_scenario,
)

__all__ = [
    "MODELS",
    "Comparison",
    "Forecast",
    "ModelResult",
    "Scenario",
    "ScenarioArrays",
    "ScenarioError",
    "Sensitivity",
    "Shock",
    "__version__",
    "apply_shocks",
    "bundled_names",
    "compare",
    "forecast",
    "get_model",
    "load_scenario",
    "model_names",
    "save_scenario",
    "sensitivity",
]
