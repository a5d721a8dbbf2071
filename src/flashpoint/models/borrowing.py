"""Compiled functions that borrow their arrays: no reference counting on the way in or out.

numba counts the references to every array its compiled code holds, and changes the count
atomically each time an array is bound to a name: a compiled function that takes arrays
increments and decrements each one's count on every call, inlined or not. In a model's
innermost loops, called thousands of times a draw, that counting cost more than the arithmetic
(Korea 2018, one Monte Carlo draw of the exchange model: four arrays bound per candidate
solved, about 19,000 atomic operations, 0.20 ms a draw with them and 0.16 ms without).

:func:`borrowing` compiles a function without numba's runtime (``_nrt=False``, the option
numba's own library uses for helpers that allocate nothing, e.g. ``numba/misc/mergesort.py``):
it reads and writes the arrays its caller holds and counts no reference. So it must not
allocate an array, nor return or keep one (its caller would release a reference it never
took), nor call a compiled function that allocates (numba compiles the callees of a function
without its runtime without it too, and refuses); it may index, take views, and call functions
of numbers or other borrowing functions. Numbers are unchanged: counting references does no
arithmetic. :data:`BORROWERS` lists every such function, for the test that
checks none returns an array (``tests/test_borrowing.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numba

BORROWERS: list[Any] = []  # every function compiled by borrowing(), in the order defined


def borrowing(**options: Any) -> Callable[[Callable[..., Any]], Any]:
    """A decorator: the function compiled like the models' other compiled functions (cached,
    without the GIL, with ``options`` such as numba's ``error_model``), without reference
    counting (see the module's docstring for what such a function may not do)."""

    def compile_borrowing(function: Callable[..., Any]) -> Any:
        dispatcher = numba.njit(cache=True, nogil=True, _nrt=False, **options)(function)
        BORROWERS.append(dispatcher)
        return dispatcher

    return compile_borrowing
