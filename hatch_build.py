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

What one build compiled is kept in the user's cache folder (``$XDG_CACHE_HOME/flashpoint`` or
``~/.cache/flashpoint``), under a key of everything the compiled code depends on: the package's
source files, Python, numba and the processor. The README's second command (``pip install
".[test]"`` after ``pip install .``) builds the wheel again; it then copies the first build's
compiled models instead of compiling them again (issue #32). ``FLASHPOINT_BUILD_CACHE=0`` turns
that off, ``FLASHPOINT_BUILD_CACHE=FOLDER`` keeps them there; the last three builds' are kept.
"""

from __future__ import annotations

import hashlib
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from importlib.metadata import version as installed_version
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

CACHE_FILES = ("*.nbi", "*.nbc")
KEPT_BUILDS = 3


def build_key(package: Path) -> str:
    """A SHA-256 of what the compiled models depend on: every source file of the package (its
    path and contents), Python's and numba's versions, and the processor."""
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    processor = ""
    if Path("/proc/cpuinfo").is_file():
        processor = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
        processor = "".join(line for line in processor.splitlines() if line.startswith("flags"))[
            :4096
        ]
    for part in (sys.version, installed_version("numba"), platform.machine(), processor):
        digest.update(part.encode() + b"\0")
    return digest.hexdigest()


def build_cache_folder() -> Path | None:
    """Where builds keep their compiled models (None when ``FLASHPOINT_BUILD_CACHE=0``)."""
    setting = os.environ.get("FLASHPOINT_BUILD_CACHE", "1")
    if setting == "0":
        return None
    if setting != "1":
        return Path(setting)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "flashpoint" / "compiled-models"


def kept_build(folder: Path, key: str, workdir: Path) -> dict[str, str] | None:
    """The compiled models a build with this key kept, copied under ``workdir`` (path -> path
    in the wheel); None if none was kept."""
    kept = folder / key
    if not (kept / "complete").is_file():
        return None
    files = {}
    for path in sorted(kept.rglob("*")):
        if path.is_file() and path.name != "complete":
            in_wheel = path.relative_to(kept).as_posix()
            target = workdir / "kept" / in_wheel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            files[str(target)] = in_wheel
    return files or None


def keep_build(folder: Path, key: str, files: dict[str, str]) -> None:
    """Keep a build's compiled models under its key (written aside, then renamed: two builds at
    once never see half of one), and only the last :data:`KEPT_BUILDS` builds."""
    folder.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=f"{key}-", dir=folder))
    for source, in_wheel in files.items():
        target = partial / in_wheel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    (partial / "complete").write_text(key, encoding="utf-8")
    try:
        partial.rename(folder / key)
    except OSError:  # another build kept the same key first
        shutil.rmtree(partial, ignore_errors=True)
    builds = sorted(
        (path for path in folder.iterdir() if (path / "complete").is_file()),
        key=lambda path: (path / "complete").stat().st_mtime,
    )
    for old in builds[:-KEPT_BUILDS]:
        shutil.rmtree(old, ignore_errors=True)


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
        workdir = Path(self._workdir.name)
        folder, key = build_cache_folder(), build_key(package)
        files = kept_build(folder, key, workdir) if folder is not None else None
        if files is not None:
            self.app.display_info(f"flashpoint's models as compiled by an earlier build ({folder})")
            build_data["force_include"].update(files)
            return
        self.app.display_info("Compiling flashpoint's models (about 20 s, once)...")
        try:
            files = compile_models(package, workdir)
        except (subprocess.SubprocessError, OSError) as error:
            detail = getattr(error, "stderr", "") or str(error)
            self.app.display_warning(
                "Could not compile flashpoint's models; the first run will compile them.\n"
                + detail.strip()[-2000:]
            )
            return
        build_data["force_include"].update(files)
        if folder is not None:
            try:
                keep_build(folder, key, files)
            except OSError as error:  # a read-only home: the next build compiles again
                self.app.display_warning(f"Could not keep the compiled models: {error}")

    def finalize(self, version: str, build_data: dict, artifact_path: str) -> None:
        workdir = getattr(self, "_workdir", None)
        if workdir is not None:
            workdir.cleanup()
