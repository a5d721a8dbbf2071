"""The editor's problems in words (issue #38): the validate and save endpoints name each problem
by its actor, issue, future, shock and field, from the labels of the data sent, beside its path;
a scenario with problems is answered 200 by the validation (the editor's checks then leave no
failed request in the browser's console), and refused 422 by a save, as before."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

import flashpoint
from flashpoint import place_in_words
from flashpoint.web import create_app
from tests.serving import OWN_PAGE, settings_for


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    folder = tmp_path_factory.mktemp("editor")
    with TestClient(create_app(settings_for(folder)), headers=OWN_PAGE) as test_client:
        yield test_client


def korea() -> dict:
    return flashpoint.scenario_to_data(flashpoint.load_scenario("korea-2018"))


def problems(client: TestClient, data: dict) -> dict[str, dict]:
    """The problems the validation finds, by path; it answers 200 whatever it finds."""
    answer = client.post("/api/scenarios/validate", json=data)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["ok"] is False
    return {problem["path"]: problem for problem in body["problems"]}


def test_a_salience_is_named_by_its_actor_and_issue(client):
    data = korea()
    data["actors"][0]["label"] = "The North"  # the words come from the data sent
    data["issues"][0]["label"] = "Nuclear weapons"
    data["actors"][0]["issues"]["denuclearization"]["salience"] = 140
    found = problems(client, data)["actors[0].issues.denuclearization.salience"]
    assert found["place"] == "The North, Nuclear weapons, salience"
    assert found["worded"] == f"The North, Nuclear weapons, salience: {found['message']}"
    assert "140" in found["message"]
    assert found["text"].startswith("actors[0].issues.denuclearization.salience: ")  # as before


def test_an_uncertainty_entry_is_named_by_its_input(client):
    data = korea()
    entry = data["uncertainty"][3]
    assert (entry["actor"], entry["issue"], entry["field"]) == (
        "united_states",
        "denuclearization",
        "red_line",
    )
    entry["low"] = 90  # above its high, 80
    found = problems(client, data)["uncertainty[3]"]
    assert found["worded"] == (
        "Uncertainty entry 4 (United States, Denuclearization, red line):"
        " low (90) must be below high (80)"
    )
    entry["low"], entry["mode"] = 40, "often"
    found = problems(client, data)["uncertainty[3].mode"]
    assert found["place"] == "Uncertainty entry 4 (United States, Denuclearization, red line), mode"


def test_a_future_is_named_by_its_label_and_the_part_of_its_condition(client):
    data = korea()
    data["outcomes"][0]["when"]["all"][1] = "peace_treaty >= 170"
    data["outcomes"][1]["when"]["any"][1]["all"][0] = {
        "issue": "sanctions_relief",
        "op": "<=",
        "value": "little",
    }
    found = problems(client, data)
    assert found["outcomes[0].when.all[1]"]["worded"].startswith(
        "Future 'Peace regime', condition part 2: the threshold 170"
    )
    assert found["outcomes[1].when.any[1].all[0].value"]["worded"] == (
        "Future 'Breakdown into maximum pressure', condition part 2.1, value:"
        " 'little' is not a number"
    )


def test_a_shock_is_named_by_its_label_and_its_change(client):
    data = korea()
    data["shocks"][0]["changes"][1]["set"] = 500
    found = problems(client, data)["shocks[0].changes[1].set"]
    assert found["place"] == (
        "Shock 'Washington returns to maximum pressure', change 2 (United States, Sanctions"
        " relief, salience), value set"
    )
    assert "500 is outside the range" in found["worded"]


def test_issue_terms_are_named_in_words(client):
    data = korea()
    data["issues"][1]["reversion"] = 300
    data["issues"][0]["anchors"]["200"] = "beyond"
    data["actors"][1]["issues"]["denuclearization"]["no_deal_cost"] = -4
    found = problems(client, data)
    assert found["issues[1].reversion"]["place"] == "Issue Sanctions relief, reversion point"
    assert found["issues[0].anchors[200]"]["place"] == "Issue Denuclearization, labelled point 200"
    assert found["actors[1].issues.denuclearization.no_deal_cost"]["place"] == (
        "South Korea, Denuclearization, cost of no deal"
    )


def test_a_save_with_problems_is_refused_with_them_in_words(client):
    data = korea()
    data["actors"][0]["issues"]["denuclearization"]["salience"] = "lots"
    answer = client.post("/api/scenarios", json={"id": "korea-words", "scenario": data})
    assert answer.status_code == 422
    problem = answer.json()["problems"][0]
    assert problem["path"] == "actors[0].issues.denuclearization.salience"
    assert problem["worded"] == "North Korea, Denuclearization, salience: 'lots' is not a number"
    data["actors"][0]["issues"]["denuclearization"]["salience"] = 90
    assert client.post("/api/scenarios", json={"id": "korea-words", "scenario": data}).is_success
    data["actors"][0]["label"] = "DPRK"
    data["actors"][0]["issues"]["denuclearization"]["position"] = 250
    answer = client.put("/api/scenarios/korea-words", json=data)
    assert answer.status_code == 422
    assert answer.json()["problems"][0]["place"] == "DPRK, Denuclearization, position"


def test_a_valid_scenario_has_no_problems(client):
    answer = client.post("/api/scenarios/validate", json=korea())
    assert answer.json() == {"ok": True, "problems": []}


@pytest.mark.parametrize(
    "path, place",
    [
        ("actors[5].issues.peace.salience", "Actor 6, peace, salience"),
        ("title", "Title"),
        ("salience_scale", "Salience scale"),
        ("issues", "Issues"),
        ("actors[0].issues.x.red_line_note", "Actor 1, x, red line note"),
        ("shocks[2].changes[0].shift", "Shock '3', change 1, shift"),
        (None, None),
    ],
)
def test_a_path_without_data_is_worded_by_its_places(path, place):
    assert place_in_words(path) == place
