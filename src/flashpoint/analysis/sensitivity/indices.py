"""Variance-based and screening indices through SALib, shared by :mod:`.morris` and
:mod:`.sobol`: the design over the independent sources of the uncertainty
(:func:`~.inputs.salib_problem`), the models run at its points, SALib's analysis of the
target there."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from flashpoint.analysis.sensitivity.inputs import salib_problem
from flashpoint.analysis.sensitivity.result import Findings, Index
from flashpoint.analysis.sensitivity.study import Study
from flashpoint.engine.seeding import named_stream
from flashpoint.extras import require

# (SALib's sample module, problem, samples, seed) -> the design's levels [point, source]
Sampler = Callable[[Any, dict[str, Any], int, int], Any]
# (SALib's analyze module, problem, levels, target at each point, seed) -> SALib's indices
Analyser = Callable[[Any, dict[str, Any], np.ndarray, np.ndarray, int], Any]


def salib_indices(
    study: Study,
    method: str,
    samples: int,
    sample: Sampler,
    analyse: Analyser,
    keys: tuple[str, ...],
    order: str,
) -> Findings:
    """The indices ``keys`` of every input or group by SALib's ``method``, sorted by ``order``
    (largest first), and the target on the stated values as the baseline."""
    sampling = require(f"SALib.sample.{method}", "sensitivity", f"the {method} method")
    analysis = require(f"SALib.analyze.{method}", "sensitivity", f"the {method} method")
    problem, subjects = salib_problem(study.scenario)
    seed = int(named_stream(study.prepared.seed, method).integers(2**31))
    levels = np.asarray(sample(sampling, problem, samples, seed), dtype=float)
    models = len(study.options)
    # the design's points and the baseline's draws
    tally = study.tally(models * (levels.shape[0] + study.stated_draws))
    values = study.at_levels(levels, tally)
    found = analyse(analysis, problem, levels, values, seed)
    rows = [
        Index(subject, {key: _defined(found[key][k]) for key in keys})
        for k, subject in enumerate(subjects)
    ]
    baseline = study.at_stated(tally)
    return Findings(
        baseline, sorted(rows, key=lambda row: -(row.values[order] or 0.0)), {}, samples
    )


def _defined(value: float) -> float | None:
    """A SALib index as a float, or None where SALib leaves it undefined (NaN)."""
    number = float(value)
    return number if np.isfinite(number) else None
