"""Morris screening: elementary effects on a grid of 4 levels over the inputs' ranges, every other
input at its stated value (Morris 1991, *Technometrics* 33: 161-174; ``mu_star`` from
Campolongo, Cariboni & Saltelli 2007, *Environmental Modelling & Software* 22: 1509-1518), via
SALib."""

from __future__ import annotations

from flashpoint.analysis.request import SensitivityRequest
from flashpoint.analysis.sensitivity.indices import salib_indices
from flashpoint.analysis.sensitivity.result import Findings
from flashpoint.analysis.sensitivity.study import Study

DEFAULT_TRAJECTORIES = 20
LEVELS = 4


def morris(study: Study, request: SensitivityRequest) -> Findings:
    """``mu_star`` (with its 95% bootstrap half-width), ``mu`` and ``sigma`` of each input or
    group over ``request.samples`` trajectories (default 20), largest ``mu_star`` first."""
    return salib_indices(
        study,
        "morris",
        request.samples or DEFAULT_TRAJECTORIES,
        lambda sample, problem, samples, seed: sample.sample(
            problem, samples, num_levels=LEVELS, seed=seed
        ),
        lambda analyze, problem, levels, values, seed: analyze.analyze(
            problem, levels, values, num_levels=LEVELS, seed=seed, print_to_console=False
        ),
        keys=("mu_star", "mu_star_conf", "mu", "sigma"),
        order="mu_star",
    )
