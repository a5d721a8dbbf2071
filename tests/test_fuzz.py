"""Fuzzing every importer: a mutated file of any format either loads or is refused with the
project's own error naming the file, never a raw exception or a hang (#22). bench/fuzz.py runs
the same for thousands of files per format."""

from __future__ import annotations

import random
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from .fuzzing import FORMATS, mutate, outcome, seeds


@pytest.fixture(scope="module")
def originals(tmp_path_factory):
    folder = tmp_path_factory.mktemp("seeds")
    return {kind: (path.read_bytes(), path.suffix) for kind, path in seeds(folder).items()}


@pytest.mark.parametrize("kind", FORMATS)
def test_mutated_files_load_or_are_refused_with_their_place(kind, originals, tmp_path):
    data, suffix = originals[kind]
    path = tmp_path / f"mutated{suffix}"

    @settings(max_examples=40, deadline=None, database=None)
    @given(seed=st.integers(0, 2**32 - 1))
    def check(seed):
        path.write_bytes(mutate(data, random.Random(seed)))
        started = time.perf_counter()
        outcome(path)
        assert time.perf_counter() - started < 20, "a file took over 20 s to read"

    check()
