"""The spatial model of politics (KTAB SMP): parity with KTAB's reference runs, its intermediate
numbers in KTAB's 2017 log, the nine options, stochastic transitions, and properties."""

from __future__ import annotations

import csv
import re
from functools import cache

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flashpoint.engine.arrays import ScenarioArrays
from flashpoint.engine.sampling import sample_arrays
from flashpoint.models.smp import SMPOptions, SMPRun, ktab_inputs, run, turn_rules
from flashpoint.models.smp.kernels import receiver_success
from flashpoint.models.smp.state import distances
from flashpoint.scenario import bundled_names, load_scenario
from flashpoint.scenario.schema import Scenario

from .conftest import DATA

KTAB = DATA / "ktab"
REFERENCE_RUNS = (
    "dummyData_3Dim",
    "dummyData_6Dim",
    "SOE-Policy",
    "SOE-Competitive",
    "SOE-Pol-Comp",
    "dummyData-a040",
    "dummyData-a080",
    "syn-a010-d1",
    "syn-a020-d1",
    "syn-a040-d2",
    "syn-a040-d4",
    "syn-a040-d8",
)
# KTAB prints positions (0-100) with one decimal and probabilities and the fractional change
# with four: parity is "equal once rounded", i.e. within half a unit of the last digit.
HALF_POSITION, HALF_PROBABILITY = 0.05 + 1e-9, 0.00005 + 1e-12


@cache
def arrays_of(name: str) -> ScenarioArrays:
    return ScenarioArrays.from_scenario(load_scenario(KTAB / "inputs" / f"{name}.csv"))


@cache
def default_run(name: str) -> SMPRun:
    return run(arrays_of(name), SMPOptions(), np.random.default_rng(0)).events[0]


def rows(name: str, kind: str) -> list[dict[str, str]]:
    with open(KTAB / "outputs" / f"{name}.{kind}.csv", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("name", REFERENCE_RUNS)
def test_parity_with_ktab_reference_runs(name):
    result = default_run(name)
    actors = arrays_of(name).actors
    changes = [float(row["fractional_change"]) for row in rows(name, "fractional_change")]
    assert result.turns == len(changes)
    assert np.abs(result.fractional_change - changes).max() <= HALF_PROBABILITY

    probability = result.win_probability
    expected = rows(name, "probabilities")
    assert len(expected) == probability.size
    for row in expected:
        mine = probability[int(row["state"]), actors.index(row["actor"])]
        assert abs(mine - float(row["win_probability"])) <= HALF_PROBABILITY, row

    positions = result.positions * 100
    expected = rows(name, "positions")
    dimensions = list(dict.fromkeys(row["dimension"] for row in expected))
    assert len(expected) == positions.size
    for row in expected:
        mine = positions[
            int(row["state"]), actors.index(row["actor"]), dimensions.index(row["dimension"])
        ]
        assert abs(mine - float(row["position"])) <= HALF_POSITION, row


def test_input_without_final_commas_runs_the_same():
    plain = load_scenario(KTAB / "inputs" / "dummyData_3Dim-no-final-comma.csv")
    result = run(ScenarioArrays.from_scenario(plain), SMPOptions(), np.random.default_rng(0))
    np.testing.assert_array_equal(
        result.events[0].positions, default_run("dummyData_3Dim").positions
    )


# --- KTAB's 2017 log of dummyData_3Dim: the numbers behind each turn -------------------------

NUMBER = r"([-+]?\d+\.\d+)"


@cache
def log_3dim() -> dict[str, list]:
    """Every state's risk attitudes (printed once for the input, then after each turn), and per
    turn every initiator's estimates and the bargain it proposes."""
    text = (KTAB / "outputs" / "20170530_ref-dummyData_3Dim.txt").read_text()
    risk = [
        [float(v) for v in re.findall(NUMBER, block.split("Risk-aware", 1)[0])]
        for block in text.split("Inferred risk attitudes:")[1:]
    ]
    estimates, bargains = [], []
    for body in text.split("Starting Model::run iteration ")[1:]:
        found = {}
        for h, p, i, j, k, g in re.findall(
            rf"Est by\s+(\d+) of prob {NUMBER} that \[\s*(\d+)>\s*(\d+)\], with expected gain to\s+(\d+) of {NUMBER}",
            body,
        ):
            found[(int(h), int(i), int(j), int(k))] = (float(p), float(g))
        estimates.append(found)
        offered = {}
        for i, j, _, coordinates in re.findall(
            r"Bargain \[\d+, (\d+):(\d+)\] from \1's perspective \(brgnIIJ\)\s*\n"
            r"(?:.*\n)*?\s+\1 proposes (\1) adopt:\s+([\d. ]+)\n",  # threads interleave lines
            body,
        ):
            offered[(int(i), int(j))] = [float(v) for v in coordinates.split()]
        bargains.append(offered)
    return {"risk": risk, "estimates": estimates, "bargains": bargains}


def test_risk_attitudes_match_the_log():
    """C3: risk attitudes come from the risk-neutral election over every position."""
    result = default_run("dummyData_3Dim")
    logged = log_3dim()["risk"]
    assert len(logged) == len(result.states)
    for t, values in enumerate(logged):
        np.testing.assert_allclose(result.states[t].risk, values, atol=0.0005 + 1e-12)


def test_each_initiators_target_estimate_and_bargain_match_the_log():
    result = default_run("dummyData_3Dim")
    log = log_3dim()
    checked = 0
    for t, turn in enumerate(result.turns_log):
        own = {
            key: value for key, value in log["estimates"][t].items() if key[0] == key[1] == key[3]
        }
        assert {(i, j) for (_, i, j, _) in own} == {
            (i, int(turn.target[i])) for i in np.flatnonzero(turn.target >= 0)
        }
        for (_, i, j, _), (p, gain) in own.items():
            assert abs(turn.success[i] - p) <= HALF_PROBABILITY
            assert abs(turn.gain[i] - gain) <= HALF_PROBABILITY
            b = int(np.flatnonzero(turn.bargains.initiator == i)[0])
            np.testing.assert_allclose(
                turn.bargains.initiator_position[b] * 100,
                log["bargains"][t][(i, j)],
                atol=0.0005 + 1e-9,
            )
            checked += 1
    assert checked == 59  # every "most advantageous target" line of the log


def test_receivers_estimates_of_the_challenge_match_the_log():
    """The receiver's view of the probability that the initiator wins (the non-default bargain
    models interpolate with it)."""
    result = default_run("dummyData_3Dim")
    arrays = arrays_of("dummyData_3Dim")
    _, salience, capability = ktab_inputs(arrays, 0)
    total = salience.sum(axis=1)
    rules = turn_rules(SMPOptions())
    for t, turn in enumerate(result.turns_log):
        state = result.states[t]
        initiator = np.flatnonzero(turn.target >= 0)
        receiver = turn.target[initiator]
        mine = receiver_success(
            initiator,
            receiver,
            distances(state.ideal, state.position, salience),
            state.risk,
            capability * total,
            total,
            rules.adjust,
            rules.voting,
            rules.commit,
        )
        logged = log_3dim()["estimates"][t]
        for b, (i, j) in enumerate(zip(initiator, receiver, strict=True)):
            assert abs(mine[b] - logged[(j, i, j, i)][0]) <= HALF_PROBABILITY


# --- options -----------------------------------------------------------------------------------

NON_DEFAULT = {
    "victory_probability": "Quartic",
    "pce": "MarkovIncentive",
    "transitions": "Stochastic",
    "voting_rule": "Cubic",
    "risk_adjust": "Full",
    "risk_range": "Max",
    "third_party_commit": "FullCommit",
    "bargain_interpolation": "S1P1",
    "bargain_model": "PWCompInterp",
}
KTAB_NAMES = {
    "victory_probability": "VictoryProbModel",
    "pce": "PCEModel",
    "transitions": "StateTransitions",
    "voting_rule": "VotingRule",
    "risk_adjust": "BigRAdjust",
    "risk_range": "BigRRange",
    "third_party_commit": "ThirdPartyCommit",
    "bargain_interpolation": "InterVecBrgn",
    "bargain_model": "BargnModel",
}


def history(options: dict, name: str = "dummyData_3Dim", seed: int = 0) -> tuple[np.ndarray, ...]:
    result = run(arrays_of(name), SMPOptions(**options), np.random.default_rng(seed)).events[0]
    return result.positions, result.win_probability


def same(a: tuple[np.ndarray, ...], b: tuple[np.ndarray, ...]) -> bool:
    return all(x.shape == y.shape and np.array_equal(x, y) for x, y in zip(a, b, strict=True))


@pytest.mark.parametrize("option", list(NON_DEFAULT))
def test_each_option_set_to_its_default_changes_nothing(option):
    default = SMPOptions.model_fields[option].default
    assert same(history({option: default}), history({}))


@pytest.mark.parametrize("option", list(NON_DEFAULT))
def test_each_option_changes_the_run(option):
    assert not same(history({option: NON_DEFAULT[option]}), history({}))


@pytest.mark.parametrize(
    "option, value",
    [
        ("victory_probability", "Binary"),
        ("pce", "MarkovUniform"),
        ("voting_rule", "Binary"),
        ("voting_rule", "PropBin"),
        ("voting_rule", "PropCbc"),
        ("voting_rule", "ASymProsp"),
        ("risk_adjust", "None"),
        ("risk_range", "Min"),
        ("third_party_commit", "NoCommit"),
        ("bargain_interpolation", "S2PMax"),
        ("bargain_model", "InitRcvrInterp"),
    ],
)
def test_the_other_option_values_run_and_change_the_run(option, value):
    changed = history({option: value})
    assert not same(changed, history({}))
    positions, probability = changed
    assert np.all((positions >= 0) & (positions <= 1))
    assert np.all((probability >= 0) & (probability <= 1))


def test_options_answer_to_ktab_names():
    for option, ktab in KTAB_NAMES.items():
        assert SMPOptions(**{ktab: NON_DEFAULT[option]}) == SMPOptions(
            **{option: NON_DEFAULT[option]}
        )


def test_bad_option_values_are_refused_with_the_allowed_ones():
    with pytest.raises(ValueError, match="'Prop'"):
        SMPOptions(voting_rule="Proportional")


def test_the_turn_limit_stops_the_run():
    result = run(arrays_of("dummyData_3Dim"), SMPOptions(rounds=3), np.random.default_rng(0))
    assert result.events[0].turns == 3
    np.testing.assert_array_equal(
        result.events[0].positions, default_run("dummyData_3Dim").positions[:4]
    )


def test_init_rcvr_offers_both_views_and_pwcomp_one_compromise():
    both = run(
        arrays_of("dummyData_3Dim"),
        SMPOptions(bargain_model="InitRcvrInterp"),
        np.random.default_rng(0),
    )
    first = both.events[0].turns_log[0].bargains
    assert first.size == 2 * int((both.events[0].turns_log[0].target >= 0).sum())
    assert list(first.view[:2]) == [0, 1]
    compromise = run(
        arrays_of("dummyData_3Dim"),
        SMPOptions(bargain_model="PWCompInterp"),
        np.random.default_rng(0),
    )
    assert set(compromise.events[0].turns_log[0].bargains.view) == {2}


# --- stochastic transitions ------------------------------------------------------------------


def test_stochastic_runs_repeat_with_the_seed_and_differ_across_seeds():
    stochastic = {"transitions": "Stochastic"}
    assert same(history(stochastic, seed=7), history(stochastic, seed=7))
    runs = [history(stochastic, seed=seed) for seed in range(4)]
    assert any(not same(runs[0], other) for other in runs[1:])


def test_deterministic_runs_draw_nothing():
    rng = np.random.default_rng(3)
    run(arrays_of("dummyData_3Dim"), SMPOptions(), rng)
    assert rng.random() == np.random.default_rng(3).random()


# --- accommodation (KTAB XML IdealAdjustment) ----------------------------------------------------


def test_accommodation_moves_ideals_and_identity_pairs_change_nothing():
    actors = arrays_of("dummyData_3Dim").actors
    identity = [{"actor": actors[0], "towards": actors[0], "rate": 1.0}]
    assert same(history({"accommodation": identity}), history({}))
    sticky = [
        {"actor": actors[0], "towards": actors[0], "rate": 0.2},
        {"actor": actors[0], "towards": actors[5], "rate": 0.1},
    ]
    result = run(
        arrays_of("dummyData_3Dim"), SMPOptions(accommodation=sticky), np.random.default_rng(0)
    ).events[0]
    assert not same((result.positions,), (default_run("dummyData_3Dim").positions,))
    first, second = result.states[0], result.states[1]
    expected = 0.2 * second.position[0] + 0.1 * second.position[5] + 0.7 * first.ideal[0]
    np.testing.assert_allclose(second.ideal[0], expected)
    np.testing.assert_array_equal(second.ideal[1:], second.position[1:])


def test_accommodation_rows_must_not_exceed_one():
    with pytest.raises(ValueError, match="at most 1"):
        SMPOptions(accommodation=[{"actor": "a", "towards": "b", "rate": 0.1}])
    with pytest.raises(ValueError, match="at most 1"):
        SMPOptions(
            accommodation=[
                {"actor": "a", "towards": "a", "rate": 0.95},
                {"actor": "a", "towards": "b", "rate": 0.1},
            ]
        )


def test_accommodation_with_unknown_actors_is_refused():
    pairs = [{"actor": "nobody", "towards": "nobody", "rate": 1.0}]
    with pytest.raises(ValueError, match="nobody"):
        run(arrays_of("dummyData_3Dim"), SMPOptions(accommodation=pairs), np.random.default_rng(0))


# --- batches of draws ------------------------------------------------------------------------


def same_log(one: SMPRun, other: SMPRun) -> bool:
    """Every number of two runs' logs, state by state and turn by turn."""
    if one.turns != other.turns or not np.array_equal(
        one.fractional_change, other.fractional_change
    ):
        return False
    for a, b in zip(one.states, other.states, strict=True):
        for field in ("position", "ideal", "risk", "win_probability", "outcome"):
            if not np.array_equal(getattr(a, field), getattr(b, field)):
                return False
    for a, b in zip(one.turns_log, other.turns_log, strict=True):
        for field in ("target", "success", "gain", "chosen", "chosen_probability", "position"):
            if not np.array_equal(getattr(a, field), getattr(b, field), equal_nan=True):
                return False
        for field in ("initiator", "receiver", "initiator_position", "receiver_position", "view"):
            if not np.array_equal(getattr(a.bargains, field), getattr(b.bargains, field)):
                return False
    return True


@pytest.mark.parametrize(
    "options",
    [{}, {"bargain_model": "InitRcvrInterp", "pce": "MarkovUniform", "risk_range": "Max"}],
)
def test_a_batch_of_draws_runs_each_draw_as_alone(options):
    """The compiled loop over draws carries nothing from one draw to the next: draw by draw,
    the trajectory and the log of a batch are those of the draw run alone."""
    arrays = sample_arrays(load_scenario("korea-2018"), 6, np.random.default_rng(1), jitter=0.05)
    batch = run(arrays, SMPOptions(**options), np.random.default_rng(0))
    assert len(batch.events) == arrays.n_draws
    turns = {run_.turns for run_ in batch.events}
    assert len(turns) > 1  # draws that stop after different numbers of turns
    for d in range(arrays.n_draws):
        alone = run(arrays.select(slice(d, d + 1)), SMPOptions(**options), np.random.default_rng(0))
        rounds = alone.positions.shape[0]
        np.testing.assert_array_equal(batch.positions[:rounds, d], alone.positions[:, 0])
        np.testing.assert_array_equal(batch.outcome[:rounds, d], alone.outcome[:, 0])
        # a draw that stopped early keeps its last state in the later rounds
        np.testing.assert_array_equal(
            batch.positions[rounds:, d],
            np.broadcast_to(alone.positions[-1, 0], batch.positions[rounds:, d].shape),
        )
        assert same_log(batch.events[d], alone.events[0])


def test_the_log_is_built_per_draw_when_read():
    arrays = sample_arrays(load_scenario("korea-2018"), 3, np.random.default_rng(1), jitter=0.05)
    events = run(arrays, SMPOptions(), np.random.default_rng(0)).events
    assert len(events) == 3 and events[-1] is events[2] and events[1:] == [events[1], events[2]]
    with pytest.raises(IndexError):
        events[3]


@pytest.mark.parametrize("name", bundled_names())
def test_the_trajectory_is_the_log_on_each_issues_scale(name):
    arrays = ScenarioArrays.from_scenario(load_scenario(name))
    result = run(arrays, SMPOptions(), np.random.default_rng(0))
    log = result.events[0]
    span = arrays.upper - arrays.lower
    assert result.positions.shape[0] == log.turns + 1
    for s, state in enumerate(log.states):
        np.testing.assert_array_equal(
            result.positions[s, 0],
            np.where(arrays.present, arrays.lower + state.position * span, np.nan),
        )
        np.testing.assert_array_equal(result.outcome[s, 0], arrays.lower + state.outcome * span)
        if s:
            np.testing.assert_array_equal(log.turns_log[s - 1].position, state.position)


# --- flashpoint scenarios ------------------------------------------------------------------------


def scenario(positions, saliences, capabilities, *, absent=()) -> Scenario:
    issues = [{"id": f"i{k}", "min": 0, "max": 10} for k in range(len(positions[0]))]
    actors = []
    for a, (where, care, power) in enumerate(zip(positions, saliences, capabilities, strict=True)):
        stances = {
            f"i{k}": {"position": float(x), "salience": float(s)}
            for k, (x, s) in enumerate(zip(where, care, strict=True))
            if (a, k) not in absent
        }
        actors.append({"id": f"actor{a}", "capability": float(power), "issues": stances})
    return Scenario.model_validate({"title": "t", "issues": issues, "actors": actors})


def run_scenario(built: Scenario, **options):
    return run(ScenarioArrays.from_scenario(built), SMPOptions(**options), np.random.default_rng(0))


def test_issues_are_rescaled_and_back():
    result = run_scenario(
        scenario([[2, 8], [9, 1], [5, 5]], [[60, 40], [30, 60], [50, 50]], [1, 2, 3])
    )
    np.testing.assert_allclose(result.positions[:, 0], result.events[0].positions * 10)
    assert np.all((result.outcome >= 0) & (result.outcome <= 10))


def test_saliences_above_one_in_total_are_scaled_down():
    base = scenario([[2, 8], [9, 1], [5, 5]], [[60, 60], [30, 60], [50, 50]], [1, 2, 3])
    doubled = scenario([[2, 8], [9, 1], [5, 5]], [[120, 120], [30, 60], [50, 50]], [1, 2, 3])
    np.testing.assert_array_equal(run_scenario(base).positions, run_scenario(doubled).positions)


def test_an_absent_actor_keeps_no_position_on_the_issue():
    built = scenario(
        [[2, 8], [9, 1], [5, 5]], [[60, 40], [30, 60], [50, 50]], [1, 2, 3], absent={(0, 1)}
    )
    result = run_scenario(built)
    assert np.isnan(result.positions[:, 0, 0, 1]).all()
    assert np.isfinite(result.outcome).all()


def test_an_actor_that_cares_about_nothing_is_indifferent_and_gets_carried_along():
    built = scenario([[2], [9], [5]], [[0], [30], [50]], [100, 2, 3])
    log = run_scenario(built).events[0]
    first = log.turns_log[0]
    assert first.target[0] == -1  # it challenges no one ...
    assert 0 in first.target  # ... and is an easy target: it never resists
    assert np.isfinite(log.positions).all()


def test_a_shared_position_is_stable_from_the_first_turn():
    built = scenario([[4, 6]] * 4, [[60, 40], [30, 60], [50, 50], [10, 80]], [1, 2, 3, 4])
    result = run_scenario(built)
    log = result.events[0]
    assert log.turns == 2
    assert all((turn.target < 0).all() and (turn.chosen < 0).all() for turn in log.turns_log)
    np.testing.assert_array_equal(
        result.positions, np.broadcast_to(result.positions[0], result.positions.shape)
    )
    np.testing.assert_allclose(result.outcome[:, 0], [[4.0, 6.0]] * 3)


@settings(max_examples=50, deadline=None)
@given(
    data=st.data(),
    actors=st.integers(3, 7),
    dimensions=st.integers(1, 3),
)
def test_permuting_actors_changes_nothing(data, actors, dimensions):
    """Nor the dynamics nor the forecast depend on the order distinct actors are listed in.
    (KTAB's reported probabilities do: it finds distinct positions greedily in actor order,
    ktab.md §4.11 C1.)"""
    coordinate = st.floats(0, 10, allow_nan=False).map(lambda v: round(v, 3))
    point = st.lists(coordinate, min_size=dimensions, max_size=dimensions)
    positions = data.draw(st.lists(point, min_size=actors, max_size=actors, unique_by=tuple))
    saliences = data.draw(
        st.lists(
            st.lists(st.integers(1, 100), min_size=dimensions, max_size=dimensions),
            min_size=actors,
            max_size=actors,
        )
    )
    # distinct capabilities: two actors alike in everything are interchangeable, and which of
    # them a tie rule (the lowest-listed target) picks is then a matter of listing order
    capabilities = data.draw(
        st.lists(st.integers(1, 200), min_size=actors, max_size=actors, unique=True)
    )
    order = data.draw(st.permutations(range(actors)))
    first = run_scenario(scenario(positions, saliences, capabilities))
    second = run_scenario(
        scenario(
            [positions[a] for a in order],
            [saliences[a] for a in order],
            [capabilities[a] for a in order],
        )
    )
    one, two = first.events[0], second.events[0]
    assert one.turns == two.turns
    np.testing.assert_allclose(one.positions[:, order], two.positions, rtol=0, atol=1e-12)
    np.testing.assert_allclose(one.risk[:, order], two.risk, rtol=0, atol=1e-9)
    np.testing.assert_allclose(first.outcome, second.outcome, rtol=0, atol=1e-9)


def test_subnormal_capabilities_keep_the_forecast_within_the_positions():
    """Found by the hull property: a weighted mean over capabilities of about 1e-322 lost its
    precision, and two actors both at 75 gave a forecast of 74.93."""
    nan = np.nan
    position = np.array([[[100, 75], [nan, 75], [0, nan], [nan, nan], [nan, nan]]])
    present = ~np.isnan(position[0])
    salience = np.zeros_like(position)
    salience[0, 0] = 0.1
    salience[0, 2, 0] = 1.0
    capability = np.zeros_like(position)
    capability[0, 0] = [1, 4]
    capability[0, 1, 1] = 5e-324
    capability[0, 2, 0] = 1
    arrays = ScenarioArrays(
        tuple(f"a{k}" for k in range(5)),
        ("i0", "i1"),
        position,
        salience,
        capability,
        present,
        np.zeros(2),
        np.full(2, 100.0),
    )
    forecast = run(arrays, SMPOptions(), np.random.default_rng(0)).forecast
    assert forecast[0, 1] == pytest.approx(75.0, abs=1e-9)


@pytest.mark.parametrize(
    "options",
    [{}, {"bargain_model": "InitRcvrInterp", "pce": "MarkovUniform", "risk_range": "Max"}],
)
@pytest.mark.parametrize("name", ["korea-2018", "cop21-paris-2015"])
def test_a_forecast_without_the_log_is_the_forecast_with_it(name, options):
    """Without the log (every Monte Carlo draw) the model holds neither the election of the
    win probabilities only the log shows nor the forecast of any state but a draw's last; the
    forecast and the last positions are the same to the bit, for draws that stop after
    different numbers of turns."""
    arrays = sample_arrays(load_scenario(name), 12, np.random.default_rng(3), jitter=0.1)
    logged = run(arrays, SMPOptions(**options), np.random.default_rng(0), events=True)
    quiet = run(arrays, SMPOptions(**options), np.random.default_rng(0), events=False)
    assert len({draw.turns for draw in logged.events}) > 1
    np.testing.assert_array_equal(quiet.forecast, logged.forecast)
    np.testing.assert_array_equal(quiet.positions[-1], logged.positions[-1])
    assert quiet.events is None
