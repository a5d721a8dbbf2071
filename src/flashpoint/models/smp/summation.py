"""Sums taken in a fixed order, compiled with numba.

Floating-point sums depend on the order their terms are added in. The spatial model's numbers
were first computed with numpy, and its compiled loops add in numpy's order, so that a run gives
the same numbers to the last bit as before (KTAB parity, ``ktab.md`` §4.11, holds either way;
reproducible forecasts need the bits): :func:`pairwise_sum` as numpy's ``sum`` over a
contiguous axis, :func:`weighted_squared_gap` as numpy's ``einsum("ak,abk->ab", ...)`` of the
salience-weighted distances (§4.2) on its two-lane SIMD build.
"""

from __future__ import annotations

import numpy as np

from flashpoint.models.smp.kernels import compiled

BLOCK = 128  # numpy's pairwise summation splits above this many terms, into multiples of 8


@compiled
def _block(values: np.ndarray, start: int, count: int) -> float:
    """Up to ``BLOCK`` terms: one by one below 8, else eight running sums combined in pairs."""
    if count < 8:
        total = 0.0
        for k in range(start, start + count):
            total += values[k]
        return total
    partial = values[start : start + 8].copy()
    k = 8
    while k < count - count % 8:
        for lane in range(8):
            partial[lane] += values[start + k + lane]
        k += 8
    total = ((partial[0] + partial[1]) + (partial[2] + partial[3])) + (
        (partial[4] + partial[5]) + (partial[6] + partial[7])
    )
    for rest in range(k, count):
        total += values[start + rest]
    return total


@compiled
def pairwise_sum(values: np.ndarray) -> float:
    """``values.sum()`` as numpy takes it: blocks of at most ``BLOCK`` terms (:func:`_block`),
    longer runs split in two halves (the first a multiple of 8 long) and their sums added."""
    count = values.shape[0]
    if count <= BLOCK:
        return 0.0 + _block(values, 0, count)
    # the halving, depth first without recursion (numba cannot cache recursive functions)
    start, length = np.zeros(64, dtype=np.int64), np.zeros(64, dtype=np.int64)
    split = np.zeros(64, dtype=np.bool_)
    sums = np.empty(64)
    length[0], top, done = count, 0, 0
    while top >= 0:
        if length[top] <= BLOCK:
            sums[done] = _block(values, start[top], length[top])
            done += 1
            top -= 1
        elif split[top]:  # both halves summed
            sums[done - 2] += sums[done - 1]
            done -= 1
            top -= 1
        else:
            half = length[top] // 2
            half -= half % 8
            split[top] = True
            start[top + 1], length[top + 1] = start[top] + half, length[top] - half
            start[top + 2], length[top + 2] = start[top], half
            split[top + 1], split[top + 2] = False, False
            top += 2
    return 0.0 + sums[0]


@compiled
def weighted_squared_gap(weight: np.ndarray, a: np.ndarray, b: np.ndarray) -> float:
    """``Σ_k weight[k] (a[k] - b[k])²`` as numpy's einsum takes it: two lanes (even and odd
    ``k``), each fed eight terms at a time from the last pair back, then the rest in order."""
    count = weight.shape[0]
    even, odd = 0.0, 0.0
    k = 0
    while count - k >= 8:
        for pair in (6, 4, 2, 0):
            gap = a[k + pair] - b[k + pair]
            even = weight[k + pair] * (gap * gap) + even
            gap = a[k + pair + 1] - b[k + pair + 1]
            odd = weight[k + pair + 1] * (gap * gap) + odd
        k += 8
    while k < count:
        gap = a[k] - b[k]
        even = weight[k] * (gap * gap) + even
        if k + 1 < count:
            gap = a[k + 1] - b[k + 1]
            odd = weight[k + 1] * (gap * gap) + odd
        k += 2
    return 0.0 + (even + odd)
