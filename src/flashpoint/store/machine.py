"""The machine a run was computed on, as far as its numbers can depend on it: the processor, the
numeric libraries' versions, the BLAS kernel OpenBLAS chose and numpy's CPU dispatch.

The same seed gives the same numbers bit for bit on one machine; on another, the numbers the
models compute in a fixed order are the same too, but the C library's ``exp``, ``log`` and ``pow``
and numpy's vectorised loops may round a last bit differently (``docs/reliability.md``, issue
#32). ``flashpoint runs rerun`` compares a stored run bit for bit when it was computed on a
machine like this one, and within :data:`ACROSS_MACHINES` otherwise.
"""

from __future__ import annotations

import platform
from pathlib import Path
from functools import cache
from typing import Any

ACROSS_MACHINES = 1e-12
"""The relative difference a number may show when a run is repeated on another machine."""


def _processor() -> str:
    """The processor's model name (Linux's ``/proc/cpuinfo``), else what Python knows."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as info:
            for line in info:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


@cache
def this_machine() -> dict[str, Any]:
    """This machine's description, as a run records it (a JSON object)."""
    from importlib.metadata import version

    import numpy as np
    from threadpoolctl import threadpool_info

    try:
        from numpy._core._multiarray_umath import __cpu_features__
    except ImportError:  # numpy 1.x
        from numpy.core._multiarray_umath import __cpu_features__

    # numpy's own BLAS (numpy.libs), not whichever other copy happens to be loaded (scipy's)
    blas = [
        f"{pool.get('internal_api')} {pool.get('version')} {pool.get('architecture')}".strip()
        for pool in threadpool_info()
        if pool.get("user_api") == "blas"
        and Path(pool.get("filepath", "")).parent.name.startswith("numpy")
    ]
    return {
        "processor": _processor(),
        "architecture": platform.machine(),
        "system": platform.system(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "numba": version("numba"),  # without importing it (0.3 s)
        "blas": blas,
        "numpy_cpu_features": sorted(name for name, on in __cpu_features__.items() if on),
    }


def same_machine(recorded: dict[str, Any] | None) -> bool:
    """Whether a run recorded on ``recorded`` (None: a run from before machines were recorded)
    was computed on a machine like this one."""
    return recorded == this_machine()


def described(machine: dict[str, Any] | None) -> str:
    """A machine in a few words: ``AMD EPYC, openblas 0.3.31 Haswell, numpy 2.4.6``."""
    if not machine:
        return "a machine it did not record"
    parts = [machine.get("processor", "unknown processor"), *machine.get("blas", [])]
    return ", ".join([*parts, f"numpy {machine.get('numpy')}", f"numba {machine.get('numba')}"])
