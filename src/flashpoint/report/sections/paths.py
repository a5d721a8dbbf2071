"""Positions round by round: in each model that bargains in rounds, each actor's position on
each issue after each round, on the stated values (a line) and over the Monte Carlo draws (bands
of the central 50% and 90%), one chart per model and issue (``chart-path-MODEL-ISSUE``, the model
named in its title), grouped by model. Actors are told apart where their lines coincide: each
line that runs along an earlier one takes another dash (:func:`dashes`), and each line is named
at its end (:func:`label_places`) instead of in a legend."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from flashpoint.analysis.forecast import Forecast
from flashpoint.report.charts import layout, scale_range, scale_title, text
from flashpoint.report.palette import actor_colours
from flashpoint.report.parts import Chart, Group, Section
from flashpoint.scenario.schema import Issue

FAN_90, FAN_50 = 0.12, 0.28  # opacity of the central 90% and 50% fan bands
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
NEAR = 0.01  # two lines this near (a share of the scale) in a round are drawn on top of each other
LABEL_GAP = 0.07  # the least distance between two labels at the lines' ends (a share of the axis)


def dashes(lines: list[np.ndarray], near: float) -> list[str]:
    """A dash of :data:`DASHES` for each line, drawn in this order: the first dash that no earlier
    line within ``near`` of it in some round has, so that lines on top of each other differ
    (solid where a line runs along no other)."""
    chosen: list[str] = []
    for k, line in enumerate(lines):
        taken = {chosen[j] for j in range(k) if np.any(np.abs(lines[j] - line) <= near)}
        chosen.append(next((d for d in DASHES if d not in taken), DASHES[k % len(DASHES)]))
    return chosen


def label_places(ends: list[float], gap: float, low: float, high: float) -> list[float]:
    """Where to write the labels of lines that end at ``ends``: no two nearer than ``gap`` (less
    if they would not fit), all within ``low`` to ``high``, each run of labels that would crowd
    centred on the mean of its lines' ends (so that each label stays as near its line as the
    others let it)."""
    gap = min(gap, (high - low) / max(len(ends) - 1, 1))
    runs: list[tuple[list[int], float]] = []  # the labels of a run, from the lowest, and its start
    for k in sorted(range(len(ends)), key=lambda k: ends[k]):
        members, start = [k], ends[k]
        while True:
            start = min(max(start, low), high - (len(members) - 1) * gap)
            if not runs or runs[-1][1] + len(runs[-1][0]) * gap <= start:
                break
            below, _ = runs.pop()  # it crowds the run below: one run, centred on their ends
            members = below + members
            start = sum(ends[m] for m in members) / len(members) - (len(members) - 1) * gap / 2
        runs.append((members, start))
    places = [0.0] * len(ends)
    for members, start in runs:
        for j, k in enumerate(members):
            places[k] = start + j * gap
    return places


def path_figure(forecast: Forecast, model: str, issue: Issue) -> go.Figure:
    """Each actor's position on one issue round by round in one model's run: the run on the
    stated values (line, named at its end; dashed where it runs along another) and the central
    50% and 90% of the Monte Carlo draws (bands)."""
    result = forecast.results[model]
    if result.path is None:
        raise ValueError(f"the forecast kept no positions by round for {model} (paths=True)")
    path = result.path
    i = [item.id for item in forecast.scenario.issues].index(issue.id)
    rounds = list(range(path.rounds))
    colours = actor_colours(forecast.scenario)
    actors = [
        (a, actor) for a, actor in enumerate(forecast.scenario.actors) if issue.id in actor.issues
    ]
    styles = dashes([path.stated[:, a, i] for a, _ in actors], NEAR * (issue.max - issue.min))
    figure = go.Figure()
    for (a, actor), dash in zip(actors, styles, strict=True):
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
                line={"color": colour, "width": 2, "dash": dash},
                marker={"size": 4, "color": colour},
                legendgroup=actor.id,
                name=name,
                hovertemplate=f"{name}, round %{{x}}: %{{y:.1f}}<extra></extra>",
            )
        )
    bottom, top = scale_range(issue)
    gap = LABEL_GAP * (top - bottom)
    last = rounds[-1]
    longest = max((len(actor.label) for _, actor in actors), default=0)
    room = min(0.45, 0.05 + 0.018 * longest)  # the share of the axis the labels take
    start = -0.3
    end = last + (max(last, 1) - start) * room / (1 - room)
    figure.add_trace(
        go.Scatter(
            x=[last + 0.015 * (end - start)] * len(actors),
            y=label_places(
                [float(path.stated[-1, a, i]) for a, _ in actors],
                gap,
                bottom + gap / 2,
                top - gap / 2,
            ),
            mode="text",
            text=[text(actor.label) for _, actor in actors],
            textposition="middle right",
            textfont={"color": [colours[actor.id] for _, actor in actors]},
            cliponaxis=False,
            showlegend=False,
            hoverinfo="skip",
            name="labels",
        )
    )
    layout(
        figure,
        f"{issue.label}: {result.label}",
        "Round (0: the stated positions)",
        scale_title(issue, "Position"),
        showlegend=False,
    )
    figure.update_yaxes(range=[bottom, top])
    step = next(s for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, last + 1) if last / s <= 12)
    figure.update_xaxes(range=[start, end], tickmode="array", tickvals=rounds[::step])
    return figure


def section(forecast: Forecast) -> Section:
    """Positions round by round: a group of charts per model that kept its paths, one chart per
    issue."""
    return Section(
        id="rounds",
        title="Positions round by round",
        intro="How each actor moves in the models that bargain in rounds: the line is the run"
        " on the stated values, the bands hold the central 50% and 90% of the Monte Carlo"
        " draws. Each line is named at its end; a line that runs along another is dashed.",
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
