"""Compiled functions that borrow their arrays (flashpoint.models.borrowing): they count no
references, and none of them hands an array back; and numpy's pairwise sum, whose blocks borrow."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numba import njit

from flashpoint.models.borrowing import BORROWERS
from flashpoint.models.eum.round import vote_totals
from flashpoint.models.pairwise import pairwise_sum


def _calls(dispatcher, name: str) -> int:
    (ir,) = dispatcher.inspect_llvm().values()
    return sum(f"@{name}(" in line and "call" in line for line in ir.splitlines())


def test_without_reference_counting_a_step_does_the_same_work():
    """The EUM's vote totals, compiled afresh as numba compiles by default and as borrowing()
    does (not from the cache, whose code cannot be inspected): the same votes, and no
    reference counted on the way in or out."""
    counted = njit(error_model="numpy")(vote_totals.py_func)
    borrowed = njit(error_model="numpy", _nrt=False)(vote_totals.py_func)
    n = 5
    x = np.linspace(0.0, 1.0, 2 * n).reshape(2, n)
    weight, present = np.ones((2, n)), np.ones((2, n), dtype=bool)
    span, exponent = np.ones(2), np.linspace(0.5, 2.0, n)
    votes = {}
    for name, dispatcher in (("counted", counted), ("borrowed", borrowed)):
        votes[name] = np.empty((n, n))
        dispatcher(1, x, weight, present, span, exponent, np.bool_(False), votes[name], x[0])
    assert votes["borrowed"].tolist() == votes["counted"].tolist()
    assert votes["counted"].max() > 0
    assert _calls(counted, "NRT_incref") > 0  # one per array taken
    assert _calls(borrowed, "NRT_incref") == _calls(borrowed, "NRT_decref") == 0
    assert vote_totals in BORROWERS and vote_totals.targetoptions["_nrt"] is False


def test_every_borrowing_function_says_it_returns_no_array():
    """Its caller would release a reference it never took (borrowing's docstring): each one
    declares a return type of plain numbers or nothing."""
    import flashpoint.models.exchange.round  # noqa: F401  (the models' steps, defined)
    import flashpoint.models.smp.turn  # noqa: F401

    assert len(BORROWERS) >= 9
    for dispatcher in BORROWERS:
        function = dispatcher.py_func
        returned = function.__annotations__.get("return", "(not declared)")
        assert returned in ("None", "float", "bool", "int"), f"{function.__qualname__}: {returned}"


@settings(max_examples=200, deadline=None)
@given(
    arrays(
        np.float64,
        st.integers(0, 700),
        elements=st.floats(-1e6, 1e6, allow_nan=False, allow_subnormal=False),
    )
)
def test_pairwise_sum_is_numpys_to_the_last_bit(values):
    assert pairwise_sum(values) == values.sum()
