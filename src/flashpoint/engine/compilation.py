"""Noticing when numba compiles.

The expected utility, exchange and spatial models run in code compiled by numba. Installing
compiles it (the wheel ships numba's cache: ``hatch_build.py``); where it did not, the first run
on a machine compiles it (about half a minute) and caches the result next to the source. Later
runs load it from the cache in about a second. numba announces each compilation, not a load from
its cache, as a ``numba:compile`` event (numba's event API), which :func:`on_compile` listens to.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def on_compile(callback: Callable[[], None]) -> Iterator[None]:
    """Call ``callback()`` once, when numba starts compiling a function in this process inside
    the ``with`` block (not when it loads one from its cache)."""
    from numba.core import event  # numba loads here, for the commands that run models

    called = False

    class Notice(event.Listener):
        def on_start(self, started: event.Event) -> None:
            nonlocal called
            if not called and not _object_mode_block(started):
                called = True
                callback()

        def on_end(self, _: event.Event) -> None:
            pass

    with event.install_listener("numba:compile", Notice()):
        yield


def _object_mode_block(started: Any) -> bool:
    """Whether a compilation is that of a block of a compiled function that runs in Python
    (``with numba.objmode()``): numba compiles such a block in every new process, in
    milliseconds, and never caches it, so it is nothing to announce."""
    dispatcher = (started.data or {}).get("dispatcher")
    return type(dispatcher).__name__ == "ObjModeLiftedWith"
