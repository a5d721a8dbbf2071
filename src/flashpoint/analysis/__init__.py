"""Analyses on top of the models: forecasts and named futures."""

from flashpoint.analysis.forecast import Forecast, ModelResult, forecast

__all__ = ["Forecast", "ModelResult", "forecast"]
