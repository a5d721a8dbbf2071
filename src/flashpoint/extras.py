"""Optional dependencies: the parts of flashpoint that need an extra say which one to install."""

from __future__ import annotations

import importlib
from types import ModuleType


class MissingExtra(RuntimeError):
    """An optional dependency is not installed; the message gives the command that installs it."""


def require(module: str, extra: str, purpose: str) -> ModuleType:
    """Import ``module``, or raise :class:`MissingExtra` saying how to install ``extra``."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtra(
            f"{purpose} needs the '{extra}' extra: in flashpoint's folder, run"
            f' pip install ".[{extra}]" (or pip install ".[all]" for every extra)'
        ) from None
