"""`flashpoint run` and `flashpoint explain`: a model of rounds, round by round."""

from __future__ import annotations

import json

import pytest

import flashpoint

from .conftest import DATA, KOREA_FROZEN
from .test_cli import run

EU = "eu-emissions-1985"


def test_run_eum_prints_the_medians_means_and_who_moved():
    result = run("run", "eum", EU)
    assert result.exit_code == 0, result.output
    assert "Expected utility (BDM) on EU car emission standards" in result.output
    assert "preset scholz, at most 10 rounds" in result.output
    for median in ("8.416", "9.611", "9.962", "7.472", "8.825", "9.671"):
        assert median in result.output
    assert "Belgium, Luxembourg, Ireland" in result.output
    assert "no repeat within 10 rounds" in result.output


def test_run_eum_trace_lists_every_move_with_its_partner():
    result = run("run", "eum", EU, "--rounds", "4", "--trace")
    assert result.exit_code == 0, result.output
    assert "Belgium: compromised with France -> 8.416" in result.output
    assert "Luxembourg: lost a confrontation to Belgium -> 7.000" in result.output
    assert "Belgium: compromised with Netherlands -> 4.801" in result.output


def test_run_eum_json_has_medians_means_and_every_actor_by_round():
    result = run("run", "eum", EU, "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["schema"] == "flashpoint.run/1"
    assert document["options"]["preset"] == "scholz" and document["rounds"] == 10
    issue = document["issues"]["emission_standards"]
    assert [round(m, 3) for m in issue["median"]] == [
        7, 8.416, 9.611, 9.962, 9.962, 9.962, 7.472, 8.825, 9.671, 9.671, 7.0
    ]  # fmt: skip
    assert len(issue["mean"]) == 11 and round(issue["mean"][1], 3) == 7.461
    assert issue["stop"] == {"kind": "round_limit", "round": None, "cycle_length": None}
    belgium = issue["actors"]["Belgium"]
    assert len(belgium) == 11 and belgium[0]["move"] is None
    assert belgium[1]["move"] == "compromise" and belgium[1]["partner"] == "France"
    assert belgium[1]["position"] == pytest.approx(8.415932315426764, abs=1e-12)
    assert belgium[1]["alpha"] == pytest.approx(-0.11483, abs=1e-5)
    assert belgium[1]["offers"] == {"confrontation": 0, "compromise": 2, "capitulation": 0}
    assert document["forecast"]["emission_standards"] == 7.0


def test_run_eum_reports_a_fixed_point_and_stops_there():
    result = run("run", "eum", EU, "--preset", "literal", "--json")
    issue = json.loads(result.stdout)["issues"]["emission_standards"]
    assert issue["stop"] == {"kind": "fixed_point", "round": 5, "cycle_length": 1}
    assert len(issue["median"]) == 6 and issue["median"][-1] == 7.0
    text = run("run", "eum", EU, "--preset", "literal", "-o", "status_quo_probability=1")
    assert text.exit_code == 0, text.output
    assert "a fixed point: round 3 left every position as it was" in text.output


def test_run_eum_on_a_cycle_and_a_file():
    data = DATA / "eum" / "honduras.input.csv"
    result = run("run", "eum", str(data), "-o", "forecast=cycle_mean", "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    (issue,) = document["issues"].values()
    assert issue["stop"] == {"kind": "cycle", "round": 2, "cycle_length": 2}
    assert document["options"]["forecast"] == "cycle_mean"
    (value,) = document["forecast"].values()
    assert value == pytest.approx((issue["median"][1] + issue["median"][2]) / 2)


def test_run_with_a_shock_says_so():
    result = run("run", "eum", "korea-2018", "-s", "us_maximum_pressure", "--rounds", "2")
    assert result.exit_code == 0, result.output
    assert "with shocks us_maximum_pressure (preset scholz" in " ".join(result.output.split())


def test_run_a_one_step_model_says_so():
    result = run("run", "compromise", "korea-2018")
    assert result.exit_code == 0, result.output
    bargain = flashpoint.forecast(models=["compromise"])["compromise"].trajectory.forecast[0, 0]
    assert "one-step model" in result.output and f"{bargain:.1f}" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "bdm", EU], "unknown model 'bdm'"),
        (["run", "eum", EU, "-o", "nonsense"], "'nonsense' is not NAME=VALUE"),
        (
            ["run", "eum", EU, "--preset", "scholtz"],
            "preset: Input should be 'scholz' or 'literal'",
        ),
        (["run", "eum", EU, "-o", "colour=red"], "it takes: preset, rounds,"),
        (["run", "eum", EU, "-o", "status_quo_probability=2"], "less than or equal to 1"),
        (["run", "eum", EU, "--rounds", "-1"], "greater than or equal to 0"),
        (["run", "eum", EU, "--shock", "nope"], "no shock 'nope'"),
        (["explain", EU, "belgium", "--model", "bdm"], "unknown model 'bdm'"),
        (["explain", EU, "belgum"], "no actor 'belgum'"),
        (["explain", "korea-2018", "china", "--issue", "nukes"], "no issue 'nukes'"),
    ],
)
def test_run_and_explain_usage_errors_exit_2(args, message):
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split())


def test_explain_says_what_an_actor_did_and_why():
    result = run("explain", EU, "Belgium", "--rounds", "4")
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.replace("│", " ").split())
    assert "Belgium on Introduction of car emission standards" in text
    assert "Compromised with France: moved from 7.000 to 8.416." in text
    assert "Its expected utility of challenging France was -0.1148" in text
    assert "France challenging it +0.2433" in text
    assert "Offers: 2 compromises." in text
    assert "Its own offer was taken by: Luxembourg (confrontation)." in text
    assert "Compromised with Netherlands: moved from 9.962 to 4.801." in text
    assert "0.754" in text  # Belgium's round-1 risk exponent (docs/specs/eum.md §3.4)


def test_explain_one_issue_of_korea_and_an_actor_who_stays():
    result = run(
        "explain", KOREA_FROZEN, "North Korea", "-i", "denuclearization", "--preset", "literal"
    )
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.replace("│", " ").split())
    assert "North Korea on Denuclearization" in text
    assert "Lost a confrontation to China: moved from 30.0 to 70.0." in text
    assert "Took no offer: stayed at 90.0." in text
    assert "Sanctions relief" not in text


def test_explain_does_not_contradict_itself_on_an_offer_taken_from_the_actor():
    """Round 1: North Korea takes no offer, but the EU takes North Korea's; the two lines say
    so without seeming to contradict each other."""
    result = run("explain", KOREA_FROZEN, "North Korea", "-i", "denuclearization")
    text = " ".join(result.output.replace("│", " ").split())
    assert "Took no offer: stayed at 30.0. Offers: none." in text
    assert "Its own offer was taken by: European Union (compromise)." in text
    assert "Took its offer" not in text


def test_explain_an_actor_absent_from_the_issue_exits_1(tmp_path):
    scenario = tmp_path / "two.yaml"
    scenario.write_text(
        "title: Two issues\n"
        "issues: [{id: a, min: 0, max: 10}, {id: b, min: 0, max: 10}]\n"
        "actors:\n"
        "  - {id: x, capability: 1, issues: {a: {position: 1, salience: 50}, b: {position: 2, salience: 50}}}\n"
        "  - {id: y, capability: 2, issues: {a: {position: 9, salience: 60}}}\n"
    )
    result = run("explain", str(scenario), "y", "--issue", "b")
    assert result.exit_code == 1
    assert "takes no part" in result.output
    assert run("explain", str(scenario), "y").exit_code == 0


def test_run_exchange_lists_the_trades_in_words():
    result = run("run", "exchange", "korea-2018", "--rounds", "2", "--trace")
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.replace("│", " ").split())
    assert "Exchange (Stokman) on Korean Peninsula" in text and "at most 2 rounds" in text
    assert "Voting outcome (the weighted mean of the voting positions)" in text
    assert "United States moves 60.0 on Security guarantee towards North Korea;" in text
    assert "Trades executed per round: 17," in text


def test_run_exchange_json_has_outcomes_by_round_and_every_exchange():
    result = run("run", "exchange", "copenhagen-2009", "--rounds", "1", "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["model"] == "exchange" and document["rounds"] == 1
    assert document["options"] == {"policy": "decide-parity", "p": 0.0, "rounds": 1}
    assert len(document["exchanges"]) == 48
    first = document["exchanges"][0]
    assert first["round"] == 1 and first["sequence"] == 1 and len(first["sides"]) == 2
    assert {"actor", "supplies", "demands", "from", "move", "to", "towards"} == set(
        first["sides"][0]
    )
    devlop = document["issues"]["DevlopC2020"]["voting_outcome"]
    assert round(devlop[0], 1) == 58.1 and round(devlop[1], 1) == 67.0


def test_run_exchange_policy_and_p():
    parity = json.loads(run("run", "exchange", "copenhagen-2009", "--rounds", "1", "--json").stdout)
    clean = run(
        "run",
        "exchange",
        "copenhagen-2009",
        "--rounds",
        "1",
        "--policy",
        "full-recompute",
        "--json",
    )
    assert len(json.loads(clean.stdout)["exchanges"]) == 97 != len(parity["exchanges"])
    varied = run("run", "exchange", "copenhagen-2009", "--rounds", "1", "--p", "1", "--json")
    assert json.loads(varied.stdout)["options"]["p"] == 1.0
    bad = run("run", "exchange", "copenhagen-2009", "--policy", "nope")
    message = " ".join(bad.output.replace("│", " ").split())
    assert bad.exit_code == 2 and "'decide-parity' or 'full-recompute'" in message


def test_explain_lists_an_actors_trades():
    result = run(
        "explain",
        "korea-2018",
        "North Korea",
        "-m",
        "exchange",
        "-i",
        "denuclearization",
        "--rounds",
        "1",
    )
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.replace("│", " ").split())
    assert "North Korea's trades on Denuclearization" in text
    assert "North Korea moves 35.6 on Denuclearization towards United States" in text


def test_explain_a_one_step_model_says_who_pulls_the_outcome_where():
    result = run("explain", KOREA_FROZEN, "North Korea", "-m", "compromise", "-i", "peace_treaty")
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.replace("│", " ").split())
    assert (
        "North Korea on Peace treaty / end of the war: who pulls the compromise outcome (82.2)"
        in text
    )
    assert "the pulls balance: they add up to 0 (each is rounded to 0.1 here" in text
    from flashpoint.report.pull import explain_pull

    forecast = flashpoint.forecast("korea-2018", ["compromise", "median", "nash"])
    for model in ("compromise", "median", "nash"):
        (table,) = explain_pull(forecast, model, 0, [3])
        pulls = [float(cell) for cell in table.columns[3]._cells]
        shares = [float(cell.rstrip("%")) for cell in table.columns[2]._cells]
        assert sum(shares) == pytest.approx(100, abs=0.05 * len(shares))
        if model == "compromise":  # each printed pull is rounded to 0.1: within 0.05 of its own
            assert sum(pulls) == pytest.approx(0, abs=0.05 * len(pulls))


def test_one_round_is_one_round():
    result = run("run", "exchange", "korea-2018", "--rounds", "1")
    assert result.exit_code == 0, result.output
    assert "at most 1 round)" in result.output.splitlines()[0]
