"""The one entry point of every analysis: :func:`run` takes a run request and returns its
result, which carries the request back (seed and models filled in)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flashpoint.analysis.backtest import Backtest, run_backtest
from flashpoint.analysis.compare import Comparison, run_compare
from flashpoint.analysis.forecast import Forecast, run_forecast
from flashpoint.analysis.levers import Levers, run_levers
from flashpoint.analysis.progress import Progress
from flashpoint.analysis.request import (
    AnyRequest,
    BacktestRequest,
    CompareRequest,
    ForecastRequest,
    LeversRequest,
    read_request,
)
from flashpoint.analysis.sensitivity import Sensitivity, run_sensitivity

Result = Forecast | Comparison | Sensitivity | Backtest | Levers


def run(
    request: AnyRequest | Mapping[str, Any] | str,
    progress: Progress | None = None,
) -> Result:
    """Run ``request`` (a request, or its JSON as text or parsed: :func:`read_request`).

    ``progress``, if given, is called as ``progress(done, total)``: first with 0, then as work
    finishes, last with ``done == total`` (:mod:`flashpoint.analysis.progress`); the unit is
    the request's ``progress_unit``.
    """
    if not isinstance(request, AnyRequest):
        request = read_request(request)
    if isinstance(request, ForecastRequest):
        return run_forecast(request, progress)
    if isinstance(request, CompareRequest):
        return run_compare(request, progress)
    if isinstance(request, BacktestRequest):
        return run_backtest(request, progress)
    if isinstance(request, LeversRequest):
        return run_levers(request, progress)
    return run_sensitivity(request, progress)
