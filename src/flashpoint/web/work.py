"""How much work a run request asks of a server, counted before it starts: the model runs it
needs, each the models run once on one set of inputs (a draw, a design point, an offer's draw).

========================  ===================================================================
kind                      model runs
========================  ===================================================================
forecast                  draws
compare                   variants (the scenario as stated, and each list of shocks) x draws
sensitivity, tornado      settings (as drawn; each uncertain input low, high) x draws
sensitivity, factorial    draws (x the few levels of its factors, not counted)
sensitivity, Morris       samples x points of each (the uncertain inputs + 1)
sensitivity, Sobol        samples x points of each (the uncertain inputs + 2)
backtest                  issues x draws
levers                    generations (and the first) x offers of each x draws
========================  ===================================================================

The counts follow the analyses' designs (:mod:`flashpoint.analysis`): a Morris trajectory
visits each input once more than there are inputs, Saltelli's Sobol design two more, and each
generation of a levers search tries six offers for each input it moves (at least five). The
time a model run takes depends on the scenario and the models (:class:`flashpoint.Cost`); the
count bounds how many there are, so that no request can keep a worker busy for days.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from flashpoint import Scenario

MORRIS_SAMPLES = 20  # the analyses' defaults, when a request states no samples
SOBOL_SAMPLES = 256
OFFERS_PER_LEVER = 6  # each generation of a levers search: offers for each input it moves


@dataclass(frozen=True)
class Work:
    """A request's work: the factors it multiplies, each a count and what it counts."""

    factors: tuple[tuple[int, str], ...]

    @property
    def model_runs(self) -> int:
        return math.prod(count for count, _ in self.factors)

    def describe(self) -> str:
        """``300 variants x 20,000 draws = 6,000,000 model runs``."""
        product = " × ".join(f"{count:,} {what}" for count, what in self.factors)
        return f"{product} = {self.model_runs:,} model runs"


def work(request: Any, scenario: Scenario) -> Work:
    """The work of a run request (its ``scenario`` loaded; see the module docstring)."""
    draws = (getattr(request, "draws", 1), "draws")
    inputs = len(scenario.uncertainty)
    if request.kind == "compare":
        lists = len(scenario.shocks) if request.shocks is None else len(request.shocks)
        return Work(((1 + lists, "variants"), draws))
    if request.kind == "sensitivity" and request.method == "tornado":
        return Work(((1 + 2 * inputs, "settings of the inputs"), draws))
    if request.kind == "sensitivity" and request.method in ("morris", "sobol"):
        default, extra = (MORRIS_SAMPLES, 1) if request.method == "morris" else (SOBOL_SAMPLES, 2)
        return Work(((request.samples or default, "samples"), (inputs + extra, "points each")))
    if request.kind == "backtest":
        return Work(((len(scenario.issues), "issues"), draws))
    if request.kind == "levers":
        offers = max(5, OFFERS_PER_LEVER * _levers(request, scenario))
        return Work(((request.generations + 1, "generations"), (offers, "offers each"), draws))
    return Work((draws,))


def _levers(request: Any, scenario: Scenario) -> int:
    """How many inputs a levers search moves: the actor's position on each issue searched (and
    its salience, with ``saliences``)."""
    index = scenario.find_actor(request.actor)
    stances = scenario.actors[index].issues if index is not None else {}
    issues = [issue for issue in request.issues or stances if issue in stances] or [None]
    return len(issues) * (2 if request.saliences else 1)
