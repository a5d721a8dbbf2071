"""Analyses on top of the models: the run request and its entry point
(:func:`~flashpoint.analysis.runner.run`), Monte Carlo runs, forecasts and named futures,
comparisons of shocks, sensitivity analyses, backtests on decided issues. The keyword functions
``forecast``, ``compare``, ``sensitivity`` and ``backtest`` live in the modules of those names
(and at the package root, :mod:`flashpoint`)."""

from flashpoint.analysis.request import (
    BacktestRequest,
    CompareRequest,
    ForecastRequest,
    RunRequest,
    SensitivityRequest,
    read_request,
)
from flashpoint.analysis.runner import run

__all__ = [
    "BacktestRequest",
    "CompareRequest",
    "ForecastRequest",
    "RunRequest",
    "SensitivityRequest",
    "read_request",
    "run",
]
