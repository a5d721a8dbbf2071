"""Shocks: set, shift (clipped), drop; uncertainty follows the changed input; composition."""

from __future__ import annotations

import pytest

import flashpoint
from flashpoint.scenario import ScenarioError, Shock, apply_shocks, build_scenario

BASE = {
    "title": "T",
    "issues": [{"id": "tax"}, {"id": "aid", "min": -10, "max": 10}],
    "actors": [
        {
            "id": "a",
            "capability": 4,
            "issues": {
                "tax": {"position": 20, "salience": 50},
                "aid": {"position": 0, "salience": 10},
            },
        },
        {
            "id": "b",
            "capability": 1,
            "issues": {
                "tax": {"position": 80, "salience": 50, "capability": 3},
                "aid": {"position": 5, "salience": 10},
            },
        },
    ],
    "uncertainty": [
        {
            "actor": "a",
            "issue": "tax",
            "field": "position",
            "distribution": "triangular",
            "low": 10,
            "high": 40,
        },
        {
            "actor": "b",
            "issue": "tax",
            "field": "salience",
            "distribution": "uniform",
            "low": 30,
            "high": 60,
        },
    ],
    "shocks": [
        {
            "id": "hawk",
            "changes": [{"actor": "a", "issue": "tax", "field": "position", "shift": 95}],
        },
        {"id": "quiet", "changes": [{"actor": "b", "issue": "tax", "field": "salience", "set": 5}]},
        {"id": "gone", "changes": [{"actor": "b", "drop": True}]},
        {"id": "leaves_aid", "changes": [{"actor": "a", "issue": "aid", "drop": True}]},
        {"id": "b_leaves_aid", "changes": [{"actor": "b", "issue": "aid", "drop": True}]},
        {
            "id": "stronger",
            "changes": [
                {"actor": "a", "field": "capability", "shift": 1},
                {"actor": "b", "issue": "tax", "field": "capability", "set": 9},
            ],
        },
    ],
}


@pytest.fixture
def scenario():
    return build_scenario(BASE)


def test_no_shock_returns_the_scenario(scenario):
    assert apply_shocks(scenario, []) is scenario


def test_shift_is_clipped_to_the_scale_and_moves_the_distribution(scenario):
    shocked = apply_shocks(scenario, ["hawk"])
    assert shocked.actor("a").issues["tax"].position == 100  # 20 + 95, clipped at 100
    moved = next(u for u in shocked.uncertainty if u.actor == "a")
    assert (moved.low, moved.high) == (90, 100)  # moved by the 80 points actually applied
    assert scenario.actor("a").issues["tax"].position == 20  # the original is untouched


def test_set_makes_the_value_certain(scenario):
    shocked = apply_shocks(scenario, ["quiet"])
    assert shocked.actor("b").issues["tax"].salience == 5
    assert [u.actor for u in shocked.uncertainty] == ["a"]


def test_drop_an_actor_and_its_uncertainty(scenario):
    shocked = apply_shocks(scenario, ["gone"])
    assert [a.id for a in shocked.actors] == ["a"]
    assert [u.actor for u in shocked.uncertainty] == ["a"]


def test_drop_an_actor_from_one_issue(scenario):
    shocked = apply_shocks(scenario, ["leaves_aid"])
    assert set(shocked.actor("a").issues) == {"tax"}


def test_capability_changes(scenario):
    shocked = apply_shocks(scenario, ["stronger"])
    assert shocked.actor("a").capability == 5
    assert shocked.actor("b").capability_on("tax") == 9
    assert shocked.actor("b").capability == 1


def test_shocks_compose_in_order(scenario):
    shocked = apply_shocks(scenario, ["hawk", "quiet"])
    assert shocked.actor("a").issues["tax"].position == 100
    assert shocked.actor("b").issues["tax"].salience == 5


def test_composition_that_breaks_the_scenario_is_an_error(scenario):
    with pytest.raises(ScenarioError) as caught:
        apply_shocks(scenario, ["leaves_aid", "b_leaves_aid"])
    assert [p.message for p in caught.value.problems] == [
        "after shock 'leaves_aid', 'b_leaves_aid': no actor has both a capability and a salience above 0 on issue 'aid',"
        " so no model can forecast it"
    ]


def test_change_to_a_dropped_actor_is_an_error(scenario):
    with pytest.raises(ScenarioError) as caught:
        apply_shocks(scenario, ["gone", "quiet"])
    assert [p.message for p in caught.value.problems] == [
        "shock 'quiet' changes actor 'b', which an earlier change dropped"
    ]


def test_ad_hoc_shock_objects(scenario):
    shock = Shock(
        id="adhoc", changes=[{"actor": "b", "issue": "tax", "field": "position", "shift": -500}]
    )
    assert apply_shocks(scenario, [shock]).actor("b").issues["tax"].position == 0


def test_unknown_shock_name(scenario):
    with pytest.raises(
        KeyError, match="no shock 'nope' in scenario scenario \\(shocks: hawk, quiet, gone"
    ):
        apply_shocks(scenario, ["nope"])


def test_a_change_after_a_drop_from_that_issue_is_a_problem_not_a_crash():
    """Found by the web editor (issue #38): a shock that drops an actor from an issue and then
    changes its input on that issue crashed validation with an AttributeError."""
    data = flashpoint.scenario_to_data(flashpoint.load_scenario("korea-2018"))
    changes = data["shocks"][0]["changes"]
    changes.insert(0, {"actor": "united_states", "issue": "sanctions_relief", "drop": True})
    changes.insert(
        1, {"actor": "united_states", "issue": "sanctions_relief", "field": "position", "set": 0}
    )
    with pytest.raises(
        flashpoint.ScenarioError, match="after an earlier change dropped it from that issue"
    ):
        flashpoint.scenario_from_data(data)
