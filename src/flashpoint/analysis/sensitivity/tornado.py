"""The tornado: one input at a time set to the low and then the high end of its range while
every other input is drawn as usual, on common random numbers (each setting is a shock of one
Monte Carlo run, :mod:`flashpoint.analysis.montecarlo`); inputs sorted by the swing
``|target(high) - target(low)|``."""

from __future__ import annotations

from flashpoint.analysis.request import SensitivityRequest
from flashpoint.analysis.sensitivity.inputs import inputs
from flashpoint.analysis.sensitivity.result import Findings, TornadoBar
from flashpoint.analysis.sensitivity.study import Study
from flashpoint.scenario.schema import Change, Shock, Uncertainty


def tornado(study: Study, request: SensitivityRequest) -> Findings:
    """The target as stated (drawn as usual) and a bar per input, widest swing first."""
    found = inputs(study.scenario)
    settings: list[tuple[Shock, ...]] = [()]
    for k, (entry, item) in enumerate(zip(study.scenario.uncertainty, found, strict=True)):
        settings.append((_setting(entry, item.low, f"input-{k}-low"),))
        settings.append((_setting(entry, item.high, f"input-{k}-high"),))
    run = study.monte_carlo(tuple(settings))
    tally = study.tally(len(run.variants) * len(run.models) * request.draws)
    values = study.mean_targets(run, request.draws, tally)
    bars = [TornadoBar(item, values[1 + 2 * k], values[2 + 2 * k]) for k, item in enumerate(found)]
    return Findings(values[0], sorted(bars, key=lambda bar: -bar.swing))


def _setting(entry: Uncertainty, value: float, name: str) -> Shock:
    """A shock that sets the input an uncertainty entry draws to ``value`` (making it certain)."""
    return Shock(
        id=name,
        changes=[Change(actor=entry.actor, issue=entry.issue, field=entry.field, set=value)],
    )
