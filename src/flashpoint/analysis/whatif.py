"""What if: the headline forecast of a scenario with some inputs moved by hand, beside the
headline of the scenario as saved (issue #38).

Both are the headline every front leads with (:mod:`flashpoint.analysis.headline`), run on the
same number of draws with the same seed, so that the draws, the errors and the agreement test
are the same random numbers on both sides (common random numbers) and only the edits move the
forecast. The edits are :class:`~flashpoint.scenario.edits.Edit` s, applied by
:func:`~flashpoint.scenario.edits.apply_edits` (a moved input takes its uncertainty along).
Only the models the headline needs are run; the other models' detail is a forecast of
:attr:`WhatIf.edited_scenario` like any other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flashpoint.analysis.backtest.recommend import shipped
from flashpoint.analysis.forecast import Forecast
from flashpoint.analysis.request import ForecastRequest
from flashpoint.analysis.runner import run
from flashpoint.scenario.edits import Edit, apply_edits, describe
from flashpoint.scenario.schema import Scenario
from flashpoint.scenario.words import capitalised, in_sentence

SCHEMA = "flashpoint.whatif/1"
DRAWS = 1000  # the draws of a what-if, unless asked otherwise


def points(future: dict[str, Any]) -> int:
    """How many percentage points a future's probability moves, as its two percentages print
    (``75% → 73%`` moves 2 points, whatever the digits behind them)."""
    return round(100 * future["probability"]) - round(100 * future["saved"])


def headline_forecast(scenario: Scenario, draws: int = DRAWS, seed: int | None = None) -> Forecast:
    """The headline forecast of ``scenario`` over ``draws`` draws from ``seed`` (the
    scenario's own seed, else 0), running only the models the headline needs."""
    request = ForecastRequest(
        scenario=scenario, draws=draws, seed=seed, models=tuple(shipped().models)
    )
    return run(request)


@dataclass(frozen=True)
class WhatIf:
    """The headline of ``scenario`` as saved (``saved``) and with ``edits`` applied
    (``edited``, on ``edited_scenario``), on the same draws and seed."""

    scenario: Scenario
    edits: tuple[Edit, ...]
    edited_scenario: Scenario
    edited: Forecast
    saved: Forecast

    @property
    def draws(self) -> int:
        return self.edited.draws

    @property
    def seed(self) -> int:
        return self.edited.seed

    def futures(self) -> list[dict[str, Any]]:
        """Each named future: its probability saved and edited, the difference (edited -
        saved) and the percentage points it moves as they print (:func:`points`)."""
        saved = self._probabilities(self.saved)
        edited = self._probabilities(self.edited)
        rows = [
            {
                "id": future.id,
                "label": future.label,
                "saved": saved.get(future.id, 0.0),
                "probability": edited.get(future.id, 0.0),
                "difference": round(edited.get(future.id, 0.0) - saved.get(future.id, 0.0), 6),
            }
            for future in self.scenario.outcomes
        ]
        return [{**future, "points": points(future)} for future in rows]

    def leading(self, which: str = "probability") -> dict[str, Any] | None:
        """The future that leads (the highest probability) edited (``probability``) or saved
        (``saved``); None without named futures."""
        futures = self.futures()
        if not futures:
            return None
        top = max(futures, key=lambda future: future[which])
        return {"id": top["id"], "label": top["label"], "probability": top[which]}

    def sentence(self) -> str:
        """The change in one sentence, computed from the two headlines: which future leads,
        and by how much the one that moved most moved."""
        futures = self.futures()
        if not futures:
            return self._issue_sentence()
        if not self.edits:
            now = self.leading()
            assert now is not None
            return f"As saved, {in_sentence(now['label'])} leads with {now['probability']:.0%}."
        now, before = self.leading(), self.leading("saved")
        assert now is not None and before is not None
        # the future that moved most; of two that moved alike, the one that leads now
        moved = max(futures, key=lambda future: (abs(points(future)), future["id"] == now["id"]))
        change = points(moved)
        if now["id"] == before["id"]:
            lead = f"{capitalised(in_sentence(now['label']))} still leads"
        else:
            lead = (
                f"{capitalised(in_sentence(now['label']))} now leads instead of"
                f" {in_sentence(before['label'])}"
            )
        if change == 0:
            return f"{lead}: no future's probability moves by a whole point."
        who = "and" if moved["id"] == now["id"] else f"; {in_sentence(moved['label'])}"
        return (
            f"{lead} {who} {'gains' if change > 0 else 'loses'} {abs(change)}"
            f" point{'s' if abs(change) != 1 else ''} ({moved['saved']:.0%} →"
            f" {moved['probability']:.0%})."
        ).replace(" ;", ";")

    def to_dict(self) -> dict[str, Any]:
        """The what-if as a JSON document: the edits (each with its words), the draws and
        seed, the headline edited (``recommended``, as ``forecast --json`` has it) and saved
        (``saved``), each future's probabilities and difference, the leading futures and the
        sentence."""
        return {
            "schema": SCHEMA,
            "scenario": {"id": self.scenario.id, "title": self.scenario.title},
            "edits": [
                {"path": e.path, "value": e.value, "words": describe(self.scenario, e)}
                for e in self.edits
            ],
            "draws": self.draws,
            "seed": self.seed,
            "recommended": self.edited.recommended_dict(),
            "saved": self.saved.recommended_dict(),
            "futures": self.futures(),
            "leading": self.leading(),
            "saved_leading": self.leading("saved"),
            "sentence": self.sentence(),
        }

    def _issue_sentence(self) -> str:
        """Without named futures: the issue whose expected outcome (the mean over the draws)
        moved most for its scale, in the units of its scale."""
        saved = (self.saved.recommended_dict() or {}).get("distribution") or {}
        edited = (self.edited.recommended_dict() or {}).get("distribution") or {}
        moves = [
            (edited[i.id]["mean"] - saved[i.id]["mean"], i)
            for i in self.scenario.issues
            if i.id in saved and i.id in edited
        ]
        if not moves:
            return "This scenario names no futures."
        move, issue = max(moves, key=lambda pair: abs(pair[0]) / (pair[1].max - pair[1].min))
        if not self.edits or abs(move) < 0.05:
            return "This scenario names no futures; no issue's expected outcome moves."
        before = saved[issue.id]["mean"]
        return (
            f"This scenario names no futures; {in_sentence(issue.label)} moves most: its expected"
            f" outcome {before:.1f} → {before + move:.1f} on its scale of {issue.min:g} to"
            f" {issue.max:g}."
        )

    @staticmethod
    def _probabilities(forecast: Forecast) -> dict[str, float]:
        headline = forecast.recommended_dict() or {}
        return {f["id"]: f["probability"] for f in headline.get("futures") or []}


def what_if(
    scenario: Scenario,
    edits: Sequence[Edit],
    draws: int = DRAWS,
    seed: int | None = None,
    *,
    saved: Forecast | None = None,
) -> WhatIf:
    """The headline of ``scenario`` with ``edits`` applied, beside its headline as saved, both
    over ``draws`` draws from ``seed``; ``saved``: that saved headline where the caller has it
    already (it must be of the same scenario, draws and seed). Raises
    :class:`~flashpoint.scenario.errors.ScenarioError` for an edit that names no input or a
    value out of range."""
    edited_scenario = apply_edits(scenario, edits)
    edited = headline_forecast(edited_scenario, draws, seed)
    if saved is None:
        saved = headline_forecast(scenario, draws, seed) if edits else edited
    return WhatIf(scenario, tuple(edits), edited_scenario, edited, saved)
