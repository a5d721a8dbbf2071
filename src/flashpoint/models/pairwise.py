"""numpy's pairwise summation, compiled with numba, for compiled model loops that must give the
numbers numpy's ``sum`` gives to the last bit (the exchange and spatial models' runs were first
written with numpy, and their results stay the same however the draws are batched).

numpy sums a contiguous array in blocks of at most 128 terms, each with eight running sums
combined in pairs, and splits a longer array into two halves (the first a multiple of 8 long)
whose sums it adds (``pairwise_sum`` in numpy's ``loops_utils.h``).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from flashpoint.models.borrowing import borrowing

compiled = njit(cache=True, nogil=True)

BLOCK = 128  # numpy's pairwise summation splits above this many terms, into multiples of 8


@borrowing()
def _block(values: np.ndarray, start: int, count: int) -> float:
    """Up to ``BLOCK`` terms: one by one below 8, else eight running sums combined in pairs."""
    if count < 8:
        total = 0.0
        for k in range(start, start + count):
            total += values[k]
        return total
    s0, s1, s2, s3 = values[start], values[start + 1], values[start + 2], values[start + 3]
    s4, s5, s6, s7 = values[start + 4], values[start + 5], values[start + 6], values[start + 7]
    k = start + 8
    end = start + count - count % 8
    while k < end:
        s0, s1, s2, s3 = s0 + values[k], s1 + values[k + 1], s2 + values[k + 2], s3 + values[k + 3]
        s4, s5, s6, s7 = (
            s4 + values[k + 4],
            s5 + values[k + 5],
            s6 + values[k + 6],
            s7 + values[k + 7],
        )
        k += 8
    total = ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
    for rest in range(k, start + count):
        total += values[rest]
    return total


@compiled
def pairwise_sum(values: np.ndarray) -> float:
    """``values.sum()`` as numpy takes it: blocks of at most ``BLOCK`` terms (:func:`_block`),
    longer runs split in two halves (the first a multiple of 8 long) and their sums added."""
    count = values.shape[0]
    if count <= BLOCK:
        return 0.0 + _block(values, np.int64(0), count)
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
