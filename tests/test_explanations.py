"""Explanations that are true (#35, item 2): every claim that `flashpoint explain` and the
report make is computed from the run, and tested where it holds and where it does not."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from flashpoint.analysis.brief import _refusals_judgement
from flashpoint.report.sections.agreement import refusers_text

from .conftest import KOREA_FROZEN
from .test_cli import run

# North cares most about arms cuts (90 > 80), West hardly about aid (10): Stokman's ratios make
# North concede on arms cuts (90/80 = 1.12 < West's 90/10 = 9), its most salient issue, and West
# on aid (10/90 = 0.11 < North's 80/90 = 0.89), its least salient one. The scales run 0 to 10.
TRADERS = """
title: Two traders
issues:
  - {id: arms, label: Arms cuts, min: 0, max: 10}
  - {id: aid, label: Aid, min: 0, max: 10}
actors:
  - id: north
    label: North
    capability: 1
    issues: {arms: {position: 0, salience: 90}, aid: {position: 0, salience: 80}}
  - id: west
    label: West
    capability: 1
    issues: {arms: {position: 10, salience: 90}, aid: {position: 10, salience: 10}}
"""

# One issue that needs Hold's consent, whose red line (20) the others' weighted median (80)
# crosses: the bargain is refused and the outcome falls back to the reversion point (0).
REFUSED = """
title: A refused bargain
issues:
  - {id: deal, label: Deal, min: 0, max: 100, reversion: 0, consent: [hold]}
actors:
  - {id: hold, label: Hold, capability: 1, issues: {deal: {position: 10, salience: 90, red_line: 20}}}
  - {id: push, label: Push, capability: 3, issues: {deal: {position: 80, salience: 90}}}
  - {id: lean, label: Lean, capability: 1, issues: {deal: {position: 70, salience: 40}}}
"""


def text_of(result) -> str:
    assert result.exit_code == 0, result.output
    return " ".join(result.output.replace("│", " ").split())


# 1. Who concedes what: the ratios of the run, not "the issue it cares less about"


def test_exchange_says_why_an_actor_concedes_its_most_salient_issue(write):
    """North concedes on arms cuts, the issue it cares most about: the old caption ("it
    concedes on an issue it cares less about") was false here; the reason gives the ratios."""
    text = text_of(run("explain", str(write("two.yaml", TRADERS)), "North", "-m", "exchange"))
    assert "cares less about" not in text
    assert "North concedes on arms cuts for aid: salience 90/80 = 1.12 against West's" in text
    assert "90/10 = 9.00." in text
    assert "the actor with the smaller ratio concedes on that issue" in text
    assert "even when it is the issue the actor cares most about" in text


def test_exchange_reason_where_the_conceded_issue_is_also_the_less_salient(write):
    path = str(write("two.yaml", TRADERS))
    text = text_of(run("explain", path, "West", "-m", "exchange", "-i", "aid", "--rounds", "1"))
    assert "West concedes on aid for arms cuts: salience 10/90 = 0.11 against North's" in text
    assert "80/90 = 0.89." in text


def test_exchange_reasons_for_north_korea_from_the_saliences_of_the_run():
    text = text_of(
        run(
            "explain", KOREA_FROZEN, "North Korea", "-m", "exchange", "-i", "denuclearization",
            "--rounds", "1",
        )
    )  # fmt: skip
    assert "cares less about" not in text
    assert (
        "North Korea concedes on denuclearization for security guarantee: salience 95/90 = 1.06"
        " against the United States' 95/45 = 2.11." in text
    )


# 2. Moves: per round in the units of the scale, the net change, and the gross sum said to be one


def test_exchange_moves_are_net_per_round_and_the_gross_sum_is_said_to_be_one(write):
    path = str(write("two.yaml", TRADERS))
    text = text_of(run("explain", path, "West", "-m", "exchange", "-i", "aid"))
    assert "West's own position on Aid by round (0 to 10)" in text
    assert "1 10.00 -10.00 0.00" in text  # round 1: preference, its moves summed, voting
    assert "2 5.40 -5.40 0.00" in text  # round 2 starts from the preference it kept
    assert (
        "Stated position 10.00; its voting position after round 10, 0.00: a net change of" in text
    )
    assert "-10.00 on the scale of 0 to 10." in text
    # the gross sum exceeds the scale (0 to 10), and says it is a gross sum
    assert "Its moves of all rounds add up to 21.69: a gross sum, not a distance" in text
    assert "keeps only 46% of a round's move" in text
    assert "The model's outcome on aid: 0.00." in text


def test_exchange_an_actor_that_never_moves_on_an_issue_has_no_gross_sum(write):
    path = str(write("two.yaml", TRADERS))
    text = text_of(run("explain", path, "North", "-m", "exchange", "-i", "aid", "--rounds", "3"))
    assert "North's own position on Aid by round (0 to 10)" in text
    assert "a net change of 0.00 on the scale of 0 to 10" in text
    assert "gross sum" not in text


def test_exchange_no_shown_sum_exceeds_the_scale_unless_it_is_the_gross_one():
    """On Korea, North Korea's trades on denuclearization add up to far more than 100: each
    round's sum is at most the scale, and the total is called a gross sum."""
    text = text_of(
        run("explain", KOREA_FROZEN, "North Korea", "-m", "exchange", "-i", "denuclearization")
    )
    table = text.split("North Korea's own position on Denuclearization by round (0 to 100)")[1]
    rows = re.findall(r" (\d+) (\d+\.\d) ([+-]?\d+\.\d) (\d+\.\d)", table.split("Stated")[0])
    per_round = [float(row[2]) for row in rows]
    assert len(per_round) == 10 and all(abs(move) <= 100 for move in per_round)
    total = float(text.split("Its moves of all rounds add up to ")[1].split(":")[0])
    assert total > 100 and sum(abs(m) for m in per_round) == pytest.approx(total, abs=0.05 * 11)
    assert "a gross sum, not a distance on the scale" in text


# 3. The expected utility model: the outcome stated, and reconciled with the actor's own moves


def test_eum_says_the_outcome_moved_because_of_others_when_the_actor_never_moved():
    text = text_of(run("explain", KOREA_FROZEN, "North Korea", "-i", "denuclearization"))
    assert "Took no offer: stayed at 30.0." in text
    assert (
        "The weighted median of the positions stayed at 90.0 from the start to round 3, the"
        " position of South Korea. North Korea never moved from 30.0, so the outcome is where"
        " the other actors' positions put it; those who moved: the European Union (100.0 to"
        " 48.1). The model's outcome on denuclearization: 90.0." in text
    )


def test_eum_says_how_far_the_actor_moved_when_it_did():
    text = text_of(
        run(
            "explain", KOREA_FROZEN, "North Korea", "-i", "denuclearization", "--preset",
            "literal",
        )
    )  # fmt: skip
    assert "never moved" not in text
    assert "North Korea moved from 30.0 to 90.0; the others who moved: the United States" in text
    assert "The model's outcome on denuclearization: 90.0." in text


def test_eum_states_the_forecast_when_the_bargain_is_refused(write):
    text = text_of(run("explain", str(write("refused.yaml", REFUSED)), "Hold"))
    assert "the position of Push. Hold never moved from 10.0" in text
    assert "those who moved: Lean (70.0 to 46.1)." in text
    assert (
        "The model's outcome on deal: 80.0, but the bargain is refused by Hold, so the"
        " forecast is the reversion point, 0.0." in text
    )


# 4. Refusers: never an actor at 0%


def test_refusers_leave_out_actors_at_0_percent():
    actors = {"nk": "North Korea", "us": "United States", "cn": "China"}
    said = refusers_text({"nk": 0.40, "us": 0.003}, {"nk": 0.40, "us": 0.003}, actors)
    assert said == "North Korea 40% (40% at its red line), 1 other in under 0.5%"
    assert "0%" not in said.replace("40%", "")
    said = refusers_text({"nk": 0.40, "us": 0.05}, {"nk": 0.40, "us": 0.004}, actors)
    assert said == "North Korea 40% (40% at its red line), United States 5%"  # no "(0% at ...)"
    said = refusers_text({"us": 0.001, "cn": 0.002}, {}, actors)
    assert said == "2 actors in under 0.5% each"
    assert refusers_text({}, {}, actors) == "nobody"


def test_the_brief_names_no_refuser_at_0_percent():
    odds = SimpleNamespace(
        probability=0.55, refused_by={"nk": 0.45, "us": 0.002}, red_line={"nk": 0.45, "us": 0.002}
    )
    forecast = SimpleNamespace(headline_agreement=odds, draws=2000)
    words = SimpleNamespace(actor={"nk": "North Korea", "us": "the United States"})
    said = _refusals_judgement(forecast, words)
    assert "the United States in 0%" not in said and "(0% at its red line)" not in said
    assert said == (
        "Over 2,000 draws, the headline's bargain is refused in 45%: by North Korea in 45% (all"
        " at its red line) and 1 other actor in under 0.5%."
    )
    odds.refused_by["us"] = odds.red_line["us"] = 0.05
    assert "the United States in 5% (all at its red line)" in _refusals_judgement(forecast, words)


# 5. The forecast in words, reconciled with the future it falls in


def test_in_words_says_which_future_and_the_thresholds_it_misses():
    text = text_of(run("forecast", KOREA_FROZEN, "-m", "compromise", "--no-brief"))
    assert "In words (Compromise (weighted mean): nearest labelled point)" in text
    assert "72.7 most weapons" in text  # the words read as a peace regime's ...
    assert (  # ... and the caption says why it is not one
        "The forecast falls in incremental muddle-through: not peace regime, which needs"
        " denuclearization >= 80 (the forecast has 72.7); not breakdown into maximum pressure,"
        " which needs no agreement (the bargain stands), or sanctions relief <= 20 (the forecast"
        " has 50.5) and peace treaty / end of the war <= 33 (the forecast has 82.2)." in text
    )


def test_in_words_when_the_forecast_meets_the_first_future():
    text = text_of(run("forecast", KOREA_FROZEN, "-m", "median", "--no-brief"))
    assert "The forecast falls in peace regime, as denuclearization >= 80 (the forecast has" in text
    assert "not peace regime" not in text


def test_in_words_when_the_bargain_is_refused(write):
    scenario = REFUSED + (
        "outcomes:\n"
        "  - {id: done, label: Done, when: 'deal >= 50'}\n"
        "  - {id: stuck, label: Stuck, when: otherwise}\n"
    )
    issues = scenario.replace(
        "{id: deal, label: Deal, min: 0, max: 100,",
        "{id: deal, label: Deal, min: 0, max: 100, anchors: {0: nothing, 100: everything},",
    )
    text = text_of(run("forecast", str(write("refused.yaml", issues)), "-m", "median"))
    assert (
        "The bargain is refused by Hold, so every issue is at the reversion point: the words"
        " read no deal, not the bargain. The forecast falls in stuck: not done, which needs"
        " deal >= 50 (the forecast has 0.0)." in text
    )
