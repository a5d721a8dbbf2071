"""The headline forecast (issue #33): errors with their sign, composed in the order things
happen (the error on the bargain, then the agreement test, a refusal at the reversion point
exactly), one headline on every front, its horizon and what it rests on."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

import flashpoint
from flashpoint.analysis.agreement import Terms
from flashpoint.analysis.backtest.recommend import Combination, Recommendation, shipped
from flashpoint.analysis.headline import HEADLINE, headline_outcomes, simulation_error
from flashpoint.analysis.montecarlo import MonteCarlo, agreement_of, run_draws
from flashpoint.analysis.outcomes import classify, reversion_of
from flashpoint.cli import app
from flashpoint.engine.arrays import ScenarioArrays
from flashpoint.store import Ledger, RunStore

runner = CliRunner()
DRAWS = 400


@pytest.fixture(scope="module")
def korea():
    return flashpoint.load_scenario("korea-2018")


# --- the sign of an error -------------------------------------------------------------------------

# Errors are forecast - outcome. These say that outcomes fell 30 points below the forecast three
# times in four, and 10 points above it once: an outcome is the forecast *minus* an error.
LOPSIDED = Recommendation(Combination("compromise"), np.array([0.3, 0.3, 0.3, -0.1]))


def test_an_outcome_is_the_forecast_minus_an_error():
    lower, upper = np.array([0.0]), np.array([100.0])
    samples = LOPSIDED.samples({"compromise": np.array([50.0])}, lower, upper)
    assert sorted(samples[:, 0]) == [20.0, 20.0, 20.0, 60.0]
    errors = LOPSIDED.draw_errors((4000, 1), np.random.default_rng(0))
    assert set(np.unique(errors)) == {0.3, -0.1}


def test_the_headline_takes_its_errors_with_their_sign():
    """Without consent the headline is the bargain minus an error, on the scale: three in four
    draws 30 points below the compromise forecast."""
    scenario = flashpoint.load_scenario("eu-emissions-1985")
    arrays = ScenarioArrays.from_scenario(scenario)
    bargain = flashpoint.forecast(scenario, models=["compromise"])["compromise"].outcome
    point = next(iter(bargain.values()))
    terms = Terms.of(scenario, arrays)
    assert not terms.needed
    verdict = headline_outcomes(
        LOPSIDED,
        {"compromise": np.full((4000, 1), point)},
        arrays,
        terms,
        np.random.default_rng(1),
    )
    span = arrays.upper[0] - arrays.lower[0]
    below = np.isclose(verdict.outcome[:, 0], max(arrays.lower[0], point - 0.3 * span))
    assert 0.72 < below.mean() < 0.78


# --- in the order things happen ----------------------------------------------------------------


def headline_draws(scenario, shocks=()):
    """The headline's outcomes and agreement test on DRAWS draws of ``scenario`` (the models it
    needs but the compromise model run for it only)."""
    run = MonteCarlo(
        scenario,
        (("compromise", {}),),
        seed=5,
        shocks=(tuple(shocks),),
        recommendation=shipped(),
        headline_models=tuple((name, {}) for name in shipped().models if name != "compromise"),
    )
    values, tests = agreement_of(run_draws(run, DRAWS)[0])
    assert set(values) == {"compromise", HEADLINE}
    return values[HEADLINE], tests[HEADLINE][0]


@pytest.mark.parametrize("shocks", [(), ("us_maximum_pressure",)], ids=["as-stated", "pressure"])
def test_a_refused_bargain_is_at_its_reversion_point_exactly_and_counts_as_breakdown(korea, shocks):
    outcome, agreed = headline_draws(korea, shocks)
    reversion = np.array([issue.reversion for issue in korea.issues], dtype=float)
    refused = ~agreed.all(axis=1)
    assert refused.any() and (~refused).any()
    assert np.array_equal(outcome[refused], np.broadcast_to(reversion, outcome[refused].shape))
    assert not np.any(np.all(outcome[~refused] == reversion, axis=1))  # spread, then agreed
    issues = [issue.id for issue in korea.issues]
    found = classify(korea.outcomes, outcome, issues, reversion_of(korea), agreed)
    breakdown = [o.id for o in korea.outcomes].index("breakdown")
    assert np.all(found[refused] == breakdown)
    result = flashpoint.forecast(korea, models=["compromise"], shocks=shocks, draws=DRAWS, seed=5)
    assert result.recommended.futures["breakdown"].probability >= refused.mean()


def test_under_maximum_pressure_the_headline_says_breakdown(korea):
    """Under maximum pressure the United States refuses the compromise bargain (the headline's
    model) in every draw, no model breaks down less often than as stated, and the headline says
    breakdown in at least three draws of four."""
    stated = flashpoint.forecast(korea, draws=300, seed=0)
    result = flashpoint.forecast(korea, shocks=["us_maximum_pressure"], draws=300, seed=0)
    assert result["compromise"].agreement.refused_by["united_states"] == 1.0
    for name, model in result.results.items():
        before = stated[name].spread.futures["breakdown"].probability
        assert model.spread.futures["breakdown"].probability >= before, name
    assert result.recommended.futures["breakdown"].probability >= 0.75


def test_the_other_choice_tests_the_forecast_bargain_and_spreads_only_what_stands(korea):
    """Tested on the forecast bargain, the stated values' bargain stands or falls as a whole;
    the error then spreads only the draws where it stands."""
    arrays = ScenarioArrays.from_scenario(korea).select(np.zeros(DRAWS, dtype=int))
    stated = flashpoint.forecast(korea, models=shipped().models)
    bargains = {
        name: np.tile(result.trajectory.forecast[0], (DRAWS, 1))
        for name, result in stated.results.items()
    }
    terms = Terms.of(korea, arrays)
    rng = np.random.default_rng(0)
    later = headline_outcomes(shipped(), bargains, arrays, terms, rng, error_first=False)
    first = headline_outcomes(shipped(), bargains, arrays, terms, rng)
    assert later.agreed.all() or not later.agreed.any()  # one bargain, one verdict
    assert 0 < first.agreed.all(axis=1).mean() < 1  # spread bargains: some stand, some fall
    if later.agreed.all():
        assert len(np.unique(later.outcome[:, 0])) > 10  # the bargain that stands is spread


# --- one headline everywhere -------------------------------------------------------------------


def probabilities(spread):
    return {future: p.probability for future, p in spread.futures.items()}


def test_forecast_compare_sensitivity_and_the_ledger_give_one_headline(korea, tmp_path):
    seed, draws = 4, 200
    stated = flashpoint.forecast(korea, draws=draws, seed=seed)
    pressed = flashpoint.forecast(korea, draws=draws, seed=seed, shocks=["us_maximum_pressure"])
    compared = flashpoint.compare(korea, ["us_maximum_pressure"], draws=draws, seed=seed)
    assert compared.baseline.lead == HEADLINE
    assert probabilities(compared.baseline.summary()) == probabilities(stated.recommended)
    assert probabilities(compared["us_maximum_pressure"].summary()) == probabilities(
        pressed.recommended
    )
    tornado = flashpoint.sensitivity(korea, target="P(peace_regime)", draws=draws, seed=seed)
    assert tornado.request.headline is True and tornado.request.models == tuple(shipped().models)
    assert tornado.baseline == stated.recommended.futures["peace_regime"].probability
    pooled = flashpoint.sensitivity(korea, models=["compromise", "nash"], draws=20, seed=seed)
    assert pooled.request.headline is False
    with RunStore(tmp_path / "runs.sqlite") as store:
        _, run_id = store.run(stated.request)
        entry = Ledger(store).add(run_id, "Which future by the horizon?")
    assert entry.forecast["probabilities"]["headline"] == probabilities(stated.recommended)
    assert entry.resolves_by == "2021-01-20"  # the scenario's horizon


def test_the_json_document_says_what_the_headline_rests_on(korea):
    document = flashpoint.forecast(korea, models=["compromise"], seed=2).to_dict()
    recommended = document["recommended"]
    assert recommended["horizon"] == "2021-01-20"
    basis = recommended["basis"]
    assert basis["horizon"] == "by 20 January 2021"
    elsewhere = shipped().provenance["checked_elsewhere"]
    held = [round(100 * elsewhere[f"coverage{level}"]) for level in (50, 80, 90)]
    assert basis["caveat"].startswith("Those errors were measured on legislative decisions")
    assert f"on {elsewhere['issues']} outcomes of {elsewhere['cases']}" in basis["caveat"]
    assert f"held {held[0]}%, {held[1]}% and {held[2]}% of them" in basis["caveat"]
    tested = shipped().provenance["out_of_fold"]
    held = [round(100 * tested[f"coverage{level}"]) for level in (50, 80, 90)]
    assert f"held {held[0]}%, {held[1]}% and {held[2]}%" in basis["checked"]
    assert "2,000 errors" in basis["rests_on"]
    widest = max(
        100 * (f["interval_95"][1] - f["interval_95"][0]) / 2 for f in recommended["futures"]
    )
    assert f"at most ±{widest:.0f} point" in basis["simulation"]
    legislative = flashpoint.forecast("eu-emissions-1985", models=["compromise"]).to_dict()
    assert legislative["recommended"]["basis"]["caveat"] is None


def test_the_command_line_leads_with_the_headline_by_its_horizon_and_its_simulation_error():
    result = runner.invoke(app, ["forecast", "-m", "compromise"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "how likely each future is by 20 January 2021" in said
    assert "95% interval" not in said.split("Where each issue lands")[0]
    forecast = flashpoint.forecast(models=["compromise"])
    for future, p in forecast.recommended.futures.items():
        error = simulation_error(p)
        shown = f"{error:.0f}" if round(error, 1) >= 1 else f"{error:.1f}"
        assert f"{p.probability:.0%} (±{shown} point" in said, future
        assert 0 < error < 3  # 2,000 samples: under 3 points, and never 0 (Wilson, even at 0%)
    assert "not how uncertain the forecast is" in said


# --- the horizon ---------------------------------------------------------------------------------


def test_a_horizon_before_the_information_is_refused(korea):
    data = json.loads(korea.model_dump_json())
    data["horizon"] = "2018-01-01"
    with pytest.raises(flashpoint.ScenarioError, match="not after the date of the information"):
        flashpoint.scenario.validate.build_scenario(data)


def test_a_horizon_cites_known_sources(korea):
    data = json.loads(korea.model_dump_json())
    data["horizon_source"] = ["article", "nowhere"]
    with pytest.raises(flashpoint.ScenarioError, match="nowhere"):
        flashpoint.scenario.validate.build_scenario(data)


# --- why a shock moves the headline (issue #34) --------------------------------------------------


def test_a_shocks_mechanism_is_counted_draw_by_draw(korea):
    """The mechanism's shares agree with the two forecasts it compares: the change in how often
    the bargain stands is the newly agreed minus the newly refused, and each actor's refusals
    are the forecasts' own; a shock that changes nothing has none."""
    seed, draws = 6, 200
    compared = flashpoint.compare(korea, ["us_maximum_pressure"], draws=draws, seed=seed)
    stated = flashpoint.forecast(korea, draws=draws, seed=seed)
    pressed = flashpoint.forecast(korea, draws=draws, seed=seed, shocks=["us_maximum_pressure"])
    found = compared["us_maximum_pressure"].mechanism
    before = stated.headline_agreement.probability
    after = pressed.headline_agreement.probability
    assert found.newly_agreed - found.newly_refused == pytest.approx(after - before)
    assert found.refused_by["united_states"] == (
        stated.headline_agreement.refused_by["united_states"],
        pressed.headline_agreement.refused_by["united_states"],
    )
    assert compared.to_dict()["variants"][1]["mechanism"]["newly_refused"] == found.newly_refused
    from flashpoint.report.sections.shocks import mechanism_text

    said = mechanism_text(compared, compared["us_maximum_pressure"])
    shares = found.refused_by["united_states"]
    assert (
        f"the United States refuses in {shares[1]:.0%} of draws ({shares[0]:.0%} as stated)" in said
    )
    lines = found.red_line["united_states"]
    assert f"crosses the United States' red line in {lines[1]:.0%} of draws ({lines[0]:.0%}" in said
    noop = korea.model_copy(
        update={
            "shocks": [
                flashpoint.Shock(
                    id="noop",
                    changes=[
                        {
                            "actor": "china",
                            "issue": "security_guarantee",
                            "field": "salience",
                            "shift": 0,
                        }
                    ],
                )
            ]
        }  # fmt: skip
    )
    nothing = flashpoint.compare(noop, ["noop"], draws=50, seed=seed)["noop"].mechanism
    assert (nothing.newly_refused, nothing.newly_agreed, nothing.moved) == (0.0, 0.0, 0.0)
    assert nothing.refused_by == {} and nothing.red_line == {}


def test_a_possessive_of_a_name_ending_in_s_takes_the_apostrophe_alone():
    from flashpoint.scenario.words import possessive

    assert possessive("United States") == "United States'"
    assert possessive("North Korea") == "North Korea's"
