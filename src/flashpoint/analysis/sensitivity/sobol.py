"""Sobol indices: first-order and total effects from Saltelli's sampling scheme (Saltelli et
al. 2010, *Computer Physics Communications* 181: 259-270), via SALib; no second-order
indices."""

from __future__ import annotations

from flashpoint.analysis.request import SensitivityRequest
from flashpoint.analysis.sensitivity.indices import salib_indices
from flashpoint.analysis.sensitivity.result import Findings
from flashpoint.analysis.sensitivity.study import Study

DEFAULT_BASE_SAMPLES = 256


def sobol(study: Study, request: SensitivityRequest) -> Findings:
    """``S1`` and ``ST`` of each input or group, with their 95% half-widths, over
    ``request.samples`` base samples (a power of 2; default 256), largest ``ST`` first."""
    return salib_indices(
        study,
        "sobol",
        request.samples or DEFAULT_BASE_SAMPLES,
        lambda sample, problem, samples, seed: sample.sample(
            problem, samples, calc_second_order=False, seed=seed
        ),
        lambda analyze, problem, levels, values, seed: analyze.analyze(
            problem, values, calc_second_order=False, seed=seed, print_to_console=False
        ),
        keys=("S1", "S1_conf", "ST", "ST_conf"),
        order="ST",
    )
