"""Loading a run's compiled models before it starts, and compiling them two at a time where they
have not been compiled yet.

The expected utility, exchange and spatial models run code compiled by numba. Installing
compiles it (``hatch_build.py`` runs :func:`main`); where it did not, the first run on a
machine compiles it (each model's :attr:`~flashpoint.models.base.ModelSpec.compile_seconds`,
about half a minute for the three one after another on the 2-core development machine); later
runs load it from numba's cache in a second. numba compiles in the process that calls a model,
one function after another, so on its own a first run keeps one core busy.

:func:`load_models` runs each compiled model of a run once, on a tiny problem, before the run:
that loads it, or compiles it. As soon as it finds itself compiling, it starts another Python
process (``python -m flashpoint.analysis.warmup``) that compiles a share of the models into the
same cache meanwhile (:func:`shares`: about half of the compile time), and then loads that share
from the cache. Nothing of a run's numbers depends on this: the models are the same compiled
code whichever process compiled them. If the other process fails, this one compiles its share
itself.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from pydantic import BaseModel

from flashpoint.analysis.streaming import compile_sums
from flashpoint.engine.arrays import ScenarioArrays
from flashpoint.engine.compilation import on_compile
from flashpoint.models.registry import MODELS, get_model


def load_models(options: Mapping[str, BaseModel]) -> None:
    """Load (or, the first time, compile) the compiled models among ``options`` (model name ->
    its options, which decide what numba compiles), two processes compiling at once."""
    compiled = [name for name in options if get_model(name).compile_seconds > 0]
    if len(compiled) < 2:
        return  # the run itself loads or compiles its one model
    ours, theirs = shares(compiled)
    helper: subprocess.Popen | None = None

    def start_helper() -> None:
        nonlocal helper
        helper = subprocess.Popen(
            [
                # by name: __name__ is "__main__" when this module runs as a script
                sys.executable, "-m", "flashpoint.analysis.warmup",
                json.dumps({name: options[name].model_dump(mode="json") for name in theirs}),
            ],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip

    try:
        with on_compile(start_helper):
            for name in ours:
                run_once(name, options[name])
        if helper is not None:
            helper.wait()
    finally:
        if helper is not None and helper.poll() is None:
            helper.kill()  # interrupted: the run stops, and so does the helper
    for name in theirs:
        run_once(name, options[name])  # from the cache the helper filled


def shares(names: Sequence[str]) -> tuple[list[str], list[str]]:
    """``names`` split into two shares of about equal compile time, each in the order given:
    the heaviest first, each into the lighter share. The first share holds the first name."""
    seconds = {name: get_model(name).compile_seconds for name in names}
    first, second = {names[0]}, set()
    for name in sorted(names[1:], key=lambda n: -seconds[n]):
        lighter = first if sum(map(seconds.get, first)) <= sum(map(seconds.get, second)) else second
        lighter.add(name)
    return [n for n in names if n in first], [n for n in names if n in second]


def run_once(name: str, options: BaseModel | Mapping[str, Any]) -> None:
    """Run model ``name`` once on :func:`tiny_problem`: numba loads its compiled code, or
    compiles it for the types a run gives it.

    Options that name the scenario's actors (the spatial model's accommodation pairs) do not fit
    the tiny problem: such a model is left to the run itself, which loads or compiles it and
    reports any error in its options."""
    spec = get_model(name)
    if not isinstance(options, spec.options):
        options = spec.options.model_validate(options)  # a bad option is an error here too
    try:
        spec(tiny_problem(), options, np.random.default_rng(0))
    except ValueError:
        return


def tiny_problem() -> ScenarioArrays:
    """Three actors on two issues, every actor on both: the smallest problem on which every
    model does all it can (rounds, exchanges, bargains), to compile it."""
    actors, issues = 3, 2
    return ScenarioArrays(
        actors=("a", "b", "c"),
        issues=("p", "q"),
        position=np.array([[[0.0, 100.0], [40.0, 20.0], [100.0, 0.0]]]),
        salience=np.array([[[0.9, 0.2], [0.5, 0.5], [0.2, 0.9]]]),
        capability=np.ones((1, actors, issues)),
        present=np.ones((actors, issues), dtype=bool),
        lower=np.zeros(issues),
        upper=np.full(issues, 100.0),
    )


def main(argv: Sequence[str]) -> int:
    """``python -m flashpoint.analysis.warmup '{"model": {options}, ...}'``: compile those
    models into numba's cache (what :func:`load_models` starts). Without an argument: compile
    every compiled model with its default options, which every bundled scenario runs, two
    processes at once, and the exact sums of summed-up draws (:func:`.streaming.compile_sums`;
    what building the wheel does, ``hatch_build.py``)."""
    if not argv:
        load_models(
            {name: spec.options() for name, spec in MODELS.items() if spec.compile_seconds > 0}
        )
        compile_sums()
        return 0
    for name, values in json.loads(argv[0]).items():
        run_once(name, values)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
