"""Sums taken in a fixed order, compiled with numba.

Floating-point sums depend on the order their terms are added in. The spatial model's numbers were
first computed with numpy, and its compiled loops add in numpy's order, so that a run gives the same
numbers to the last bit as before (KTAB parity, ``docs/specs/ktab.md`` §4.11, holds either way;
reproducible forecasts need the bits): :func:`~flashpoint.models.pairwise.pairwise_sum` as numpy's
``sum`` over a contiguous axis, :func:`weighted_squared_gap` as numpy's
``einsum("ak,abk->ab", ...)`` of the salience-weighted distances (§4.2) on its two-lane SIMD build.
"""

from __future__ import annotations

import numpy as np

from flashpoint.models.smp.kernels import borrower


@borrower
def weighted_squared_gap(weight: np.ndarray, a: np.ndarray, b: np.ndarray, i: int, j: int) -> float:
    """``Σ_k weight[i, k] (a[i, k] - b[j, k])²`` as numpy's einsum takes it: two lanes (even and
    odd ``k``), each fed eight terms at a time from the last pair back, then the rest in order.
    (Rows by index, not as row views, and the arrays borrowed: numba changes an array's reference
    count atomically each time a view is made or an array handed over, which in the n² calls of
    a state cost more than the sum.)"""
    count = weight.shape[1]
    even, odd = 0.0, 0.0
    k = 0
    while count - k >= 8:
        for pair in (6, 4, 2, 0):
            gap = a[i, k + pair] - b[j, k + pair]
            even = weight[i, k + pair] * (gap * gap) + even
            gap = a[i, k + pair + 1] - b[j, k + pair + 1]
            odd = weight[i, k + pair + 1] * (gap * gap) + odd
        k += 8
    while k < count:
        gap = a[i, k] - b[j, k]
        even = weight[i, k] * (gap * gap) + even
        if k + 1 < count:
            gap = a[i, k + 1] - b[j, k + 1]
            odd = weight[i, k + 1] * (gap * gap) + odd
        k += 2
    return 0.0 + (even + odd)
