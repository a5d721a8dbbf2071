"""flashpoint: model and forecast multi-party negotiations at geopolitical flashpoints."""

__version__ = "0.1.0"
