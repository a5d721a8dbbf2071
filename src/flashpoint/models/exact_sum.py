"""Exactly rounded sums, compiled with numba: :func:`exact_sums` gives for each row what Python's
``math.fsum`` gives, to the last bit, without a Python call per row.

``math.fsum`` keeps the running sum as a list of non-overlapping partial sums whose total is
exact (Shewchuk 1997, "Adaptive precision floating-point arithmetic and fast robust geometric
predicates", Discrete & Computational Geometry 18: 305-363, the "grow-expansion" step), then
rounds their total once, correcting the half-way case as CPython's ``math_fsum`` does. Such a
sum is the same in any order of its terms, which is why the spatial model's inputs use it
(:func:`flashpoint.models.smp.ktab_inputs`). Finite terms only (the inputs are checked).
"""

from __future__ import annotations

import numpy as np
from numba import njit

compiled = njit(cache=True, nogil=True)


@compiled
def exact_sums(rows: np.ndarray) -> np.ndarray:
    """``[math.fsum(row) for row in rows]`` of a 2-D array of finite numbers."""
    count, length = rows.shape
    sums = np.empty(count)
    partials = np.empty(length + 1)
    for r in range(count):
        used = 0
        for k in range(length):
            used = _grow(partials, used, rows[r, k])
        sums[r] = _rounded(partials, used)
    return sums


@compiled
def _grow(partials: np.ndarray, used: int, x: float) -> int:
    """Add ``x`` to the exact sum ``partials[:used]`` (non-overlapping, increasing in size);
    returns how many partials it has now (Shewchuk's grow-expansion, as ``math.fsum``)."""
    kept = 0
    for p in range(used):
        y = partials[p]
        if abs(x) < abs(y):
            x, y = y, x
        high = x + y
        low = y - (high - x)
        if low != 0.0:
            partials[kept] = low
            kept += 1
        x = high
    if x != 0.0:
        partials[kept] = x
        kept += 1
    return kept


@compiled
def add_columns(partials: np.ndarray, used: np.ndarray, values: np.ndarray) -> bool:
    """Add each column ``values[:, c]`` to the exact sum ``partials[c, :used[c]]``; False if a
    sum would need more than ``partials.shape[1]`` partials (nothing is then trusted)."""
    for c in range(values.shape[1]):
        for k in range(values.shape[0]):
            if used[c] == partials.shape[1]:
                return False
            used[c] = _grow(partials[c], used[c], values[k, c])
    return True


@compiled
def rounded_columns(partials: np.ndarray, used: np.ndarray) -> np.ndarray:
    """Each exact sum ``partials[c, :used[c]]`` rounded once, as ``math.fsum`` rounds."""
    sums = np.empty(partials.shape[0])
    for c in range(partials.shape[0]):
        sums[c] = _rounded(partials[c], used[c])
    return sums


@compiled
def _rounded(partials: np.ndarray, used: int) -> float:
    """The total of ``partials[:used]`` (non-overlapping, increasing in size) rounded once:
    added from the largest down until a rounding error appears; if the next partial has the
    same sign as that error, the total was half-way between two numbers and rounds away."""
    if used == 0:
        return 0.0
    n = used - 1
    high = partials[n]
    low = 0.0
    while n > 0:
        x = high
        y = partials[n - 1]
        n -= 1
        high = x + y
        low = y - (high - x)
        if low != 0.0:
            break
    if n > 0 and ((low < 0.0 and partials[n - 1] < 0.0) or (low > 0.0 and partials[n - 1] > 0.0)):
        y = low * 2.0
        x = high + y
        if y == x - high:
            high = x
    return high
