"""Positions round by round: in each model that bargains in rounds, each actor's position on
each issue after each round, on the stated values (a line) and over the Monte Carlo draws (bands
of the central 50% and 90%), one chart per model and issue (``chart-path-MODEL-ISSUE``), grouped
by model."""

from __future__ import annotations

import plotly.graph_objects as go

from flashpoint.analysis.forecast import Forecast
from flashpoint.report.charts import layout, scale_range, scale_title, text
from flashpoint.report.palette import actor_colours
from flashpoint.report.parts import Chart, Group, Section
from flashpoint.scenario.schema import Issue

FAN_90, FAN_50 = 0.12, 0.28  # opacity of the central 90% and 50% fan bands


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
    layout(
        figure,
        issue.label,
        "Round (0: the stated positions)",
        scale_title(issue, "Position"),
    )
    figure.update_yaxes(range=scale_range(issue))
    figure.update_xaxes(dtick=1 if path.rounds <= 12 else None)
    return figure


def section(forecast: Forecast) -> Section:
    """Positions round by round: a group of charts per model that kept its paths, one chart per
    issue."""
    return Section(
        id="rounds",
        title="Positions round by round",
        intro="How each actor moves in the models that bargain in rounds: the line is the run"
        " on the stated values, the bands hold the central 50% and 90% of the Monte Carlo"
        " draws.",
        groups=[
            Group(
                title=result.label,
                charts=[
                    Chart(f"chart-path-{name}-{issue.id}", path_figure(forecast, name, issue))
                    for issue in forecast.scenario.issues
                ],
            )
            for name, result in forecast.results.items()
            if result.path is not None
        ],
    )
