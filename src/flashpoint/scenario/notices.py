"""Notices to whoever listens: a library call that is about to take long (a large file to read,
a long run) tells the listeners registered around it, and the command line prints what it hears.
The library itself never prints."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

T = TypeVar("T")


class Notices(Generic[T]):
    """The listeners to one kind of notice, each for the length of a ``with`` block."""

    def __init__(self) -> None:
        self._listeners: list[Callable[[T], None]] = []

    @contextmanager
    def listening(self, listener: Callable[[T], None]) -> Iterator[None]:
        """Call ``listener(notice)`` for each notice given inside this block."""
        self._listeners.append(listener)
        try:
            yield
        finally:
            self._listeners.remove(listener)

    def tell(self, notice: T) -> None:
        """Give ``notice`` to every listener."""
        for listener in list(self._listeners):
            listener(notice)
