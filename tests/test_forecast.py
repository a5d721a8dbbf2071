"""The forecast: named futures, the JSON document, shocks, seeds, the Python API."""

from __future__ import annotations

import json

import numpy as np
import pytest

import flashpoint
from flashpoint.analysis.outcomes import UNCLASSIFIED, classify, holds
from flashpoint.scenario import build_scenario
from flashpoint.scenario.schema import Outcome


def rule(text):
    return Outcome.model_validate({"id": "x", "when": text}).when


def test_conditions_and_nesting_are_evaluated_over_draws():
    values = np.array([[10.0, 90.0], [70.0, 20.0], [70.0, 90.0]])
    issues = ["a", "b"]
    assert holds(rule("a >= 70"), values, issues).tolist() == [False, True, True]
    assert holds(rule("a > 70"), values, issues).tolist() == [False, False, False]
    assert holds(rule({"all": ["a >= 70", "b <= 20"]}), values, issues).tolist() == [
        False,
        True,
        False,
    ]
    assert holds(rule({"any": ["a < 20", "b < 50"]}), values, issues).tolist() == [
        True,
        True,
        False,
    ]
    assert holds(rule({"not": {"any": ["a < 20", "b < 50"]}}), values, issues).tolist() == [
        False,
        False,
        True,
    ]
    assert holds(rule("otherwise"), values, issues).tolist() == [True, True, True]


def test_first_matching_future_wins_and_unmatched_predictions_are_unclassified():
    futures = [
        Outcome.model_validate({"id": "high", "when": "a >= 50"}),
        Outcome.model_validate({"id": "mixed", "when": "b >= 50"}),
    ]
    values = np.array([[60.0, 60.0], [10.0, 60.0], [10.0, 10.0]])
    assert classify(futures, values, ["a", "b"]).tolist() == [0, 1, UNCLASSIFIED]


def test_korea_default_forecast():
    result = flashpoint.forecast()
    assert result.models == ["compromise", "median", "nash", "eum", "exchange"]
    assert result.scenario.id == "korea-2018"
    assert result["compromise"].outcome["denuclearization"] == pytest.approx(72.7, abs=0.05)
    assert result["compromise"].future == "muddle_through"
    assert result["median"].future == "peace_regime"
    assert result["nash"].future == "muddle_through"
    assert result["eum"].future == "peace_regime"
    assert result["eum"].rounds == 11
    assert "Incremental muddle-through" in repr(result)


def test_shocks_move_the_forecast():
    base = flashpoint.forecast(models=["compromise"])
    pressure = flashpoint.forecast(models=["compromise"], shocks=["us_maximum_pressure"])
    assert pressure.shocks == ("us_maximum_pressure",)
    assert (
        pressure["compromise"].outcome["sanctions_relief"]
        < base["compromise"].outcome["sanctions_relief"]
    )
    assert pressure["compromise"].outcome["alliance"] == base["compromise"].outcome["alliance"]


def test_json_document_has_the_documented_shape():
    document = flashpoint.forecast(shocks=["china_guarantee"], seed=5).to_dict()
    json.dumps(document)  # plain data only
    assert list(document) == [
        "schema",
        "flashpoint_version",
        "scenario",
        "shocks",
        "seed",
        "models",
        "timings",
    ]
    assert document["schema"] == "flashpoint.forecast/1"
    assert document["flashpoint_version"] == flashpoint.__version__
    assert document["shocks"] == ["china_guarantee"] and document["seed"] == 5
    scenario = document["scenario"]
    assert list(scenario) == ["id", "title", "as_of", "source", "issues", "futures"]
    assert scenario["as_of"] == "2018-09-12"
    assert [f["id"] for f in scenario["futures"]] == ["peace_regime", "breakdown", "muddle_through"]
    assert scenario["issues"][0] == {
        "id": "denuclearization",
        "label": "Denuclearization",
        "min": 0.0,
        "max": 100.0,
    }
    compromise = document["models"]["compromise"]
    assert list(compromise) == ["label", "options", "rounds", "outcome", "future"]
    assert compromise["rounds"] == 1 and compromise["options"] == {}
    value = compromise["outcome"]["security_guarantee"]
    assert set(value) == {"value", "anchor"}
    assert value["anchor"] == "a written US guarantee, such as a non-aggression pact"
    assert compromise["future"] == {"id": "muddle_through", "label": "Incremental muddle-through"}
    assert set(document["timings"]) == {"compromise", "median", "nash", "eum", "exchange"}


def test_same_seed_same_document_except_timings():
    first, second = (flashpoint.forecast(seed=3).to_dict() for _ in range(2))
    first.pop("timings"), second.pop("timings")
    assert first == second


def test_scenario_without_futures_has_no_future():
    scenario = build_scenario(
        {
            "title": "t",
            "issues": [{"id": "x"}],
            "actors": [
                {"id": "a", "capability": 1, "issues": {"x": {"position": 5, "salience": 5}}}
            ],
        }
    )
    result = flashpoint.forecast(scenario, ["median"])
    assert result["median"].future is None
    assert result.to_dict()["models"]["median"]["future"] is None
    assert result.source == "scenario"


def test_errors_for_unknown_models_and_options():
    with pytest.raises(KeyError, match="unknown model 'bdm'"):
        flashpoint.forecast(models=["bdm"])
    with pytest.raises(KeyError, match="options given for models not being run: nash"):
        flashpoint.forecast(models=["compromise"], options={"nash": {}})
