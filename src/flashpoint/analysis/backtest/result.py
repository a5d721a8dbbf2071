"""What a backtest returns: each forecaster's forecasts and scores on the decided issues, the
recommended forecast's candidates, and the JSON document and tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from flashpoint.analysis.backtest.recommend import Recommendation
from flashpoint.analysis.backtest.scores import Scores, interval
from flashpoint.analysis.prepare import RequestedRun, document_head
from flashpoint.analysis.request import BacktestRequest
from flashpoint.scenario.schema import Scenario

if TYPE_CHECKING:
    import pandas

SCHEMA = "flashpoint.backtest/1"


@dataclass(frozen=True, eq=False)
class Forecaster:
    """A model's (or the recommended forecast's) point forecast of each issue, its samples
    ``[sample, issue]`` (Monte Carlo draws, or the point plus its errors) and its scores."""

    name: str
    point: np.ndarray
    samples: np.ndarray
    scores: Scores


@dataclass(frozen=True, eq=False)
class Backtest(RequestedRun):
    """Every forecaster's scores on the decided issues (``ensemble``: the recommended forecast,
    out of fold), the MAE difference of each against the compromise model, the candidates of
    the recommended forecast with their cross-validated MAE, and the recommendation chosen on
    every issue. Without the compromise model, or with fewer than three groups of issues, there
    is no recommended forecast (``recommendation`` None)."""

    request: BacktestRequest
    scenario: Scenario
    source: str
    issues: list[str]
    proposals: list[str | None]
    actual: np.ndarray
    forecasters: dict[str, Forecaster]
    differences: dict[str, tuple[float, float, float]]
    candidates: dict[str, tuple[float, tuple[float, float, float]]]
    recommendation: Recommendation | None
    timings: dict[str, float] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Scores:
        return self.forecasters[name].scores

    @property
    def models(self) -> list[str]:
        return list(self.forecasters)

    def to_dict(self) -> dict[str, Any]:
        """The backtest as JSON (``docs/json-output.md``, the backtest document)."""
        return {
            **document_head(SCHEMA, self.scenario, self.source, self.request),
            "issues": len(self.issues),
            "seed": self.seed,
            "draws": self.draws,
            "jitter": self.jitter,
            "models": {
                name: {
                    **forecaster.scores.to_dict(),
                    "mae_difference": _difference(self.differences.get(name)),
                }
                for name, forecaster in self.forecasters.items()
            },
            "candidates": {
                name: {"mae": mae, "mae_difference": _difference(difference)}
                for name, (mae, difference) in self.candidates.items()
            },
            "recommendation": None
            if self.recommendation is None
            else {
                **self.recommendation.to_dict(),
                "description": self.recommendation.describe(),
            },
            "timings": dict(self.timings),
        }

    def to_frame(self) -> pandas.DataFrame:
        """One row per issue: its proposal, outcome, and each forecaster's point forecast and
        80% interval."""
        import pandas

        table: dict[str, Any] = {
            "issue": self.issues,
            "proposal": self.proposals,
            "outcome": self.actual,
        }
        for name, forecaster in self.forecasters.items():
            low, high = interval(forecaster.samples, 0.8)
            table[name] = forecaster.point
            table[f"{name}_low80"] = low
            table[f"{name}_high80"] = high
        return pandas.DataFrame(table)

    def __repr__(self) -> str:
        lines = [f"Backtest on {len(self.issues)} issues of '{self.scenario.title}'"]
        for name, forecaster in self.forecasters.items():
            s = forecaster.scores
            lines.append(
                f"  {name}: MAE {s.mae:.2f}, within 10 points {s.hit10:.3f},"
                f" 80% coverage {s.coverage80:.3f}"
            )
        return "\n".join(lines)


def _difference(found: tuple[float, float, float] | None) -> dict[str, float] | None:
    if found is None:
        return None
    value, low, high = found
    return {"value": value, "low": low, "high": high}
