"""Random streams: every stream of a run comes from the run's seed and a name (a model's, or
``"inputs"``), through ``SeedSequence(seed, spawn_key=(*place, crc32(name)))``, so streams never
depend on which other streams a run uses or in what order."""

from __future__ import annotations

import zlib

import numpy as np


def named_stream(seed: int, name: str, *place: int) -> np.random.Generator:
    """The stream called ``name`` of a run (``place``: e.g. the Monte Carlo block it is for)."""
    key = zlib.crc32(name.encode("utf-8"))
    sequence = np.random.SeedSequence(seed, spawn_key=(*place, key))
    return np.random.Generator(np.random.PCG64(sequence))
