"""The bundled Korea 2018 scenario: what the article asks of it, and that every number is sourced."""

from __future__ import annotations

import flashpoint
from flashpoint.analysis.outcomes import classify, reversion_of

KOREA = flashpoint.load_scenario("korea-2018")


def test_the_articles_actors_and_issues():
    assert {"north_korea", "south_korea", "united_states", "china", "japan", "imf", "eu"} <= {
        a.id for a in KOREA.actors
    }
    assert {
        "denuclearization",
        "sanctions_relief",
        "security_guarantee",
        "peace_treaty",
        "economic_aid",
        "alliance",
    } <= {i.id for i in KOREA.issues}
    assert KOREA.as_of.isoformat() == "2018-09-12"
    assert KOREA.sources[0].id == "article"


def test_every_issue_has_plain_words_anchors_at_both_ends():
    for issue in KOREA.issues:
        assert issue.min in issue.anchors and issue.max in issue.anchors, issue.id
        assert len(issue.anchors) >= 3, issue.id


def test_every_number_carries_a_note():
    for actor in KOREA.actors:
        assert actor.capability_note, actor.id
        for issue, stance in actor.issues.items():
            assert stance.position_note and stance.salience_note, (actor.id, issue)
            if stance.capability is not None:
                assert stance.capability_note, (actor.id, issue)


def test_notes_quote_the_article_or_give_a_date():
    months = (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    )
    notes = [actor.capability_note for actor in KOREA.actors] + [
        note
        for actor in KOREA.actors
        for stance in actor.issues.values()
        for note in (stance.position_note, stance.salience_note, stance.capability_note)
        if note
    ]
    for note in notes:
        assert (
            "Article:" in note or '"' in note or any(m in note for m in months) or "2018" in note
        ), note


def notes_and_sources():
    """Every (where, note, cited source ids) of the scenario: actors, stances, issues,
    uncertainty entries and shocks."""
    for actor in KOREA.actors:
        yield actor.id, actor.capability_note, actor.capability_source
        for issue, stance in actor.issues.items():
            for field in ("position", "salience", "capability", "no_deal_cost"):
                yield (
                    f"{actor.id}/{issue}/{field}",
                    getattr(stance, f"{field}_note"),
                    getattr(stance, f"{field}_source"),
                )
    for issue in KOREA.issues:
        for field in ("reversion", "consent"):
            yield issue.id, getattr(issue, f"{field}_note"), getattr(issue, f"{field}_source")
    for entry in KOREA.uncertainty:
        yield entry.target, entry.note, entry.source
    for shock in KOREA.shocks:
        yield shock.id, shock.probability_note, shock.probability_source
    yield "horizon", KOREA.horizon_note, KOREA.horizon_source


def test_every_note_names_its_sources_by_id():
    listed = {source.id for source in KOREA.sources}
    cited = set()
    notes = 0
    for where, note, sources in notes_and_sources():
        if note:
            notes += 1
            assert sources, f"{where}: the note names no source"
            if sources == ["article"]:
                assert '"' in note, f"{where}: cites the article without quoting it"
        cited.update(sources)
    assert notes >= 97
    assert cited <= listed
    assert listed <= cited, f"sources no note cites: {listed - cited}"


def test_uncertainty_where_the_article_says_so():
    sincerity = [u for u in KOREA.uncertainty if u.group == "sincerity"]
    assert {(u.actor, u.issue, u.field) for u in sincerity} >= {
        ("north_korea", "denuclearization", "position")
    }
    assert all(u.note for u in KOREA.uncertainty)


def test_the_three_futures_cover_every_prediction():
    assert [o.id for o in KOREA.outcomes] == ["peace_regime", "breakdown", "muddle_through"]
    assert KOREA.outcomes[-1].when == "otherwise"
    import numpy as np

    grid = np.random.default_rng(0).uniform(0, 100, size=(5000, len(KOREA.issues)))
    found = classify(KOREA.outcomes, grid, [i.id for i in KOREA.issues], reversion_of(KOREA))
    assert set(found.tolist()) == {0, 1, 2}


def test_the_articles_what_ifs_are_shocks():
    assert {s.id for s in KOREA.shocks} == {
        "us_maximum_pressure",
        "china_guarantee",
        "economic_package",
        "seoul_goes_alone",
        "pyongyang_keeps_deterrent",
    }
    for shock in KOREA.shocks:
        assert shock.description.startswith("Article:"), shock.id
        flashpoint.apply_shocks(KOREA, [shock.id])
    flashpoint.apply_shocks(KOREA, [s.id for s in KOREA.shocks])  # all of them together still work
