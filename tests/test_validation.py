"""The native format (YAML/JSON): every kind of problem, reported with its exact place and words."""

from __future__ import annotations

import json

import pytest

from flashpoint.scenario import Scenario, ScenarioError, build_scenario, load_scenario

from .conftest import MINIMAL, problems_of


def test_minimal_scenario_loads(write):
    scenario = load_scenario(write("ok.yaml", MINIMAL))
    assert isinstance(scenario, Scenario)
    assert scenario.id == "ok"  # from the file name when the file gives none
    assert [a.id for a in scenario.actors] == ["a", "b"]
    assert scenario.actor("a").label == "a"
    assert scenario.issue("tax").label == "tax"


def test_json_is_read_like_yaml(write, tmp_path):
    data = {
        "title": "T",
        "issues": [{"id": "tax"}],
        "actors": [
            {"id": "a", "capability": -2, "issues": {"tax": {"position": 5, "salience": 1}}}
        ],
    }
    path = tmp_path / "s.json"
    path.write_text(json.dumps(data, indent=2))
    assert problems_of(path) == [
        "s.json, line 11, actors[0].capability: -2 is negative; it must be 0 or more"
    ]


BROKEN = """
title: Test
salience_scael: 100
issues:
  - id: tax
    min: 0
    max: 100
    anchors: {0: none, 150: "too far"}
  - id: 2bad
  - id: spend
    min: 50
    max: 10
actors:
  - id: a
    capability: -1
    issues:
      tax: {position: 120, salience: 50}
      taxx: {position: 1, salience: 1}
  - id: b
    capability: "lots"
    issues:
      tax: {position: 90, salience: 500}
  - id: c
    issues:
      tax: {position: abc, salience: 50}
  - id: d
    issues:
      tax: {position: 5, salience: 5}
  - id: a
    capability: 1
    issues:
      tax: {position: 5, salience: 5}
uncertainty:
  - {actor: a, issue: tax, field: position, distribution: uniform, low: 10}
  - {actor: zz, issue: tax, field: position, distribution: normal, sd: 3}
  - {actor: d, issue: tax, field: salience, distribution: beta, sd: 40}
  - {actor: d, issue: tax, field: position, distribution: triangular, low: 10, high: 20}
outcomes:
  - {id: deal, when: otherwise}
  - {id: nodeal, when: "tax => 50"}
  - {id: x, when: {all: ["tax >= 500", "spendd <= 3"]}}
shocks:
  - id: s1
    changes:
      - {actor: q, drop: true}
      - {actor: d, issue: tax, field: position, set: 200}
      - {actor: d, issue: tax, field: position}
"""


def test_every_problem_is_reported_at_once_with_line_and_path(write):
    assert problems_of(write("bad.yaml", BROKEN)) == [
        "bad.yaml, line 2, salience_scael: unknown field 'salience_scael' (did you mean 'salience_scale'?)",
        "bad.yaml, line 7, issues[0].anchors[150]: the anchor at 150 is outside the scale 0 to 100",
        "bad.yaml, line 8, issues[1].id: '2bad' is not a valid id: start with a letter, then use letters, digits, '_' or '-'",
        "bad.yaml, line 11, issues[2].max: the scale's max (10) must be above its min (50)",
        "bad.yaml, line 14, actors[0].capability: -1 is negative; it must be 0 or more",
        "bad.yaml, line 16, actors[0].issues.tax.position: 120 is above the upper bound 100 of issue 'tax' (scale 0 to 100)",
        "bad.yaml, line 17, actors[0].issues.taxx: unknown issue 'taxx' (did you mean 'tax'?)",
        "bad.yaml, line 19, actors[1].capability: 'lots' is not a number",
        "bad.yaml, line 21, actors[1].issues.tax.salience: 500 is above the salience scale's maximum 100",
        "bad.yaml, line 24, actors[2].issues.tax.position: 'abc' is not a number",
        "bad.yaml, line 27, actors[3].issues.tax.capability: actor 'd' has no capability on issue 'tax':"
        " give the actor a capability, or give it one on this issue",
        "bad.yaml, line 28, actors[4].id: the actor id 'a' is used more than once",
        "bad.yaml, line 33, uncertainty[0]: a uniform distribution needs high",
        "bad.yaml, line 34, uncertainty[1].actor: unknown actor 'zz' (actors: a, b, c, d)",
        "bad.yaml, line 35, uncertainty[2].sd: sd 40 is too large for a beta distribution with mean 5 on 0 to 100:"
        " it must be below 21.8",
        "bad.yaml, line 36, uncertainty[3]: the stated value 5 of the position on issue 'tax' lies outside its own range 10 to 20",
        "bad.yaml, line 38, outcomes[0].when: 'otherwise' catches every prediction, so it must be the last future listed",
        "bad.yaml, line 39, outcomes[1].when: cannot read the condition 'tax => 50': write it as '<issue> <op> <number>',"
        " e.g. 'denuclearization >= 70', with op one of >=, <=, >, <",
        "bad.yaml, line 40, outcomes[2].when.all[0]: the threshold 500 in 'tax >= 500' is outside the scale 0 to 100 of issue 'tax'",
        "bad.yaml, line 40, outcomes[2].when.all[1]: unknown issue 'spendd' (did you mean 'spend'?)",
        "bad.yaml, line 44, shocks[0].changes[0].actor: unknown actor 'q' (actors: a, b, c, d)",
        "bad.yaml, line 45, shocks[0].changes[1].set: 200 is outside the range of the position on issue 'tax' (0 to 100)",
        "bad.yaml, line 46, shocks[0].changes[2]: give exactly one of set (a new value) or shift (an amount to add)",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ["empty.yaml: the file is empty"]),
        (
            "title: [unclosed\n",
            [
                "empty.yaml, line 2: this is not valid YAML or JSON: expected ',' or ']', but got '<stream end>'"
            ],
        ),
        (
            "- just\n- a list\n",
            [
                "empty.yaml, line 1: a scenario must be a mapping of fields (title, issues, actors, ...)"
            ],
        ),
        (
            "issues: []\nactors: []\n",
            [
                "empty.yaml, line 1, title: title is missing",
                "empty.yaml, line 1, issues: the scenario has no issues: list at least one",
                "empty.yaml, line 2, actors: the scenario has no actors: list at least one",
            ],
        ),
        (
            "title: T\ntitle: U\nissues: [{id: x}]\nactors: [{id: a, capability: 1, issues: {x: {position: 1, salience: 1}}}]\n",
            ["empty.yaml, line 2: 'title' appears twice in the same mapping (first at line 1)"],
        ),
        (
            "title: T\nas_of: 12/09/2018\nissues: [{id: x}]\nactors: [{id: a, capability: 1, issues: {x: {position: 1, salience: 1}}}]\n",
            ["empty.yaml, line 2, as_of: '12/09/2018' is not a date: write it as YYYY-MM-DD"],
        ),
        (
            "title: T\nissues: [{id: x}]\nactors: [{id: a, capability: 0, issues: {x: {position: 1, salience: 1}}}]\n",
            [
                "empty.yaml, line 2, issues[0]: no actor has both a capability and a salience above 0 on issue 'x', so no model can forecast it"
            ],
        ),
        (
            "title: T\nissues: [{id: x}]\nactors: [{id: a, capability: 1, issues: {}}]\n",
            [
                "empty.yaml, line 2, issues[0]: no actor has both a capability and a salience above 0 on issue 'x', so no model can forecast it",
                "empty.yaml, line 3, actors[0].issues: actor 'a' takes part in no issue: give it a position and salience on one",
            ],
        ),
    ],
)
def test_file_level_problems(write, text, expected):
    path = write("empty.yaml", text)
    assert problems_of(path) == expected


def test_shock_that_leaves_an_issue_without_weight_is_reported(write):
    text = (
        MINIMAL
        + """
shocks:
  - id: wipe
    changes:
      - {actor: a, drop: true}
      - {actor: b, issue: tax, field: salience, set: 0}
"""
    )
    assert problems_of(write("s.yaml", text)) == [
        "s.yaml, line 17, shocks[0]: after shock 'wipe': no actor has both a capability and a salience above 0"
        " on issue 'tax', so no model can forecast it"
    ]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            "{actor: a, issue: tax, field: position, distribution: normal, sd: 5, mode: 3}",
            "uncertainty[0]: a normal distribution takes no mode (it takes high, low, mean and sd)",
        ),
        (
            "{actor: a, issue: tax, field: position, distribution: uniform, low: 50, high: 20}",
            "uncertainty[0]: low (50) must be below high (20)",
        ),
        (
            "{actor: a, issue: tax, field: position, distribution: normal, sd: 5, correlation: 0.5}",
            "uncertainty[0]: a correlation needs a group: the factor the input is correlated with",
        ),
        (
            "{actor: a, field: salience, distribution: normal, sd: 5}",
            "uncertainty[0].issue: a salience needs an issue",
        ),
        (
            "{actor: a, issue: tax, field: capability, distribution: beta, sd: 1}",
            "uncertainty[0].high: a beta distribution of the capability on issue 'tax' needs a finite high",
        ),
        (
            "{actor: a, issue: tax, field: position, distribution: uniform, low: -5, high: 20}",
            "uncertainty[0].low: low -5 is outside the range of the position on issue 'tax' (0 to 100)",
        ),
        (
            "{actor: a, issue: tax, field: position, distribution: gamma, sd: 1}",
            "uncertainty[0].distribution: 'gamma' is not one of 'uniform', 'triangular', 'normal' or 'beta'",
        ),
    ],
)
def test_uncertainty_problems(write, entry, message):
    path = write("u.yaml", MINIMAL + "uncertainty:\n  - " + entry + "\n")
    assert problems_of(path) == [f"u.yaml, line 16, {message}"]


def test_build_scenario_from_plain_data_names_paths():
    with pytest.raises(ScenarioError) as caught:
        build_scenario(
            {
                "title": "T",
                "issues": [{"id": "x"}],
                "actors": [{"id": "a", "issues": {"x": {"position": 1}}}],
            }
        )
    assert [str(p) for p in caught.value.problems] == [
        "actors[0].issues.x.salience: salience is missing"
    ]


def test_scenario_error_message_lists_every_problem(write):
    with pytest.raises(ScenarioError, match=r"2 problems in the scenario:\n  - .*\n  - .*"):
        load_scenario(
            write(
                "two.yaml",
                "title: T\nissues: [{id: x, max: -1}]\nactors: [{id: a, capability: -1, issues: {x: {position: 1, salience: 1}}}]\n",
            )
        )


def test_notes_cite_sources_by_id(write):
    sourced = """
        title: Sourced
        sources:
          - {id: article, citation: "An article, 12 September 2018."}
          - {id: summit, citation: "A joint statement, 12 June 2018."}
        issues:
          - {id: x, reversion: 10, reversion_source: artcle}
        actors:
          - id: a
            capability: 1
            capability_source: [article, nowhere]
            issues:
              x: {position: 10, salience: 1, position_source: "summit, press"}
          - {id: b, capability: 1, issues: {x: {position: 90, salience: 1}}}
        uncertainty:
          - {actor: a, issue: x, field: position, distribution: uniform, low: 0, high: 20,
             source: [summit]}
        """
    assert problems_of(write("sourced.yaml", sourced)) == [
        "sourced.yaml, line 6, issues[0].reversion_source[0]: unknown source 'artcle' (did you"
        " mean 'article'?): cite the id of an entry under sources",
        "sourced.yaml, line 10, actors[0].capability_source[1]: unknown source 'nowhere'"
        " (sources: article, summit): cite the id of an entry under sources",
        "sourced.yaml, line 12, actors[0].issues.x.position_source[1]: unknown source 'press'"
        " (sources: article, summit): cite the id of an entry under sources",
    ]
    fixed = sourced.replace("artcle", "article").replace(", nowhere", "").replace(", press", "")
    scenario = load_scenario(write("fixed.yaml", fixed))
    assert scenario.issues[0].reversion_source == ["article"]
    assert scenario.actor("a").issues["x"].position_source == ["summit"]
    assert scenario.uncertainty[0].source == ["summit"]
    unlisted = "\n".join(line for line in fixed.splitlines() if "id: summit" not in line)
    assert problems_of(write("unlisted.yaml", unlisted))[0].endswith(
        "unknown source 'summit' (sources: article): cite the id of an entry under sources"
    )
    bare = "\n".join(line for line in unlisted.splitlines() if "id: article" not in line)
    assert problems_of(write("bare.yaml", bare.replace("sources:", "")))[0].endswith(
        "unknown source 'article': the scenario lists no sources; add one with id 'article' and"
        " its citation under sources"
    )


# --- libyaml and PyYAML's own parser read the same ----------------------------------------------

CORE_SCHEMA_TEXT = """\
truths: [true, True, FALSE, yes, no, on, off]
numbers: [017, 0o17, 0x1F, 1e5, -2.5, .inf, -.Inf, .nan, 1:30, +3]
text: [2018-06-12, "017", ~, null, 'a: b']
anchored: &shared {position: 10, salience: 0.5}
reused: *shared
"""


def _mutations(text: str) -> list[str]:
    """Text with one thing wrong or odd each (a broken bracket, a tab, a key twice, a line cut
    short, a value that YAML 1.1 and 1.2 read differently...)."""
    lines = text.splitlines(keepends=True)
    middle = len(lines) // 2
    return [
        text,
        text + "\nextra: [1, 2\n",
        text.replace(":", ":\t", 1),
        "".join(lines[:middle] + [lines[middle].rstrip() + " {\n"] + lines[middle + 1 :]),
        "".join(lines[:middle] + lines[middle + 1 :]),
        "".join(lines[: middle + 1] + [lines[middle]] + lines[middle + 1 :]),
        text.replace("0.", "017 ", 1),
        text.replace("true", "yes", 1),
        "",
        "- just\n- a list\n",
        "key: 'unterminated\n",
        "a: b\n  c: d\n",
    ]


def _read(text: str):
    from flashpoint.scenario.native import read_native

    try:
        data, origin, problems = read_native(text, "x.yaml")
    except ScenarioError as error:
        return "error", [(str(p.location), p.message) for p in error.problems]
    return data, dict(origin.places), [(str(p.location), p.message) for p in problems]


@pytest.mark.parametrize(
    "scenario", ["korea-2018", "cop21-paris-2015", "copenhagen-2009", "china-soe-reform-2014"]
)
def test_libyaml_reads_what_pyyamls_parser_reads_with_the_same_lines_and_words(
    scenario, monkeypatch
):
    import math
    from pathlib import Path

    import flashpoint
    from flashpoint.scenario import native

    if native._FAST is None:
        pytest.skip("this PyYAML was built without libyaml")
    bundled = Path(flashpoint.__file__).parent / "data" / "scenarios" / f"{scenario}.yaml"
    texts = _mutations(bundled.read_text(encoding="utf-8")) + [CORE_SCHEMA_TEXT]
    fast = [_read(text) for text in texts]
    monkeypatch.setattr(native, "_FAST", None)  # PyYAML's parser only
    slow = [_read(text) for text in texts]
    for text, one, other in zip(texts, fast, slow, strict=True):
        assert repr(one) == repr(other), text[:200]
    core = fast[-1][0]
    assert core["truths"] == [True, True, False, "yes", "no", "on", "off"]
    assert core["numbers"][:6] == [17, 15, 31, 100000.0, -2.5, math.inf]
    assert core["numbers"][8:] == ["1:30", 3] and core["reused"] == core["anchored"]
