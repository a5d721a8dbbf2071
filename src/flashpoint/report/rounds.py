"""Models that keep a log of their rounds, and the module that presents each one's log.

Each presenter module offers ``run_document(forecast, model)``, ``rounds_tables(forecast,
model, trace)``, and either ``explain_table(forecast, model, actor, issue)`` (one issue) or, for
a model that treats the issues jointly, ``explain_tables(forecast, model, actor, issues)``.
"""

from __future__ import annotations

from types import ModuleType

from rich.table import Table

from flashpoint.analysis.forecast import Forecast
from flashpoint.report import eum, exchange, smp

PRESENTERS: dict[str, ModuleType] = {"eum": eum, "exchange": exchange, "smp": smp}


def explain(forecast: Forecast, model: str, actor: int, issues: list[int]) -> list[Table]:
    """What one actor did in a run, on the issues asked for: the presenter's tables."""
    presenter = PRESENTERS[model]
    if hasattr(presenter, "explain_tables"):
        return presenter.explain_tables(forecast, model, actor, issues)
    return [presenter.explain_table(forecast, model, actor, issue) for issue in issues]
