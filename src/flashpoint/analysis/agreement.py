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
    ``consent[actor, issue]`` and whether the issues are one package. (The costs of no deal
    are inputs of each draw: ``ScenarioArrays.no_deal_cost``.)"""

    reversion: np.ndarray
    consent: np.ndarray
    package: bool

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
        return cls(reversion, consent, scenario.agreement == "package")

    @property
    def needed(self) -> bool:
        """Whether any outcome needs anyone's consent."""
        return bool(self.consent.any())


@dataclass(frozen=True)
class Verdict:
    """The outcome after the test ``[draw, issue]``, whether each issue was agreed (an issue
    that needs no consent always is) and who refused ``blocked[draw, actor, issue]``."""

    outcome: np.ndarray
    agreed: np.ndarray
    blocked: np.ndarray


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
    refused (for a package: the package's issues it takes part in)."""

    actor: str
    issues: tuple[str, ...]
    deal: float
    no_deal: float


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
        found.append(
            Refusal(
                actor=actor,
                issues=tuple(arrays.issues[i] for i in refused),
                deal=float(100 * (weight * deal).sum() / total),
                no_deal=float(100 * (weight * no_deal).sum() / total),
            )
        )
    return found


def settle(
    terms: Terms, arrays: ScenarioArrays, forecast: np.ndarray, utility: Utility = "linear"
) -> Verdict:
    """The agreement test on a model's forecast ``[draw, issue]`` of ``arrays``' draws, with
    the model's ``utility`` (the module docstring)."""
    draws = forecast.shape[0]
    if not terms.needed:
        agreed = np.ones(forecast.shape, dtype=bool)
        return Verdict(forecast, agreed, np.zeros((draws, *terms.consent.shape), dtype=bool))
    gain = gains(terms, arrays, forecast, utility)
    if terms.package:
        refuses = (gain.sum(axis=2) < 0) & terms.consent.any(axis=1)[None, :]
        in_package = ~np.isnan(terms.reversion)
        blocked = refuses[:, :, None] & terms.consent.any(axis=1)[None, :, None] & in_package
        failed = refuses.any(axis=1)[:, None] & in_package[None, :]
    else:
        blocked = (gain < 0) & terms.consent[None]
        failed = blocked.any(axis=1)
    outcome = np.where(failed, np.nan_to_num(terms.reversion)[None, :], forecast)
    return Verdict(outcome, ~failed, blocked)


@dataclass(frozen=True)
class AgreementOdds:
    """Over Monte Carlo draws: how often the whole bargain stood (``probability``, with its 95%
    Wilson interval), how often each issue did, and how often each actor refused it."""

    probability: float
    interval_95: tuple[float, float]
    issues: dict[str, float]
    refused_by: dict[str, float]

    def to_dict(self) -> dict[str, object]:
        return {
            "probability": self.probability,
            "interval_95": list(self.interval_95),
            "issues": dict(self.issues),
            "refused_by": dict(self.refused_by),
        }


@dataclass
class AgreementCounts:
    """A recorded agreement test counted over ``draws``: those in which the whole bargain
    ``stood``, each issue's ``agreed[issue]`` and each actor's ``refused[actor]``. Counts of
    consecutive blocks add up (:meth:`absorb`), so a run need not keep every draw's test."""

    draws: int
    stood: int
    agreed: np.ndarray
    refused: np.ndarray

    @classmethod
    def of(cls, agreed: np.ndarray, refused: np.ndarray) -> AgreementCounts:
        """The counts of ``agreed[draw, issue]`` and ``refused[draw, actor]``."""
        return cls(
            len(agreed), int(agreed.all(axis=1).sum()), agreed.sum(axis=0), refused.sum(axis=0)
        )

    def absorb(self, other: AgreementCounts) -> None:
        """Add the draws ``other`` counted."""
        self.draws += other.draws
        self.stood += other.stood
        self.agreed += other.agreed
        self.refused += other.refused

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
        )


def odds(
    agreed: np.ndarray, refused: np.ndarray, issues: tuple[str, ...], actors: tuple[str, ...]
) -> AgreementOdds:
    """The odds of agreement from a recorded test: ``agreed[draw, issue]``,
    ``refused[draw, actor]``; actors who never refused are left out."""
    return AgreementCounts.of(agreed, refused).odds(issues, actors)
