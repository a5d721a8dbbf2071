"""Ctrl-C while compiled models run in this process: taken between blocks of draws.

Python raises ``KeyboardInterrupt`` wherever the main thread is when SIGINT arrives. Inside a call
of a numba-compiled model that may be in the middle of numba's own C code, which then fails with
``SystemError: CPUDispatcher(...) returned a result with an exception set`` instead of the
interrupt (measured: about one Ctrl-C in seven in the first seconds of ``forecast --draws 200000``
ended so, exit 1 with a traceback, instead of a run stopped and recorded as cancelled).

:func:`between_blocks` defers a first Ctrl-C that comes while a block runs here to the block's
end, where :func:`run_block` raises it; a second Ctrl-C raises at once, and one that comes while
no block runs here (waiting for workers, say) raises at once as usual. Only the main thread
of a process whose SIGINT handler is Python's own is changed: a server that handles SIGINT itself
(uvicorn), a worker thread or a worker process keep what they had.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

Result = TypeVar("Result")


class _Deferral:
    """The SIGINT handler while :func:`between_blocks` is active: ``inside`` while a block runs
    here, ``pending`` once a Ctrl-C came during one."""

    def __init__(self) -> None:
        self.inside = False
        self.pending = False

    def handle(self, _signal: int, _frame: Any) -> None:
        if self.inside and not self.pending:
            self.pending = True  # taken at the block's end
            return
        raise KeyboardInterrupt

    def run(self, block: Callable[[], Result]) -> Result:
        self.inside = True
        try:
            result = block()
        finally:
            self.inside = False
        if self.pending:
            raise KeyboardInterrupt
        return result


_ACTIVE: _Deferral | None = None  # the main thread's, while between_blocks runs


@contextmanager
def between_blocks() -> Iterator[None]:
    """Inside this block, :func:`run_block` defers a first Ctrl-C to the end of the block it
    runs (see the module docstring); elsewhere Ctrl-C raises as usual."""
    global _ACTIVE
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGINT) is not signal.default_int_handler
        or _ACTIVE is not None
    ):
        yield
        return
    _ACTIVE = _Deferral()
    previous = signal.signal(signal.SIGINT, _ACTIVE.handle)
    try:
        yield
    finally:
        _ACTIVE = None
        signal.signal(signal.SIGINT, previous)


def run_block(block: Callable[[], Result]) -> Result:
    """``block()``, with a Ctrl-C that comes meanwhile raised when it returns (inside
    :func:`between_blocks` in the main thread; elsewhere simply ``block()``)."""
    if _ACTIVE is None or threading.current_thread() is not threading.main_thread():
        return block()
    return _ACTIVE.run(block)
