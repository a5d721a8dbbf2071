"""Run a sensitivity request: prepare it, parse its target, and hand it to its method."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from flashpoint.analysis.backtest.recommend import shipped
from flashpoint.analysis.prepare import prepare
from flashpoint.analysis.progress import Progress
from flashpoint.analysis.request import Method, SensitivityRequest
from flashpoint.analysis.sensitivity.factorial import factorial
from flashpoint.analysis.sensitivity.morris import morris
from flashpoint.analysis.sensitivity.result import Findings, Sensitivity
from flashpoint.analysis.sensitivity.sobol import sobol
from flashpoint.analysis.sensitivity.study import Study
from flashpoint.analysis.sensitivity.tornado import tornado
from flashpoint.analysis.targets import parse_target
from flashpoint.engine.executors import Executor
from flashpoint.scenario.load import DEFAULT_SCENARIO
from flashpoint.scenario.schema import Scenario

METHODS: dict[str, Callable[[Study, SensitivityRequest], Findings]] = {
    "tornado": tornado,
    "morris": morris,
    "sobol": sobol,
    "factorial": factorial,
}


def sensitivity(
    scenario: Scenario | str | Path = DEFAULT_SCENARIO,
    target: str | None = None,
    method: Method = "tornado",
    models: Sequence[str] | None = None,
    *,
    options: Mapping[str, Mapping[str, Any]] | None = None,
    factors: Sequence[str] | None = None,
    seed: int | None = None,
    draws: int = 500,
    samples: int | None = None,
    jitter: float = 0.0,
    executor: Executor = "auto",
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> Sensitivity:
    """What drives ``target`` (``"P(future)"`` or an issue; default the first future's
    probability): the :class:`~flashpoint.analysis.request.SensitivityRequest` of these
    arguments, run. See :mod:`flashpoint.analysis.sensitivity` for the methods.

    ``draws`` is the Monte Carlo draws of each tornado setting, factorial cell and of the
    baseline; ``samples`` the Morris trajectories (default 20) or Sobol base samples (a power
    of 2, default 256). ``factors`` are ``MODEL.OPTION`` names for the factorial (default:
    those of ``eum.preset`` and ``exchange.policy`` whose model runs). The rest is as for
    :func:`flashpoint.forecast`. ``progress(done, total)`` counts model runs on draws or
    design points.
    """
    return run_sensitivity(SensitivityRequest.of_arguments(locals()), progress)


def run_sensitivity(request: SensitivityRequest, progress: Progress | None = None) -> Sensitivity:
    """Run a sensitivity request (see :func:`sensitivity`)."""
    recommendation = shipped()
    prepared = prepare(request.resolved(recommendation.models))
    loaded = prepared.scenario
    goal = parse_target(request.target, loaded)
    if request.method in ("morris", "sobol", "tornado") and not loaded.uncertainty:
        raise ValueError(
            f"'{loaded.title}' states no uncertainty: a {request.method} analysis varies the inputs"
            " of its uncertainty entries (docs/scenario-format.md, Uncertainty)"
        )
    started = time.perf_counter()
    headline = recommendation if prepared.request.headline else None
    found = METHODS[request.method](Study(prepared, goal, progress, headline), request)
    return Sensitivity(
        request=prepared.request,
        scenario=loaded,
        source=prepared.source,
        target=goal,
        baseline=found.baseline,
        draws=request.draws if request.method in ("tornado", "factorial") else 0,
        samples=found.samples,
        options=prepared.option_values,
        rows=found.rows,
        main_effects=found.main_effects,
        timings={"total": time.perf_counter() - started},
    )
