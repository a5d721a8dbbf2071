"""The charts of a report, as plotly figures: the HTML report and the web app draw them with
plotly.js, :mod:`flashpoint.report.printing` draws the same figures with matplotlib for print.

Every function takes a result of the public API (a forecast, a comparison, a sensitivity
analysis, a backtest) and plots its numbers as they are, never computed again: a figure's data
are the numbers of the result's ``--json`` document. Text from the scenario is escaped, since
plotly reads a little HTML in labels. The figures use only bar and scatter traces (lines,
markers, filled bands), one pair of axes each, so that the print renderer can draw them too.
"""

from __future__ import annotations

import functools
import html
import math
import textwrap
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from flashpoint.analysis.backtest import Backtest
from flashpoint.analysis.compare import ENSEMBLE, Comparison
from flashpoint.analysis.forecast import Forecast
from flashpoint.analysis.headline import HEADLINE
from flashpoint.analysis.levers import Levers
from flashpoint.analysis.sensitivity import Sensitivity, TornadoBar
from flashpoint.analysis.uncertainty import Spread
from flashpoint.models.exchange.records import ExchangeRound
from flashpoint.report.backtest import forecaster_name
from flashpoint.report.palette import actor_colours, model_colour
from flashpoint.scenario.schema import Issue
from flashpoint.scenario.words import in_sentence, possessive

RECOMMENDED = HEADLINE  # the headline forecast, as a chart names it
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
HEIGHT = 340
TITLE_WIDTH = 60  # characters on a line of a chart's title
TRACE_KINDS = ("scatter", "bar")  # the kinds of trace these charts draw
FAN_90, FAN_50 = 0.12, 0.28  # opacity of the central 90% and 50% fan bands


def text(value: str) -> str:
    """Scenario text as a plotly label: shown as written, never read as markup."""
    return html.escape(value, quote=False)


@functools.cache
def _template() -> go.layout.Template:
    """Plotly's "simple_white" template for the kinds of trace these charts draw
    (:data:`TRACE_KINDS`): the same look, at a fifth of the cost of applying the whole template
    (its defaults for some thirty kinds of trace) to each chart."""
    white = pio.templates["simple_white"]
    return go.layout.Template(
        layout=white.layout, data={kind: white.data[kind] for kind in TRACE_KINDS}
    )


def _layout(figure: go.Figure, title: str, x_title: str = "", y_title: str = "", **more) -> None:
    figure.update_layout(
        title={
            "text": "<br>".join(
                textwrap.wrap(text(title), TITLE_WIDTH, break_long_words=False) or [""]
            ),
            "x": 0,
            "xanchor": "left",
            "xref": "container",
            "yref": "container",
            "y": 1,
            "yanchor": "top",
            "pad": {"t": 8, "l": 8},
            "automargin": True,
            "font": {"size": 15},
        },
        xaxis={"title": {"text": text(x_title)}, "zeroline": False},
        yaxis={"title": {"text": text(y_title)}, "zeroline": False},
        font={"family": FONT, "size": 12},
        template=_template(),
        height=HEIGHT,
        margin={"l": 10, "r": 16, "t": 12, "b": 10},
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0, "xanchor": "left"},
        **more,
    )
    figure.update_yaxes(automargin=True)
    figure.update_xaxes(automargin=True, showgrid=True, gridcolor="#eeeeee")


def headline(forecast: Forecast) -> tuple[str, Spread] | None:
    """The forecast a report leads with: the headline forecast, else (without the compromise
    model) the models pooled with equal weights; None without either."""
    if forecast.recommended is not None:
        return RECOMMENDED, forecast.recommended
    if forecast.ensemble is not None:
        return ENSEMBLE, forecast.ensemble
    return None


def model_label(forecast: Forecast, model: str) -> str:
    """A model's name as a chart shows it (``recommended`` and ``ensemble`` included)."""
    if model == RECOMMENDED:
        return "The headline forecast"
    if model == ENSEMBLE:
        return "The models pooled with equal weights"
    return forecast.results[model].label


def futures_figure(forecast: Forecast) -> go.Figure:
    """The headline: each named future's probability with its 95% interval (Wilson)."""
    found = headline(forecast)
    if found is None:
        raise ValueError("a forecast's futures need Monte Carlo draws (draws above 1)")
    model, summary = found
    futures = list(summary.futures)
    probability = [summary.futures[f].probability for f in futures]
    low = [summary.futures[f].interval_95[0] for f in futures]
    high = [summary.futures[f].interval_95[1] for f in futures]
    figure = go.Figure(
        go.Bar(
            orientation="h",
            y=[text(forecast.future_label(f)) for f in futures],
            x=probability,
            error_x={
                "type": "data",
                "symmetric": False,
                "array": [h - p for h, p in zip(high, probability, strict=True)],
                "arrayminus": [p - lo for lo, p in zip(low, probability, strict=True)],
                "color": "#333333",
            },
            marker={"color": "#0072B2"},
            text=[f"{p:.0%}" for p in probability],
            textposition="outside",
            cliponaxis=False,
            customdata=np.column_stack([low, high]),
            hovertemplate="%{y}: %{x:.1%} (simulation error, 95%: %{customdata[0]:.1%} to"
            " %{customdata[1]:.1%})<extra></extra>",
            name=text(model_label(forecast, model)),
        )
    )
    _layout(
        figure,
        f"How likely each future is: {in_sentence(model_label(forecast, model))}",
        "Probability (whiskers: simulation error, 95%)",
    )
    figure.update_xaxes(range=[0, 1.08], tickformat=".0%")
    figure.update_yaxes(autorange="reversed")
    figure.update_layout(showlegend=False, height=max(200, 70 + 48 * len(futures)))
    return figure


def futures_by_model_figure(forecast: Forecast) -> go.Figure:
    """Each future's probability under each model, the models with equal weights and the
    recommended forecast, side by side."""
    summaries = _summaries(forecast)
    if not summaries:
        raise ValueError("a forecast's futures need Monte Carlo draws (draws above 1)")
    figure = go.Figure()
    futures = list(summaries[0][1].futures)
    for model, summary in summaries:
        shown = [f for f in futures if f in summary.futures]
        figure.add_trace(
            go.Bar(
                orientation="h",
                name=text(model_label(forecast, model)),
                y=[text(forecast.future_label(f)) for f in shown],
                x=[summary.futures[f].probability for f in shown],
                marker={"color": model_colour(model)},
                hovertemplate="%{y}: %{x:.1%}<extra>%{fullData.name}</extra>",
            )
        )
    _layout(figure, "Each model's probability of each future", "Probability")
    figure.update_xaxes(range=[0, 1], tickformat=".0%")
    figure.update_yaxes(autorange="reversed")
    figure.update_layout(barmode="group", height=max(260, 120 + 13 * len(futures) * len(summaries)))
    return figure


def _summaries(forecast: Forecast) -> list[tuple[str, Spread]]:
    """The Monte Carlo summaries of a forecast: the recommended, the ensemble, each model."""
    found = [(RECOMMENDED, forecast.recommended), (ENSEMBLE, forecast.ensemble)]
    found += [(name, result.spread) for name, result in forecast.results.items()]
    return [(name, summary) for name, summary in found if summary is not None]


def outcome_figure(forecast: Forecast, issue: Issue) -> go.Figure:
    """One issue's predicted outcome per model: the median over the draws (dot), its central
    50% (thick) and 90% (thin) intervals, and the prediction on the stated values (diamond)."""
    figure = go.Figure()
    summaries = _summaries(forecast)
    rows = [text(model_label(forecast, model)) for model, _ in summaries]
    for width, key, name in ((2, "interval_90", "90% of the draws"), (7, "interval_50", "50%")):
        xs: list[float | None] = []
        ys: list[str | None] = []
        for row, (_, summary) in zip(rows, summaries, strict=True):
            low, high = getattr(summary.distribution[issue.id], key)
            xs += [low, high, None]
            ys += [row, row, None]
        figure.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                line={"color": "#4D7EA8", "width": width},
                name=name,
                hoverinfo="skip",
            )
        )
    figure.add_trace(
        go.Scatter(
            x=[summary.distribution[issue.id].median for _, summary in summaries],
            y=rows,
            mode="markers",
            marker={"color": "#1B3A57", "size": 9},
            name="Median of the draws",
            hovertemplate="%{y}: median %{x:.1f}<extra></extra>",
        )
    )
    stated = [(name, result.outcome[issue.id]) for name, result in forecast.results.items()]
    figure.add_trace(
        go.Scatter(
            x=[value for _, value in stated],
            y=[text(model_label(forecast, name)) for name, _ in stated],
            mode="markers",
            marker={"symbol": "diamond-open", "color": "#D55E00", "size": 10, "line": {"width": 2}},
            name="On the stated values",
            hovertemplate="%{y}: %{x:.1f} on the stated values<extra></extra>",
        )
    )
    _layout(figure, f"{issue.label}: where it lands", _scale_title(issue))
    figure.update_xaxes(range=_scale_range(issue))
    figure.update_yaxes(autorange="reversed")
    figure.update_layout(height=max(260, 110 + 30 * len(rows)))
    return figure


def _scale_title(issue: Issue, what: str = "Outcome") -> str:
    return f"{what} ({issue.min:g} to {issue.max:g})"


def _scale_range(issue: Issue) -> list[float]:
    margin = (issue.max - issue.min) * 0.05
    return [issue.min - margin, issue.max + margin]


def path_figure(forecast: Forecast, model: str, issue: Issue) -> go.Figure:
    """Each actor's position on one issue round by round in one model's run: the run on the
    stated values (line) and the central 50% and 90% of the Monte Carlo draws (bands)."""
    result = forecast.results[model]
    if result.path is None:
        raise ValueError(f"the forecast kept no positions by round for {model} (paths=True)")
    path = result.path
    i = [item.id for item in forecast.scenario.issues].index(issue.id)
    rounds = list(range(path.rounds))
    colours = actor_colours(forecast.scenario)
    figure = go.Figure()
    for a, actor in enumerate(forecast.scenario.actors):
        if issue.id not in actor.issues:
            continue
        colour = colours[actor.id]
        name = text(actor.label)
        for (low, high), opacity in (((0, 4), FAN_90), ((1, 3), FAN_50)):
            figure.add_trace(
                go.Scatter(
                    x=rounds + rounds[::-1],
                    y=list(path.bands[low, :, a, i]) + list(path.bands[high, ::-1, a, i]),
                    fill="toself",
                    fillcolor=colour,
                    opacity=opacity,
                    line={"width": 0, "color": colour},
                    mode="lines",
                    legendgroup=actor.id,
                    showlegend=False,
                    hoverinfo="skip",
                    name=name,
                )
            )
        figure.add_trace(
            go.Scatter(
                x=rounds,
                y=list(path.stated[:, a, i]),
                mode="lines+markers",
                line={"color": colour, "width": 2},
                marker={"size": 4, "color": colour},
                legendgroup=actor.id,
                name=name,
                hovertemplate=f"{name}, round %{{x}}: %{{y:.1f}}<extra></extra>",
            )
        )
    _layout(
        figure,
        issue.label,
        "Round (0: the stated positions)",
        _scale_title(issue, "Position"),
    )
    figure.update_yaxes(range=_scale_range(issue))
    figure.update_xaxes(dtick=1 if path.rounds <= 12 else None)
    return figure


def bubble_figure(forecast: Forecast, issue: Issue) -> go.Figure:
    """The actors on one issue: position across, salience up, the area of each bubble its
    capability on the issue; lines mark the compromise and the median (on the stated values)
    and the headline forecast's median."""
    scenario = forecast.scenario
    colours = actor_colours(scenario)
    taking_part = [actor for actor in scenario.actors if issue.id in actor.issues]
    capability = [actor.capability_on(issue.id) or 0.0 for actor in taking_part]
    largest = max(capability, default=0.0) or 1.0
    figure = go.Figure()
    for actor, weight in zip(taking_part, capability, strict=True):
        stance = actor.issues[issue.id]
        figure.add_trace(
            go.Scatter(
                x=[stance.position],
                y=[stance.salience],
                mode="markers+text",
                marker={
                    "size": [8 + 42 * math.sqrt(weight / largest)],
                    "color": colours[actor.id],
                    "opacity": 0.75,
                    "line": {"color": "#ffffff", "width": 1},
                },
                text=[text(actor.label)],
                textposition="top center",
                cliponaxis=False,
                name=text(actor.label),
                customdata=[weight],
                hovertemplate=f"{text(actor.label)}: position %{{x:g}}, salience %{{y:g}},"
                " capability %{customdata:g}<extra></extra>",
                showlegend=False,
            )
        )
    top = max([actor.issues[issue.id].salience for actor in taking_part], default=1.0)
    for value, name, dash in _marks(forecast, issue):
        figure.add_trace(
            go.Scatter(
                x=[value, value],
                y=[0, top * 1.15],
                mode="lines",
                line={"color": "#333333", "width": 1.5, "dash": dash},
                name=f"{name} ({value:.1f})",
                hovertemplate=f"{name}: %{{x:.1f}}<extra></extra>",
            )
        )
    _layout(
        figure,
        f"{issue.label}: who stands where",
        _scale_title(issue, "Position"),
        f"Salience (0 to {scenario.salience_scale:g})",
    )
    figure.update_xaxes(range=_scale_range(issue))
    figure.update_yaxes(range=[0, top * 1.22])
    return figure


def _marks(forecast: Forecast, issue: Issue) -> list[tuple[float, str, str]]:
    """The outcomes a bubble chart marks: the compromise and the median on the stated values
    (when the forecast ran them), and the headline forecast's median over the draws."""
    marks = [
        (forecast.results[model].outcome[issue.id], name, dash)
        for model, name, dash in (("compromise", "Compromise", "dot"), ("median", "Median", "dash"))
        if model in forecast.results
    ]
    found = headline(forecast)
    if found is not None:
        model, summary = found
        marks.append((summary.distribution[issue.id].median, model_label(forecast, model), "solid"))
    return marks


def shocks_figure(comparison: Comparison, model: str | None = None) -> go.Figure:
    """Each shock's effect on each future's probability (the headline's by default), in
    points, with its 95% interval (Newcombe's, for paired draws)."""
    model = model or comparison.baseline.lead
    futures = list(comparison.baseline.summary(model).futures)
    figure = go.Figure()
    colours = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#999999"]
    for k, future in enumerate(futures):
        changes = []
        for variant in comparison.shocked:
            assert variant.effects is not None
            changes.append(variant.effects[model].futures.get(future))
        shown = [(v, d) for v, d in zip(comparison.shocked, changes, strict=True) if d is not None]
        figure.add_trace(
            go.Bar(
                orientation="h",
                name=text(comparison.future_label(future)),
                y=[text(variant.label) for variant, _ in shown],
                x=[d.value for _, d in shown],
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": [d.interval_95[1] - d.value for _, d in shown],
                    "arrayminus": [d.value - d.interval_95[0] for _, d in shown],
                    "color": "#333333",
                },
                marker={"color": colours[k % len(colours)]},
                hovertemplate="%{y}: %{x:+.1%}<extra>%{fullData.name}</extra>",
            )
        )
    _layout(
        figure,
        "What each shock changes: the change in each future's probability",
        "Change from the scenario as stated (bars: 95% interval)",
    )
    figure.update_xaxes(tickformat="+.0%", range=[-1.05, 1.05], zeroline=True)
    figure.update_yaxes(autorange="reversed")
    figure.update_layout(
        barmode="group", height=max(280, 110 + 16 * len(futures) * len(comparison.shocked))
    )
    return figure


def tornado_figure(result: Sensitivity) -> go.Figure:
    """A tornado: the target with each input at the low and at the high end of its range (the
    others drawn), largest swing on top; the line is the target with every input drawn."""
    if result.method != "tornado":
        raise ValueError(f"a tornado chart shows a tornado analysis, not {result.method}")
    bars: list[TornadoBar] = result.rows
    names = [text(bar.input.name) for bar in bars]
    figure = go.Figure()
    for key, name, colour in (
        ("at_low", "Input at its low end", "#D55E00"),
        ("at_high", "At its high end", "#0072B2"),
    ):
        values = [getattr(bar, key) for bar in bars]
        figure.add_trace(
            go.Bar(
                orientation="h",
                y=names,
                x=[value - result.baseline for value in values],
                base=result.baseline,
                name=name,
                marker={"color": colour},
                customdata=values,
                hovertemplate="%{y}: %{customdata:.3g}<extra>%{fullData.name}</extra>",
            )
        )
    figure.add_trace(
        go.Scatter(
            x=[result.baseline, result.baseline],
            y=[names[0], names[-1]] if names else [],
            mode="lines",
            line={"color": "#000000", "width": 1.5},
            name=f"Every input drawn ({_target_value(result, result.baseline)})",
        )
    )
    _layout(
        figure,
        f"What moves {result.target.label}",
        result.target.label,
    )
    figure.update_yaxes(autorange="reversed")
    if result.target.kind == "probability":
        figure.update_xaxes(tickformat=".0%")
    figure.update_layout(barmode="overlay", height=max(260, 110 + 30 * len(bars)))
    return figure


def _target_value(result: Sensitivity, value: float) -> str:
    return f"{value:.0%}" if result.target.kind == "probability" else f"{value:.1f}"


def exchange_links(forecast: Forecast, model: str = "exchange") -> dict[tuple[int, int], list[str]]:
    """Who traded with whom in the exchange model's run on the stated values: per pair of
    actors (by index, the lower first), the issues each exchange traded, in words."""
    rounds: list[ExchangeRound] = forecast.results[model].trajectory.events[0]
    scenario = forecast.scenario
    links: dict[tuple[int, int], list[str]] = {}
    for entry in rounds:
        for executed in entry.result.executed:
            a, b = sorted((executed.a.actor, executed.b.actor))
            first, second = (
                (executed.a, executed.b) if executed.a.actor == a else (executed.b, executed.a)
            )
            links.setdefault((a, b), []).append(
                f"round {entry.number}: {scenario.actors[first.actor].label} gives on"
                f" {scenario.issues[first.supply].label}, {scenario.actors[second.actor].label}"
                f" on {scenario.issues[second.supply].label}"
            )
    return links


def network_figure(forecast: Forecast, model: str = "exchange") -> go.Figure:
    """The exchange network: the actors on a circle, a line between two actors for each pair
    that traded in the exchange model's run on the stated values, its width the number of
    exchanges (hover for what was traded)."""
    scenario = forecast.scenario
    colours = actor_colours(scenario)
    count = len(scenario.actors)
    angle = [math.pi / 2 - 2 * math.pi * k / count for k in range(count)]
    x = [math.cos(t) for t in angle]
    y = [math.sin(t) for t in angle]
    links = exchange_links(forecast, model)
    most = max((len(trades) for trades in links.values()), default=1)
    figure = go.Figure()
    for (a, b), trades in sorted(links.items()):
        figure.add_trace(
            go.Scatter(
                x=[x[a], x[b]],
                y=[y[a], y[b]],
                mode="lines",
                line={"color": "#7F8C99", "width": 1 + 7 * len(trades) / most},
                name=f"{len(trades)}",
                showlegend=False,
                hovertext=text("<br>".join(trades)),
                hoverinfo="text",
            )
        )
    figure.add_trace(
        go.Scatter(
            x=x,
            y=y,
            mode="markers+text",
            marker={"size": 22, "color": [colours[a.id] for a in scenario.actors]},
            text=[text(actor.label) for actor in scenario.actors],
            textposition=["top center" if v >= 0 else "bottom center" for v in y],
            showlegend=False,
            hovertemplate="%{text}<extra></extra>",
        )
    )
    total = sum(len(trades) for trades in links.values())
    _layout(
        figure,
        f"Who traded with whom: {total} exchange{'s' if total != 1 else ''}",
    )
    figure.update_xaxes(visible=False, range=[-1.5, 1.5], showgrid=False)
    figure.update_yaxes(visible=False, range=[-1.35, 1.35], scaleanchor="x", showgrid=False)
    figure.update_layout(height=420)
    return figure


def levers_figure(result: Levers) -> go.Figure:
    """What would it take: the target as the offer on its most important input grows from the
    stated value to the offer (the other inputs as offered), with the target before any offer."""
    lever = result.curve_lever
    label = next(issue.label for issue in result.scenario.issues if issue.id == lever.issue)
    actor = next(a.label for a in result.scenario.actors if a.id == result.request.actor)
    moves = [move for _, move, _ in result.curve]
    figure = go.Figure(
        [
            go.Scatter(
                x=moves,
                y=[target for _, _, target in result.curve],
                mode="lines+markers",
                line={"color": "#0072B2", "width": 2},
                name=text(f"{result.target.label}, the offer growing on {label}"),
                customdata=[value for value, _, _ in result.curve],
                hovertemplate=f"{text(lever.field)} %{{customdata:.1f}}: %{{y:.3g}}<extra></extra>",
            ),
            go.Scatter(
                x=[moves[0], moves[-1]],
                y=[result.before.value, result.before.value],
                mode="lines",
                line={"color": "#999999", "dash": "dash"},
                name="Before any offer",
            ),
        ]
    )
    _layout(
        figure,
        f"What would it take: {possessive(actor)} offer and {result.target.label}",
        f"Move of its {lever.field} on {label} (points of the scale)",
        result.target.label,
    )
    if result.target.kind == "probability":
        figure.update_yaxes(tickformat=".0%", range=[0, 1])
    return figure


def blocks_figure(forecast: Forecast) -> go.Figure:
    """Who blocks agreement: per model, the share of draws in which each actor refused the
    bargain (the agreement test, :mod:`flashpoint.analysis.agreement`)."""
    scenario = forecast.scenario
    labels = {actor.id: actor.label for actor in scenario.actors}
    odds = [(name, r.agreement) for name, r in forecast.results.items() if r.agreement is not None]
    if not odds:
        raise ValueError("the forecast has no agreement test over draws")
    odds = [(name, found) for name, found in odds if found.refused_by] or odds
    blockers = [a.id for a in scenario.actors if any(a.id in o.refused_by for _, o in odds)]
    figure = go.Figure()
    for name, found in odds:
        figure.add_trace(
            go.Bar(
                orientation="h",
                name=text(forecast.results[name].label),
                y=[text(labels[actor]) for actor in blockers],
                x=[found.refused_by.get(actor, 0.0) for actor in blockers],
                marker={"color": model_colour(name)},
                hovertemplate="%{y} refuses in %{x:.1%} of the draws<extra>%{fullData.name}</extra>",
            )
        )
    _layout(figure, "Who blocks agreement: how often each actor refuses", "Share of the draws")
    figure.update_xaxes(tickformat=".0%", range=[0, 1])
    figure.update_yaxes(autorange="reversed")
    figure.update_layout(barmode="group", height=max(240, 110 + 14 * len(blockers) * len(odds)))
    return figure


def calibration_figure(result: Backtest) -> go.Figure:
    """Calibration of the intervals on decided issues: for each forecaster, the share of
    outcomes inside its central 50%, 80% and 90% intervals against those levels (on the
    diagonal: honest intervals; below: too narrow)."""
    levels = [0.5, 0.8, 0.9]
    figure = go.Figure(
        go.Scatter(
            x=[0, 1],
            y=[0, 1],
            mode="lines",
            line={"color": "#aaaaaa", "dash": "dash"},
            name="Honest intervals",
        )
    )
    for key, forecaster in result.forecasters.items():
        scores = forecaster.scores
        name = forecaster_name(key)
        figure.add_trace(
            go.Scatter(
                x=levels,
                y=[scores.coverage50, scores.coverage80, scores.coverage90],
                mode="lines+markers",
                name=text(name),
                line={"color": model_colour(name)},
                hovertemplate="%{x:.0%} interval holds %{y:.0%} of outcomes<extra>%{fullData.name}</extra>",
            )
        )
    _layout(
        figure,
        f"Are the intervals honest? Coverage on {len(result.issues)} decided issues",
        "Stated level of the interval",
        "Share of outcomes inside it",
    )
    figure.update_xaxes(range=[0.4, 1], tickformat=".0%")
    figure.update_yaxes(range=[0, 1], tickformat=".0%")
    figure.update_layout(height=380)
    return figure


def errors_figure(result: Backtest) -> go.Figure:
    """Each forecaster's mean absolute error on the decided issues, smallest first."""
    ranked: Sequence[tuple[str, float]] = sorted(
        ((forecaster_name(key), f.scores.mae) for key, f in result.forecasters.items()),
        key=lambda item: item[1],
    )
    figure = go.Figure(
        go.Bar(
            orientation="h",
            y=[text(name) for name, _ in ranked],
            x=[mae for _, mae in ranked],
            marker={"color": [model_colour(name) for name, _ in ranked]},
            text=[f"{mae:.1f}" for _, mae in ranked],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{x:.2f}<extra></extra>",
        )
    )
    _layout(
        figure,
        f"Mean absolute error on {len(result.issues)} decided issues (0-100 scale)",
        "Mean absolute error",
    )
    figure.update_yaxes(autorange="reversed")
    figure.update_layout(showlegend=False, height=max(240, 90 + 30 * len(ranked)))
    return figure
