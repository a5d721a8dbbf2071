"""The agreement test: does a bargain happen at all?

Every model predicts where a bargain lands as if a bargain were certain. The agreement test,
applied after any model, decides whether it happens. An issue with a reversion point ``r`` (the
outcome without agreement: the status quo) and a consent list (the actors whose agreement the
outcome needs: a veto) stands only if every consenting actor prefers the predicted outcome
``x`` to no deal. Actor ``a``, at position ``p`` with salience ``s`` and a cost of no deal ``c``
(points of the scale by which no deal is worse to it than the reversion point; drawn like any
other input when the scenario states its uncertainty), gains from the deal on issue ``i`` in a
draw

    g(a, i) = s * (L(|r - p| + c) - L(|x - p|)),      L(d) = d / (max - min)

with ``L`` the loss of the model's own utility (``ModelSpec.utility``): linear, the
salience-weighted spatial utility of the compromise and median models (Achen 2006), or
quadratic, ``L(d) = (d / (max - min))**2``, Nash's (:mod:`flashpoint.models.nash`). On one
issue every loss that grows with the distance gives the same verdict (``g >= 0`` exactly when
``|x - p| <= |r - p| + c``); the shape counts only when a package adds up gains over issues.
EUM and the spatial model (SMP) are tested with the linear loss: their utilities bend with risk
attitudes they infer round by round inside their runs. It agrees if ``g >= 0``. With the scenario's ``agreement`` set to
``issue``, each issue stands or falls alone; with ``package``, the issues with a reversion point
are one deal, which an actor consenting to any of them accepts if the sum of its gains over the
package's issues it takes part in is not negative, and one refusal reverts every issue of the
package. A refused issue's outcome is its reversion point.

**Red lines** come first: an actor whose consent an issue needs refuses, whatever it gains, a
bargain that crosses its red line on that issue (below the line if the line lies below its
position, above it if above); in a package, crossing one red line refuses the whole package, so
no gain elsewhere buys it. The side is the stated one: a red line drawn from a range stays a
lower (or upper) limit even in a draw where it passes the drawn position.

A scenario without reversion points, or without consent, is left exactly as the models predict.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from flashpoint.analysis.uncertainty import wilson_interval
from flashpoint.engine.arrays import ScenarioArrays
from flashpoint.scenario.schema import Scenario


@dataclass(frozen=True)
class Terms:
    """A scenario's terms of agreement as arrays over the actors and issues of its
    :class:`~flashpoint.engine.arrays.ScenarioArrays`: ``reversion[issue]`` (NaN: none),
    ``consent[actor, issue]``, whether the issues are one package, and the side of each stated
    red line ``side[actor, issue]``: -1 where the actor refuses outcomes below it, +1 above it,
    0 where it has none. (The costs of no deal and the red lines' values are inputs of each
    draw: ``ScenarioArrays.no_deal_cost``, ``ScenarioArrays.red_line``.)"""

    reversion: np.ndarray
    consent: np.ndarray
    package: bool
    side: np.ndarray

    @classmethod
    def of(cls, scenario: Scenario, arrays: ScenarioArrays) -> Terms:
        issues = {issue.id: issue for issue in scenario.issues}
        reversion = np.array(
            [
                np.nan if issues[i].reversion is None else float(issues[i].reversion)
                for i in arrays.issues
            ]
        )
        consent = np.array(
            [[a in issues[i].consent for i in arrays.issues] for a in arrays.actors], dtype=bool
        )
        consent &= ~np.isnan(reversion)[None, :]
        stances = {actor.id: actor.issues for actor in scenario.actors}
        side = np.zeros(consent.shape)
        for a, actor in enumerate(arrays.actors):
            for i, issue in enumerate(arrays.issues):
                stance = stances[actor].get(issue)
                if stance is not None and stance.red_line is not None:
                    side[a, i] = np.sign(stance.red_line - stance.position)
        return cls(reversion, consent, scenario.agreement == "package", side)

    @property
    def needed(self) -> bool:
        """Whether any outcome needs anyone's consent."""
        return bool(self.consent.any())


@dataclass(frozen=True)
class Verdict:
    """The outcome after the test ``[draw, issue]``, whether each issue was agreed (an issue
    that needs no consent always is), who refused ``blocked[draw, actor, issue]`` and where the
    bargain crossed a red line of an actor whose consent it needed ``crossed[draw, actor,
    issue]``."""

    outcome: np.ndarray
    agreed: np.ndarray
    blocked: np.ndarray
    crossed: np.ndarray


Utility = Literal["linear", "quadratic"]


def loss(distance: np.ndarray, span: np.ndarray, utility: Utility) -> np.ndarray:
    """``L(d)``: the utility lost at ``distance`` from an actor's position, as a share of the
    issue's scale ``span``, linear or quadratic (the module docstring)."""
    share = distance / span
    return share if utility == "linear" else share * share


def gains(
    terms: Terms, arrays: ScenarioArrays, forecast: np.ndarray, utility: Utility = "linear"
) -> np.ndarray:
    """``g[draw, actor, issue]``: each actor's gain from the predicted outcome over no deal
    (the module docstring); 0 where the actor takes no part or the issue has no reversion."""
    span = (arrays.upper - arrays.lower)[None, None, :]
    position, salience = arrays.position, arrays.salience
    reversion = np.nan_to_num(terms.reversion)[None, None, :]
    no_deal = np.abs(reversion - position) + arrays.no_deal_cost
    deal = np.abs(forecast[:, None, :] - position)
    gain = salience * (loss(no_deal, span, utility) - loss(deal, span, utility))
    taking_part = arrays.present[None] & ~np.isnan(terms.reversion)[None, None, :]
    return np.where(taking_part, gain, 0.0)


@dataclass(frozen=True)
class Refusal:
    """Why an actor refused: what the deal and no deal are worth to it, each on 0-100 (100:
    every issue at its position; the issues weighted by its saliences), on the ``issues`` it
    refused (for a package: the package's issues it takes part in), and the red lines the
    bargain crossed: ``(issue, bargain, red line)``."""

    actor: str
    issues: tuple[str, ...]
    deal: float
    no_deal: float
    red_lines: tuple[tuple[str, float, float], ...] = ()


def refusals(
    terms: Terms,
    arrays: ScenarioArrays,
    forecast: np.ndarray,
    utility: Utility = "linear",
    draw: int = 0,
) -> list[Refusal]:
    """The refusals of one draw of a forecast ``[draw, issue]``, actor by actor."""
    verdict = settle(terms, arrays, forecast, utility)
    span = arrays.upper - arrays.lower
    found = []
    for a, actor in enumerate(arrays.actors):
        refused = np.flatnonzero(verdict.blocked[draw, a])
        if not len(refused):
            continue
        weight = arrays.salience[draw, a, refused]
        position = arrays.position[draw, a, refused]
        deal = 1 - loss(np.abs(forecast[draw, refused] - position), span[refused], utility)
        no_deal = 1 - loss(
            np.abs(terms.reversion[refused] - position) + arrays.no_deal_cost[draw, a, refused],
            span[refused],
            utility,
        )
        total = weight.sum() or 1.0
        lines = np.flatnonzero(verdict.crossed[draw, a])
        found.append(
            Refusal(
                actor=actor,
                issues=tuple(arrays.issues[i] for i in refused),
                deal=float(100 * (weight * deal).sum() / total),
                no_deal=float(100 * (weight * no_deal).sum() / total),
                red_lines=tuple(
                    (arrays.issues[i], float(forecast[draw, i]), float(arrays.red_line[draw, a, i]))
                    for i in lines
                ),
            )
        )
    return found


def crossed(terms: Terms, arrays: ScenarioArrays, forecast: np.ndarray) -> np.ndarray:
    """``[draw, actor, issue]``: whether the predicted outcome crosses the actor's red line on
    an issue that needs its consent (the module docstring)."""
    line, side = arrays.red_line, terms.side[None]
    outcome = forecast[:, None, :]
    with np.errstate(invalid="ignore"):  # NaN: no red line
        below = (side < 0) & (outcome < line)
        above = (side > 0) & (outcome > line)
    return terms.consent[None] & (below | above)


def settle(
    terms: Terms, arrays: ScenarioArrays, forecast: np.ndarray, utility: Utility = "linear"
) -> Verdict:
    """The agreement test on a model's forecast ``[draw, issue]`` of ``arrays``' draws, with
    the model's ``utility`` (the module docstring)."""
    draws = forecast.shape[0]
    if not terms.needed:
        agreed = np.ones(forecast.shape, dtype=bool)
        none = np.zeros((draws, *terms.consent.shape), dtype=bool)
        return Verdict(forecast, agreed, none, none)
    gain = gains(terms, arrays, forecast, utility)
    lines = crossed(terms, arrays, forecast)
    if terms.package:
        refuses = (gain.sum(axis=2) < 0) | lines.any(axis=2)
        refuses &= terms.consent.any(axis=1)[None, :]
        in_package = ~np.isnan(terms.reversion)
        blocked = refuses[:, :, None] & terms.consent.any(axis=1)[None, :, None] & in_package
        failed = refuses.any(axis=1)[:, None] & in_package[None, :]
    else:
        blocked = ((gain < 0) & terms.consent[None]) | lines
        failed = blocked.any(axis=1)
    outcome = np.where(failed, np.nan_to_num(terms.reversion)[None, :], forecast)
    return Verdict(outcome, ~failed, blocked, lines)


@dataclass(frozen=True)
class AgreementOdds:
    """Over Monte Carlo draws: how often the whole bargain stood (``probability``, with its 95%
    Wilson interval), how often each issue did, how often each actor refused it, and how often
    because the bargain crossed its red line (``red_line``: actors whose line was crossed)."""

    probability: float
    interval_95: tuple[float, float]
    issues: dict[str, float]
    refused_by: dict[str, float]
    red_line: dict[str, float]

    def to_dict(self) -> dict[str, object]:
        return {
            "probability": self.probability,
            "interval_95": list(self.interval_95),
            "issues": dict(self.issues),
            "refused_by": dict(self.refused_by),
            "red_line": dict(self.red_line),
        }


@dataclass
class AgreementCounts:
    """A recorded agreement test counted over ``draws``: those in which the whole bargain
    ``stood``, each issue's ``agreed[issue]``, each actor's ``refused[actor]`` and ``crossed
    [actor]`` (its red line crossed). Counts of consecutive blocks add up (:meth:`absorb`), so a
    run need not keep every draw's test."""

    draws: int
    stood: int
    agreed: np.ndarray
    refused: np.ndarray
    crossed: np.ndarray

    @classmethod
    def of(cls, agreed: np.ndarray, refused: np.ndarray, crossed: np.ndarray) -> AgreementCounts:
        """The counts of ``agreed[draw, issue]``, ``refused[draw, actor]`` and
        ``crossed[draw, actor]``."""
        return cls(
            len(agreed),
            int(agreed.all(axis=1).sum()),
            agreed.sum(axis=0),
            refused.sum(axis=0),
            crossed.sum(axis=0),
        )

    def absorb(self, other: AgreementCounts) -> None:
        """Add the draws ``other`` counted."""
        self.draws += other.draws
        self.stood += other.stood
        self.agreed += other.agreed
        self.refused += other.refused
        self.crossed += other.crossed

    def odds(self, issues: tuple[str, ...], actors: tuple[str, ...]) -> AgreementOdds:
        """The odds of agreement; actors who never refused are left out."""
        draws = self.draws
        return AgreementOdds(
            probability=self.stood / draws,
            interval_95=wilson_interval(self.stood, draws),
            issues={issue: int(self.agreed[i]) / draws for i, issue in enumerate(issues)},
            refused_by={
                actor: int(self.refused[a]) / draws
                for a, actor in enumerate(actors)
                if self.refused[a] > 0
            },
            red_line={
                actor: int(self.crossed[a]) / draws
                for a, actor in enumerate(actors)
                if self.crossed[a] > 0
            },
        )


def odds(
    agreed: np.ndarray,
    refused: np.ndarray,
    crossed: np.ndarray,
    issues: tuple[str, ...],
    actors: tuple[str, ...],
) -> AgreementOdds:
    """The odds of agreement from a recorded test: ``agreed[draw, issue]``,
    ``refused[draw, actor]``, ``crossed[draw, actor]``; actors who never refused are left
    out."""
    return AgreementCounts.of(agreed, refused, crossed).odds(issues, actors)


SCALE = -1  # the actor index of a zone's bound that is the issue's scale, not an actor's limit


def zone_of_agreement(
    terms: Terms, arrays: ScenarioArrays
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The zone of agreement of each issue on each draw: the outcomes that every actor whose
    consent the issue needs accepts, ``[low, high]`` ``[draw, issue]`` (empty where low >
    high), and the actor whose limit sets each end (``SCALE`` where it is the issue's scale).

    An actor's limits are its red line (refusing below it, or above it) and, where each issue
    stands alone, how far from its position it accepts an outcome rather than no deal:
    ``|x - p| <= |r - p| + c`` (on one issue every loss that grows with the distance agrees on
    that). In a package an actor may trade one issue for another, so only red lines bound each
    issue's zone there."""
    draws, actors, issues = arrays.position.shape
    low = np.broadcast_to(arrays.lower, (draws, actors, issues)).copy()
    high = np.broadcast_to(arrays.upper, (draws, actors, issues)).copy()
    position, line, side = arrays.position, arrays.red_line, terms.side[None]
    with np.errstate(invalid="ignore"):
        low = np.where(side < 0, np.maximum(low, line), low)
        high = np.where(side > 0, np.minimum(high, line), high)
        if not terms.package:
            reach = np.abs(np.nan_to_num(terms.reversion)[None, None, :] - position)
            reach = reach + arrays.no_deal_cost
            low = np.maximum(low, position - reach)
            high = np.minimum(high, position + reach)
    binding = terms.consent[None]
    low = np.where(binding, low, -np.inf)  # an actor without a veto sets no limit
    high = np.where(binding, high, np.inf)
    tightest_low, tightest_high = low.max(axis=1), high.min(axis=1)
    low_by = np.where(tightest_low > arrays.lower, np.argmax(low, axis=1), SCALE)
    high_by = np.where(tightest_high < arrays.upper, np.argmin(high, axis=1), SCALE)
    zone_low = np.maximum(tightest_low, arrays.lower)
    zone_high = np.minimum(tightest_high, arrays.upper)
    return zone_low, zone_high, low_by, high_by


@dataclass(frozen=True)
class ZoneOdds:
    """One issue's zone of agreement: on the stated values (``stated``: ``(low, high)``, None
    if empty), and over the draws how often it is empty, and whose limits most often close it
    (``closed_by``: the actor setting the lower end and the one setting the upper end, with the
    range of each end over those draws; None if never empty)."""

    stated: tuple[float, float] | None
    empty: float
    closed_by: tuple[str, tuple[float, float], str, tuple[float, float]] | None

    def to_dict(self) -> dict[str, object]:
        closed = None
        if self.closed_by is not None:
            below, below_range, above, above_range = self.closed_by
            closed = {
                "low": below,
                "low_range": list(below_range),
                "high": above,
                "high_range": list(above_range),
            }
        return {
            "stated": None if self.stated is None else list(self.stated),
            "empty": self.empty,
            "closed_by": closed,
        }


def zone_odds(
    stated: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    drawn: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    issues: tuple[str, ...],
    actors: tuple[str, ...],
) -> dict[str, ZoneOdds]:
    """Each issue's :class:`ZoneOdds` from :func:`zone_of_agreement` on the stated values and
    on the draws; ``"scale"`` names an end that is the issue's scale."""
    names = (*actors, "scale")  # SCALE (-1) reads the last
    found = {}
    low, high, low_by, high_by = drawn
    for i, issue in enumerate(issues):
        s_low, s_high = float(stated[0][0, i]), float(stated[1][0, i])
        empty = low[:, i] > high[:, i]
        closed = None
        if empty.any():
            pairs = np.stack([low_by[empty, i], high_by[empty, i]], axis=1)
            kinds, counts = np.unique(pairs, axis=0, return_counts=True)
            below, above = kinds[np.argmax(counts)]
            these = empty & (low_by[:, i] == below) & (high_by[:, i] == above)
            closed = (
                names[below],
                (float(low[these, i].min()), float(low[these, i].max())),
                names[above],
                (float(high[these, i].min()), float(high[these, i].max())),
            )
        found[issue] = ZoneOdds(
            stated=(s_low, s_high) if s_low <= s_high else None,
            empty=float(empty.mean()),
            closed_by=closed,
        )
    return found
