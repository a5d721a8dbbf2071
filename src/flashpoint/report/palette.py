"""Colours of the charts: one per actor, the same in every chart of a report.

An actor's colour is the one its scenario states (``Actor.colour``), else the next colour of
:data:`PALETTE` that no actor states: the Okabe-Ito palette, chosen to stay distinct for
readers with colour-vision deficiencies (Okabe & Ito 2008, "Color Universal Design"), then
Paul Tol's muted scheme for scenarios with more actors; past those the colours repeat.
"""

from __future__ import annotations

from itertools import cycle

from flashpoint.scenario.schema import Scenario

PALETTE = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#000000",
    "#332288",
    "#88CCEE",
    "#44AA99",
    "#117733",
    "#999933",
    "#DDCC77",
    "#CC6677",
    "#882255",
    "#AA4499",
)
MODEL_COLOURS = {
    "recommended": "#000000",
    "ensemble": "#666666",
    "compromise": "#0072B2",
    "median": "#56B4E9",
    "nash": "#009E73",
    "eum": "#D55E00",
    "exchange": "#CC79A7",
    "smp": "#E69F00",
}
"""The colour of each model's marks (models not listed take grey)."""
OTHER_MODEL = "#999999"


def actor_colours(scenario: Scenario) -> dict[str, str]:
    """Each actor's colour, by id (see the module docstring)."""
    stated = {actor.colour.upper() for actor in scenario.actors if actor.colour}
    free = cycle([colour for colour in PALETTE if colour not in stated] or PALETTE)
    return {actor.id: actor.colour or next(free) for actor in scenario.actors}


def model_colour(model: str) -> str:
    """The colour of a model's (or the ensemble's, or the recommended forecast's) marks."""
    return MODEL_COLOURS.get(model, OTHER_MODEL)
