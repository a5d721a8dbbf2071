"""Scenarios: the schema, validation with located errors, loaders and writers, shocks."""

from flashpoint.scenario.edits import Edit, apply_edits
from flashpoint.scenario.errors import Location, Origin, Problem, ScenarioError, UnknownShockError
from flashpoint.scenario.guard import on_slow_read
from flashpoint.scenario.load import (
    DEFAULT_SCENARIO,
    READ_FORMATS,
    WRITE_FORMATS,
    WRITE_SUFFIXES,
    bundled_names,
    load_scenario,
    save_scenario,
)
from flashpoint.scenario.native import scenario_to_data
from flashpoint.scenario.outcomes import read_outcomes
from flashpoint.scenario.places import place_in_words
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
from flashpoint.scenario.tables import left_out_of_csv
from flashpoint.scenario.validate import build_scenario, scenario_from_data
from flashpoint.scenario.workbook import write_template

__all__ = [
    "Edit",
    "apply_edits",
    "DEFAULT_SCENARIO",
    "READ_FORMATS",
    "WRITE_FORMATS",
    "WRITE_SUFFIXES",
    "Actor",
    "Change",
    "Condition",
    "Issue",
    "Location",
    "Origin",
    "Outcome",
    "Problem",
    "Scenario",
    "ScenarioError",
    "UnknownShockError",
    "Shock",
    "Source",
    "Stance",
    "Uncertainty",
    "apply_shocks",
    "place_in_words",
    "build_scenario",
    "bundled_names",
    "left_out_of_csv",
    "load_scenario",
    "on_slow_read",
    "read_outcomes",
    "save_scenario",
    "scenario_from_data",
    "scenario_to_data",
    "write_template",
]
