"""Benchmark: the README's two commands on a fresh machine, installing and the first forecast,
then installing the test tools (issues #23 and #32).

Run on demand (not part of the test suite):  python bench/install.py [--rev REVISION] [--load N]

For the committed version of this checkout (a clean ``git clone`` of HEAD), in a new virtual
environment each time: the wall time of ``pip install .``, of the first and second
``flashpoint`` after it, and of the README's second install, ``pip install ".[test]"``, after
them; with the wheel's compiled models (``hatch_build.py``, with an empty build cache, as on a
machine that never built flashpoint) and without them (``FLASHPOINT_PRECOMPILE=0``: the first run
compiles). With ``--rev``, that revision instead, as it installs by default (to compare with a
version from before the wheel shipped compiled models). With ``--load N``, N processes keep the
cores busy meanwhile (a loaded machine). pip's own download cache is kept, as on a machine that
has installed before; the packages still install into each new environment.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

from timing import wall_time  # bench/ is on the path when this file is run

ROOT = Path(__file__).resolve().parents[1]


def run(command: list[str], **kwargs) -> None:
    subprocess.run(
        command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kwargs
    )


def busy() -> None:
    while True:
        pass


def measure(precompile: bool, workdir: Path, revision: str | None) -> None:
    clone = workdir / "clone"
    run(["git", "clone", "-q", str(ROOT), str(clone)])
    if revision is not None:
        run(["git", "checkout", "-q", revision], cwd=clone)
    environment = workdir / "venv"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    settings = {k: v for k, v in os.environ.items() if not k.startswith("NUMBA_")}
    settings["FLASHPOINT_PRECOMPILE"] = "1" if precompile else "0"
    settings["FLASHPOINT_BUILD_CACHE"] = str(workdir / "build-cache")  # empty: a new machine
    settings["FLASHPOINT_STORE"] = str(workdir / "runs.sqlite")  # not the user's run store
    install = wall_time(
        lambda: run([str(python), "-m", "pip", "install", "."], cwd=clone, env=settings)
    )
    command = [str(environment / "bin" / "flashpoint")]  # the README's command
    first = wall_time(lambda: run(command, cwd=workdir, env=settings))
    second = wall_time(lambda: run(command, cwd=workdir, env=settings))
    tests = wall_time(
        lambda: run([str(python), "-m", "pip", "install", ".[test]"], cwd=clone, env=settings)
    )
    label = "compiled at install" if precompile else "FLASHPOINT_PRECOMPILE=0"
    if revision is not None:
        label = f"revision {revision}"
    print(
        f"{label}: pip install . {install:.1f} s, first flashpoint {first:.2f} s,"
        f" second {second:.2f} s; install and first run {install + first:.1f} s;"
        f' then pip install ".[test]" {tests:.1f} s',
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", help="measure this git revision instead (installed by default)")
    parser.add_argument("--load", type=int, default=0, help="busy processes meanwhile")
    arguments = parser.parse_args()
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, {arguments.load} busy")
    load = [multiprocessing.Process(target=busy, daemon=True) for _ in range(arguments.load)]
    for process in load:
        process.start()
    try:
        for precompile in (True,) if arguments.rev else (True, False):
            with tempfile.TemporaryDirectory(prefix="flashpoint-install-") as workdir:
                measure(precompile, Path(workdir), arguments.rev)
    finally:
        for process in load:
            process.terminate()
    return 0


if __name__ == "__main__":
    sys.exit(main())
