"""Issue #36 (trust): inputs that once gave wrong numbers without an error now give a located
error, or the right result. One test (or a few) per finding:

1. ids: whitespace and invisible characters, look-alike and case-only twins, normal form NFC;
2. YAML 1.1 readings (``yes``, ``1:30``, ``017``) and truth values where numbers belong;
3. numbers too large to compute with (a scale of ±1.7e308 gave ``Infinity`` in ``--json``);
4. CSV injection (``=HYPERLINK(...)`` written as it was) and reading such cells back;
5. control characters and noncharacters in labels (a raw traceback writing a workbook, or a
   workbook flashpoint cannot read back), and a round trip of printable labels.
"""

from __future__ import annotations

import json
import math
import unicodedata

import pandas
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from flashpoint.cli import app
from flashpoint.report.export import write_table
from flashpoint.scenario import ScenarioError, build_scenario, load_scenario, save_scenario
from flashpoint.scenario.characters import check_id, skeleton
from flashpoint.scenario.validate import scenario_from_data

from .conftest import problems_of

TWO_ACTORS = """
title: T
issues:
  - id: tax
actors:
  - id: {first}
    capability: 1
    issues:
      tax: {{position: 10, salience: 50}}
  - id: {second}
    capability: 1
    issues:
      tax: {{position: 90, salience: 50}}
"""


def data(**changes):
    """A small valid scenario as plain data, with ``changes`` to its top-level fields."""
    base = {
        "title": "T",
        "issues": [{"id": "tax"}],
        "actors": [
            {"id": "a", "capability": 1, "issues": {"tax": {"position": 10, "salience": 50}}},
            {"id": "b", "capability": 1, "issues": {"tax": {"position": 90, "salience": 50}}},
        ],
    }
    return {**base, **changes}


def problems_in(raw) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        scenario_from_data(raw)
    return [str(problem) for problem in caught.value.problems]


# 1. ids ------------------------------------------------------------------------------------


def test_an_issue_id_with_a_trailing_space_is_not_merged_with_its_twin(write):
    path = write(
        "twins.yaml",
        """
        title: T
        issues:
          - id: iran
          - id: "iran "
        actors:
          - id: a
            capability: 1
            issues:
              iran: {position: 10, salience: 50}
        """,
    )
    assert problems_of(path) == [
        "twins.yaml, line 4, issues[1].id: the id 'iran ' holds a space (U+0020) at its end: an"
        " id holds no spaces around it, no tabs, line breaks or invisible characters, and at"
        " most single spaces between words"
    ]


def test_a_cyrillic_look_alike_actor_id_is_refused(write):
    path = write("alike.yaml", TWO_ACTORS.format(first="usa", second="us\u0430"))
    assert problems_of(path) == [
        "alike.yaml, line 9, actors[1].id: the actor id 'usа' looks like 'usa' (actors[0]), but"
        " for 'а' (U+0430, CYRILLIC SMALL LETTER A): ids must differ by more than case or"
        " look-alike letters, give one another id"
    ]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Iran", "iran"),  # case only
        ("\u0391B", "ab"),  # Greek capital alpha
        ("\uff41b", "ab"),  # full-width a
        ("\u0440\u043e\u0441", "poc"),  # Cyrillic "рос" drawn as Latin "poc"
    ],
)
def test_ids_that_differ_only_by_case_or_look_alike_letters_are_refused(first, second):
    assert skeleton(first) == skeleton(second)
    found = problems_in(
        data(
            actors=[
                {"id": name, "capability": 1, "issues": {"tax": {"position": 5, "salience": 5}}}
                for name in (first, second)
            ]
        )
    )
    assert len(found) == 1
    assert found[0].startswith(f"actors[1].id: the actor id '{second}' looks like '{first}'")


def test_issue_future_and_shock_ids_that_differ_only_by_case_are_refused():
    raw = data(
        issues=[{"id": "tax"}, {"id": "Tax"}],
        outcomes=[{"id": "deal", "when": "tax >= 50"}, {"id": "DEAL", "when": "otherwise"}],
        shocks=[
            {"id": "s", "changes": [{"actor": "a", "issue": "tax", "field": "position", "set": 1}]},
            {"id": "S", "changes": [{"actor": "a", "issue": "tax", "field": "position", "set": 2}]},
        ],
    )
    found = [line for line in problems_in(raw) if ".id:" in line]
    assert [line.split(":")[0] for line in found] == [
        "issues[1].id",
        "outcomes[1].id",
        "shocks[1].id",
    ]
    assert "the issue id 'Tax' looks like 'tax' (issues[0]), but for 'T'" in found[0]


@pytest.mark.parametrize(
    ("actor_id", "shown", "what"),
    [
        ("a\u00a0b", "'a<U+00A0>b'", "the invisible character U+00A0 NO-BREAK SPACE inside it"),
        ("a\tb", "'a<U+0009>b'", "a tab (U+0009) inside it"),
        ("a\nb", "'a<U+000A>b'", "a line break (U+000A) inside it"),
        ("a\u200bb", "'a<U+200B>b'", "the invisible character U+200B ZERO WIDTH SPACE inside it"),
        ("a  b", "'a  b'", "a space (U+0020) inside it"),
        (" a", "' a'", "a space (U+0020) at its start"),
    ],
)
def test_actor_ids_with_whitespace_or_invisible_characters_are_refused(actor_id, shown, what):
    raw = data()
    raw["actors"][0]["id"] = actor_id
    found = problems_in(raw)
    assert found[0].startswith(f"actors[0].id: the id {shown} holds {what}: ")


def test_references_to_ids_follow_the_same_rule():
    raw = data(issues=[{"id": "tax", "reversion": 50, "consent": ["a\u00a0"]}])
    assert problems_in(raw)[0].startswith(
        "issues[0].consent[0]: the id 'a<U+00A0>' holds the invisible character U+00A0"
    )


def test_ids_are_taken_in_normal_form_nfc_and_single_spaces_between_words_are_kept():
    decomposed = unicodedata.normalize("NFD", "café")
    assert decomposed != "café"
    raw = data(
        issues=[{"id": "tax", "reversion": 50, "consent": ["café"]}],  # composed
    )
    raw["actors"][0]["id"] = decomposed
    raw["actors"][1]["id"] = "China India"  # as the bundled Copenhagen scenario names actors
    scenario = scenario_from_data(raw)
    assert [actor.id for actor in scenario.actors] == ["café", "China India"]
    assert check_id(decomposed) == "café"


def test_source_ids_that_look_alike_are_refused():
    raw = data(
        sources=[{"id": "nyt", "citation": "One"}, {"id": "NYT", "citation": "Two"}],
    )
    assert problems_in(raw) == [
        "sources[1].id: the source id 'NYT' looks like 'nyt' (sources[0]), but for 'N' (U+004E,"
        " LATIN CAPITAL LETTER N), 'Y' (U+0059, LATIN CAPITAL LETTER Y), 'T' (U+0054, LATIN"
        " CAPITAL LETTER T): ids must differ by more than case or look-alike letters, give one"
        " another id"
    ]


def test_a_csv_table_with_look_alike_actor_names_names_the_row(write):
    path = write(
        "names.csv",
        "actor,capability,position,salience\nUSA,1,10,50\nUS\u0410,1,90,50\n",
    )
    assert problems_of(path) == [
        "names.csv, row 3, column actor: the actor id 'USА' looks like 'USA' (actors[0]), but"
        " for 'А' (U+0410, CYRILLIC CAPITAL LETTER A): ids must differ by more than case or"
        " look-alike letters, give one another id"
    ]


# 2. YAML 1.1 readings and truth values -----------------------------------------------------


def test_yaml_is_read_as_yaml_1_2(write):
    path = write(
        "old.yaml",
        """
        title: T
        issues:
          - id: tax
            max: 1:30
        actors:
          - id: a
            capability: yes
            issues:
              tax: {position: 017, salience: 50}
          - id: b
            capability: 1
            issues:
              tax: {position: 80, salience: on}
        """,
    )
    assert problems_of(path) == [
        "old.yaml, line 4, issues[0].max: '1:30' is not a number",
        "old.yaml, line 7, actors[0].capability: 'yes' is not a number",
        "old.yaml, line 13, actors[1].issues.tax.salience: 'on' is not a number",
    ]


def test_leading_zeros_are_decimal_and_0o_is_octal(write):
    path = write("zeros.yaml", TWO_ACTORS.format(first="a", second="b"))
    text = path.read_text().replace("position: 10", "position: 017")
    path.write_text(text.replace("position: 90", "position: 0o17"))
    scenario = load_scenario(path)
    assert [actor.issues["tax"].position for actor in scenario.actors] == [17.0, 15.0]


def test_yes_and_no_are_text_where_text_is_expected(write):
    path = write("norway.yaml", TWO_ACTORS.format(first="NO", second="yes"))
    assert [actor.id for actor in load_scenario(path).actors] == ["NO", "yes"]


@pytest.mark.parametrize("where", ["capability", "position", "salience"])
def test_a_truth_value_where_a_number_is_expected_is_refused(where):
    raw = data()
    target = raw["actors"][1] if where == "capability" else raw["actors"][1]["issues"]["tax"]
    target[where] = True
    path = "actors[1]." + ("capability" if where == "capability" else f"issues.tax.{where}")
    assert problems_in(raw) == [
        f"{path}: true is a truth value, not a number: write the number itself"
    ]


def test_a_truth_value_in_a_yaml_file_is_refused_with_its_line(write):
    path = write("truth.yaml", TWO_ACTORS.format(first="a", second="b"))
    path.write_text(path.read_text().replace("salience: 50}", "salience: true}", 1))
    assert problems_of(path) == [
        "truth.yaml, line 8, actors[0].issues.tax.salience: true is a truth value, not a number:"
        " write the number itself"
    ]


def test_yaml_written_by_flashpoint_quotes_what_either_yaml_reads_otherwise(tmp_path):
    raw = data()
    raw["actors"][0]["label"] = "1e5"  # text in YAML 1.1, a number in 1.2
    raw["actors"][1]["label"] = "yes"  # a truth value in YAML 1.1, text in 1.2
    scenario = scenario_from_data(raw)
    path = save_scenario(scenario, tmp_path / "s.yaml")
    assert "label: '1e5'" in path.read_text()
    assert "label: 'yes'" in path.read_text()
    assert load_scenario(path) == scenario


# 3. numbers too large to compute with -----------------------------------------------------


def test_a_scale_of_the_largest_floats_is_refused(write):
    path = write("huge.yaml", TWO_ACTORS.format(first="a", second="b"))
    text = path.read_text().replace(
        "  - id: tax\n", "  - id: tax\n    min: -1.7e308\n    max: 1.7e308\n"
    )
    path.write_text(text)
    too_large = (
        "is too large to compute with: a number here is at most 1e+15 in size (choose larger"
        " units for the scale, e.g. billions)"
    )
    assert problems_of(path) == [
        f"huge.yaml, line 4, issues[0].min: -1.7e+308 {too_large}",
        f"huge.yaml, line 5, issues[0].max: 1.7e+308 {too_large}",
    ]


@pytest.mark.parametrize(
    ("field", "value"),
    [("no_deal_cost", 1e300), ("red_line", -1e16), ("position", 2e15)],
)
def test_every_number_of_a_stance_is_bounded(field, value):
    raw = data()
    raw["actors"][0]["issues"]["tax"][field] = value
    found = problems_in(raw)
    assert any(f"actors[0].issues.tax.{field}: " in line and "1e+15" in line for line in found)


def _numbers(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _numbers(item)
    elif isinstance(value, list):
        for item in value:
            yield from _numbers(item)
    elif isinstance(value, float):
        yield value


def test_a_scale_at_the_bound_gives_only_finite_numbers_in_json(write, tmp_path, monkeypatch):
    monkeypatch.setenv("FLASHPOINT_STORE", str(tmp_path / "runs.sqlite"))
    path = write(
        "edge.yaml",
        """
        title: T
        issues:
          - {id: tax, min: -1e15, max: 1e15, reversion: 0, consent: [a]}
        actors:
          - id: a
            capability: 1e12
            issues:
              tax: {position: -1e15, salience: 100, no_deal_cost: 1e15, red_line: 1e15}
          - id: b
            capability: 1
            issues:
              tax: {position: 1e15, salience: 100}
        uncertainty:
          - {actor: b, issue: tax, field: position, distribution: normal, sd: 1e15}
        """,
    )
    result = CliRunner().invoke(app, ["forecast", str(path), "--draws", "50", "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout[result.stdout.index("{") :])
    numbers = list(_numbers(document))
    assert numbers and all(math.isfinite(number) for number in numbers)


# 4. CSV injection --------------------------------------------------------------------------

FORMULAS = {
    "a": '=HYPERLINK("http://example.com","x")',
    "b": "=cmd|' /C calc'!A0",
    "c": "@SUM(1+1)",
    "d": "+1",
    "e": "-5",
    "f": "'=already quoted",
    "g": "'s-Hertogenbosch",
}


def _injected():
    actors = [
        {
            "id": key,
            "label": label,
            "capability": 1,
            "issues": {"tax": {"position": -5, "salience": 50, "position_note": "-2 since May"}},
        }
        for key, label in FORMULAS.items()
    ]
    return scenario_from_data(
        data(issues=[{"id": "tax", "label": "=1+1", "min": -10, "max": 10}], actors=actors)
    )


def test_csv_cells_that_a_spreadsheet_would_run_are_quoted(tmp_path):
    path = save_scenario(_injected(), tmp_path / "case.csv")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[1] == (
        'a,"\'=HYPERLINK(""http://example.com"",""x"")",tax,\'=1+1,-10,10,1,-5,50,\'-2 since May,,'
    )
    cells = {
        line.split(",")[0]: line.split(",")[1] for line in lines[2:] if "HYPERLINK" not in line
    }
    assert cells["b"] == "'=cmd|' /C calc'!A0"
    assert cells["c"] == "'@SUM(1+1)"
    assert cells["d"] == "'+1"
    assert cells["e"] == "'-5"
    assert cells["f"] == "''=already quoted"
    assert cells["g"] == "'s-Hertogenbosch"  # no formula after the quote: as it is


def test_quoted_csv_cells_read_back_as_they_were(tmp_path):
    scenario = _injected()
    again = load_scenario(save_scenario(scenario, tmp_path / "case.csv"))
    assert again.actors == scenario.actors
    assert again.issues == scenario.issues
    assert [actor.label for actor in again.actors] == list(FORMULAS.values())


def test_result_tables_written_as_csv_quote_their_texts(tmp_path):
    frame = pandas.DataFrame({"label": ["=1+1", "plain", "-x"], "value": [-5.0, 2.0, -1.5]})
    path = write_table(frame, tmp_path / "out.csv")
    assert path.read_text().splitlines() == [
        "label,value",
        "'=1+1,-5.0",
        "plain,2.0",
        "'-x,-1.5",
    ]


# 5. control characters and noncharacters ---------------------------------------------------


@pytest.mark.parametrize(
    ("written", "what"),
    [
        ('"bell\\a"', "a control character, the invisible character U+0007"),
        ('"end\\uFFFE"', "a noncharacter, the invisible character U+FFFE"),
        ('"line\\nbreak"', "a control character, a line break (U+000A)"),
    ],
)
def test_a_label_that_a_workbook_cannot_hold_is_refused_with_its_line(write, written, what):
    path = write("labels.yaml", TWO_ACTORS.format(first="a", second="b"))
    path.write_text(path.read_text().replace("  - id: b\n", f"  - id: b\n    label: {written}\n"))
    found = problems_of(path)
    assert len(found) == 1
    assert found[0].startswith("labels.yaml, line 10, actors[1].label: the text '")
    assert f"holds {what}, that a workbook or a table cannot hold: delete it" in found[0]


def test_descriptions_and_notes_keep_tabs_and_line_breaks(tmp_path):
    raw = data(description="one\r\ntwo\tthree\rfour")
    raw["actors"][0]["issues"]["tax"]["position_note"] = "first\nsecond"
    scenario = scenario_from_data(raw)
    assert scenario.description == "one\ntwo\tthree\nfour"
    for suffix in (".xlsx", ".yaml", ".json"):
        assert load_scenario(save_scenario(scenario, tmp_path / f"s{suffix}")) == scenario
    problems = problems_in(data(description="bell\x07"))
    assert problems[0].startswith("description: the text 'bell<U+0007>' holds a control")


def test_converting_a_file_with_a_control_character_gives_a_located_error(write, tmp_path):
    path = write("bell.yaml", TWO_ACTORS.format(first="a", second="b"))
    path.write_text(path.read_text().replace("title: T", 'title: "T\\x1b[31m"'))
    result = CliRunner().invoke(app, ["convert", str(path), str(tmp_path / "bell.xlsx")])
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert "title" in result.output and "U+001B" in result.output


printable = st.text(st.characters(codec="utf-8"), max_size=12).map(
    lambda text: "".join(char for char in text if char.isprintable()).strip()
)


@st.composite
def labelled_scenarios(draw):
    actors = [
        {
            "id": key,
            "label": draw(printable),
            "capability": 2,
            "issues": {
                "tax": {"position": 20 + 10 * k, "salience": 50, "position_note": draw(printable)},
                "aid": {"position": 70 - 10 * k, "salience": 40, "salience_note": draw(printable)},
            },
        }
        for k, key in enumerate(("a", "b", "c"))
    ]
    issues = [{"id": "tax", "label": draw(printable)}, {"id": "aid", "label": draw(printable)}]
    return build_scenario({"title": draw(printable) or "t", "issues": issues, "actors": actors})


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(scenario=labelled_scenarios())
def test_printable_labels_survive_xlsx_and_csv(tmp_path, scenario):
    yaml_path = save_scenario(scenario, tmp_path / "s.yaml")
    from_yaml = load_scenario(yaml_path)
    assert from_yaml == scenario
    again = load_scenario(save_scenario(from_yaml, tmp_path / "s.xlsx"))
    assert load_scenario(save_scenario(again, tmp_path / "again.yaml")) == scenario
    table = load_scenario(save_scenario(from_yaml, tmp_path / "s.csv"))
    back = load_scenario(save_scenario(table, tmp_path / "back.yaml"))
    assert back.actors == scenario.actors
    assert back.issues == scenario.issues
