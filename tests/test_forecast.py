"""The forecast: named futures, the JSON document, shocks, seeds, the Python API."""

from __future__ import annotations

import json

import numpy as np
import pytest

import flashpoint
from flashpoint.analysis.outcomes import UNCLASSIFIED, classify, holds
from flashpoint.scenario import build_scenario
from flashpoint.scenario.schema import Outcome

from .conftest import numbers_of


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
    assert result.models == ["compromise", "median", "nash", "eum", "exchange", "smp"]
    assert result.scenario.id == "korea-2018"
    assert result["compromise"].outcome["denuclearization"] == pytest.approx(68.6, abs=0.05)
    assert result["compromise"].future == "muddle_through"
    assert result["smp"].future == "muddle_through"
    assert result["smp"].rounds == 11  # the input and 10 turns
    assert result["eum"].rounds == 11
    # North Korea walks away where the bargain takes more than "most weapons dismantled" (its
    # red line, 80), and the United States where it stays short of a declared inventory (60)
    for model, actor, line in (
        ("median", "north_korea", 80.0),
        ("eum", "north_korea", 80.0),
        ("exchange", "north_korea", 80.0),
        ("nash", "united_states", 60.0),
    ):
        (refusal,) = result[model].refusals
        ((issue, bargain, crossed),) = refusal.red_lines
        assert (refusal.actor, issue, crossed) == (actor, "denuclearization", line), model
        assert (bargain > line) if actor == "north_korea" else (bargain < line), model
        assert result[model].future == "breakdown", model
    assert "Incremental muddle-through" in repr(result)


def test_shocks_move_the_forecast():
    base = flashpoint.forecast(models=["compromise"])
    pressure = flashpoint.forecast(models=["compromise"], shocks=["us_maximum_pressure"])
    assert pressure.shocks == ("us_maximum_pressure",)
    assert (
        pressure["compromise"].outcome["sanctions_relief"]
        < base["compromise"].outcome["sanctions_relief"]
    )
    # the shock moves the model's bargain only where it changes inputs ...
    before, after = base["compromise"].trajectory, pressure["compromise"].trajectory
    alliance = [issue.id for issue in base.scenario.issues].index("alliance")
    assert after.forecast[0, alliance] == before.forecast[0, alliance]
    # ... but Washington refuses that bargain, so the package falls to its reversion points
    assert pressure["compromise"].blocked["alliance"] == ("united_states",)
    assert pressure["compromise"].outcome["alliance"] == 67.0


def test_json_document_has_the_documented_shape():
    document = flashpoint.forecast(shocks=["china_guarantee"], seed=5).to_dict()
    json.dumps(document)  # plain data only
    assert list(document) == [
        "schema",
        "flashpoint_version",
        "scenario",
        "request",
        "shocks",
        "seed",
        "models",
        "draws",
        "jitter",
        "ensemble",
        "tree",
        "zone_of_agreement",
        "recommended",
        "brief",
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
    assert list(compromise) == [
        "label",
        "options",
        "rounds",
        "outcome",
        "future",
        "blocked",
        "refusals",
        "agreement",
        "path",
        "distribution",
        "futures",
    ]
    assert compromise["blocked"] == {} and compromise["refusals"] == []
    assert compromise["agreement"] is None  # without draws
    assert compromise["distribution"] is None and document["ensemble"] is None
    assert set(document["recommended"]) == {
        "description",
        "horizon",
        "basis",
        "agreement",
        "distribution",
        "futures",
    }
    assert compromise["rounds"] == 1 and compromise["options"] == {}
    value = compromise["outcome"]["security_guarantee"]
    assert set(value) == {"value", "anchor"}
    assert value["anchor"] == "a written US guarantee, such as a non-aggression pact"
    assert compromise["future"] == {"id": "muddle_through", "label": "Incremental muddle-through"}
    assert set(document["timings"]) == {"compromise", "median", "nash", "eum", "exchange", "smp"}


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


# --- the seed and the options a scenario states ----------------------------------------------


def korea_with(**fields):
    return flashpoint.load_scenario("korea-2018").model_copy(update=fields)


def test_the_seed_is_the_callers_else_the_scenarios_else_zero():
    stated = korea_with(seed=2**64 - 1)
    assert flashpoint.forecast(stated, ["compromise"]).seed == 2**64 - 1
    assert flashpoint.forecast(stated, ["compromise"], seed=5).seed == 5
    assert flashpoint.forecast(stated, ["compromise"], seed=0).seed == 0
    assert flashpoint.forecast("korea-2018", ["compromise"]).seed == 0
    document = flashpoint.forecast(stated, ["compromise"]).to_dict()
    assert document["seed"] == 2**64 - 1
    with pytest.raises(ValueError, match="the seed must be a whole number of 0 or more"):
        flashpoint.forecast("korea-2018", ["compromise"], seed=-1)


def test_the_scenarios_seed_drives_the_random_streams():
    options = {"exchange": {"p": 0.5, "rounds": 2}}
    stated = korea_with(seed=11)
    from_scenario = flashpoint.forecast(stated, ["exchange"], options=options)
    given = flashpoint.forecast("korea-2018", ["exchange"], options=options, seed=11)
    assert from_scenario["exchange"].outcome == given["exchange"].outcome


def test_scenario_model_options_are_defaults_the_caller_overrides():
    stated = korea_with(model_options={"eum": {"rounds": 3, "preset": "literal"}})
    result = flashpoint.forecast(stated, ["eum"])
    assert result["eum"].options["rounds"] == 3 and result["eum"].options["preset"] == "literal"
    result = flashpoint.forecast(stated, ["eum"], options={"eum": {"rounds": 2}})
    assert result["eum"].options["rounds"] == 2 and result["eum"].options["preset"] == "literal"
    # options for a model that is not run are not used
    assert flashpoint.forecast(stated, ["compromise"])["compromise"].options == {}


def test_a_bad_option_from_the_scenario_says_where_it_came_from():
    stated = korea_with(model_options={"eum": {"rounds": "many"}})
    with pytest.raises(ValueError, match=r"rounds: .*\(stated in the scenario's model_options\)"):
        flashpoint.forecast(stated, ["eum"])
    overridden = flashpoint.forecast(stated, ["eum"], options={"eum": {"rounds": 2}})
    assert overridden["eum"].options["rounds"] == 2


def test_a_given_option_replaces_a_stated_one_under_another_name():
    from types import SimpleNamespace

    from pydantic import AliasChoices, BaseModel, Field

    from flashpoint.analysis.prepare import _options

    class Toy(BaseModel):
        voting_rule: str = Field("Prop", validation_alias=AliasChoices("voting_rule", "VotingRule"))
        turns: int = 100

    spec = SimpleNamespace(name="toy", options=Toy)
    chosen = _options(spec, {"voting_rule": "Binary", "turns": 5}, {"VotingRule": "Cubic"})
    assert chosen.model_dump() == {"voting_rule": "Cubic", "turns": 5}
    chosen = _options(spec, {"VotingRule": "Binary"}, {"turns": 7})
    assert chosen.model_dump() == {"voting_rule": "Binary", "turns": 7}


def test_monte_carlo_forecast_gives_probabilities_that_repeat_on_every_executor():
    serial = flashpoint.forecast(models=["compromise", "eum"], draws=120, seed=4)
    pooled = flashpoint.forecast(
        models=["compromise", "eum"], draws=120, seed=4, executor="process", workers=2
    )
    first, second = numbers_of(serial.to_dict()), numbers_of(pooled.to_dict())
    assert first == second
    futures = first["models"]["compromise"]["futures"]
    assert sum(f["draws"] for f in futures) == 120
    assert first["ensemble"]["futures"][0]["draws"] == sum(
        first["models"][m]["futures"][0]["draws"] for m in ("compromise", "eum")
    )
    other = flashpoint.forecast(models=["compromise"], draws=120, seed=5).to_dict()
    assert (
        other["models"]["compromise"]["distribution"]
        != first["models"]["compromise"]["distribution"]
    )


def test_monte_carlo_keeps_the_stated_forecast_and_refuses_no_draws():
    stated = flashpoint.forecast(models=["median"])
    drawn = flashpoint.forecast(models=["median"], draws=50)
    assert drawn["median"].outcome == stated["median"].outcome
    with pytest.raises(ValueError, match="draws"):
        flashpoint.forecast(models=["median"], draws=0)


def test_every_model_on_korea_gives_futures_that_add_up_to_one():
    result = flashpoint.forecast("korea-2018", draws=40, jitter=0.05, seed=1)
    for summary in [*(r.spread for r in result.results.values()), result.ensemble]:
        assert summary is not None
        assert sum(p.probability for p in summary.futures.values()) == pytest.approx(1.0)
    assert sum(p.draws for p in result.ensemble.futures.values()) == 40 * len(result.models)


def test_the_forecast_document_is_the_same_on_a_dask_cluster():
    pytest.importorskip("dask.distributed")
    serial = flashpoint.forecast(models=["compromise", "smp"], draws=30, seed=4).to_dict()
    cluster = flashpoint.forecast(
        models=["compromise", "smp"], draws=30, seed=4, executor="dask", workers=2
    ).to_dict()
    assert numbers_of(serial) == numbers_of(cluster)


def test_a_shocked_forecast_draws_the_baselines_random_numbers():
    """forecast(shocks=...) runs on the unshocked scenario's draws, so it is the shock's column
    of a comparison."""
    shocked = flashpoint.forecast(models=["compromise"], shocks=["china_guarantee"], draws=60)
    compared = flashpoint.compare(shocks=["china_guarantee"], models=["compromise"], draws=60)
    assert shocked["compromise"].spread == compared["china_guarantee"].spreads["compromise"]


# --- the recommended forecast --------------------------------------------------------------------


def test_the_recommended_forecast_spreads_the_compromise_model_by_its_errors():
    """The shipped recommendation is the compromise model: its samples are the compromise
    forecast plus errors measured on decided EU issues, kept on each issue's scale."""
    result = flashpoint.forecast(models=["compromise", "nash"], seed=1)
    recommended = result.recommended
    assert result.recommendation.combination.name == "compromise"
    futures = recommended.futures
    assert sum(p.draws for p in futures.values()) == 2000
    assert sum(p.probability for p in futures.values()) == pytest.approx(1.0)
    # a spread forecast: no future is certain, and each issue's 80% interval is wide
    assert all(p.probability < 1 for p in futures.values())
    for issue in result.scenario.issues:
        d = recommended.distribution[issue.id]
        assert issue.min <= d.interval_80[0] <= d.median <= d.interval_80[1] <= issue.max
        assert d.interval_80[1] - d.interval_80[0] > 5, issue.id
    again = flashpoint.forecast(models=["compromise"], seed=1).recommended
    assert again == recommended  # the same seed, the same samples
    assert flashpoint.forecast(models=["compromise"], seed=2).recommended != recommended


def test_the_headline_is_the_same_whichever_models_are_shown():
    """The headline runs the models it needs even where a request shows fewer (issue #33)."""
    shown = flashpoint.forecast(models=["median"], draws=20)
    every = flashpoint.forecast(draws=20)
    assert list(shown.results) == ["median"]
    assert shown.recommended == every.recommended
    assert shown.to_dict()["recommended"]["futures"] == every.to_dict()["recommended"]["futures"]


def test_with_draws_the_recommended_forecast_spreads_each_draw():
    stated = flashpoint.forecast(models=["compromise"], seed=3).recommended
    drawn = flashpoint.forecast(models=["compromise"], draws=300, jitter=0.1, seed=3).recommended
    assert sum(p.draws for p in drawn.futures.values()) == 300  # one error for each draw
    assert drawn != stated
