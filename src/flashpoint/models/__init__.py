"""Collective-decision models, each a pure function of a ScenarioArrays batch."""

from flashpoint.models.base import ModelSpec, Trajectory
from flashpoint.models.registry import MODELS, get_model, model_names

__all__ = ["MODELS", "ModelSpec", "Trajectory", "get_model", "model_names"]
