"""Numbers that do not depend on the CPU (issue #32): no model or analysis reaches BLAS, whose
kernels add in an order of their CPU's, and the sums that replaced it add in the order their
docstrings state. (The golden documents are checked under another BLAS kernel and numpy dispatch
by ``.ci/run``; ``docs/reliability.md`` states the promise.)"""

from __future__ import annotations

import ast
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import flashpoint
from flashpoint.models.smp.summation import dot_product, matrix_product, weighted_position

PACKAGE = Path(flashpoint.__file__).parent
BLAS_FUNCTIONS = {"dot", "vdot", "inner", "matmul", "tensordot", "einsum", "einsum_path"}


def blas_calls(tree: ast.AST) -> list[tuple[int, str]]:
    """Where a module multiplies matrices (``@``, ``np.dot``, ``np.matmul``, ``np.linalg``,
    ``einsum``...): each line and what it calls."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp | ast.AugAssign) and isinstance(node.op, ast.MatMult):
            found.append((node.lineno, "@"))
        elif isinstance(node, ast.Attribute) and (
            node.attr in BLAS_FUNCTIONS or node.attr == "linalg"
        ):
            found.append((node.lineno, node.attr))
        elif isinstance(node, ast.ImportFrom) and node.module and "linalg" in node.module:
            found.append((node.lineno, node.module))
    return found


def test_no_model_or_analysis_multiplies_matrices_through_blas():
    found = {
        f"{path.relative_to(PACKAGE)}:{line} {what}"
        for path in PACKAGE.rglob("*.py")
        for line, what in blas_calls(ast.parse(path.read_text(encoding="utf-8")))
    }
    assert not found, sorted(found)


def test_the_check_finds_each_way_to_blas():
    code = "a @ b\nx @= y\nnp.dot(a, b)\nnp.linalg.solve(a, b)\nnp.einsum('i,i', a, b)\nv.dot(w)"
    found = [what for _, what in blas_calls(ast.parse(code))]
    assert sorted(found) == sorted(["@", "@", "dot", "linalg", "einsum", "dot"])


def _fma(a: float, b: float, c: float) -> float:
    return float(Fraction(a) * Fraction(b) + Fraction(c))  # one rounding


def weighted_position_as_documented(weight, position) -> list[float]:
    """:func:`weighted_position`'s order, in plain Python (exact ``fma`` through fractions)."""
    n, dims = position.shape
    if dims == 1:
        whole = n - n % 16
        total = 0.0
        if whole:
            lane = [0.0] * 16
            for start in range(0, whole, 16):
                for k in range(16):
                    lane[k] = _fma(weight[start + k], position[start + k, 0], lane[k])
            halves = []
            for h in range(2):  # lanes h and h + 2 of each group of four, then the groups
                group = [lane[4 * g + h] + lane[4 * g + h + 2] for g in range(4)]
                halves.append((group[0] + group[1]) + (group[2] + group[3]))
            total = halves[0] + halves[1]
        for j in range(whole, n):
            total = total + position[j, 0] * weight[j]
        return [total]
    blocked = 0 if dims < 4 else dims - dims % 4
    result = []
    for k in range(dims):
        total, j = 0.0, 0
        if k < blocked:
            while n - j >= 4:
                even = _fma(position[j + 2, k], weight[j + 2], position[j, k] * weight[j])
                odd = _fma(position[j + 3, k], weight[j + 3], position[j + 1, k] * weight[j + 1])
                total, j = total + (even + odd), j + 4
            if n - j >= 2:
                total = total + (position[j, k] * weight[j] + position[j + 1, k] * weight[j + 1])
                j += 2
        elif dims < 4:
            while n - j >= 4:
                total = total + (position[j, k] * weight[j] + position[j + 1, k] * weight[j + 1])
                total = total + (
                    position[j + 2, k] * weight[j + 2] + position[j + 3, k] * weight[j + 3]
                )
                j += 4
        while j < n:
            total, j = total + position[j, k] * weight[j], j + 1
        result.append(total)
    return result


@settings(max_examples=200, deadline=None)
@given(
    size=st.integers(1, 40),
    dims=st.integers(1, 9),
    seed=st.integers(0, 2**32 - 1),
)
def test_a_weighted_position_adds_in_its_stated_order(size, dims, seed):
    rng = np.random.default_rng(seed)
    weight = rng.dirichlet(np.ones(size))
    position = rng.uniform(0.0, 1.0, (size, dims))
    assert weighted_position(weight, position).tolist() == weighted_position_as_documented(
        weight, position
    )


def test_the_order_matters_where_it_is_tested():
    """Inputs on which another order gives another last bit, so that the test above can fail."""
    rng = np.random.default_rng(7)
    differs = 0
    for _ in range(50):
        weight, position = rng.dirichlet(np.ones(11)), rng.uniform(0.0, 1.0, (11, 6))
        plain = [sum(weight[j] * position[j, k] for j in range(11)) for k in range(6)]
        differs += weighted_position(weight, position).tolist() != plain
    assert differs > 5


@pytest.mark.parametrize("size", [1, 15, 16, 33])
def test_a_dot_product_and_a_matrix_product_are_the_sums_they_state(size):
    rng = np.random.default_rng(size)
    a, b = rng.uniform(0, 1, size), rng.uniform(0, 1, size)
    exact = float(sum(Fraction(x) * Fraction(y) for x, y in zip(a, b, strict=True)))
    assert dot_product(a, b) == pytest.approx(exact, rel=1e-15)
    matrix, position = rng.uniform(0, 1, (3, size)), rng.uniform(0, 1, (size, 2))
    expected = [
        [sum(matrix[i, j] * position[j, k] for j in range(size)) for k in range(2)]
        for i in range(3)
    ]
    assert matrix_product(matrix, position).tolist() == expected
