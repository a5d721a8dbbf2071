"""Which inputs and model choices drive a forecast: tornado, Morris and Sobol indices, and a
factorial over categorical model options.

The inputs studied are the scenario's uncertainty entries, each over its range
(:func:`flashpoint.engine.sampling.entry_range`: a uniform or triangular entry's support, a
normal or beta entry's central 90%). The target (:mod:`flashpoint.analysis.targets`) is a future's probability or
an issue's expected outcome, pooled over the models with equal weights.

- **tornado**: one input at a time set to the low and then the high end of its range while
  every other input is drawn as usual, on common random numbers (each setting is a shock of the
  Monte Carlo run, :mod:`flashpoint.analysis.montecarlo`); inputs sorted by the swing
  ``|target(high) - target(low)|``.
- **morris**: elementary effects on a grid over the inputs' ranges, every other input at its
  stated value (Morris 1991; ``μ*`` from Campolongo, Cariboni & Saltelli 2007), via SALib.
- **sobol**: first-order and total indices from Saltelli's sampling scheme (Saltelli et al.
  2010, *Computer Physics Communications* 181: 259-270), via SALib.

  Morris and Sobol vary the independent sources of the uncertainty
  (:func:`flashpoint.engine.sampling.sources`): inputs of one correlation group move together
  through their common factor (and their own noise), so they are studied as one group with
  one index, the joint effect of the group's inputs (Jacques, Lavergne & Devictor 2006,
  *Reliability Engineering & System Safety* 91: 1126-1134; SALib's groups).
- **factorial**: every combination of the levels of the chosen categorical model options
  (e.g. ``eum.preset`` x ``exchange.policy``), each on the same draws; with each level's main
  effect (the mean target over the cells at that level).

One module per method (:mod:`.tornado`, :mod:`.morris`, :mod:`.sobol`, :mod:`.factorial`),
each a function ``(study, request) -> (baseline, rows[, main effects])`` on the shared
:class:`~.study.Study`; :mod:`.runner` runs a request, :mod:`.result` holds what comes back.
"""

from flashpoint.analysis.sensitivity.factorial import categorical_options
from flashpoint.analysis.sensitivity.inputs import inputs
from flashpoint.analysis.sensitivity.result import (
    Cell,
    Index,
    Input,
    InputGroup,
    Sensitivity,
    TornadoBar,
)
from flashpoint.analysis.sensitivity.runner import METHODS, run_sensitivity, sensitivity

__all__ = [
    "METHODS",
    "Cell",
    "Index",
    "Input",
    "InputGroup",
    "Sensitivity",
    "TornadoBar",
    "categorical_options",
    "inputs",
    "run_sensitivity",
    "sensitivity",
]
