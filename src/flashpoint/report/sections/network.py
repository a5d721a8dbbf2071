"""The exchange network: who traded with whom in the exchange model's run on the stated
values, the actors on a circle and a line for each pair that traded, its width the number of
exchanges (``chart-network``)."""

from __future__ import annotations

import math

import plotly.graph_objects as go

from flashpoint.analysis.forecast import Forecast
from flashpoint.models.exchange.records import ExchangeRound
from flashpoint.report.charts import layout, text
from flashpoint.report.palette import actor_colours
from flashpoint.report.parts import Chart, Section


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
    layout(
        figure,
        f"Who traded with whom: {total} exchange{'s' if total != 1 else ''}",
    )
    figure.update_xaxes(visible=False, range=[-1.5, 1.5], showgrid=False)
    figure.update_yaxes(visible=False, range=[-1.35, 1.35], scaleanchor="x", showgrid=False)
    figure.update_layout(height=420)
    return figure


def section(forecast: Forecast) -> Section:
    """The exchange network, where the exchange model ran (else empty, and left out)."""
    return Section(
        id="network",
        title="The exchange network",
        intro="Who traded with whom in the exchange model: in each trade two actors"
        " each give ground on the issue that matters relatively less to it than to the"
        " other (the smaller ratio of its salience there to its salience on the other"
        " issue), which can be the issue it cares most about.",
        charts=[Chart("chart-network", network_figure(forecast))]
        if "exchange" in forecast.results
        else [],
    )
