"""`flashpoint run smp` and `flashpoint explain --model smp`: KTAB's spatial model, turn by turn."""

from __future__ import annotations

import csv
import json

import pytest

from .conftest import DATA, KOREA_FROZEN
from .test_cli import run

KTAB = DATA / "ktab" / "inputs"
CSV = KTAB / "dummyData_3Dim.csv"
XML = KTAB / "dummyData_3Dim_withIA.xml"
FILE_SEED = 3707583219545544125  # the prngSeed of dummyData_3Dim_withIA.xml
PARAMETERS = """
  <ModelParameters>
    <VictoryProbModel>Linear</VictoryProbModel>
    <PCEModel>Conditional</PCEModel>
    <StateTransitions>Stochastic</StateTransitions>
    <VotingRule>Proportional</VotingRule>
    <BigRAdjust>OneThird</BigRAdjust>
    <BigRRange>Mid</BigRRange>
    <ThirdPartyCommit>SemiCommit</ThirdPartyCommit>
    <InterVecBrgn>S2P2</InterVecBrgn>
    <BargnModel>InitOnlyInterp</BargnModel>
  </ModelParameters>"""


def text_of(result) -> str:
    """The output with table borders removed and whitespace collapsed, so that wrapped cells
    and messages read as one line."""
    return " ".join(result.output.replace("│", " ").split())


def run_json(*args: str) -> dict:
    result = run("run", "smp", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def file_positions() -> dict[str, dict[str, float]]:
    """The positions written in dummyData_3Dim.csv: per actor, per dimension."""
    with CSV.open(newline="", encoding="utf-8") as handle:
        rows = [[cell.strip() for cell in row] for row in csv.reader(handle)]
    header = rows[1]
    columns = [k for k, name in enumerate(header) if name.startswith("Pstn")]
    return {
        row[0]: {header[k]: float(row[k]) for k in columns} for row in rows[2:] if row and row[0]
    }


def test_run_smp_json_on_a_ktab_csv_file():
    document = run_json(str(CSV))
    assert document["schema"] == "flashpoint.run/1"
    assert document["model"] == "smp" and document["label"] == "Spatial model (KTAB)"
    assert document["rounds"] == 10
    assert len(document["states"]) == 11 and len(document["turns"]) == 10
    assert [s["state"] for s in document["states"]] == list(range(11))
    assert [t["turn"] for t in document["turns"]] == list(range(1, 11))

    written = file_positions()
    assert len(written) == 7 and written["SActor-00"]["Pstn1"] == 75.79
    start = document["states"][0]["actors"]
    assert list(start) == list(written)
    for actor, positions in written.items():
        assert start[actor]["position"] == pytest.approx(positions, abs=1e-9)

    for state in document["states"]:
        for entry in state["actors"].values():
            assert 0 <= entry["win_probability"] <= 1
            assert -0.5 - 1e-9 <= entry["risk"] <= 1 + 1e-9  # risk_range Mid
    assert document["states"][-1]["outcome"] == document["forecast"]

    assert document["turns"][-1]["fractional_change"] < 0.02
    assert all(t["fractional_change"] >= 0.02 for t in document["turns"][1:-1])
    assert document["stop"].startswith("turn 10, which moved the actors")
    taken = 0
    for turn in document["turns"]:
        for b, bargain in enumerate(turn["bargains"]):
            assert set(bargain["taken_by"]) <= {bargain["initiator"], bargain["receiver"]}
            for actor in bargain["taken_by"]:
                assert turn["choices"][actor]["bargain"] == b
            taken += len(bargain["taken_by"])
        for choice in turn["choices"].values():
            assert 0 <= choice["probability"] <= 1
    assert taken > 0


def test_run_smp_korea_prints_the_expected_outcome_and_the_forecast():
    result = run("run", "smp", KOREA_FROZEN)
    assert result.exit_code == 0, result.output
    text = text_of(result)
    assert "Spatial model (KTAB) on Korean Peninsula peace process, September 2018" in text
    assert "Expected outcome (positions weighted by their win probability)" in text
    assert "The run ended after turn 5, which moved the actors" in text
    assert "Denuclearization (0 to 100) 85.0" in text  # the forecast table
    assert "Incremental muddle-through" in text
    assert "challenged" not in text

    traced = run("run", "smp", KOREA_FROZEN, "--trace")
    assert traced.exit_code == 0, traced.output
    text = text_of(traced)
    assert "Challenges and bargains (positions: denuclearization / sanctions_relief" in text
    assert "South Korea challenged Japan (its estimate: wins with probability 0.74" in text
    assert "South Korea and Japan took it." in text


def test_run_smp_turn_limit():
    document = run_json("korea-2018", "--rounds", "3")
    assert document["rounds"] == 3 and document["options"]["rounds"] == 3
    assert len(document["states"]) == 4 and len(document["turns"]) == 3
    assert document["stop"] == "the turn limit (3 turns)"


def test_ktab_and_flashpoint_option_names_are_the_same_option():
    ktab = run_json("korea-2018", "-o", "BigRAdjust=Half")
    flashpoint = run_json("korea-2018", "-o", "risk_adjust=Half")
    # the requests record the option as it was given; what ran is the same
    assert ktab.pop("request")["options"] == {"smp": {"BigRAdjust": "Half"}}
    assert flashpoint.pop("request")["options"] == {"smp": {"risk_adjust": "Half"}}
    assert ktab == flashpoint
    assert ktab["options"]["risk_adjust"] == "Half"
    default = run_json("korea-2018")
    assert default["options"]["risk_adjust"] == "OneThird"
    assert default["states"] != ktab["states"]  # the option changes the run

    shown = run("run", "smp", "korea-2018", "-o", "BigRAdjust=Half")
    assert shown.exit_code == 0, shown.output
    assert "(risk_adjust Half, at most 100 rounds)" in shown.output.splitlines()[0]


def test_a_wrong_option_value_exits_2_with_the_allowed_values():
    result = run("run", "smp", "korea-2018", "-o", "VotingRule=Wrong")
    assert result.exit_code == 2, result.output
    text = text_of(result)
    assert "VotingRule: Input should be" in text
    assert "'Binary', 'PropBin', 'Prop', 'PropCbc', 'Cubic' or 'ASymProsp'" in text


def test_explain_smp_is_one_table_over_the_issues():
    result = run("explain", KOREA_FROZEN, "North Korea", "--model", "smp")
    assert result.exit_code == 0, result.output
    text = text_of(result)
    assert text.count("North Korea in the spatial model") == 1
    for issue in (
        "denuclearization",
        "sanctions_relief",
        "security_guarantee",
        "peace_treaty",
        "economic_aid",
        "alliance",
    ):
        assert f"{issue}: " in text
    assert "Its stated position." in text
    assert "Challenged European Union: expected to win with probability 0.90" in text
    assert "Kept its position (probability 0.60 in its election)." in text
    assert "risk-neutral utilities" in text

    one = text_of(
        run("explain", "korea-2018", "north_korea", "-m", "smp", "--issue", "denuclearization")
    )
    assert one.count("North Korea in the spatial model") == 1
    assert "denuclearization: 30.0" in one
    assert "sanctions_relief" not in one and "alliance" not in one


def test_explain_smp_an_actor_on_one_issue_and_an_unknown_actor():
    imf = text_of(run("explain", "korea-2018", "IMF", "-m", "smp"))
    assert "economic_aid: 75.0" in imf and "denuclearization" not in imf

    result = run("explain", "korea-2018", "Nobody", "--model", "smp")
    assert result.exit_code == 2
    assert "no actor 'Nobody' in korea-2018" in text_of(result)


def test_ktab_xml_with_an_identity_accommodation_runs_as_the_csv():
    from_csv = run_json(str(CSV))
    from_xml = run_json(str(XML))
    assert from_xml["options"]["accommodation"] == [
        {"actor": "SActor-00", "towards": "SActor-00", "rate": 1.0}
    ]
    assert from_xml["seed"] == FILE_SEED and from_csv["seed"] == 0
    assert from_xml["rounds"] == from_csv["rounds"] == 10
    for mine, theirs in zip(from_xml["states"], from_csv["states"], strict=True):
        assert mine["actors"].keys() == theirs["actors"].keys()
        for actor, entry in mine["actors"].items():
            assert entry["position"] == pytest.approx(theirs["actors"][actor]["position"])
            assert entry["win_probability"] == pytest.approx(
                theirs["actors"][actor]["win_probability"]
            )
    assert from_xml["forecast"] == pytest.approx(from_csv["forecast"])

    shown = run("run", "smp", str(XML))
    assert shown.exit_code == 0, shown.output
    assert "(1 accommodation pair, at most 100 rounds)" in text_of(shown)


def test_ktab_xml_model_parameters_and_seed_drive_a_stochastic_run(tmp_path):
    text = XML.read_text(encoding="utf-8")
    assert text.count("</prngSeed>") == 1
    path = tmp_path / "stochastic.xml"
    path.write_text(text.replace("</prngSeed>", "</prngSeed>" + PARAMETERS), encoding="utf-8")

    first = run_json(str(path))
    assert first["options"]["transitions"] == "Stochastic"
    assert first["options"]["voting_rule"] == "Prop"
    assert first["seed"] == FILE_SEED
    assert run_json(str(path))["states"] == first["states"]
    assert run_json(str(path), "--seed", str(FILE_SEED))["states"] == first["states"]

    one, two = run_json(str(path), "--seed", "1"), run_json(str(path), "--seed", "2")
    assert one["seed"] == 1 and two["seed"] == 2
    assert one["states"] != two["states"]
