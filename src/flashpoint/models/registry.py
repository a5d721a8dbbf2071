"""The model registry: every model flashpoint can run, by name.

The CLI, the forecast and later analyses look models up here; a new model registers by adding
its module's ``SPEC`` to ``_SPECS``.
"""

from __future__ import annotations

from flashpoint.models import compromise, eum, exchange, median, nash, smp
from flashpoint.models.base import ModelSpec

_SPECS: tuple[ModelSpec, ...] = (
    compromise.SPEC,
    median.SPEC,
    nash.SPEC,
    eum.SPEC,
    exchange.SPEC,
    smp.SPEC,
)
MODELS: dict[str, ModelSpec] = {spec.name: spec for spec in _SPECS}


def model_names() -> list[str]:
    """Names of the registered models, in registration order."""
    return list(MODELS)


def get_model(name: str) -> ModelSpec:
    """The registered model called ``name``; a KeyError lists the known names."""
    try:
        return MODELS[name]
    except KeyError:
        raise KeyError(f"unknown model '{name}' (models: {', '.join(MODELS)})") from None
