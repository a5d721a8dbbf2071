"""Every importer: a good file, and a broken file per kind of error with the exact message."""

from __future__ import annotations

import pytest
from openpyxl import Workbook

from flashpoint.scenario import load_scenario

from .conftest import DATA, problems_of

EXCHANGE = DATA / "exchange" / "inputs"
KTAB = DATA / "ktab" / "inputs"


# --- actor tables (CSV) ---------------------------------------------------------------------


def test_single_issue_actor_table():
    scenario = load_scenario(DATA / "eum" / "eu_emissions.input.csv")
    assert scenario.id == "eu_emissions_input"
    assert [issue.id for issue in scenario.issues] == ["eu_emissions_input"]
    assert scenario.salience_scale == 1.0  # every salience is at most 1
    uk = scenario.actor("UK")
    assert uk.capability == 0.16
    assert uk.issues["eu_emissions_input"].position == 10
    assert uk.issues["eu_emissions_input"].salience == 0.9


def test_long_actor_table_with_issue_specific_capabilities():
    scenario = load_scenario(DATA / "deu" / "deu_dev_1998_2002.actors.csv")
    assert len(scenario.issues) == 171
    assert len(scenario.actors) == 17
    assert scenario.salience_scale == 100.0
    rows = sum(len(actor.issues) for actor in scenario.actors)
    assert rows == 2669
    commission = scenario.actor("European Commission")
    assert commission.capability == 100  # the same on every issue: the actor's own
    capabilities = {a.capability_on(i) for a in scenario.actors for i in a.issues}
    assert capabilities == {20, 30, 40, 50, 62.5, 80, 100}


def test_semicolon_table_with_decimal_commas(write):
    path = write("votes.csv", "actor;capability;position;salience\nA;1;2,5;0,5\nB;2;7,5;0,25\n")
    scenario = load_scenario(path)
    assert scenario.actor("A").issues["votes"].position == 2.5
    assert scenario.actor("B").issues["votes"].salience == 0.25


def test_table_with_mixed_salience_scales_is_a_typo(write):
    path = write(
        "mixed.csv", "actor,capability,position,salience\nA,1,10,0.5\nB,1,20,0.75\nC,1,30,1.5\n"
    )
    assert problems_of(path) == [
        "mixed.csv, row 4, column salience: salience 1.5 is above 1 while most saliences here lie between 0 and 1;"
        " a table uses one scale, 0-1 or 0-100 (a salience_scale column can say which)"
    ]
    whole = write(
        "whole.csv", "actor,capability,position,salience\nA,1,10,0.5\nB,1,20,75\nC,1,30,100\n"
    )
    assert load_scenario(whole).salience_scale == 100


def test_zero_saliences_are_no_sign_of_a_0_1_table(write):
    """An issue cut out of the DEU table: most actors give it a salience of 0."""
    rows = "".join(f"M{k},1,{10 * k},0\n" for k in range(8))
    path = write("cut.csv", "actor,capability,position,salience\n" + rows + "C,1,50,50\nP,1,90,1\n")
    assert load_scenario(path).salience_scale == 100
    fractions = write("fractions.csv", "actor,capability,position,salience\nA,1,1,0\nB,1,2,0.5\n")
    assert load_scenario(fractions).salience_scale == 1


def test_a_salience_scale_column_states_the_scale(write):
    stated = write(
        "stated.csv",
        "actor,capability,position,salience,salience_scale\nA,1,10,0.5,100\nB,1,20,0.75,\n",
    )
    assert load_scenario(stated).salience_scale == 100
    assert load_scenario(stated).actor("A").issues["stated"].salience == 0.5
    bad = write(
        "bad.csv",
        "actor,capability,position,salience,salience_scale\nA,1,10,5,100\nB,1,20,7,10\n"
        "C,1,30,0.5,1\n",
    )
    assert problems_of(bad) == [
        "bad.csv, row 2, column salience_scale: the salience scale is 1 on some rows and 100 on"
        " others",
        "bad.csv, row 3, column salience_scale: '10' is not a salience scale: 1 or 100",
    ]


def test_issue_names_that_are_not_ids_become_ids(write):
    path = write(
        "t.csv",
        "actor,issue,capability,position,salience\nA,Market access,1,10,50\nB,Market access,1,90,50\n",
    )
    issue = load_scenario(path).issues[0]
    assert (issue.id, issue.label) == ("market_access", "Market access")


def test_table_columns_aliases_labels_scales_and_notes(write):
    path = write(
        "case.csv",
        """
        actor,label,issue,issue_label,min,max,power,position,salience,position_note
        us,United States,tax,Tax rate,0,10,3,2,80,says so
        cn,China,tax,,,,2,8,40,
        us,United States,aid,,,,3,50,20,
        """,
    )
    scenario = load_scenario(path)
    tax = scenario.issue("tax")
    assert (tax.label, tax.min, tax.max) == ("Tax rate", 0, 10)
    assert scenario.issue("aid").max == 100
    us = scenario.actor("us")
    assert us.label == "United States" and us.capability == 3
    assert us.issues["tax"].position_note == "says so"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "actor,capability,position,salince,colour\nA,1,2,3\n",
            [
                "t.csv, row 1, column salince: unknown column 'salince' (did you mean 'salience'?)",
                "t.csv, row 1, column colour: unknown column 'colour' (did you mean 'clout'?)",
                "t.csv, row 1: missing column salience (columns found: actor, capability, position, salince, colour)",
            ],
        ),
        ("", ["t.csv: the table is empty: it needs a header row and a row per actor"]),
        (
            "actor,capability,position,salience\n",
            ["t.csv, row 1: the table has a header but no rows"],
        ),
        (
            "actor,capability,position,salience,power\nA,1,2,3,4\n",
            ["t.csv, row 1, column power: the column 'power' appears twice"],
        ),
        (
            "actor,issue,capability,position,salience\nA,tax,1,20,50\nB,tax,x,200,50\n,tax,1,1,1\nA,tax,1,30,40\nC,tax,,50,50\n",
            [
                "t.csv, row 3, column position: 200 is outside the default scale 0 to 100 of issue 'tax':"
                " add min and max columns giving the issue's scale",
                "t.csv, row 3, column capability: 'x' is not a number",
                "t.csv, row 4, column actor: the actor is missing",
                "t.csv, row 5: a second row for actor 'A' on issue 'tax' (first at row 2)",
                "t.csv, row 6, column capability: capability is empty",
            ],
        ),
        (
            "actor,issue,min,max,capability,position,salience\nA,t,0,10,1,5,5\nB,t,0,20,1,5,5\nC,t,,,1,50,5\nD,,,,1,1,1\n",
            [
                "t.csv, row 3, column max: issue 't' has max 10 on an earlier row; one scale per issue",
                "t.csv, row 4, column position: 50 is above the upper bound 10 of issue 't' (scale 0 to 10)",
                "t.csv, row 5, column issue: the issue is missing",
            ],
        ),
        (
            "actor,capability,position,salience\nA,1,50,-3\nB,-2,50,120\nC,1,,5\n",
            [
                "t.csv, row 2, column salience: -3 is negative; it must be 0 or more",
                "t.csv, row 3, column capability: -2 is negative; it must be 0 or more",
                "t.csv, row 3, column salience: 120 is above the salience scale's maximum 100",
                "t.csv, row 4, column position: position is empty",
            ],
        ),
    ],
)
def test_broken_actor_tables(write, text, expected):
    assert problems_of(write("t.csv", text)) == expected


# --- actor tables (XLSX) --------------------------------------------------------------------


def test_xlsx_actor_table_and_its_errors(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "Stakeholders"
    sheet.append(["Actor", "Capability", "Position", "Salience"])
    sheet.append(["A", 10, 20, 0.5])
    sheet.append(["B", 5, 80, 1])
    good = tmp_path / "good.xlsx"
    book.save(good)
    scenario = load_scenario(good)
    assert scenario.actor("B").issues["good"].position == 80
    assert scenario.salience_scale == 1.0

    sheet.append(["C", "strong", 140, 0.5])
    bad = tmp_path / "bad.xlsx"
    book.save(bad)
    assert problems_of(bad) == [
        "bad.xlsx, sheet Stakeholders, row 4, column Position: 140 is outside the default scale 0 to 100 of issue 'bad':"
        " add min and max columns giving the issue's scale",
        "bad.xlsx, sheet Stakeholders, row 4, column Capability: 'strong' is not a number",
    ]


def test_files_that_are_not_scenarios(tmp_path):
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    assert problems_of(old) == [
        "old.xls: old .xls workbooks cannot be read: save the file as .xlsx"
    ]
    other = tmp_path / "notes.docx"
    other.write_text("x")
    assert problems_of(other) == [
        "notes.docx: unknown file type '.docx': flashpoint reads .yaml, .yml, .json, .xlsx, .csv, .tsv, .txt and .xml"
    ]
    broken = tmp_path / "broken.xlsx"
    broken.write_text("not a zip")
    assert problems_of(broken)[0].startswith("broken.xlsx: cannot read the workbook:")
    assert problems_of("korea-2019.yaml") == [
        "korea-2019.yaml: no such file, and no bundled scenario of that name (bundled: china-soe-reform-2014,"
        " cop21-paris-2015, copenhagen-2009, eu-emissions-1985, korea-2018)"
    ]


def test_windows_encoded_csv(tmp_path):
    path = tmp_path / "accents.csv"
    path.write_bytes("actor,capability,position,salience\nCôte d'Ivoire,1,50,50\n".encode("cp1252"))
    assert load_scenario(path).actors[0].id == "Côte d'Ivoire"


# --- KTAB -----------------------------------------------------------------------------------


def test_ktab_csv():
    scenario = load_scenario(KTAB / "dummyData_3Dim.csv")
    assert scenario.title == "DummyData_3Dim"
    assert scenario.description == "Dummy scenario to test reading format"
    assert [i.id for i in scenario.issues] == ["Pstn1", "Pstn2", "Pstn3"]
    assert scenario.salience_scale == 100
    actor = scenario.actor("SActor-02")
    assert actor.capability == 129.643
    assert (actor.issues["Pstn3"].position, actor.issues["Pstn3"].salience) == (0.07, 34.62)
    assert actor.label == "SActor-02"  # descriptions are all alike, so names are the labels


def test_ktab_without_final_commas_reads_the_same():
    with_commas = load_scenario(KTAB / "dummyData_3Dim.csv")
    without = load_scenario(KTAB / "dummyData_3Dim-no-final-comma.csv")
    assert without.actors == with_commas.actors
    assert without.issues == with_commas.issues


def test_ktab_names_dimensions_and_labels_from_the_file():
    scenario = load_scenario(KTAB / "SOE-Pol-Comp.csv")
    assert [(i.id, i.label) for i in scenario.issues] == [
        ("Policy", "Policy"),
        ("Competitive", "Competitive"),
    ]
    assert scenario.actor("XJ").label == "Xi Jinping"
    assert len(load_scenario(KTAB / "dummyData-a160.csv").actors) == 160


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'S,"desc",3,2,\nActor,Description,Power,P1,S1,P2,S2,\nA,a,10,50,60,20,50,\nB,b,-1,150,10,x,10,\nA,c,5,5,5,5,5\n',
            [
                "k.csv, row 1: line 1 declares 3 actors but the file lists 2",
                "k.csv, row 3: the saliences of actor 'A' add up to 110; KTAB allows at most 100",
                "k.csv, row 4, column Power: -1 is negative; it must be 0 or more",
                "k.csv, row 4, column P2: 'x' is not a number",
                "k.csv, row 4, column P1: 150 is above the upper bound 100 of issue 'P1' (scale 0 to 100)",
                "k.csv, row 5, column Actor: actor 'A' is listed twice (first at row 3)",
            ],
        ),
        (
            "S,d,2,3\nActor,Description,Power,P1,S1\nA,a,1,1,1\nB,b,1,1,1\n",
            ["k.csv, row 2: the header names 1 dimension(s) but line 1 declares 3"],
        ),
    ],
)
def test_broken_ktab_files(write, text, expected):
    path = write("k.csv", text)
    assert problems_of(path, format="ktab") == expected


def test_ktab_is_recognised_by_content(write):
    path = write("k.csv", "S,d,2,1\nActor,Description,Power,Pos,Sal\nA,a,1,10,50\nB,b,2,90,50\n")
    assert load_scenario(path).provenance == "Imported from the KTAB SMP file k.csv."


# --- KTAB XML -------------------------------------------------------------------------------

PARAMETERS = """
  <ModelParameters>
    <VictoryProbModel>Quartic</VictoryProbModel>
    <PCEModel>MarkovUniform</PCEModel>
    <StateTransitions>Stochastic</StateTransitions>
    <VotingRule>{voting}</VotingRule>
    <BigRAdjust>{adjust}</BigRAdjust>
    <BigRRange>Max</BigRRange>
    <ThirdPartyCommit>FullCommit</ThirdPartyCommit>
    <InterVecBrgn>S2PMax</InterVecBrgn>
    <BargnModel>PWCompInterp</BargnModel>
  </ModelParameters>"""


def ktab_xml(parameters: str = "", pairs: str = "", seed: str = "42") -> str:
    """A small KTAB XML file: three actors on two dimensions (the first actor on line 8)."""
    actors = "".join(
        f"""
    <Actor><name>{name}</name><description>{name} party</description><capability>{power}</capability>
      <Position><dCoord>{x}</dCoord><dCoord>{y}</dCoord></Position>
      <Salience><dSal>40</dSal><dSal>30</dSal></Salience></Actor>"""
        for name, power, x, y in (("A", 10, 20, 30), ("B", 20, 50, 60), ("C", 30, 80, 10))
    )
    block = f"\n  <IdealAdjustment>{pairs}\n  </IdealAdjustment>" if pairs else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Scenario>
  <name>Small talks</name>
  <desc>d</desc>
  <prngSeed>{seed}</prngSeed>
  <Dimensions><dName>Tax</dName><dName>Spend</dName></Dimensions>
  <Actors>{actors}
  </Actors>{block}{parameters}
</Scenario>
"""


def pair(actor: str, towards: str, rate: str) -> str:
    return (
        f"\n    <iaPair><adjustingIdeal>{actor}</adjustingIdeal>"
        f"<referencePos>{towards}</referencePos><adjust>{rate}</adjust></iaPair>"
    )


def test_ktab_xml_reads_as_the_csv_with_seed_and_accommodation():
    xml = load_scenario(KTAB / "dummyData_3Dim_withIA.xml")
    csv = load_scenario(KTAB / "dummyData_3Dim.csv")
    assert xml.actors == csv.actors
    assert xml.issues == csv.issues
    assert (xml.title, xml.description, xml.salience_scale) == (
        csv.title,
        csv.description,
        csv.salience_scale,
    )
    assert xml.seed == 3707583219545544125  # written with a leading zero
    assert xml.model_options == {
        "smp": {"accommodation": [{"actor": "SActor-00", "towards": "SActor-00", "rate": 1.0}]}
    }
    assert xml.provenance == "Imported from the KTAB SMP file dummyData_3Dim_withIA.xml."


def test_ktab_xml_without_ideal_adjustment_loads():
    scenario = load_scenario(KTAB / "dummyData_3Dim.xml")  # starts with a byte-order mark
    assert scenario.actors == load_scenario(KTAB / "dummyData_3Dim.csv").actors
    assert scenario.seed == 3707583219545544125
    assert scenario.model_options == {}


def test_ktab_xml_model_parameters(write):
    path = write("k.xml", ktab_xml(PARAMETERS.format(voting="Proportional", adjust="No")))
    scenario = load_scenario(path)
    assert scenario.model_options == {
        "smp": {
            "victory_probability": "Quartic",
            "pce": "MarkovUniform",
            "transitions": "Stochastic",
            "voting_rule": "Prop",  # the schema's spelling of KTAB's Prop
            "risk_adjust": "None",  # the schema's spelling of KTAB's None
            "risk_range": "Max",
            "third_party_commit": "FullCommit",
            "bargain_interpolation": "S2PMax",
            "bargain_model": "PWCompInterp",
        }
    }
    assert [a.label for a in scenario.actors] == ["A party", "B party", "C party"]
    assert [i.id for i in scenario.issues] == ["Tax", "Spend"]
    assert scenario.seed == 42
    same = write("k2.xml", ktab_xml(PARAMETERS.format(voting="Prop", adjust="None")))
    assert load_scenario(same).model_options == scenario.model_options


def test_ktab_xml_bad_and_missing_model_parameters(write):
    text = ktab_xml(PARAMETERS.format(voting="Majority", adjust="Half"))
    text = text.replace("    <BigRRange>Max</BigRRange>\n", "")
    lines = text.splitlines()
    voting = next(n for n, line in enumerate(lines, 1) if "<VotingRule>" in line)
    block = next(n for n, line in enumerate(lines, 1) if "<ModelParameters>" in line)
    assert problems_of(write("k.xml", text)) == [
        f"k.xml, line {block}: <ModelParameters> has no <BigRRange>; all nine parameters are"
        " needed when the block is present",
        f"k.xml, line {voting}: <VotingRule> is 'Majority'; allowed: Binary, PropBin,"
        " Prop (or Proportional), PropCbc, Cubic, ASymProsp",
    ]


def test_ktab_xml_example_with_an_empty_coordinate_names_its_line():
    path = KTAB / "smpExample.xml"
    line = next(
        n
        for n, text in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1)
        if "<dCoord></dCoord>" in text
    )
    assert problems_of(path) == [
        f"smpExample.xml, line {line}: actor 'Alice': the 1st dCoord is empty;"
        " a position from 0 to 100 is needed"
    ]


def test_ktab_xml_that_is_not_well_formed(write):
    path = write("k.xml", "<Scenario>\n  <name>x</name>\n  <desc>unclosed\n</Scenario>\n")
    assert problems_of(path) == [
        "k.xml, line 4: this is not well-formed XML: mismatched tag (column 3)"
    ]
    assert problems_of(write("other.xml", "<Model/>")) == [
        "other.xml, line 1: the document is a <Model>; a KTAB SMP file holds a <Scenario>"
    ]


def test_ktab_xml_ideal_adjustment_problems(write):
    pairs = (
        pair("A", "Q", "0.5")  # line 19
        + pair("B", "B", "1.5")  # 20
        + pair("C", "C", "0.7")  # 21
        + pair("C", "A", "0.4")  # 22
        + pair("A", "B", "0.1")  # 23: A keeps 1 towards itself, so its row adds up to 1.1
    )
    assert problems_of(write("k.xml", ktab_xml(pairs=pairs))) == [
        "k.xml, line 19: <referencePos> names unknown actor 'Q'",
        "k.xml, line 20: the rate 1.5 is outside 0 to 1",
        "k.xml, line 21: the adjust rates of actor 'C' add up to 1.1;"
        " a row of the accommodation matrix may add up to at most 1",
        "k.xml, line 23: the adjust rates of actor 'A' add up to 1.1, with 1 for its own pair,"
        " which is not listed; a row of the accommodation matrix may add up to at most 1",
    ]
    good = load_scenario(
        write("ok.xml", ktab_xml(pairs=pair("C", "C", "0.7") + pair("C", "A", "0.3")))
    )
    assert good.model_options["smp"]["accommodation"] == [
        {"actor": "C", "towards": "C", "rate": 0.7},
        {"actor": "C", "towards": "A", "rate": 0.3},
    ]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "<prngSeed>42</prngSeed>",
            "<prngSeed>18446744073709551616</prngSeed>",
            "k.xml, line 5: <prngSeed> is '18446744073709551616'; it must be a whole number"
            " from 0 to 18446744073709551615",
        ),
        (
            "<capability>10</capability>",
            "<capability>0</capability>",
            "k.xml, line 8: the capability of actor 'A' is 0; KTAB needs it above 0",
        ),
        ("<dCoord>20</dCoord>", "<dCoord>x</dCoord>", "k.xml, line 9: 'x' is not a number"),
        (
            "<dCoord>20</dCoord>",
            "<dCoord>120</dCoord>",
            "k.xml, line 9: 120 is above the upper bound 100 of issue 'Tax' (scale 0 to 100)",
        ),
        (
            "<dCoord>20</dCoord><dCoord>30</dCoord>",
            "<dCoord>20</dCoord>",
            "k.xml, line 9: <Position> of actor 'A' has 1 <dCoord>; the file has 2 dimensions",
        ),
        (
            "<dSal>40</dSal>",
            "<dSal>80</dSal>",
            "k.xml, line 8: the saliences of actor 'A' add up to 110; KTAB allows at most 100",
        ),
        (
            "<dSal>40</dSal>",
            "<dSal></dSal>",
            "k.xml, line 10: actor 'A': the 1st dSal is empty; a salience from 0 to 100 is needed",
        ),
        (
            "<name>B</name>",
            "<name>A</name>",
            "k.xml, line 11: actor 'A' is listed twice (first at line 8)",
        ),
        (
            "<Salience>",
            "<Salinece>",
            "k.xml, line 10: unknown element <Salinece> in <Actor> (did you mean <Salience>?)",
        ),
    ],
)
def test_broken_ktab_xml_files(write, old, new, expected):
    text = ktab_xml()
    assert old in text
    text = text.replace(old, new, 1)
    if new == "<Salinece>":
        text = text.replace("</Salience></Actor>", "</Salinece></Actor>", 1)
    assert expected in problems_of(write("k.xml", text))


def test_ktab_xml_without_dimensions_numbers_them(write):
    text = ktab_xml().replace(
        "  <Dimensions><dName>Tax</dName><dName>Spend</dName></Dimensions>\n", ""
    )
    scenario = load_scenario(write("k.xml", text))
    assert [(i.id, i.label) for i in scenario.issues] == [
        ("dimension_1", "Dimension 1"),
        ("dimension_2", "Dimension 2"),
    ]
    twice = ktab_xml().replace("<dName>Spend</dName>", "<dName>Tax</dName>")
    assert problems_of(write("k2.xml", twice)) == [
        "k2.xml, line 6: the dimension 'Tax' is named twice (first at line 6)"
    ]


def test_ktab_xml_is_read_by_extension_or_on_request(write):
    path = write("k.txt", ktab_xml())
    assert load_scenario(path, format="ktab-xml").title == "Small talks"


# --- Decide ---------------------------------------------------------------------------------


def test_decide_copenhagen():
    scenario = load_scenario(EXCHANGE / "copenhagen.csv")
    assert len(scenario.actors) == 11 and len(scenario.issues) == 7
    assert sum(len(actor.issues) for actor in scenario.actors) == 75
    assert set(scenario.actor("Russia").issues) == set(scenario.actor("USA").issues) - {
        "Commitments",
        "Extra",
    }
    assert scenario.salience_scale == 1.0
    assert scenario.actor("USA").capability == 0.26


def test_decide_issue_bounds_from_m_records():
    scenario = load_scenario(EXCHANGE / "sample_data.txt")
    toll = scenario.issue("tol-hoogte")
    assert (toll.min, toll.max) == (0.5, 7)
    assert scenario.actor("Willems").issues["tol-hoogte"].position == 3
    assert scenario.actor("Willems").description == "Test"


def test_decide_cop21_has_sparse_rows():
    scenario = load_scenario(EXCHANGE / "cop21.csv")
    assert (len(scenario.actors), len(scenario.issues)) == (15, 13)
    assert sum(len(actor.issues) for actor in scenario.actors) == 181


def test_decide_copenhagen_with_errors_reports_both_errors_with_rows():
    assert problems_of(EXCHANGE / "copenhagen_with_errors.csv") == [
        "copenhagen_with_errors.csv, row 86, column position: 160 is above the upper bound 100 of issue 'Control' (scale 0 to 100)",
        "copenhagen_with_errors.csv, row 87, column power: -0.247 is negative; it must be 0 or more",
    ]


@pytest.mark.parametrize("separator", [";", ",", "\t"])
def test_decide_title_labels_and_blank_lines(write, separator):
    text = (
        "'#O';'Test set'\n\n'#A';'A';'Alpha';''\n'#A';'B';'B';''\n\n'#P';'t';'Tax'\n'#M';'t';-10;'left'\n"
        "'#M';'t';10;'right'\n'#D';'A';'t';-5;0.5;1\n'#D';'B';'t';5;0.5;2\n"
    )
    path = write("d.csv", text.replace(";", separator))
    scenario = load_scenario(path)
    assert scenario.title == "Test set"
    assert scenario.actor("A").label == "Alpha"
    issue = scenario.issue("t")
    assert (issue.label, issue.min, issue.max, issue.anchors) == (
        "Tax",
        -10,
        10,
        {-10: "left", 10: "right"},
    )


def test_broken_decide_file(write):
    path = write(
        "d1.txt",
        "#A\tA\tA\n#A\tB\n#P\tt\tTax\n#M\tt\t0\tnone\n#M\tt\tten\n#M\tzz\t5\n#D\tA\tt\t50\t0.5\t1\n"
        "#D\tC\tt\t50\t0.5\t1\n#D\tB\tq\t50\t0.5\t1\n#D\tB\tt\t50\n#X\tfoo\n\n#D\tB\tt\t40\t0.5\tabc\n",
    )
    assert problems_of(path) == [
        "d1.txt, row 4, column position: issue 't' has a single #M point (0); its scale needs two"
        " (the lower and upper bound), or none for 0 to 100",
        "d1.txt, row 5, column position: 'ten' is not a number",
        "d1.txt, row 6, column position: #M names issue 'zz', which no #P record declares",
        "d1.txt, row 8, column actor: actor 'C' has no #A record",
        "d1.txt, row 9, column issue: issue 'q' has no #P record",
        "d1.txt, row 10: a #D record needs actor, issue, position, salience, power",
        "d1.txt, row 11, column type: unknown record type '#X': use #A, #P, #M, #D, #/ or #O",
        "d1.txt, row 13, column power: 'abc' is not a number",
    ]
