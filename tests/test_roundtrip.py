"""Writers: what is written reads back the same (YAML, JSON, Excel workbook, CSV actor table)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

import flashpoint
from flashpoint.scenario import build_scenario, load_scenario, save_scenario
from flashpoint.scenario.characters import is_noncharacter

from .conftest import problems_of

BUNDLED = flashpoint.bundled_names()


@pytest.mark.parametrize("name", BUNDLED)
@pytest.mark.parametrize("suffix", [".yaml", ".json", ".xlsx"])
def test_bundled_scenarios_survive_a_round_trip(tmp_path, name, suffix):
    scenario = load_scenario(name)
    path = save_scenario(scenario, tmp_path / f"copy{suffix}")
    assert load_scenario(path) == scenario


RUN_SETTINGS = {
    "seed": 3707583219545544125,
    "model_options": {
        "smp": {
            "voting_rule": "Prop",
            "risk_adjust": "None",
            "accommodation": [
                {"actor": "north_korea", "towards": "north_korea", "rate": 0.5},
                {"actor": "north_korea", "towards": "china", "rate": 0.25},
            ],
        },
        "eum": {"rounds": 3, "status_quo_probability": 0.5, "stop_at_repeat": False},
        "other": {
            "word": "yes",
            "number_as_text": "1e5",
            "small": 1e-05,
            "empty": "",
            "none": None,
        },
    },
}


@pytest.mark.parametrize("suffix", [".yaml", ".json", ".xlsx"])
def test_seed_and_model_options_survive_a_round_trip(tmp_path, suffix):
    scenario = load_scenario("korea-2018").model_copy(update=RUN_SETTINGS)
    again = load_scenario(save_scenario(scenario, tmp_path / f"copy{suffix}"))
    if suffix == ".json":  # YAML 1.1, which reads JSON here, takes 1e-05 (no dot) for text
        again.model_options["other"]["small"] = float(again.model_options["other"]["small"])
    assert again == scenario
    assert again.seed == RUN_SETTINGS["seed"]
    assert again.model_options == RUN_SETTINGS["model_options"]


@pytest.mark.parametrize("suffix", [".yaml", ".json", ".xlsx"])
def test_actual_outcomes_survive_a_round_trip(tmp_path, suffix):
    scenario = load_scenario("korea-2018")
    decided = [
        issue.model_copy(update={"actual": 12.5 * k}) for k, issue in enumerate(scenario.issues)
    ]
    scenario = scenario.model_copy(update={"issues": decided})
    again = load_scenario(save_scenario(scenario, tmp_path / f"decided{suffix}"))
    assert [issue.actual for issue in again.issues] == [12.5 * k for k in range(6)]


def test_seed_zero_is_kept_and_the_csv_drops_run_settings(tmp_path):
    scenario = load_scenario("korea-2018").model_copy(update={"seed": 0})
    assert load_scenario(save_scenario(scenario, tmp_path / "zero.yaml")).seed == 0
    assert load_scenario(save_scenario(scenario, tmp_path / "zero.xlsx")).seed == 0
    table = load_scenario(
        save_scenario(scenario.model_copy(update=RUN_SETTINGS), tmp_path / "table.csv")
    )
    assert table.seed is None and table.model_options == {}


def test_workbook_model_options_sheet_as_an_analyst_fills_it_in(tmp_path):
    path = tmp_path / "case.xlsx"
    save_scenario(load_scenario("eu-emissions-1985"), path)
    book = load_workbook(path)
    book["scenario"].append(["Seed", 7])
    seed_row = book["scenario"].max_row
    book["model_options"].append(["eum", "rounds", 4])
    book["model_options"].append(["eum", "preset", "literal"])
    book.save(path)
    scenario = load_scenario(path)
    assert scenario.seed == 7
    assert scenario.model_options == {"eum": {"rounds": 4, "preset": "literal"}}
    book["model_options"].append(["eum", "rounds", 5])
    book["model_options"].append(["eum", "", 5])
    book["scenario"][f"B{seed_row}"] = "many"
    book.save(path)
    assert problems_of(path) == [
        "case.xlsx, sheet model_options, row 4: a second row for option 'rounds' of model 'eum'",
        "case.xlsx, sheet model_options, row 5, column option: the option is missing",
        f"case.xlsx, sheet scenario, row {seed_row}, column value: 'many' is not a whole number",
    ]


def test_yaml_writer_is_canonical(tmp_path):
    scenario = load_scenario("korea-2018")
    first = save_scenario(scenario, tmp_path / "a.yaml").read_text()
    second = save_scenario(load_scenario(tmp_path / "a.yaml"), tmp_path / "b.yaml").read_text()
    assert first == second
    assert "as_of: 2018-09-12\n" in first
    assert "- denuclearization >= 80\n" in first


def test_csv_round_trip_keeps_the_actor_table(tmp_path):
    scenario = load_scenario("copenhagen-2009")
    path = save_scenario(scenario, tmp_path / "copenhagen.csv")
    again = load_scenario(path)
    assert again.actors == scenario.actors
    assert again.issues == [
        issue.model_copy(update={"description": "", "anchors": {}}) for issue in scenario.issues
    ]
    assert again.salience_scale == scenario.salience_scale


def test_csv_round_trip_of_issue_specific_capabilities(tmp_path):
    scenario = load_scenario("korea-2018")
    path = save_scenario(scenario, tmp_path / "korea.csv")
    again = load_scenario(path)
    for actor in scenario.actors:
        for issue in actor.issues:
            assert again.actor(actor.id).capability_on(issue) == actor.capability_on(issue)
            assert (
                again.actor(actor.id).issues[issue].position_note
                == actor.issues[issue].position_note
            )


def test_template_is_a_workbook_to_fill_in(tmp_path):
    path = tmp_path / "case.xlsx"
    flashpoint.scenario.workbook.write_workbook(None, path)
    book = load_workbook(path)
    assert book.sheetnames == [
        "README",
        "scenario",
        "sources",
        "issues",
        "anchors",
        "actors",
        "positions",
        "uncertainty",
        "outcomes",
        "shocks",
        "model_options",
    ]
    assert [c.value for c in book["positions"][1]] == [
        "actor",
        "issue",
        "position",
        "salience",
        "capability",
        "no_deal_cost",
        "red_line",
        "position_note",
        "position_source",
        "salience_note",
        "salience_source",
        "capability_note",
        "capability_source",
        "no_deal_cost_note",
        "no_deal_cost_source",
        "red_line_note",
        "red_line_source",
    ]
    fill = {row[0].value: row for row in book["scenario"].iter_rows(min_row=2)}
    fill["title"][1].value = "Trade talks"
    book["issues"].append(["tariffs", "Tariffs", "", 0, 100])
    book["anchors"].append(["tariffs", 0, "free trade"])
    book["actors"].append(["us", "United States", "", 10, ""])
    book["actors"].append(["cn", "China", "", 8, ""])
    book["positions"].append(["us", "tariffs", 80, 90])
    book["positions"].append(["cn", "tariffs", 10, 70])
    book["outcomes"].append(["war", "Trade war", "", "tariffs >= 50"])
    book["outcomes"].append(["peace", "Truce", "", "otherwise"])
    book["shocks"].append(["deal", "A deal", "", "us", "tariffs", "position", 20, None, None])
    book.save(path)
    scenario = load_scenario(path)
    assert scenario.title == "Trade talks"
    assert scenario.issue("tariffs").anchors == {0: "free trade"}
    assert [o.id for o in scenario.outcomes] == ["war", "peace"]
    result = flashpoint.forecast(scenario, ["compromise"], shocks=["deal"])
    assert result["compromise"].future == "peace"


def test_workbook_problems_name_sheet_row_and_column(tmp_path):
    path = tmp_path / "case.xlsx"
    save_scenario(load_scenario("eu-emissions-1985"), path)
    book = load_workbook(path)
    book["positions"]["D3"] = 7  # Belgium's salience on a 0-1 scale
    book["positions"].append(["Spain", "emission_standards", 5, 0.5])
    book["actors"]["H1"] = "flag"
    book.create_sheet("notes")
    book.create_sheet("# my notes")
    book.save(path)
    assert problems_of(path) == [
        "case.xlsx, sheet actors, row 1, column flag: unknown column 'flag' (columns: id, label, description, capability, capability_note, capability_source, colour)",
        "case.xlsx, sheet notes: unknown sheet 'notes' (a sheet of your own whose name starts with # is ignored)",
        "case.xlsx, sheet positions, row 3, column salience: 7 is above the salience scale's maximum 1",
        "case.xlsx, sheet positions, row 12, column actor: actor 'Spain' is not on the actors sheet",
    ]


ids = st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True)


@st.composite
def scenarios(draw):
    issue_ids = draw(st.lists(ids, min_size=1, max_size=3, unique=True))
    actor_ids = draw(st.lists(ids, min_size=1, max_size=4, unique=True))
    number = st.floats(0, 100, allow_nan=False).map(lambda v: round(v, 3))
    text = (  # no noncharacters (U+FFFE, ...): a scenario refuses them (issue #36)
        st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=20)
        .map(lambda t: "".join(c for c in t if not is_noncharacter(c)))
        .map(str.strip)
    )
    actors = []
    for actor in actor_ids:
        stances = {
            issue: {"position": draw(number), "salience": draw(number), "position_note": draw(text)}
            for issue in draw(st.lists(st.sampled_from(issue_ids), min_size=1, unique=True))
        }
        actors.append(
            {"id": actor, "label": draw(text), "capability": draw(number) + 1, "issues": stances}
        )
    for issue in issue_ids:  # make every issue forecastable
        actors[0]["issues"].setdefault(issue, {"position": 50, "salience": 50})
        actors[0]["issues"][issue]["salience"] = max(actors[0]["issues"][issue]["salience"], 1)
    return build_scenario(
        {
            "title": draw(text) or "t",
            "issues": [{"id": i, "label": draw(text)} for i in issue_ids],
            "actors": actors,
        }
    )


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(scenario=scenarios())
def test_generated_scenarios_survive_yaml_and_json(tmp_path, scenario):
    for suffix in (".yaml", ".json"):
        assert load_scenario(save_scenario(scenario, tmp_path / f"s{suffix}")) == scenario


def test_a_csv_actor_table_keeps_the_terms_of_agreement(tmp_path):
    korea = load_scenario("korea-2018")
    again = load_scenario(save_scenario(korea, tmp_path / "korea.csv"))
    for before, after in zip(korea.issues, again.issues, strict=True):
        assert after.reversion == before.reversion
        assert sorted(after.consent) == sorted(before.consent)
    assert "agreement as one package" in flashpoint.left_out_of_csv(korea)
    plain = load_scenario(save_scenario(load_scenario("eu-emissions-1985"), tmp_path / "eu.csv"))
    assert "reversion" not in (tmp_path / "eu.csv").read_text().splitlines()[0]
    assert all(issue.reversion is None for issue in plain.issues)


def test_csv_terms_of_agreement_with_problems(write):
    path = write(
        "terms.csv",
        "actor,issue,capability,position,salience,reversion,consent,no_deal_cost\n"
        "a,x,1,10,50,20,yes,5\n"
        "b,x,1,90,50,30,maybe,\n",
    )
    assert problems_of(path) == [
        "terms.csv, row 3, column reversion: issue 'x' has reversion 20 on an earlier row; one"
        " reversion point per issue",
        "terms.csv, row 3, column consent: 'maybe' is not yes or no",
    ]
