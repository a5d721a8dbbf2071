"""Ctrl-C while blocks of draws run in this process is taken at a block's end
(flashpoint.engine.interrupts): a first SIGINT inside a block lets the block finish and then
raises; a second raises at once; outside a block it raises at once; the handler is put back."""

from __future__ import annotations

import signal
import threading

import pytest

from flashpoint.engine import interrupts
from flashpoint.engine.executors import run_blocks


def test_a_ctrl_c_inside_a_block_is_raised_when_the_block_ends():
    steps = []

    def block() -> str:
        signal.raise_signal(signal.SIGINT)  # as if Ctrl-C came while compiled code ran
        steps.append("went on")  # the block is not cut in the middle
        return "done"

    with interrupts.between_blocks():
        with pytest.raises(KeyboardInterrupt):
            interrupts.run_block(block)
    assert steps == ["went on"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_second_ctrl_c_inside_a_block_raises_at_once():
    steps = []

    def block() -> None:
        signal.raise_signal(signal.SIGINT)
        steps.append("first")
        signal.raise_signal(signal.SIGINT)
        steps.append("second")

    with interrupts.between_blocks():
        with pytest.raises(KeyboardInterrupt):
            interrupts.run_block(block)
    assert steps == ["first"]


def test_a_ctrl_c_outside_a_block_raises_at_once_and_blocks_without_one_run_as_usual():
    with interrupts.between_blocks():
        assert interrupts.run_block(lambda: 3) == 3
        with pytest.raises(KeyboardInterrupt):
            signal.raise_signal(signal.SIGINT)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_handler_of_someone_else_and_other_threads_are_left_alone():
    heard = []
    previous = signal.signal(signal.SIGINT, lambda *_: heard.append("theirs"))
    try:
        with interrupts.between_blocks():
            interrupts.run_block(lambda: signal.raise_signal(signal.SIGINT))
    finally:
        signal.signal(signal.SIGINT, previous)
    assert heard == ["theirs"]

    installed = []

    def in_a_thread() -> None:
        with interrupts.between_blocks():
            installed.append(interrupts.run_block(lambda: signal.getsignal(signal.SIGINT)))

    thread = threading.Thread(target=in_a_thread)
    thread.start()
    thread.join()
    assert installed == [signal.default_int_handler]


class Interrupted:
    """A task whose second block gets a Ctrl-C in the middle."""

    def __init__(self) -> None:
        self.ran: list[int] = []

    def run_block(self, block: int, size: int) -> list[int]:
        if block == 1:
            signal.raise_signal(signal.SIGINT)
        self.ran.append(block)
        return [block]

    def merge(self, parts):
        return [value for part in parts for value in part]


def test_run_blocks_stops_at_the_end_of_the_block_that_a_ctrl_c_came_in():
    task = Interrupted()
    with pytest.raises(KeyboardInterrupt):
        run_blocks(task, [1, 1, 1, 1], executor="serial")
    assert task.ran == [0, 1]  # block 1 ended; block 2 never started
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
