"""Who stands where: per issue, each actor's stated position (across) and salience (up), the
area of its bubble its capability on the issue, with lines at the compromise and the median on
the stated values and at the headline forecast's median (``chart-bubble-ISSUE``)."""

from __future__ import annotations

import math

import plotly.graph_objects as go

from flashpoint.analysis.forecast import Forecast
from flashpoint.report.charts import layout, scale_range, scale_title, text
from flashpoint.report.palette import actor_colours
from flashpoint.report.parts import Chart, Section
from flashpoint.report.sections.headline import leading, model_label
from flashpoint.scenario.schema import Issue


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
    layout(
        figure,
        f"{issue.label}: who stands where",
        scale_title(issue, "Position"),
        f"Salience (0 to {scenario.salience_scale:g})",
    )
    figure.update_xaxes(range=scale_range(issue))
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
    found = leading(forecast)
    if found is not None:
        model, summary = found
        marks.append((summary.distribution[issue.id].median, model_label(forecast, model), "solid"))
    return marks


def section(forecast: Forecast) -> Section:
    """Who stands where: a bubble chart per issue."""
    return Section(
        id="actors",
        title="Who stands where",
        intro="Each actor's stated position (across) and salience (up); the area of a bubble"
        " is its capability. The lines mark the compromise and the median on the stated"
        " values, and the headline forecast's median.",
        charts=[
            Chart(f"chart-bubble-{issue.id}", bubble_figure(forecast, issue))
            for issue in forecast.scenario.issues
        ],
    )
