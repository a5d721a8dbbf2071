"""Backtests: how well each model, and the recommended forecast, forecast decided issues.

:mod:`.predict` runs the models on the issues (part by part: the issues of one proposal
together), :mod:`.scores` scores forecasts against the outcomes, :mod:`.recommend` chooses and
fits the recommended forecast by cross-validation grouped by proposal, :mod:`.runner` runs a
:class:`~flashpoint.analysis.request.BacktestRequest` and :mod:`.result` holds what comes back.
"""

from flashpoint.analysis.backtest.recommend import Recommendation
from flashpoint.analysis.backtest.result import Backtest, Forecaster
from flashpoint.analysis.backtest.runner import backtest, run_backtest
from flashpoint.analysis.backtest.scores import Scores

__all__ = ["Backtest", "Forecaster", "Recommendation", "Scores", "backtest", "run_backtest"]
