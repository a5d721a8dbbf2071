"""What if (issue #38): edits by paths of ids (:mod:`flashpoint.scenario.edits`), the headline
moved by them beside the headline as saved (:func:`flashpoint.what_if`), and the API and page
that serve them (``POST /api/whatif``, ``/api/whatif/save``, ``/scenarios/ID/whatif``)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

import flashpoint
from flashpoint import Edit, ScenarioError, apply_edits, what_if
from flashpoint.analysis.whatif import points
from flashpoint.web import create_app
from flashpoint.web.whatif import edits_from_query
from tests.serving import OWN_PAGE, settings_for, wait

US_SANCTIONS = "actors.united_states.issues.sanctions_relief.position"
NK_DENUCLEARIZATION = "actors.north_korea.issues.denuclearization"


@pytest.fixture(scope="module")
def korea():
    return flashpoint.load_scenario("korea-2018")


def stance(scenario, actor: str, issue: str):
    return scenario.actor(actor).issues[issue]


# --- edits ---


def test_an_edit_moves_the_input_and_its_distribution_with_it(korea):
    entry = next(
        u for u in korea.uncertainty if u.target == ("north_korea", "denuclearization", "position")
    )
    edited = apply_edits(korea, [Edit(path=f"{NK_DENUCLEARIZATION}.position", value=50)])
    assert stance(edited, "north_korea", "denuclearization").position == 50
    moved = next(u for u in edited.uncertainty if u.target == entry.target)
    delta = 50 - stance(korea, "north_korea", "denuclearization").position
    for name in ("low", "high", "mode", "mean"):
        before, after = getattr(entry, name), getattr(moved, name)
        if before is not None:
            assert after == pytest.approx(min(max(before + delta, 0), 100))
    assert (
        "Changed by a what-if from 30 to 50"
        in stance(edited, "north_korea", "denuclearization").position_note
    )
    assert stance(korea, "north_korea", "denuclearization").position == 30  # the saved one is kept


def test_each_kind_of_input_can_be_edited(korea):
    edits = [
        Edit(path="actors.united_states.capability", value=80),
        Edit(path="actors.china.issues.peace_treaty.salience", value=10),
        Edit(path="actors.north_korea.issues.sanctions_relief.red_line", value=40),  # none stated
        Edit(path="actors.united_states.issues.alliance.no_deal_cost", value=5),
        Edit(path="actors.japan.issues.economic_aid.capability", value=7),
        Edit(path="issues.alliance.reversion", value=50),
        Edit(path="shocks.china_guarantee", value=True),
        Edit(path="shocks.us_maximum_pressure", value=False),
    ]
    edited = apply_edits(korea, edits)
    assert edited.actor("united_states").capability == 80
    assert stance(edited, "china", "peace_treaty").salience == 10
    assert stance(edited, "north_korea", "sanctions_relief").red_line == 40
    assert stance(edited, "united_states", "alliance").no_deal_cost == 5
    assert edited.actor("japan").capability_on("economic_aid") == 7
    assert edited.issue("alliance").reversion == 50
    assert edited == apply_edits(flashpoint.apply_shocks(korea, ["china_guarantee"]), edits[:6])


def test_an_edit_after_a_shock_wins(korea):
    shocked = flashpoint.apply_shocks(korea, ["us_maximum_pressure"])
    changed = [
        (c.actor, c.issue, c.field) for c in korea.shock("us_maximum_pressure").changes if c.field
    ]
    actor, issue, field = changed[0]
    path = f"actors.{actor}.issues.{issue}.{field}"
    edited = apply_edits(
        korea, [Edit(path=path, value=33), Edit(path="shocks.us_maximum_pressure", value=True)]
    )
    assert getattr(stance(edited, actor, issue), field) == 33
    assert getattr(stance(shocked, actor, issue), field) != 33


@pytest.mark.parametrize(
    ("path", "value", "words"),
    [
        ("actors.kim.issues.peace_treaty.position", 5, "no actor 'kim'"),
        ("actors.north_korea.issues.peace.position", 5, "no issue 'peace'"),
        ("actors.north_korea.issues.peace_treaty.colour", 5, "FIELD one of position"),
        (US_SANCTIONS, 140, "140 is outside the scale of Sanctions relief, 0 to 100"),
        (
            "actors.north_korea.issues.peace_treaty.salience",
            -1,
            "-1 is outside its range, 0 to 100",
        ),
        ("actors.north_korea.capability", -3, "-3 is outside capability's range, 0 or more"),
        ("issues.alliance.reversion", 101, "outside the scale of"),
        ("issues.alliance.min", 1, "issues.ISSUE.reversion"),
        ("shocks.summit", True, "no shock 'summit'"),
        ("shocks.china_guarantee", 1, "switched on with true"),
        (US_SANCTIONS, True, "takes a number"),
        ("outcomes.peace_regime", 1, "starts with actors, issues or shocks"),
    ],
)
def test_a_wrong_edit_is_named_by_its_path(korea, path, value, words):
    with pytest.raises(ScenarioError) as raised:
        apply_edits(korea, [Edit(path=path, value=value)])
    (problem,) = raised.value.problems
    assert problem.location.path == path
    assert words in problem.message


def test_an_actor_takes_no_part_in_an_issue_it_has_no_stance_on():
    data = flashpoint.scenario_to_data(flashpoint.load_scenario("korea-2018"))
    del data["actors"][3]["issues"]["alliance"]  # China says nothing of the alliance
    data["uncertainty"] = [
        u
        for u in data.get("uncertainty", [])
        if not (u["actor"] == "china" and u.get("issue") == "alliance")
    ]
    scenario = flashpoint.scenario_from_data(data)
    with pytest.raises(ScenarioError, match="China takes no part in US-ROK alliance"):
        apply_edits(scenario, [Edit(path="actors.china.issues.alliance.position", value=5)])


def test_an_edit_takes_a_number_or_a_switch_in_one_sentence():
    with pytest.raises(ValueError, match="give a number, or true or false") as raised:
        Edit(path=US_SANCTIONS, value="forty")
    assert raised.value.error_count() == 1
    assert (
        Edit(path=US_SANCTIONS, value=1).value == 1.0
        and Edit(path=US_SANCTIONS, value=1).value is not True
    )


# --- the headline, moved ---


def test_no_edit_moves_nothing(korea):
    result = what_if(korea, [], draws=200, seed=3)
    assert all(f["points"] == 0 and f["saved"] == f["probability"] for f in result.futures())
    assert result.sentence().startswith("As saved, ")


def test_the_saved_side_is_the_headline_of_forecast_json(korea):
    result = what_if(korea, [Edit(path=US_SANCTIONS, value=40)], draws=300, seed=5)
    stated = flashpoint.forecast(korea, draws=300, seed=5).to_dict()["recommended"]
    assert result.to_dict()["saved"] == stated
    moved = flashpoint.forecast(
        apply_edits(korea, [Edit(path=US_SANCTIONS, value=40)]), draws=300, seed=5
    )
    assert result.to_dict()["recommended"] == moved.to_dict()["recommended"]


def test_an_edit_to_the_stated_value_changes_no_probability(korea):
    """Same seed, same draws: a value moved to where it was gives the saved headline exactly
    (only the edit moves the forecast)."""
    result = what_if(korea, [Edit(path=US_SANCTIONS, value=15)], draws=300, seed=5)
    assert [f["probability"] for f in result.futures()] == [f["saved"] for f in result.futures()]


def test_the_sentence_says_which_future_leads_and_what_moved(korea):
    moves = [
        Edit(path="actors.united_states.issues.denuclearization.red_line", value=20),
        Edit(path=US_SANCTIONS, value=40),
    ]
    lowered = what_if(korea, moves, draws=1000)
    data = lowered.to_dict()
    futures = {f["id"]: f for f in data["futures"]}
    assert data["leading"]["id"] != data["saved_leading"]["id"]  # the lead changes here
    leads = data["leading"]["id"]
    moved = max(data["futures"], key=lambda f: (abs(f["points"]), f["id"] == leads))
    assert "now leads instead of" in data["sentence"]
    assert f"{abs(moved['points'])} points" in data["sentence"]
    assert f"{moved['saved']:.0%} → {moved['probability']:.0%}" in data["sentence"]
    assert futures[data["leading"]["id"]]["probability"] == max(
        f["probability"] for f in data["futures"]
    )
    small = what_if(korea, [Edit(path=US_SANCTIONS, value=16)], draws=500, seed=1)
    assert small.leading()["id"] == small.leading("saved")["id"]
    assert "still leads" in small.sentence() and "now leads" not in small.sentence()


def test_points_are_counted_as_the_percentages_print():
    assert points({"saved": 0.752, "probability": 0.735}) == -1  # 75% -> 74%
    assert points({"saved": 0.014, "probability": 0.016}) == 1  # 1% -> 2%


# --- the address of a what-if page ---


def test_the_address_holds_the_edits_and_names_what_is_not_one():
    edits, problems = edits_from_query(
        [
            (US_SANCTIONS, "40"),
            ("shocks.china_guarantee", "on"),
            ("shocks.economic_package", "off"),
            ("actors.north_korea.capability", "many"),
            ("issues.alliance.reversion", "nan"),
            ("issues.peace_treaty.reversion", "-inf"),
            ("draws", "5"),  # the page's own
        ]
    )
    assert edits == [
        Edit(path=US_SANCTIONS, value=40.0),
        Edit(path="shocks.china_guarantee", value=True),
        Edit(path="shocks.economic_package", value=False),
    ]
    assert [p.location.path for p in problems] == [
        "actors.north_korea.capability",
        "issues.alliance.reversion",
        "issues.peace_treaty.reversion",
    ]


# --- the API and the page ---


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    folder = tmp_path_factory.mktemp("whatif")
    with TestClient(
        create_app(settings_for(folder, max_draws=2000)), headers=OWN_PAGE
    ) as test_client:
        yield test_client


def test_the_api_answers_with_both_headlines(client, korea):
    body = {
        "scenario": "korea-2018",
        "edits": [{"path": US_SANCTIONS, "value": 40}],
        "draws": 400,
        "seed": 2,
    }
    answer = client.post("/api/whatif", json=body)
    assert answer.status_code == 200, answer.text
    data = answer.json()
    expected = what_if(korea, [Edit(path=US_SANCTIONS, value=40)], draws=400, seed=2).to_dict()
    assert data["recommended"] == expected["recommended"] and data["saved"] == expected["saved"]
    assert data["edits"][0]["words"] == "United States, Sanctions relief: position 15 → 40"
    assert data["detail"] is None
    again = client.post("/api/whatif", json=body).json()  # the saved headline kept: the same
    assert again["saved"] == data["saved"] and again["recommended"] == data["recommended"]


def test_a_whole_scenario_can_be_moved(client, korea):
    body = {
        "scenario": flashpoint.scenario_to_data(korea),
        "edits": [{"path": "shocks.china_guarantee", "value": True}],
        "draws": 100,
    }
    answer = client.post("/api/whatif", json=body)
    assert answer.status_code == 200, answer.text
    assert (
        answer.json()["edits"][0]["words"]
        == "Shock: China underwrites a security guarantee, applied"
    )


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        (
            {"scenario": "korea-2018", "edits": [{"path": "actors.kim.capability", "value": 1}]},
            422,
            "no actor 'kim'",
        ),
        (
            {"scenario": "korea-2018", "edits": [{"path": US_SANCTIONS, "value": "forty"}]},
            422,
            "give a number",
        ),
        ({"scenario": "korea-2018", "draws": 2001}, 422, "more than this server allows"),
        ({"scenario": "korea-2018", "draws": 1}, 422, "greater than or equal to 2"),
        ({"scenario": "atlantis"}, 404, "atlantis"),
        ({"scenario": {"title": "x"}, "draws": 10}, 422, "the scenario has problems"),
    ],
)
def test_a_wrong_what_if_is_a_clear_4xx(client, body, status, words):
    answer = client.post("/api/whatif", json=body)
    assert answer.status_code == status, answer.text
    assert words in answer.text


def test_a_what_if_with_detail_starts_every_model_on_a_worker(client):
    body = {
        "scenario": "korea-2018",
        "edits": [{"path": US_SANCTIONS, "value": 40}],
        "draws": 20,
        "seed": 1,
        "detail": True,
    }
    data = client.post("/api/whatif", json=body).json()
    job = data["detail"]
    assert job["kind"] == "forecast" and job["page"].startswith("/runs/")
    assert wait(client, job)["state"] == "done"
    result = client.get(f"/api/runs/{job['id']}/result").json()
    assert len(result["models"]) == len(flashpoint.model_names())
    assert result["recommended"]["futures"] == data["recommended"]["futures"]


def test_a_what_if_saved_is_a_new_scenario_with_the_edits(client):
    body = {
        "scenario": "korea-2018",
        "edits": [{"path": US_SANCTIONS, "value": 40}],
        "id": "korea-moved",
    }
    answer = client.post("/api/whatif/save", json=body)
    assert answer.status_code == 201, answer.text
    saved = client.get("/api/scenarios/korea-moved").json()["scenario"]
    us = next(a for a in saved["actors"] if a["id"] == "united_states")
    assert us["issues"]["sanctions_relief"]["position"] == 40
    assert saved["title"].endswith("(what if)")
    assert client.post("/api/whatif/save", json={**body, "edits": []}).status_code == 422


def test_the_page_takes_its_edits_from_its_address_and_names_the_wrong_ones(client):
    page = client.get(
        f"/scenarios/korea-2018/whatif?{US_SANCTIONS}=40&shocks.summit=on&actors.kim.capability=2"
    )
    assert page.status_code == 200
    data = re.search(
        r'<script type="application/json" id="page-data">(.*?)</script>', page.text, re.S
    ).group(1)
    assert '"path": "actors.united_states.issues.sanctions_relief.position"' in data
    edits = data.split('"edits"')[1]
    assert "summit" not in edits and "kim" not in edits
    assert "no shock &#39;summit&#39;" in page.text and "no actor &#39;kim&#39;" in page.text
    assert "whatif-link-problems" not in client.get("/scenarios/korea-2018/whatif").text
    assert client.get("/scenarios/atlantis/whatif").status_code == 404


def test_without_futures_the_sentence_says_which_issue_moved_most(korea):
    plain = korea.model_copy(update={"outcomes": []})
    moved = what_if(plain, [Edit(path=US_SANCTIONS, value=100)], draws=300, seed=1)
    means = {
        side: (getattr(moved, side).recommended_dict()["distribution"])
        for side in ("saved", "edited")
    }
    sentence = moved.sentence()
    assert sentence.startswith("This scenario names no futures; ")
    issue = next(i for i in korea.issues if i.label.lower() in sentence.lower())
    before, after = means["saved"][issue.id]["mean"], means["edited"][issue.id]["mean"]
    assert f"{before:.1f} → {after:.1f}" in sentence and before != after
    unmoved = what_if(plain, [], draws=300, seed=1)
    assert (
        unmoved.sentence() == "This scenario names no futures; no issue's expected outcome moves."
    )
