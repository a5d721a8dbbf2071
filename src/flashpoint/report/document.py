"""What a report holds, in order: sections of charts (:mod:`flashpoint.report.figures`) and
tables (the terminal's, :mod:`flashpoint.report.terminal`), built from the results of a
forecast and, when given, a comparison of shocks and a sensitivity analysis. The HTML page
(:mod:`flashpoint.report.html`) and the print renderer (:mod:`flashpoint.report.printing`)
both lay out a :class:`Report`; neither computes anything.

Every chart and the headline carry a ``testid`` (``data-testid`` in the page): ``headline``,
``chart-futures``, ``chart-futures-by-model``, ``chart-outcome-ISSUE``, ``chart-bubble-ISSUE``,
``chart-path-MODEL-ISSUE``, ``chart-blocks``, ``chart-shocks``, ``chart-tornado``,
``chart-network``, ``chart-errors`` and ``chart-calibration`` (backtests).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field, replace
from typing import Any

import plotly.graph_objects as go
from rich.table import Table
from rich.text import Text

from flashpoint._version import __version__
from flashpoint.analysis.backtest import Backtest
from flashpoint.analysis.brief import Brief
from flashpoint.analysis.compare import Comparison
from flashpoint.analysis.forecast import Forecast
from flashpoint.analysis.headline import HEADLINE, points, simulation_error
from flashpoint.analysis.levers import Levers
from flashpoint.analysis.sensitivity import Sensitivity
from flashpoint.report import figures
from flashpoint.report.backtest import candidates_table, errors_table, intervals_table
from flashpoint.report.compare import (
    compare_futures_table,
    compare_issues_table,
    mechanism_table,
)
from flashpoint.report.levers import actor_name, curve_table, effect_table, offer_table, searched
from flashpoint.report.pull import ONE_STEP, explain_pull
from flashpoint.report.rounds import PRESENTERS, explain
from flashpoint.report.sensitivity import factorial_tables, indices_table, tornado_table
from flashpoint.report.terminal import (
    agreement_table,
    anchors_table,
    blocks_table,
    forecast_table,
    futures_definition_table,
    issues_table,
    notes_table,
    probabilities_table,
    recommended_issues_table,
    recommended_table,
    shocks_table,
    spread_table,
    stances_table,
    tree_table,
    uncertainty_table,
    zone_table,
)

EXPLAINED = ("compromise", "eum")  # the models whose explanations a report gives, if run


@dataclass(frozen=True)
class Chart:
    """One chart: its test id, the figure, a sentence on how to read it, and whether it takes
    the page's whole width (``wide``) or sits in a grid beside others."""

    testid: str
    figure: go.Figure
    caption: str = ""
    wide: bool = False

    @property
    def title(self) -> str:
        """The figure's title as plain text (a page shows it above the chart, where it wraps)."""
        return html.unescape(str(self.figure.layout.title.text or "").replace("<br>", " "))


@dataclass(frozen=True)
class Group:
    """Charts and tables under a subheading (say, one model's or one actor's); ``folded``
    groups are shown closed on screen (opened to print)."""

    title: str
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table | Text] = field(default_factory=list)
    folded: bool = False


@dataclass(frozen=True)
class Section:
    """A part of the report: a heading, an introduction, then charts, tables and groups;
    ``appendix`` sections (the model-by-model detail) come after the others, under an
    "Appendix" heading, folded on screen and expanded in print."""

    id: str
    title: str
    intro: str = ""
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table | Text] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    appendix: bool = False

    def all_charts(self) -> list[Chart]:
        return self.charts + [chart for group in self.groups for chart in group.charts]


@dataclass(frozen=True)
class Headline:
    """The report's headline numbers: each future's probability, the 95% interval of its
    simulation error and that error in words (``±1 point``), what forecast they are
    (``source``), by when (``horizon``: "by 20 January 2021", or empty) and what it rests on
    (``basis``: sentences)."""

    source: str
    futures: list[tuple[str | None, str, float, tuple[float, float], str]]
    horizon: str = ""
    basis: tuple[str, ...] = ()


@dataclass(frozen=True)
class Report:
    """A report: its title, subtitle, headline, sections, and the runs behind it (each run's
    JSON document, ``documents``, with its request, so that it can be run again)."""

    title: str
    subtitle: str
    headline: Headline | None
    sections: list[Section]
    documents: dict[str, dict[str, Any]]
    version: str = __version__
    bottom_line: Brief | None = None

    def charts(self) -> list[Chart]:
        return [chart for section in self.sections for chart in section.all_charts()]

    @property
    def appendix(self) -> list[Section]:
        return [section for section in self.sections if section.appendix]


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
    sections = [_question(forecast), *_forecast_sections(forecast)]
    if comparison is not None:
        sections.append(_shocks(comparison))
    if sensitivity is not None:
        sections.append(_drivers(sensitivity))
    if levers is not None:
        sections.append(_levers(levers))
    sections.append(_explanations(forecast))
    sections.append(_inputs(forecast))
    sections.append(_notes(forecast))
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
        headline=_headline(forecast),
        sections=body + [replace(s, appendix=True) for s in kept if s.id not in BODY],
        documents=documents,
        bottom_line=forecast.brief(comparison=comparison, sensitivity=sensitivity, levers=levers),
    )


def _headline(forecast: Forecast) -> Headline | None:
    found = figures.headline(forecast)
    if found is None or not forecast.scenario.outcomes:
        return None
    model, summary = found
    if forecast.basis is not None and model == figures.RECOMMENDED:
        basis = tuple(forecast.basis.sentences())
        horizon = forecast.basis.horizon or ""
    else:
        basis = (
            "The models pooled with equal weights (there is no headline forecast without the"
            f" compromise model), over {forecast.draws:,} Monte Carlo draws.",
        )
        horizon = ""
    return Headline(
        source=figures.model_label(forecast, model),
        futures=[
            (
                future,
                forecast.future_label(future),
                p.probability,
                p.interval_95,
                points(simulation_error(p)),
            )
            for future, p in summary.futures.items()
        ],
        horizon=horizon,
        basis=basis,
    )


def _question(forecast: Forecast) -> Section:
    """The question: what is bargained over, the futures in view, and who wants what."""
    scenario = forecast.scenario
    tables: list[Table | Text] = []
    if scenario.outcomes:
        tables.append(futures_definition_table(scenario))
    tables.append(stances_table(scenario))
    return Section(
        id="question",
        title="The question",
        intro=f"{scenario.description}\n{len(scenario.actors)} actors bargain over"
        f' {len(scenario.issues)} issues. "The inputs in full" states every input, and the'
        " notes and their sources close the report.",
        tables=tables,
    )


def _inputs(forecast: Forecast) -> Section:
    """Everything else the scenario states: its issues and their scales' labelled points, the
    uncertain inputs, the shocks, and the nearest labelled point of the first model's outcome."""
    scenario = forecast.scenario
    tables: list[Table | Text] = [issues_table(scenario)]
    if scenario.uncertainty:
        tables.append(uncertainty_table(scenario))
    if scenario.shocks:
        tables.append(shocks_table(scenario))
    if any(issue.anchors for issue in scenario.issues):
        tables.append(anchors_table(forecast, forecast.models[0]))
    return Section(id="inputs", title="The inputs in full", tables=tables)


def _forecast_sections(forecast: Forecast) -> list[Section]:
    scenario = forecast.scenario
    drawn = forecast.draws > 1
    sections = []
    headline_tables: list[Table | Text] = []
    if forecast.tree is not None:
        headline_tables.append(tree_table(forecast))
    if forecast.recommended is not None and scenario.outcomes:
        headline_tables.append(recommended_table(forecast))
    charts = []
    if drawn and scenario.outcomes:
        charts = [
            Chart(
                "chart-futures",
                figures.futures_figure(forecast),
                "Each bar is the share of the headline's samples that fall in the future; the"
                " whisker is its simulation error (95%), how far more draws could move it.",
            ),
            Chart(
                "chart-futures-by-model",
                figures.futures_by_model_figure(forecast),
                "The same question under each model: where they disagree, the forecast rests on"
                " the choice of model."
                + (
                    f" The headline rests on {forecast.recommendation.describe_kind()}, chosen by"
                    " cross-validation on"
                    f" {forecast.recommendation.provenance.get('data', 'decided issues')}."
                    if forecast.recommendation is not None
                    else ""
                ),
                wide=True,
            ),
        ]
        headline_tables.append(probabilities_table(forecast))
    sections.append(
        Section(
            id="futures",
            title="How likely each future is",
            intro=""
            if drawn
            else "This report ran on the stated values only: run it with draws to see"
            " probabilities.",
            charts=charts,
            tables=headline_tables,
        )
    )
    outcome_tables: list[Table | Text] = [forecast_table(forecast)]
    if forecast.recommended is not None:
        outcome_tables.insert(0, recommended_issues_table(forecast))
    if drawn:
        outcome_tables.append(spread_table(forecast))
    sections.append(
        Section(
            id="outcomes",
            title="Where each issue lands",
            intro="Per issue and model: the median over the draws with its central 50% and 90%,"
            " and the prediction on the stated values.",
            charts=[
                Chart(f"chart-outcome-{issue.id}", figures.outcome_figure(forecast, issue))
                for issue in scenario.issues
            ]
            if drawn
            else [],
            tables=outcome_tables,
        )
    )
    sections.append(
        Section(
            id="actors",
            title="Who stands where",
            intro="Each actor's stated position (across) and salience (up); the area of a bubble"
            " is its capability. The lines mark the compromise and the median on the stated"
            " values, and the headline forecast's median.",
            charts=[
                Chart(f"chart-bubble-{issue.id}", figures.bubble_figure(forecast, issue))
                for issue in scenario.issues
            ],
        )
    )
    paths = [
        Group(
            title=result.label,
            charts=[
                Chart(f"chart-path-{name}-{issue.id}", figures.path_figure(forecast, name, issue))
                for issue in scenario.issues
            ],
        )
        for name, result in forecast.results.items()
        if result.path is not None
    ]
    sections.append(
        Section(
            id="rounds",
            title="Positions round by round",
            intro="How each actor moves in the models that bargain in rounds: the line is the run"
            " on the stated values, the bands hold the central 50% and 90% of the Monte Carlo"
            " draws.",
            groups=paths,
        )
    )
    agreement: list[Chart] = []
    agreement_tables: list[Table | Text] = []
    if any(result.agreement is not None for result in forecast.results.values()):
        agreement.append(
            Chart(
                "chart-blocks",
                figures.blocks_figure(forecast),
                "An actor whose consent is needed refuses when the deal is worth less to it than"
                " no deal, or crosses its red line.",
            )
        )
        agreement_tables.append(agreement_table(forecast))
    if any(result.blocked for result in forecast.results.values()):
        agreement_tables.append(blocks_table(forecast))
    if forecast.zones:
        agreement_tables.append(zone_table(forecast))
    sections.append(
        Section(
            id="agreement",
            title="Agreement or breakdown",
            charts=agreement,
            tables=agreement_tables,
        )
    )
    if "exchange" in forecast.results:
        sections.append(
            Section(
                id="network",
                title="The exchange network",
                intro="Who traded with whom in the exchange model: in each trade two actors"
                " each give ground on the issue that matters relatively less to it than to the"
                " other (the smaller ratio of its salience there to its salience on the other"
                " issue), which can be the issue it cares most about.",
                charts=[Chart("chart-network", figures.network_figure(forecast))],
            )
        )
    return sections


def _shocks(comparison: Comparison, beside_headline: bool = True) -> Section:
    """What each shock changes; ``beside_headline``: in a report whose headline is the
    recommended forecast, which the comparison's pooled models need not agree with."""
    lead = comparison.baseline.lead
    intro = (
        f"Each shock against the scenario as stated, on the same {comparison.draws:,} draws"
        " (common random numbers), so a change is the shock's own effect, "
        + (
            "on the headline forecast"
            + (", whose as-stated numbers are the headline above" if beside_headline else "")
            if lead == HEADLINE
            else "the models pooled with equal weights (no headline without the compromise model)"
        )
    )
    return Section(
        id="shocks",
        title="What each shock changes",
        intro=intro + ".",
        charts=[Chart("chart-shocks", figures.shocks_figure(comparison), wide=True)],
        tables=[
            compare_futures_table(comparison),
            compare_issues_table(comparison),
            *(
                [mechanism_table(comparison)]
                if any(v.mechanism for v in comparison.shocked)
                else []
            ),
        ],
    )


def _drivers(sensitivity: Sensitivity) -> Section:
    if sensitivity.method == "tornado":
        return Section(
            id="drivers",
            title="What drives the forecast",
            intro="Each uncertain input at the low and the high end of its range, the others"
            " drawn.",
            charts=[Chart("chart-tornado", figures.tornado_figure(sensitivity), wide=True)],
            tables=[tornado_table(sensitivity)],
        )
    tables: list[Table | Text] = (
        list(factorial_tables(sensitivity))
        if sensitivity.method == "factorial"
        else [indices_table(sensitivity)]
    )
    return Section(
        id="drivers",
        title=f"What drives {sensitivity.target.label} ({sensitivity.method})",
        tables=tables,
    )


def _levers(result: Levers) -> Section:
    return Section(
        id="levers",
        title="What would it take",
        intro=f"The offer by {actor_name(result)} that moves {result.target.label} most."
        f" {searched(result)}",
        charts=[Chart("chart-levers", figures.levers_figure(result), wide=True)],
        tables=[offer_table(result), effect_table(result), curve_table(result)],
    )


def _explanations(forecast: Forecast) -> Section:
    scenario = forecast.scenario
    groups = []
    for a, actor in enumerate(scenario.actors):
        taking_part = [i for i, issue in enumerate(scenario.issues) if issue.id in actor.issues]
        tables: list[Table | Text] = []
        for model in EXPLAINED:
            if model not in forecast.results:
                continue
            if model in ONE_STEP:
                tables += explain_pull(forecast, model, a, taking_part)
            elif model in PRESENTERS:
                tables += explain(forecast, model, a, taking_part)
        if tables:
            groups.append(Group(title=actor.label, tables=tables, folded=True))
    return Section(
        id="explanations",
        title="Why each actor moved",
        intro="Per actor: who pulls the compromise where, and what it did in each round of the"
        " expected utility model and why (flashpoint explain).",
        groups=groups,
    )


def _notes(forecast: Forecast) -> Section:
    scenario = forecast.scenario
    tables: list[Table | Text] = [notes_table(scenario)]
    if scenario.sources:
        sources = Table(title="Sources", title_justify="left")
        sources.add_column("Id")
        sources.add_column("Source")
        sources.add_column("Address")
        for source in scenario.sources:
            sources.add_row(Text(source.id or ""), Text(source.citation), Text(source.url or ""))
        tables.append(sources)
    if scenario.provenance:
        tables.append(Text(f"Provenance: {scenario.provenance}"))
    return Section(
        id="notes",
        title="Notes and sources",
        intro="Where every input comes from: each note names its sources by id.",
        tables=tables,
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
        section, kind = _shocks(result, beside_headline=False), "compare"
    elif isinstance(result, Sensitivity):
        section, kind = _drivers(result), "sensitivity"
    else:
        section, kind = _levers(result), "levers"
    return Report(
        title=result.scenario.title,
        subtitle=f"{section.title}: a flashpoint {kind} run on {result.source}",
        headline=None,
        sections=[section],
        documents={kind: result.to_dict()},
    )


def backtest_report(result: Backtest) -> Report:
    """The report of a backtest: each forecaster's errors and the calibration of its intervals
    on the decided issues, with the terminal's tables."""
    section = Section(
        id="backtest",
        title="How well each forecast did on decided issues",
        charts=[
            Chart("chart-errors", figures.errors_figure(result)),
            Chart(
                "chart-calibration",
                figures.calibration_figure(result),
                "On the diagonal, an interval holds as many outcomes as it says; below it, the"
                " interval is too narrow.",
            ),
        ],
        tables=[errors_table(result), intervals_table(result), candidates_table(result)],
    )
    return Report(
        title=f"Backtest: {result.scenario.title}",
        subtitle=f"A flashpoint backtest on {result.source}, {len(result.issues)} decided issues",
        headline=None,
        sections=[section],
        documents={"backtest": result.to_dict()},
    )
