"""The agreement test: a bargain stands only if every actor whose consent it needs prefers it to
no deal; otherwise its issues fall back to their reversion points."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import flashpoint
from flashpoint.analysis.agreement import Terms, crossed, gains, settle, zone_of_agreement
from flashpoint.engine.arrays import ScenarioArrays
from flashpoint.models import get_model
from flashpoint.scenario import build_scenario
from flashpoint.scenario.errors import Origin

from .conftest import problems_of


def two_actors(**issue):
    """A at 0 and B at 100 on one issue, equal capability and salience: the compromise model
    predicts 50."""
    return build_scenario(
        {
            "title": "Two actors",
            "issues": [{"id": "x", **issue}],
            "actors": [
                {"id": "a", "capability": 1, "issues": {"x": {"position": 0, "salience": 50}}},
                {"id": "b", "capability": 1, "issues": {"x": {"position": 100, "salience": 50}}},
            ],
        },
        Origin(file="two.yaml"),
        [],
    )


def test_two_actors_by_hand():
    """With the reversion point at 20, A (at 0) gains |20 - 0| - |50 - 0| = -30 points from the
    deal at 50 and refuses it; B (at 100) gains 80 - 50 = +30 and accepts. A cost of no deal
    of 30 points or more makes A accept."""
    vetoed = flashpoint.forecast(two_actors(reversion=20, consent=["a"]), ["compromise"])
    assert vetoed["compromise"].outcome == {"x": 20.0}
    assert vetoed["compromise"].blocked == {"x": ("a",)}
    (why,) = vetoed["compromise"].refusals
    # worth on 0-100: the deal at 50 is 50 points from A's 0, no deal (20) only 20
    assert (why.actor, why.issues, why.deal, why.no_deal) == ("a", ("x",), 50.0, 80.0)
    accepted = flashpoint.forecast(two_actors(reversion=20, consent=["b"]), ["compromise"])
    assert accepted["compromise"].outcome == {"x": 50.0} and accepted["compromise"].blocked == {}

    scenario = two_actors(reversion=20, consent=["a"])
    arrays = ScenarioArrays.from_scenario(scenario)
    terms = Terms.of(scenario, arrays)
    gain = gains(terms, arrays, np.array([[50.0]]))
    salience = arrays.salience[0, 0, 0]
    assert gain[0, :, 0] == pytest.approx([salience * -30 / 100, salience * 30 / 100])
    for cost, outcome in ((29.9, 20.0), (30.0, 50.0)):
        costly = scenario.model_copy(
            update={
                "actors": [
                    scenario.actors[0].model_copy(
                        update={
                            "issues": {
                                "x": scenario.actors[0]
                                .issues["x"]
                                .model_copy(update={"no_deal_cost": cost})
                            }
                        }
                    ),
                    scenario.actors[1],
                ]
            }
        )
        assert flashpoint.forecast(costly, ["compromise"])["compromise"].outcome == {"x": outcome}


def uncertain_b(outcomes):
    """Two actors with the reversion point at 30 and B's consent needed, B's capability
    uniform on 0-2, and the futures ``outcomes``."""
    stated = two_actors(reversion=30, consent=["b"]).model_dump(mode="json", exclude_defaults=True)
    uniform = {"actor": "b", "field": "capability", "distribution": "uniform", "low": 0, "high": 2}
    return build_scenario(
        {**stated, "title": "Two actors", "uncertainty": [uniform], "outcomes": outcomes},
        Origin(file="two.yaml"),
        [],
    )


def test_the_probability_of_agreement_under_a_uniform_input():
    """B's capability uniform on 0-2 (A's 1): the compromise is 100 c / (1 + c), and B, at 100
    with the reversion point at 30, accepts it if it is at least 30: c >= 3/7, probability
    1 - 3/14. A refused draw sits at 30, an accepted one above it."""
    scenario = uncertain_b(
        [{"id": "deal", "when": "x > 30.000001"}, {"id": "no_deal", "when": "otherwise"}]
    )
    draws = 4000
    result = flashpoint.forecast(scenario, ["compromise"], draws=draws, seed=5)
    p = result["compromise"].spread.futures["deal"].probability
    expected = 1 - 3 / 14
    assert abs(p - expected) < 4 * np.sqrt(expected * (1 - expected) / draws)
    odds = result["compromise"].agreement  # the test's own record says the same
    assert odds.probability == p and odds.issues == {"x": p}
    assert odds.refused_by == {"b": pytest.approx(1 - p)}
    low, high = odds.interval_95
    assert low < expected < high


def test_an_uncertain_cost_of_no_deal():
    """A (at 0) consents, the reversion point is 20 and the compromise 50: A gains
    c + 20 - 50 from the deal, so with its cost of no deal c uniform on 0-40 it accepts when
    c >= 30, with probability 1/4; a shock can set the cost too."""
    stated = two_actors(reversion=20, consent=["a"]).model_dump(mode="json", exclude_defaults=True)
    cost = {"actor": "a", "issue": "x", "field": "no_deal_cost", "distribution": "uniform"}
    scenario = build_scenario(
        {
            **stated,
            "title": "Two actors",
            "uncertainty": [{**cost, "low": 0, "high": 40}],
            "shocks": [
                {
                    "id": "dear",
                    "changes": [{"actor": "a", "issue": "x", "field": "no_deal_cost", "set": 35}],
                }
            ],
        },
        Origin(file="two.yaml"),
        [],
    )
    draws = 4000
    result = flashpoint.forecast(scenario, ["compromise"], draws=draws, seed=3)
    odds = result["compromise"].agreement
    assert abs(odds.probability - 0.25) < 4 * np.sqrt(0.25 * 0.75 / draws)
    assert odds.refused_by == {"a": pytest.approx(1 - odds.probability)}
    assert result["compromise"].spread.distribution["x"].interval_90 == (20.0, 50.0)
    # the shock sets the cost to 35 (a set value is certain: the entry goes), and A accepts
    shocked = flashpoint.forecast(scenario, ["compromise"], shocks=["dear"], draws=draws, seed=3)
    assert shocked["compromise"].agreement.probability == 1.0


def test_a_package_is_weighed_with_the_models_own_utility():
    """A (at 0 on both issues, equal saliences) must consent to the package x = 40, y = 30
    with reversion points 0 and 60. Linear loss: (0 - 0.4) + (0.6 - 0.3) = -0.1, A refuses;
    Nash's quadratic loss: (0 - 0.16) + (0.36 - 0.09) = +0.11, A accepts. On one issue alone
    both refuse x = 40 (A gains -0.4 and -0.16)."""
    scenario = build_scenario(
        {
            "title": "Package",
            "agreement": "package",
            "issues": [
                {"id": "x", "reversion": 0, "consent": ["a"]},
                {"id": "y", "reversion": 60, "consent": ["a"]},
            ],
            "actors": [
                {
                    "id": "a",
                    "capability": 1,
                    "issues": {k: {"position": 0, "salience": 50} for k in "xy"},
                },
                {
                    "id": "b",
                    "capability": 1,
                    "issues": {k: {"position": 100, "salience": 50} for k in "xy"},
                },
            ],
        },
        Origin(file="package.yaml"),
        [],
    )
    arrays = ScenarioArrays.from_scenario(scenario)
    terms = Terms.of(scenario, arrays)
    deal = np.array([[40.0, 30.0]])
    linear, quadratic = (
        settle(terms, arrays, deal, utility) for utility in ("linear", "quadratic")
    )
    assert linear.outcome.tolist() == [[0.0, 60.0]] and linear.blocked[0, 0].all()
    assert quadratic.outcome.tolist() == [[40.0, 30.0]] and not quadratic.blocked.any()
    assert gains(terms, arrays, deal, "quadratic")[0, 0] == pytest.approx([-0.08, 0.135])
    alone = Terms(terms.reversion, terms.consent, package=False, side=terms.side)
    for utility in ("linear", "quadratic"):
        assert settle(alone, arrays, deal, utility).agreed.tolist() == [[False, True]]
    assert get_model("nash").utility == "quadratic" and get_model("eum").utility == "linear"


def test_one_refusal_reverts_the_whole_package():
    base = {
        "title": "Package",
        "agreement": "package",
        "issues": [
            {"id": "x", "reversion": 0, "consent": ["a"]},
            {"id": "y", "reversion": 0},
        ],
        "actors": [
            {
                "id": "a",
                "capability": 1,
                "issues": {
                    "x": {"position": 0, "salience": 90},
                    "y": {"position": 100, "salience": 10},
                },
            },
            {
                "id": "b",
                "capability": 1,
                "issues": {
                    "x": {"position": 100, "salience": 90},
                    "y": {"position": 100, "salience": 10},
                },
            },
        ],
    }
    # A loses 50 points on x (salience 90) and gains 100 on y (salience 10): it refuses
    refused = flashpoint.forecast(build_scenario(base, Origin(), []), ["compromise"])["compromise"]
    assert refused.outcome == {"x": 0.0, "y": 0.0}
    assert refused.blocked == {"x": ("a",), "y": ("a",)}
    # issue by issue, only x falls
    alone = flashpoint.forecast(
        build_scenario({**base, "agreement": "issue"}, Origin(), []), ["compromise"]
    )["compromise"]
    assert alone.outcome == {"x": 0.0, "y": 100.0} and alone.blocked == {"x": ("a",)}


def test_terms_are_checked_with_their_place(write):
    path = write(
        "terms.yaml",
        """
        title: T
        issues:
          - {id: x, reversion: 140, consent: [a, nobody]}
          - {id: y, consent: [a]}
        actors:
          - {id: a, capability: 1, issues: {x: {position: 5, salience: 1}}}
        """,
    )
    assert problems_of(path) == [
        "terms.yaml, line 3, issues[0].reversion: the reversion point 140 is outside the scale"
        " 0 to 100",
        "terms.yaml, line 3, issues[0].consent[1]: unknown actor 'nobody' (actors: a)",
        "terms.yaml, line 4, issues[1].consent: consent needs a reversion point: the outcome if"
        " an actor refuses (reversion)",
        "terms.yaml, line 4, issues[1]: no actor has both a capability and a salience above 0 on"
        " issue 'y', so no model can forecast it",
        "terms.yaml, line 4, issues[1].consent[0]: actor 'a' takes no part in issue 'y': give it"
        " a position and salience there to need its consent",
    ]


def test_a_scenario_without_reversion_points_is_left_as_the_models_predict():
    korea = flashpoint.load_scenario("korea-2018")
    arrays = ScenarioArrays.from_scenario(korea)
    plain = korea.model_copy(
        update={"issues": [i.model_copy(update={"consent": []}) for i in korea.issues]}
    )
    terms = Terms.of(plain, arrays)
    forecast = np.random.default_rng(0).uniform(0, 100, (5, len(arrays.issues)))
    verdict = settle(terms, arrays, forecast)
    assert verdict.outcome is forecast and verdict.agreed.all() and not verdict.blocked.any()


# --- Korea ----------------------------------------------------------------------------------------


def test_korea_breakdown_is_reachable_and_maximum_pressure_raises_it():
    """As stated, breakdown has a probability above zero; under Washington's maximum pressure
    the United States refuses the compromise model's package for what it is worth, and
    breakdown rises by far more than 10 points (docs/validity.md has the numbers)."""
    comparison = flashpoint.compare(
        "korea-2018", ["us_maximum_pressure"], ["compromise", "exchange"], draws=400
    )
    baseline = comparison.baseline.summary().futures["breakdown"].probability
    change = comparison["us_maximum_pressure"].effects["ensemble"].futures["breakdown"]
    assert baseline > 0
    assert change.value >= 0.10 and change.interval_95[0] > 0
    pressured = flashpoint.forecast("korea-2018", ["compromise"], shocks=["us_maximum_pressure"])
    assert pressured["compromise"].future == "breakdown"
    assert set(pressured["compromise"].blocked["denuclearization"]) == {"united_states"}
    (why,) = pressured["compromise"].refusals
    assert why.actor == "united_states" and why.deal < why.no_deal
    from flashpoint.report.sections.agreement import blocks_table

    assert "Worth: 100" in str(blocks_table(pressured).caption)  # it says what "worth" is
    lined = flashpoint.forecast(red_lines(west_line=None), ["compromise"])
    assert lined["compromise"].refusals[0].red_lines  # refused by a red line only:
    assert blocks_table(lined).caption is None  # no worth in the table, none explained


def test_a_future_can_test_agreement():
    """'no agreement' holds when every issue with a reversion point sits at it; with B's
    capability uniform on 0-2 that is the refusal's probability, 3/14."""
    scenario = uncertain_b(
        [{"id": "stalled", "when": "No agreement on x"}, {"id": "deal", "when": "agreement"}]
    )
    assert [str(o.when) for o in scenario.outcomes] == ["no agreement on x", "agreement"]
    result = flashpoint.forecast(scenario, ["compromise"], draws=2000, seed=5)
    stalled = result["compromise"].spread.futures["stalled"].probability
    assert stalled == pytest.approx(1 - result["compromise"].agreement.probability)
    assert result["compromise"].spread.futures["deal"].probability == pytest.approx(1 - stalled)


def test_an_agreement_rule_needs_a_reversion_point(write):
    path = write(
        "rules.yaml",
        """
        title: T
        issues: [{id: x}, {id: y, reversion: 10}]
        actors:
          - {id: a, capability: 1, issues: {x: {position: 5, salience: 1}, y: {position: 5, salience: 1}}}
        outcomes:
          - {id: one, when: no agreement on x}
          - {id: two, when: no agreement on z}
          - {id: three, when: {all: [x >= 3, agrement]}}
          - {id: four, when: otherwise}
        """,
    )
    problems = problems_of(path)
    assert problems[0] == (
        "rules.yaml, line 6, outcomes[0].when: 'no agreement on x' needs a reversion point on"
        " issue 'x' (reversion: the outcome if no agreement is reached)"
    )
    assert problems[1].startswith("rules.yaml, line 7, outcomes[1].when: unknown issue 'z'")
    assert "agrement" in problems[2]


# --- red lines (issue #34) ------------------------------------------------------------------------


def red_lines(north_line=50, west_line=60, package=True, donor_salience=100):
    """North (at 20) refuses any arms outcome above its red line, West (at 100) any below its
    own; both must consent to arms and aid, and North gains on aid what a donor offers."""
    return build_scenario(
        {
            "title": "Red lines",
            "agreement": "package" if package else "issue",
            "issues": [
                {"id": "arms", "reversion": 0, "consent": ["north", "west"]},
                {"id": "aid", "reversion": 0, "consent": ["north", "west"]},
            ],
            "actors": [
                {
                    "id": "north",
                    "capability": 1,
                    "issues": {
                        "arms": {"position": 20, "salience": 10, "red_line": north_line},
                        "aid": {"position": 100, "salience": 100},
                    },
                },
                {
                    "id": "west",
                    "capability": 1,
                    "issues": {
                        "arms": {"position": 100, "salience": 100, "red_line": west_line},
                        "aid": {"position": 100, "salience": 10},
                    },
                },
                {
                    "id": "donor",
                    "capability": 5,
                    "issues": {"aid": {"position": 100, "salience": donor_salience}},
                },
            ],
        },
        Origin(file="red.yaml"),
        [],
    )


def test_two_red_lines_that_do_not_overlap_never_agree():
    """North refuses arms above 50 and West below 60: every bargain on arms crosses one line."""
    scenario = red_lines()
    arrays = ScenarioArrays.from_scenario(scenario)
    terms = Terms.of(scenario, arrays)
    for arms in np.linspace(0, 100, 101):
        verdict = settle(terms, arrays, np.array([[arms, 100.0]]))
        assert not verdict.agreed.any(), arms
        assert verdict.crossed[0, :, 0].any() and not verdict.crossed[0, :, 1].any()
    overlapping = red_lines(north_line=70)
    arrays = ScenarioArrays.from_scenario(overlapping)
    standing = settle(Terms.of(overlapping, arrays), arrays, np.array([[65.0, 100.0]]))
    assert not standing.crossed.any()  # inside both lines: only the gains decide


def test_no_gain_elsewhere_buys_a_red_line():
    """Aid at 100 is worth far more to North than arms at 60 costs it: without a red line it
    takes the package; with one, it refuses whatever the aid."""
    scenario = red_lines(north_line=None, west_line=None)
    arrays = ScenarioArrays.from_scenario(scenario)
    bargain = np.array([[60.0, 100.0]])
    assert settle(Terms.of(scenario, arrays), arrays, bargain).agreed.all()
    lined = red_lines(west_line=None)
    arrays = ScenarioArrays.from_scenario(lined)
    verdict = settle(Terms.of(lined, arrays), arrays, bargain)
    assert not verdict.agreed.any()
    assert verdict.outcome.tolist() == [[0.0, 0.0]]  # the whole package at its reversion points
    forecast = flashpoint.forecast(lined, ["compromise"])
    (refusal,) = forecast["compromise"].refusals
    ((issue, outcome, line),) = refusal.red_lines
    assert refusal.actor == "north" and issue == "arms" and line == 50.0
    assert outcome == pytest.approx((20 * 10 + 100 * 100) / 110)  # the compromise on arms
    issue_by_issue = red_lines(west_line=None, package=False)
    arrays = ScenarioArrays.from_scenario(issue_by_issue)
    alone = settle(Terms.of(issue_by_issue, arrays), arrays, bargain)
    assert alone.agreed.tolist() == [[False, True]]  # only arms falls


def test_a_red_line_drawn_from_a_range_refuses_in_its_share_of_draws():
    """North's red line uniform on 30-90 and the compromise bargain on arms at 60 (equal
    saliences): crossed in (60 - 30) / (90 - 30) = half of the draws."""
    data = red_lines(west_line=None).model_dump(mode="json")
    data["actors"][0]["issues"]["arms"]["salience"] = 100
    data["uncertainty"] = [
        {
            "actor": "north",
            "issue": "arms",
            "field": "red_line",
            "distribution": "uniform",
            "low": 30,
            "high": 90,
        }
    ]
    scenario = build_scenario(data, Origin(file="red.yaml"), [])
    result = flashpoint.forecast(scenario, ["compromise"], draws=4000, seed=1)
    assert result["compromise"].outcome["arms"] == 0.0  # stated: 60 crosses 50
    crossed = result["compromise"].agreement.red_line["north"]
    assert abs(crossed - 0.5) < 3 * (0.25 / 4000) ** 0.5


def test_a_red_line_keeps_its_stated_side_in_a_draw_that_passes_the_position():
    """North states arms at 20 with a red line at 50 (an upper limit). In a draw where its
    position lands at 70, past the line, the line still refuses a bargain above 50 and accepts
    one below it; reading the side from the draw would turn it into a lower limit."""
    scenario = red_lines(west_line=None)
    arrays = ScenarioArrays.from_scenario(scenario)
    position = arrays.position.copy()
    position[0, 0, 0] = 70.0
    drawn = dataclasses.replace(arrays, position=position)
    terms = Terms.of(scenario, arrays)
    assert crossed(terms, drawn, np.array([[60.0, 100.0]]))[0, 0, 0]
    assert not crossed(terms, drawn, np.array([[40.0, 100.0]]))[0, 0, 0]
    low, high, _, high_by = zone_of_agreement(terms, drawn)
    assert high[0, 0] == 50.0 and drawn.actors[high_by[0, 0]] == "north"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"red_line": 20}, "is the actor's own position"),
        ({"red_line": 120}, "above the upper bound 100"),
    ],
)
def test_a_red_line_off_its_place_is_an_error(change, message):
    data = red_lines(west_line=None).model_dump(mode="json")
    data["actors"][0]["issues"]["arms"].update(change)
    with pytest.raises(flashpoint.ScenarioError) as caught:
        build_scenario(data, Origin(file="red.yaml"), [])
    assert any(message in str(problem) for problem in caught.value.problems)


def test_a_red_line_without_consent_and_a_draw_of_a_missing_one_are_errors():
    data = red_lines(west_line=None).model_dump(mode="json")
    data["issues"][0]["consent"] = ["west"]
    data["uncertainty"] = [
        {"actor": "west", "issue": "arms", "field": "red_line", "distribution": "uniform",
         "low": 50, "high": 70},
    ]  # fmt: skip
    with pytest.raises(flashpoint.ScenarioError) as caught:
        build_scenario(data, Origin(file="red.yaml"), [])
    said = " ".join(str(problem) for problem in caught.value.problems)
    assert "a red line binds only where the issue needs the actor's consent" in said
    assert "states no red line on issue 'arms'" in said


@pytest.mark.parametrize("suffix", [".yaml", ".json", ".xlsx", ".csv"])
def test_red_lines_survive_every_format_that_holds_terms(tmp_path, suffix):
    scenario = red_lines()
    data = scenario.model_dump(mode="json")
    data["actors"][0]["issues"]["arms"]["red_line_note"] = "A stated limit."
    scenario = build_scenario(data, Origin(file="red.yaml"), [])
    path = tmp_path / f"red{suffix}"
    flashpoint.save_scenario(scenario, path)
    back = flashpoint.load_scenario(path)
    for actor in ("north", "west"):
        assert (
            back.actor(actor).issues["arms"].red_line
            == scenario.actor(actor).issues["arms"].red_line
        )
    assert back.actor("north").issues["arms"].red_line_note == "A stated limit."
