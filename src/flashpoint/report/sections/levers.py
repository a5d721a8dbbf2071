"""What would it take: a levers search (:func:`flashpoint.levers`). The offer by one actor that
moves the target most, what it does to the headline (or the models pooled) and to each model,
and the target as the offer grows (a chart, ``chart-levers``, and a table): the tables
``flashpoint levers`` prints."""

from __future__ import annotations

import plotly.graph_objects as go
from rich.table import Table
from rich.text import Text

from flashpoint.analysis.headline import HEADLINE
from flashpoint.analysis.levers import Estimate, Levers
from flashpoint.report.charts import layout, text
from flashpoint.report.parts import Chart, Section
from flashpoint.scenario.words import named, possessive


def _value(result: Levers, value: float) -> str:
    return f"{value:.0%}" if result.target.kind == "probability" else f"{value:.1f}"


def _change(result: Levers, value: float) -> str:
    if result.target.kind == "probability":
        shown = f"{value * 100:+.0f}"
        return f"{shown} point" + ("" if shown in ("+1", "-1") else "s")
    return f"{value:+.1f}"


def actor_name(result: Levers) -> str:
    """The searched actor's name inside a sentence."""
    actor = next(a for a in result.scenario.actors if a.id == result.request.actor)
    return named(actor.label)


def searched(result: Levers) -> str:
    """How many offers the search tried, and on what, as a sentence."""
    generations = f"{result.generations} generation" + ("s" if result.generations != 1 else "")
    if not result.screened:
        return f"{result.evaluations} offers tried over {generations}, each on the same draws."
    return (
        f"{result.screened} offers screened over {generations} (the headline with its errors'"
        f" sizes held at the stated values'); {result.evaluations} run on the headline itself,"
        " each on the same draws."
    )


def offer_table(result: Levers) -> Table:
    """The recommended offer, input by input."""
    labels = {issue.id: issue.label for issue in result.scenario.issues}
    table = Table(
        title=Text(
            f"The offer of {actor_name(result)} that "
            + (
                "reaches the threshold with the smallest move"
                if result.request.threshold is not None
                else f"{result.request.direction}s {result.target.label}"
            )
        ),
        title_justify="left",
    )
    table.add_column("Issue", style="bold")
    table.add_column("Input")
    table.add_column("Stated", justify="right")
    table.add_column("Offer", justify="right")
    table.add_column("Move (points)", justify="right")
    table.add_column("Worth", justify="right")
    for lever in result.levers:
        value = result.offer[(lever.issue, lever.field)]
        worth = result.worth[(lever.issue, lever.field)]
        table.add_row(
            Text(labels[lever.issue]),
            lever.field,
            f"{lever.stated:.1f}",
            f"{value:.1f}",
            f"{float(lever.points(value)):.1f}",
            _change(result, worth) if value != lever.stated else "",
        )
    table.caption = Text(
        "Worth: what the target would lose were that input alone taken back to its stated value."
    )
    table.caption_justify = "left"
    return table


def effect_table(result: Levers) -> Table:
    """The target before and after the offer: the headline's (or the named models' pooled),
    then each model's."""
    headline = HEADLINE in result.models
    table = Table(
        title=Text(
            f"{result.target.label} before and after the offer, over {result.draws:,} draws"
            " (95% interval)"
        ),
        title_justify="left",
        caption=Text(
            (
                "The headline forecast and each model"
                if headline
                else "Pooled: the models with equal weights"
            )
            + ", on the same draws for every offer (common random numbers)."
            + (
                f" The offer works under {result.only_under} alone: treat it with care."
                if result.only_under
                else ""
            )
        ),
        caption_justify="left",
    )
    table.add_column("Forecast", style="bold")
    table.add_column("Before", justify="right")
    table.add_column("After", justify="right")
    table.add_column("Change", justify="right")

    def interval(estimate: Estimate) -> str:
        low, high = estimate.interval_95
        return f"{_value(result, estimate.value)} ({_value(result, low)}-{_value(result, high)})"

    low, high = result.change.interval_95
    table.add_row(
        "headline" if headline else "pooled",
        interval(result.before),
        interval(result.after),
        f"{_change(result, result.change.value)} ({_change(result, low)} to {_change(result, high)})",
    )
    for model, (before, after) in result.models.items():
        if model == HEADLINE:
            continue
        table.add_row(
            Text(model),
            _value(result, before),
            _value(result, after),
            _change(result, after - before),
        )
    return table


def curve_table(result: Levers) -> Table:
    """The target against the size of the offer on its most important input."""
    lever = result.curve_lever
    label = next(issue.label for issue in result.scenario.issues if issue.id == lever.issue)
    table = Table(
        title=Text(
            f"{result.target.label} as the {lever.field} on {label} moves from stated to offered"
        ),
        title_justify="left",
    )
    table.add_column(f"{lever.field.capitalize()}", justify="right")
    table.add_column("Move (points)", justify="right")
    table.add_column(result.target.label, justify="right")
    for value, move, target in result.curve:
        table.add_row(f"{value:.1f}", f"{move:.1f}", _value(result, target))
    return table


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
    layout(
        figure,
        f"What would it take: {possessive(actor)} offer and {result.target.label}",
        f"Move of its {lever.field} on {label} (points of the scale)",
        result.target.label,
    )
    if result.target.kind == "probability":
        figure.update_yaxes(tickformat=".0%", range=[0, 1])
    return figure


def section(result: Levers) -> Section:
    """What would it take: the offer, its effect and the curve, as a chart and tables."""
    return Section(
        id="levers",
        title="What would it take",
        intro=f"The offer by {actor_name(result)} that moves {result.target.label} most."
        f" {searched(result)}",
        charts=[Chart("chart-levers", levers_figure(result), wide=True)],
        tables=[offer_table(result), effect_table(result), curve_table(result)],
    )
