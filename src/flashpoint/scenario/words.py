"""Quantities in words, for the messages flashpoint prints (a run's or a file's duration)."""

from __future__ import annotations


def duration(seconds: float) -> str:
    """``40 seconds``, ``3 minutes``, ``1.5 hours``."""
    if seconds < 90:
        return f"{seconds:.0f} seconds"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} minutes"
    return f"{seconds / 3600:.1f} hours"
