"""The headline forecast: the one every front leads with, composed in the order things happen
(issue #33).

On each draw (the uncertain inputs drawn, the shocks applied):

1. the recommended combination of the models' *bargains* is formed: each model's forecast of
   where a bargain lands, before the agreement test (:class:`.backtest.recommend.Combination`);
2. the recommendation's cross-validated error applies to that bargain: the outcome is the bargain
   minus an error, times its size (the models' disagreement on the issue,
   :class:`.backtest.recommend.Scale`) and the issue's range, within the scale; each issue's
   error is drawn on its own, as those of one EU proposal's issues are uncorrelated
   (:meth:`.backtest.recommend.Recommendation.draw_errors`);
3. the agreement test (:mod:`flashpoint.analysis.agreement`, with the linear loss of the
   compromise model the combination is built on) decides whether that bargain stands; a refused
   issue, or package, is at its reversion point exactly, with no error on it;
4. the futures are classified with the draw's agreement status
   (:func:`flashpoint.analysis.outcomes.classify` with ``agreed``).

The error applies *before* the test (``docs/validity.md``, "The headline forecast"): the
errors measure how far real decisions fell from the forecast bargain, and the actors decide on
the bargain actually on the table, not on the model's forecast of it. The other choice, the test
on the forecast bargain and the error only on bargains that stand, is
:func:`headline_outcomes` with ``error_first=False``.

With Monte Carlo draws each draw gets one error (from the stream ``recommended`` at the draw's
block, so every variant of a comparison gets the same errors: common random numbers); without,
the stated values' bargain gets :data:`STATED_SAMPLES` errors.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from flashpoint.analysis.agreement import Terms, Verdict, settle
from flashpoint.analysis.backtest.recommend import Recommendation, spread_by
from flashpoint.analysis.uncertainty import FutureProbability, Spread
from flashpoint.engine.arrays import ScenarioArrays
from flashpoint.scenario.schema import Scenario

HEADLINE = "recommended"  # the headline's name among the models' results
STATED_SAMPLES = 2000  # errors drawn for the stated values' bargain when there are no draws


def headline_outcomes(
    recommendation: Recommendation,
    bargains: Mapping[str, np.ndarray],
    arrays: ScenarioArrays,
    terms: Terms,
    rng: np.random.Generator,
    *,
    error_first: bool = True,
    errors: np.ndarray | None = None,
) -> Verdict | None:
    """The headline's outcome on each draw ``[draw, issue]`` with its agreement test, from the
    models' bargains ``[draw, issue]`` on ``arrays``' draws (the module docstring); None if a
    model the combination needs did not run. ``error_first=False``: the other modelling choice
    (the test on the forecast bargain; an error only where it stands). ``errors``: the errors
    ``[draw, issue]`` to use instead of drawing them from ``rng`` (common random numbers
    across points that should differ by their inputs alone: :mod:`.signposts`)."""
    if not all(model in bargains for model in recommendation.models):
        return None
    combined = recommendation.combination.predict(
        {model: bargains[model] for model in recommendation.models}
    )
    if errors is None:
        errors = recommendation.draw_errors(combined.shape, rng)
    sizes = recommendation.error_sizes(bargains, arrays.lower, arrays.upper)
    spread = spread_by(combined, errors * sizes, arrays.lower, arrays.upper)
    if error_first:
        return settle(terms, arrays, spread, "linear")
    verdict = settle(terms, arrays, combined, "linear")
    outcome = np.where(verdict.agreed, spread, verdict.outcome)
    return Verdict(outcome, verdict.agreed, verdict.blocked, verdict.crossed)


@dataclass(frozen=True)
class Basis:
    """What a headline rests on, in sentences computed from the run and the recommendation
    (every front prints them under the headline; JSON ``recommended.basis``): what the spread
    comes from, how it was checked, a caveat where the scenario is not a legislative decision
    like those the errors were measured on, the horizon, and how large the simulation error of
    a probability is."""

    rests_on: str
    checked: str | None
    caveat: str | None
    horizon: str | None
    simulation: str

    def sentences(self) -> list[str]:
        return [s for s in (self.rests_on, self.checked, self.caveat, self.simulation) if s]

    def to_dict(self) -> dict[str, str | None]:
        return {
            "rests_on": self.rests_on,
            "checked": self.checked,
            "caveat": self.caveat,
            "horizon": self.horizon,
            "simulation": self.simulation,
        }


def basis(recommendation: Recommendation, scenario: Scenario, summary: Spread, draws: int) -> Basis:
    """The :class:`Basis` of a headline ``summary`` of ``scenario`` over ``draws`` Monte Carlo
    draws (1: the stated values only)."""
    data = recommendation.provenance.get("data", "decided issues")
    tested = recommendation.provenance.get("out_of_fold")
    checked = None
    if tested:
        held = [round(100 * tested[f"coverage{level}"]) for level in (50, 80, 90)]
        checked = (
            f"Checked out of fold on those decisions: its 50%, 80% and 90% intervals held"
            f" {held[0]}%, {held[1]}% and {held[2]}% of the outcomes."
        )
    caveat = None
    if not scenario.legislative:
        caveat = (
            "Those errors were measured on legislative decisions, and this is not one"
            + _elsewhere(recommendation.provenance.get("checked_elsewhere"))
            + "."
        )
    samples = sum(p.draws for p in summary.futures.values())
    widest = max(simulation_error(p) for p in summary.futures.values()) if summary.futures else 0
    where = f"{draws:,} Monte Carlo draws, each" if draws > 1 else "the stated values"
    return Basis(
        rests_on=f"The headline: {recommendation.describe_kind()}, its bargain spread by its"
        f" cross-validated errors on {data} and put to the agreement test, over {where} with"
        f" {'one error' if draws > 1 else f'{samples:,} errors'}.",
        checked=checked,
        caveat=caveat,
        horizon=None if scenario.horizon is None else f"by {long_date(scenario.horizon)}",
        simulation=f"A probability's simulation error (95%, from {samples:,} samples) is at most"
        f" {points(widest)}; it says how far more samples could move it, not how uncertain the"
        " forecast is.",
    )


def _elsewhere(checked: dict | None) -> str:
    """How the errors did on decisions of other kinds, as the end of the caveat's sentence."""
    if not checked:
        return ": no record yet shows whether a negotiation strays from its forecast more or less"
    held = [round(100 * checked[f"coverage{level}"]) for level in (50, 80, 90)]
    issues = checked["issues"]
    return (
        f": on {issues} outcomes of {checked['cases']}, its 50%, 80% and 90% intervals held"
        f" {held[0]}%, {held[1]}% and {held[2]}% of them, too few to tell whether such"
        " decisions stray more or less"
    )


def simulation_error(probability: FutureProbability) -> float:
    """The half-width of a probability's 95% Wilson interval, in percentage points: the
    simulation (Monte Carlo) error of the estimate."""
    low, high = probability.interval_95
    return 100 * (high - low) / 2


def points(value: float) -> str:
    """A number of percentage points for people: ``±1 point``, ``±0.4 points``."""
    shown = f"{value:.0f}" if round(value, 1) >= 1 else f"{value:.1f}"
    return f"±{shown} point" + ("" if shown == "1" else "s")


def long_date(day: dt.date) -> str:
    """``20 January 2021``."""
    return f"{day.day} {day.strftime('%B')} {day.year}"
