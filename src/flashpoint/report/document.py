"""What a report holds, in order: the bottom line, the headline, then the sections
(:mod:`flashpoint.report.sections`, a module each, which give their charts, tables and
sentences), built from the results of a forecast and, when given, a comparison of shocks, a
sensitivity analysis and a levers search; or the one section of another kind of run. This module
only puts them in order: the HTML page (:mod:`flashpoint.report.html`) and the print renderer
(:mod:`flashpoint.report.printing`) both lay out the :class:`~flashpoint.report.parts.Report`;
neither computes anything.

Every chart and the headline carry a ``testid`` (``data-testid`` in the page): ``headline``,
``chart-futures``, ``chart-futures-by-model``, ``chart-outcome-ISSUE``, ``chart-bubble-ISSUE``,
``chart-path-MODEL-ISSUE``, ``chart-blocks``, ``chart-shocks``, ``chart-tornado``,
``chart-network``, ``chart-errors`` and ``chart-calibration`` (backtests).
"""

from __future__ import annotations

from dataclasses import replace

from flashpoint.analysis.backtest import Backtest
from flashpoint.analysis.compare import Comparison
from flashpoint.analysis.forecast import Forecast
from flashpoint.analysis.levers import Levers
from flashpoint.analysis.sensitivity import Sensitivity
from flashpoint.report.parts import Report
from flashpoint.report.sections import (
    actors,
    agreement,
    backtest,
    drivers,
    explanations,
    headline,
    inputs,
    network,
    notes,
    outcomes,
    paths,
    question,
    shocks,
)
from flashpoint.report.sections import levers as levers_section

# The body of a forecast's report, in this order after the bottom line and the headline; every
# other section (the model-by-model detail) goes to the appendix, in the order it is made.
BODY = ("question", "agreement", "drivers", "levers", "shocks")


def forecast_report(
    forecast: Forecast,
    comparison: Comparison | None = None,
    sensitivity: Sensitivity | None = None,
    levers: Levers | None = None,
) -> Report:
    """The report of a forecast (with Monte Carlo draws for the probabilities; ``paths=True``
    for the positions round by round), and of a comparison of its shocks, a tornado of what
    drives its first future and a levers search (what would it take), when given."""
    scenario = forecast.scenario
    sections = [
        question.section(forecast),
        headline.section(forecast),
        outcomes.section(forecast),
        actors.section(forecast),
        paths.section(forecast),
        agreement.section(forecast),
        network.section(forecast),
    ]
    if comparison is not None:
        sections.append(shocks.section(comparison))
    if sensitivity is not None:
        sections.append(drivers.section(sensitivity))
    if levers is not None:
        sections.append(levers_section.section(levers))
    sections.append(explanations.section(forecast))
    sections.append(inputs.section(forecast))
    sections.append(notes.section(forecast))
    documents = {"forecast": forecast.to_dict()}
    if comparison is not None:
        documents["compare"] = comparison.to_dict()
    if sensitivity is not None:
        documents["sensitivity"] = sensitivity.to_dict()
    if levers is not None:
        documents["levers"] = levers.to_dict()
    dated = f", as of {scenario.as_of.isoformat()}" if scenario.as_of else ""
    kept = [section for section in sections if section.charts or section.tables or section.groups]
    body = sorted((s for s in kept if s.id in BODY), key=lambda s: BODY.index(s.id))
    return Report(
        title=scenario.title,
        subtitle=f"A flashpoint report on {forecast.source}{dated}",
        headline=headline.headline(forecast),
        sections=body + [replace(s, appendix=True) for s in kept if s.id not in BODY],
        documents=documents,
        bottom_line=forecast.brief(comparison=comparison, sensitivity=sensitivity, levers=levers),
    )


def result_report(result: Forecast | Comparison | Sensitivity | Backtest | Levers) -> Report:
    """The report of one run of any kind: a forecast's (:func:`forecast_report`), a backtest's
    (:func:`backtest_report`), or the one section of a comparison, sensitivity analysis or
    levers search."""
    if isinstance(result, Forecast):
        return forecast_report(result)
    if isinstance(result, Backtest):
        return backtest_report(result)
    if isinstance(result, Comparison):
        section, kind = shocks.section(result, beside_headline=False), "compare"
    elif isinstance(result, Sensitivity):
        section, kind = drivers.section(result), "sensitivity"
    else:
        section, kind = levers_section.section(result), "levers"
    return Report(
        title=result.scenario.title,
        subtitle=f"{section.title}: a flashpoint {kind} run on {result.source}",
        headline=None,
        sections=[section],
        documents={kind: result.to_dict()},
    )


def backtest_report(result: Backtest) -> Report:
    """The report of a backtest: each forecaster's errors and the calibration of its intervals
    on the decided issues, with the terminal's tables (:mod:`flashpoint.report.sections.backtest`)."""
    return Report(
        title=f"Backtest: {result.scenario.title}",
        subtitle=f"A flashpoint backtest on {result.source}, {len(result.issues)} decided issues",
        headline=None,
        sections=[backtest.section(result)],
        documents={"backtest": result.to_dict()},
    )
