"""The numeric engine: scenarios as batched arrays."""

from flashpoint.engine.arrays import ScenarioArrays

__all__ = ["ScenarioArrays"]
