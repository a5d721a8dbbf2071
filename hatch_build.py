"""Building the wheel compiles the models and ships numba's cache in it (issue #23).

The expected utility, exchange and spatial models run code compiled by numba, which caches what
it compiles next to the source (``__pycache__/*.nbi`` and ``*.nbc``). Since numba 0.68 it accepts
a cached function when its source file has the same contents (a SHA-256 of the file, no longer
its modification time), numba and Python are the same versions and the processor is the one it
was compiled for. ``pip install .`` builds the wheel on the machine that will run it, with the
Python that will run it: the cache built here then loads after installing, and the first
``flashpoint`` prints its forecast in seconds instead of compiling for twenty. Elsewhere (another
processor, another numba) numba ignores the shipped cache and compiles, as it would without it.

Not for editable installs (their runs cache in the source tree), nor with
``FLASHPOINT_PRECOMPILE=0``. If compiling fails, the wheel is built without the cache and says so:
a run then compiles on first use.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

CACHE_FILES = ("*.nbi", "*.nbc")


def compile_models(package: Path, workdir: Path) -> dict[str, str]:
    """Compile the models of the package at ``package`` (``src/flashpoint``) in a copy of it
    under ``workdir``, and return the cache files it wrote: their path -> their path in the
    wheel. A copy, so that no cache of the source tree's own runs gets into the wheel."""
    copy = workdir / "flashpoint"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    environment = {key: value for key, value in os.environ.items() if not key.startswith("NUMBA_")}
    # The copy first; then what is there already (pip's isolated build environment lives there).
    environment["PYTHONPATH"] = os.pathsep.join(
        path for path in (str(workdir), os.environ.get("PYTHONPATH")) if path
    )
    subprocess.run(
        [sys.executable, "-c", "from flashpoint.analysis.warmup import main; main([])"],
        cwd=workdir, env=environment, check=True, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    return {
        str(path): path.relative_to(workdir).as_posix()
        for pattern in CACHE_FILES
        for path in sorted(copy.rglob(f"__pycache__/{pattern}"))
    }


class CustomBuildHook(BuildHookInterface):
    """hatchling's hook for the wheel: adds the compiled models' cache (see the module)."""

    def initialize(self, version: str, build_data: dict) -> None:
        if version != "standard" or os.environ.get("FLASHPOINT_PRECOMPILE", "1") == "0":
            return
        self._workdir = tempfile.TemporaryDirectory(prefix="flashpoint-compile-")
        package = Path(self.root) / "src" / "flashpoint"
        self.app.display_info("Compiling flashpoint's models (about 20 s, once)...")
        try:
            files = compile_models(package, Path(self._workdir.name))
        except (subprocess.SubprocessError, OSError) as error:
            detail = getattr(error, "stderr", "") or str(error)
            self.app.display_warning(
                "Could not compile flashpoint's models; the first run will compile them.\n"
                + detail.strip()[-2000:]
            )
            return
        build_data["force_include"].update(files)

    def finalize(self, version: str, build_data: dict, artifact_path: str) -> None:
        workdir = getattr(self, "_workdir", None)
        if workdir is not None:
            workdir.cleanup()
