"""Words for the messages flashpoint prints: quantities (a run's or a file's duration) and names."""

from __future__ import annotations


def duration(seconds: float) -> str:
    """``40 seconds``, ``3 minutes``, ``1.5 hours``."""
    if seconds < 90:
        return f"{seconds:.0f} seconds"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} minutes"
    return f"{seconds / 3600:.1f} hours"


def possessive(name: str) -> str:
    """``North Korea's``, ``United States'``: an English possessive (a name ending in s takes
    the apostrophe alone, as names of countries in the plural do)."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"
