"""The bottom line: what an analyst reads first, every sentence computed from the run.

:func:`brief` composes, from a forecast (and the shocks' comparison, the tornado and the levers
search where they were run):

- the **bottom line**: the most likely future by the horizon, with its probability and the
  runner-up's;
- **key judgements** (three to five): which models' bargains stand as stated and who refuses the
  others on what; how often the headline's bargain is refused over the draws, and by whom; where
  the zone of agreement is empty; what moves the forecast most;
- **what would change it**: the shocks, inputs and levers that move the leading future most;
- **signposts** (:mod:`flashpoint.analysis.signposts`): for each other future, the observable
  change (one actor's position or red line, or two of them) that would make it the most likely.

Numbers in the sentences are rounded as the tables print them (whole percentages, one decimal
on a scale).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from flashpoint.analysis.headline import STATED_SAMPLES
from flashpoint.analysis.signposts import Lever, Signposts
from flashpoint.scenario.words import capitalised, in_sentence, named, possessive, shown_shares

if TYPE_CHECKING:
    from flashpoint.analysis.agreement import AgreementOdds, ZoneOdds
    from flashpoint.analysis.compare import Comparison
    from flashpoint.analysis.headline import Basis
    from flashpoint.analysis.levers import Levers
    from flashpoint.analysis.sensitivity import Sensitivity
    from flashpoint.analysis.uncertainty import Spread
    from flashpoint.scenario.schema import Scenario


class Forecasted(Protocol):
    """What a brief reads of a forecast (:class:`flashpoint.analysis.forecast.Forecast`, which
    imports this module)."""

    scenario: Scenario
    results: dict[str, Any]
    recommended: Spread | None
    headline_agreement: AgreementOdds | None
    basis: Basis | None
    zones: dict[str, ZoneOdds] | None

    @property
    def draws(self) -> int: ...

    def future_label(self, future: str | None) -> str: ...


SHOWN_SHOCK = 0.02  # a shock moving the leading future less than this is not named


@dataclass(frozen=True)
class Brief:
    """A forecast's bottom line (see the module docstring). ``leader`` and ``runner_up`` are
    ``(future id, label, probability)``; ``signposts`` the computed signposts, ``signs`` their
    sentences."""

    bottom_line: str
    horizon: str | None
    leader: tuple[str, str, float]
    runner_up: tuple[str, str, float] | None
    judgements: tuple[str, ...]
    changes: tuple[str, ...]
    signs: tuple[str, ...]
    signposts: Signposts | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, object]:
        return {
            "bottom_line": self.bottom_line,
            "horizon": self.horizon,
            "leader": _future_dict(self.leader),
            "runner_up": None if self.runner_up is None else _future_dict(self.runner_up),
            "judgements": list(self.judgements),
            "changes": list(self.changes),
            "signposts": {
                "sentences": list(self.signs),
                "on": "the stated values",
                "found": []
                if self.signposts is None
                else [post.to_dict() for post in self.signposts.posts],
                "unreached": [] if self.signposts is None else list(self.signposts.unreached),
            },
        }


def _future_dict(future: tuple[str, str, float]) -> dict[str, object]:
    return {"id": future[0], "label": future[1], "probability": future[2]}


class Words:
    """Names and numbers of one scenario, as the brief writes them."""

    def __init__(self, forecast: Forecasted) -> None:
        scenario = forecast.scenario
        self.actor = {actor.id: named(actor.label) for actor in scenario.actors}
        self.issue = {issue.id: issue.label for issue in scenario.issues}
        self.future = {outcome.id: outcome.label for outcome in scenario.outcomes}
        self.models = {name: result.label for name, result in forecast.results.items()}
        self.scenario = scenario

    def lever(self, lever: Lever) -> str:
        what = "position" if lever.field == "position" else "red line"
        issue = in_sentence(self.issue[lever.issue])
        return f"{possessive(self.actor[lever.actor])} {what} on {issue}"

    def move(self, lever: Lever, value: float) -> str:
        """``United States' position on sanctions relief rises to 45 (from 15)``; a red line
        moved to the end of the scale is dropped."""
        issue = next(i for i in self.scenario.issues if i.id == lever.issue)
        if lever.field == "red_line" and value in (issue.min, issue.max):
            actor, label = self.actor[lever.actor], in_sentence(issue.label)
            return f"{actor} drops its red line on {label} ({lever.stated:g})"
        verb = "rises" if value > lever.stated else "falls"
        return f"{self.lever(lever)} {verb} to {value:g} (from {lever.stated:g})"


def brief(
    forecast: Forecasted,
    signposts: Signposts | None = None,
    comparison: Comparison | None = None,
    sensitivity: Sensitivity | None = None,
    levers: Levers | None = None,
) -> Brief | None:
    """The brief of ``forecast`` (the module docstring); None where it has no headline or no
    futures."""
    summary = forecast.recommended
    if summary is None or not forecast.scenario.outcomes:
        return None
    words = Words(forecast)
    ranked = sorted(summary.futures.items(), key=lambda item: -item[1].probability)
    (lead_id, lead), *rest = ranked
    leader = (lead_id or "", forecast.future_label(lead_id), lead.probability)
    runner_up = None
    if rest:
        second_id, second = rest[0]
        runner_up = (second_id or "", forecast.future_label(second_id), second.probability)
    horizon = None if forecast.basis is None else forecast.basis.horizon
    bottom = f"{leader[1]} is the most likely future" + (f" {horizon}" if horizon else "")
    bottom += f": {leader[2]:.0%}"
    if runner_up is not None:
        bottom += f", then {in_sentence(runner_up[1])} at {runner_up[2]:.0%}"
    bottom += "."
    judgements = [
        sentence
        for sentence in (
            _models_judgement(forecast, words),
            _refusals_judgement(forecast, words),
            _zone_judgement(forecast, words),
            _driver_judgement(signposts, words, lead_id),
        )
        if sentence
    ]
    changes = _changes(forecast, words, lead_id, signposts, comparison, sensitivity, levers)
    return Brief(
        bottom_line=bottom,
        horizon=horizon,
        leader=leader,
        runner_up=runner_up,
        judgements=tuple(judgements),
        changes=tuple(changes),
        signs=tuple(_signs(signposts, words)),
        signposts=signposts,
    )


def _and(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _models_judgement(forecast: Forecasted, words: Words) -> str | None:
    """Which models' bargains stand as stated, in which futures, and who refuses the others on
    what."""
    results = forecast.results
    if not results:
        return None
    standing = [name for name, result in results.items() if not result.blocked]
    refused = [name for name, result in results.items() if result.blocked]
    reasons: dict[str, list[str]] = {}
    for name in refused:
        for refusal in results[name].refusals:
            actor = words.actor[refusal.actor]
            if refusal.red_lines:
                issues = _and(
                    sorted({in_sentence(words.issue[i]) for i, _, _ in refusal.red_lines})
                )
                why = f"{actor}, whose red line on {issues} it crosses"
            else:
                why = f"{actor}, to whom it is worth less than no deal"
            reasons.setdefault(why, []).append(words.models[name])
    if len(results) == 1:
        ((name, result),) = results.items()
        said = f"As stated, the {in_sentence(words.models[name])} bargain"
        if standing:
            return f"{said} stands ({in_sentence(forecast.future_label(result.future))})."
        return f"{said} is refused by {_and(list(reasons))}."
    said = f"As stated, {len(standing)} of the {len(results)} models' bargains"
    said += " stands" if len(standing) == 1 else " stand"
    if standing:
        futures = sorted({forecast.future_label(results[name].future) for name in standing})
        models = _and([words.models[n] for n in standing])
        said += f" ({models}: {_and([in_sentence(f) for f in futures])})"
    if refused:
        said += f"; {len(refused)} {'is' if len(refused) == 1 else 'are'} refused: " + "; ".join(
            f"{_and(models)} by {why}" for why, models in reasons.items()
        )
    return said + "."


def _refusals_judgement(forecast: Forecasted, words: Words) -> str | None:
    """How often the headline's bargain is refused over its draws (or samples), and by whom."""
    odds = forecast.headline_agreement
    if odds is None:
        return None
    over = (
        f"{forecast.draws:,} draws"
        if forecast.draws > 1
        else f"{STATED_SAMPLES:,} samples of its error on the stated values"
    )
    refused = 1 - odds.probability
    if not refused:
        return f"Over {over}, the headline's bargain always stands."
    who = []
    named_shares, fewer = shown_shares(odds.refused_by)  # nobody named at 0%: counted below
    for actor, share in named_shares:
        line = odds.red_line.get(actor, 0.0)
        part = f"{words.actor[actor]} in {share:.0%}"
        if f"{line:.0%}" != "0%":
            part += f" ({'all' if line == share else f'{line:.0%}'} at its red line)"
        who.append(part)
    if fewer:
        others = f"{fewer} {'other actor' if who else 'actor'}{'s' if fewer > 1 else ''}"
        who.append(f"{others} in under 0.5%{' each' if fewer > 1 else ''}")
    return f"Over {over}, the headline's bargain is refused in {refused:.0%}: by {_and(who)}."


def _zone_judgement(forecast: Forecasted, words: Words) -> str | None:
    """Where the zone of agreement is empty (as stated, or in some draws), and whose limits
    close it."""
    if not forecast.zones:
        return None
    said = []
    for issue, zone in forecast.zones.items():
        name = in_sentence(words.issue[issue])
        if zone.stated is None:
            said.append(f"there is no zone of agreement on {name} as stated")
            continue
        if zone.empty <= 0 or zone.closed_by is None:
            continue
        below, below_range, above, above_range = zone.closed_by
        low, high = zone.stated
        said.append(
            f"the zone of agreement on {name} runs from {low:g} to {high:g} as stated and is"
            f" empty in {zone.empty:.0%} of draws, where {_limit(words, below)} lower limit"
            f" ({_range(below_range)}) passes {_limit(words, above)} upper limit"
            f" ({_range(above_range)})"
        )
    if not said:
        where = "in every draw" if forecast.draws > 1 else "as stated"
        return (
            f"Every issue's zone of agreement is open {where}: refusals come from where the"
            " bargain lands, not from limits that cannot meet."
        )
    return capitalised("; ".join(said)) + "."


def _limit(words: Words, actor: str) -> str:
    return "the scale's" if actor == "scale" else possessive(words.actor[actor])


def _range(span: tuple[float, float]) -> str:
    low, high = span
    return f"{low:.0f}" if round(low) == round(high) else f"{low:.0f} to {high:.0f}"


def _driver_judgement(signposts: Signposts | None, words: Words, lead: str | None) -> str | None:
    """The issue whose levers move the leading future most, one at a time on the stated values,
    and those levers."""
    if signposts is None or not signposts.swings or signposts.swings[0].size <= 0:
        return None
    issue = signposts.swings[0].lever.issue
    there = [s for s in signposts.swings[:3] if s.lever.issue == issue and s.size > 0]
    future = in_sentence(words.future.get(lead or "", "the leading future"))
    low, high = min(s.low for s in there), max(s.high for s in there)
    return (
        f"It turns on {in_sentence(words.issue[issue])}: of the inputs one can watch,"
        f" {_and([words.lever(s.lever) for s in there])} move it most, one at a time on the"
        f" stated values ({future} from {low:.0%} to {high:.0%})."
    )


def _changes(
    forecast: Forecasted,
    words: Words,
    lead: str | None,
    signposts: Signposts | None,
    comparison: Comparison | None,
    sensitivity: Sensitivity | None,
    levers: Levers | None,
) -> list[str]:
    """What would change the forecast: the shocks that move the leading future most, the
    inputs that swing it most, the tornado's widest bar and the levers search's offer."""
    future = in_sentence(words.future.get(lead or "", "the leading future"))
    found = []
    if comparison is not None:
        moves = []
        for variant in comparison.shocked:
            effect = (variant.effects or {}).get(variant.lead)
            if effect is None or lead not in effect.futures:
                continue
            moves.append((effect.futures[lead].value, variant.label))
        for value, label in sorted(moves, key=lambda item: -abs(item[0]))[:3]:
            if abs(value) >= SHOWN_SHOCK:
                found.append(f"{label}: {future} {100 * value:+.0f} points.")
    if signposts is not None:
        for swing in signposts.swings[:3]:
            if swing.size > 0:
                found.append(
                    f"{capitalised(words.lever(swing.lever))}:"
                    f" {future} between {swing.low:.0%} and {swing.high:.0%} over its scale"
                    " (on the stated values)."
                )
    if sensitivity is not None and sensitivity.method == "tornado" and sensitivity.rows:
        bar, target = sensitivity.rows[0], sensitivity.target
        probability = target.kind == "probability"
        shown = (lambda v: f"{v:.0%}") if probability else (lambda v: f"{v:.1f}")
        what = (
            f"the probability of {in_sentence(words.future.get(target.name, target.label))}"
            if probability
            else target.label
        )
        name = bar.input.name
        if bar.input.issue is not None and bar.input.field in ("position", "red_line"):
            name = words.lever(Lever(bar.input.actor, bar.input.issue, bar.input.field, 0.0))
        found.append(
            f"Of the uncertain inputs, {name} moves {what} most over the draws:"
            f" {shown(bar.at_low)} at the low end of its range, {shown(bar.at_high)} at the"
            " high end."
        )
    if levers is not None:
        offer = _and(
            [
                f"{field} on {in_sentence(words.issue[issue])} at {value:.1f}"
                for (issue, field), value in levers.offer.items()
            ]
        )
        said = (
            f"{possessive(words.actor[levers.request.actor])} offer found by the levers search"
            f" ({offer}) takes {levers.target.label} from {_value(levers, levers.before.value)}"
            f" to {_value(levers, levers.after.value)}."
        )
        found.append(capitalised(said))
    return found


def _value(levers: Levers, value: float) -> str:
    return f"{value:.0%}" if levers.target.kind == "probability" else f"{value:.1f}"


def _signs(signposts: Signposts | None, words: Words) -> list[str]:
    """A sentence per signpost, and one for the futures no such change makes most likely."""
    if signposts is None:
        return []
    said = []
    for post in signposts.posts:
        moves = _and([words.move(lever, value) for lever, value in post.changes])
        said.append(
            f"If {moves}, {in_sentence(words.future[post.future])} leads ({post.probability:.0%})."
        )
    if signposts.unreached:
        names = _and([in_sentence(words.future[f]) for f in signposts.unreached])
        said.append(
            f"No change of one input, nor of two of those that move it most, makes {names}"
            " the most likely future."
        )
    return said
