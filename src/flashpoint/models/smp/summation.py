"""Sums taken in a fixed order, compiled with numba.

Floating-point sums depend on the order their terms are added in. The spatial model's numbers were
first computed with numpy, and its compiled loops add in numpy's order, so that a run gives the same
numbers to the last bit as before (KTAB parity, ``docs/specs/ktab.md`` §4.11, holds either way;
reproducible forecasts need the bits): :func:`~flashpoint.models.pairwise.pairwise_sum` as numpy's
``sum`` over a contiguous axis, :func:`weighted_squared_gap` as numpy's
``einsum("ak,abk->ab", ...)`` of the salience-weighted distances (§4.2) on its two-lane SIMD build,
and :func:`weighted_position` as the matrix-vector product of OpenBLAS's Haswell kernels, which
numpy's ``matmul`` reached when the spatial model's forecasts were first computed.

A BLAS library picks its kernels by CPU, each adding in its own order (issue #32: the golden
documents' numbers came back on an AVX-512 machine only with ``OPENBLAS_CORETYPE=Haswell``); these
loops add in one order on every CPU. Their products and sums are IEEE 754 operations, the same
everywhere; where the kernel fused a multiply and an add, :func:`fused_multiply_add` does too
(one rounding, by the CPU's instruction or the C library's ``fma``: the same number either way).
"""

from __future__ import annotations

import numpy as np
from numba import types
from numba.extending import intrinsic

from flashpoint.models.smp.kernels import borrower, compiled


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


@intrinsic
def fused_multiply_add(typingctx, a, b, c):  # noqa: ARG001 (numba's signature for an intrinsic)
    """``a * b + c`` rounded once (IEEE 754 fusedMultiplyAdd, LLVM's ``llvm.fma``)."""

    def generate(context, builder, signature, args):  # noqa: ARG001
        return builder.fma(*args)

    return types.float64(types.float64, types.float64, types.float64), generate


@compiled
def dot_product(weight: np.ndarray, value: np.ndarray) -> float:
    """``Σ_j weight[j] value[j]`` as OpenBLAS's Haswell ``ddot``: sixteen lanes fused-added 16
    terms at a time, folded (lanes ``l`` and ``l + 2`` of each group of four, the groups 0+1 and
    2+3, then the two halves), then the rest added in order."""
    n = weight.shape[0]
    whole = n - n % 16
    total = 0.0
    if whole:
        lane = np.zeros(16)
        for start in range(0, whole, 16):
            for k in range(16):
                lane[k] = fused_multiply_add(weight[start + k], value[start + k], lane[k])
        half = np.empty(2)
        for h in range(2):
            group = [lane[4 * g + h] + lane[4 * g + h + 2] for g in range(4)]
            half[h] = (group[0] + group[1]) + (group[2] + group[3])
        total = half[0] + half[1]
    for j in range(whole, n):
        total = total + value[j] * weight[j]
    return total


@compiled
def weighted_position(weight: np.ndarray, position: np.ndarray) -> np.ndarray:
    """``Σ_j weight[j] position[j, :]`` (``docs/specs/ktab.md`` §4.8: a state's forecast, its
    positions weighted by their win probabilities) in the order of OpenBLAS's Haswell
    ``dgemv_n`` with numpy's layout: one dimension as :func:`dot_product`; in fewer than four,
    each dimension a running sum of pairs of terms; otherwise the dimensions up to a multiple of
    four take the positions four at a time (``fma(a2, x2, a0 x0) + fma(a3, x3, a1 x1)`` added to
    the running sum), then two, then one, and the remaining dimensions a plain running sum."""
    n, dims = position.shape
    result = np.empty(dims)
    if dims == 1:
        result[0] = dot_product(weight, position[:, 0])
        return result
    blocked = 0 if dims < 4 else dims - dims % 4
    for k in range(blocked):
        total = 0.0
        j = 0
        while n - j >= 4:
            even = fused_multiply_add(position[j + 2, k], weight[j + 2], position[j, k] * weight[j])
            odd = fused_multiply_add(
                position[j + 3, k], weight[j + 3], position[j + 1, k] * weight[j + 1]
            )
            total = total + (even + odd)
            j += 4
        if n - j >= 2:
            total = total + (position[j, k] * weight[j] + position[j + 1, k] * weight[j + 1])
            j += 2
        if j < n:
            total = total + position[j, k] * weight[j]
        result[k] = total
    for k in range(blocked, dims):
        total = 0.0
        j = 0
        if dims < 4:
            while n - j >= 4:
                total = total + (position[j, k] * weight[j] + position[j + 1, k] * weight[j + 1])
                total = total + (
                    position[j + 2, k] * weight[j + 2] + position[j + 3, k] * weight[j + 3]
                )
                j += 4
        while j < n:
            total = total + position[j, k] * weight[j]
            j += 1
        result[k] = total
    return result


@compiled
def weighted_positions(start: np.ndarray, weight: np.ndarray, position: np.ndarray) -> np.ndarray:
    """``[state, dimension]``: :func:`weighted_position` of each state, whose rows of ``weight``
    and ``position`` run from ``start[s]`` to ``start[s + 1]``."""
    result = np.empty((start.shape[0] - 1, position.shape[1]))
    for s in range(start.shape[0] - 1):
        rows = slice(start[s], start[s + 1])
        result[s] = weighted_position(weight[rows], position[rows])
    return result


@compiled
def matrix_product(matrix: np.ndarray, position: np.ndarray) -> np.ndarray:
    """``matrix @ position``, each entry summed over ``j`` in order."""
    result = np.zeros((matrix.shape[0], position.shape[1]))
    for a in range(matrix.shape[0]):
        for k in range(position.shape[1]):
            total = 0.0
            for j in range(matrix.shape[1]):
                total = total + matrix[a, j] * position[j, k]
            result[a, k] = total
    return result
