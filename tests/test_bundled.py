"""Bundled reference cases hold exactly the numbers of their reference inputs."""

from __future__ import annotations

import pytest

import flashpoint

from .conftest import DATA

CASES = {
    "eu-emissions-1985": DATA / "eum" / "eu_emissions.input.csv",
    "copenhagen-2009": DATA / "exchange" / "inputs" / "copenhagen.csv",
    "cop21-paris-2015": DATA / "exchange" / "inputs" / "cop21.csv",
    "china-soe-reform-2014": DATA / "ktab" / "inputs" / "SOE-Pol-Comp.csv",
}


def numbers(scenario):
    issues = [issue.id for issue in scenario.issues]
    return {
        actor.id: {
            issues.index(issue): (stance.position, stance.salience, actor.capability_on(issue))
            for issue, stance in actor.issues.items()
        }
        for actor in scenario.actors
    }


@pytest.mark.parametrize(("name", "source"), CASES.items())
def test_bundled_case_equals_its_reference_input(name, source):
    bundled = flashpoint.load_scenario(name)
    reference = flashpoint.load_scenario(source)
    assert numbers(bundled) == numbers(reference)
    assert bundled.salience_scale == reference.salience_scale
    assert bundled.provenance and bundled.sources


def test_every_bundled_scenario_is_listed_and_valid():
    assert flashpoint.bundled_names() == sorted(["korea-2018", *CASES])
