"""Models that keep a log of their rounds, and the module that presents each one's log.

Each presenter module offers ``run_document(forecast, model)``, ``rounds_tables(forecast,
model, trace)`` and ``explain_table(forecast, model, actor, issue)``.
"""

from __future__ import annotations

from types import ModuleType

from flashpoint.report import eum, exchange

PRESENTERS: dict[str, ModuleType] = {"eum": eum, "exchange": exchange}
