"""Scenarios: the schema, validation with located errors, loaders and writers, shocks."""

from flashpoint.scenario.errors import Location, Problem, ScenarioError
from flashpoint.scenario.load import (
    DEFAULT_SCENARIO,
    bundled_names,
    load_scenario,
    save_scenario,
)
from flashpoint.scenario.schema import (
    Actor,
    Change,
    Condition,
    Issue,
    Outcome,
    Scenario,
    Shock,
    Source,
    Stance,
    Uncertainty,
)
from flashpoint.scenario.shocks import apply_shocks
from flashpoint.scenario.validate import build_scenario

__all__ = [
    "DEFAULT_SCENARIO",
    "Actor",
    "Change",
    "Condition",
    "Issue",
    "Location",
    "Outcome",
    "Problem",
    "Scenario",
    "ScenarioError",
    "Shock",
    "Source",
    "Stance",
    "Uncertainty",
    "apply_shocks",
    "build_scenario",
    "bundled_names",
    "load_scenario",
    "save_scenario",
]
