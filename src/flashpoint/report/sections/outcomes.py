"""Where each issue lands: per issue and model, the prediction on the stated values (the table
``flashpoint forecast`` and ``flashpoint run`` print, with the named future each model's
prediction falls in), the headline forecast's median and 80% interval, and, over the Monte Carlo
draws, each model's median with its central 50% and 90% (a chart per issue,
``chart-outcome-ISSUE``, and a table)."""

from __future__ import annotations

import plotly.graph_objects as go
from rich.table import Table
from rich.text import Text

from flashpoint.analysis.forecast import Forecast
from flashpoint.report.charts import layout, scale_range, scale_title, text
from flashpoint.report.formats import number, scale
from flashpoint.report.parts import Chart, Section
from flashpoint.report.sections.headline import model_label, model_summaries
from flashpoint.scenario.schema import Issue


def forecast_table(forecast: Forecast) -> Table:
    """Predicted outcome per issue (rows) and model (columns), and each model's future."""
    scenario = forecast.scenario
    title = scenario.title + (
        f"  (shocks: {', '.join(forecast.shocks)})" if forecast.shocks else ""
    )
    table = Table(
        title=Text(title),
        title_justify="left",
        caption=Text(_legend(forecast)),
        caption_justify="left",
    )
    table.add_column("Issue (scale)", style="bold", ratio=1)
    for name in forecast.results:
        table.add_column(name, justify="right", no_wrap=True, min_width=max(len(name), 5))
    for issue in scenario.issues:
        cells = [number(result.outcome[issue.id]) for result in forecast.results.values()]
        table.add_row(Text(f"{issue.label} ({scale(issue)})"), *cells)
    return table


def _legend(forecast: Forecast) -> str:
    return "; ".join(f"{name}: {result.label}" for name, result in forecast.results.items())


def futures_table(forecast: Forecast) -> Table:
    """The named future each model's prediction falls in."""
    table = Table(title="Which future", title_justify="left")
    table.add_column("Model", style="bold")
    table.add_column("Future", style="bold cyan")
    for name, result in forecast.results.items():
        table.add_row(Text(name), Text(forecast.future_label(result.future)))
    return table


def recommended_issues_table(forecast: Forecast) -> Table:
    """Each issue's outcome under the recommended forecast: the median and 80% interval."""
    assert forecast.recommended is not None
    table = Table(
        title=Text("Where each issue lands: the headline forecast, median (80% interval)"),
        title_justify="left",
    )
    table.add_column("Issue", style="bold", ratio=1)
    table.add_column("Outcome", justify="right")
    for issue in forecast.scenario.issues:
        d = forecast.recommended.distribution[issue.id]
        low, high = d.interval_80
        table.add_row(
            Text(f"{issue.label} ({scale(issue)})"),
            f"{number(d.median)} ({number(low)}-{number(high)})",
        )
    return table


def spread_table(forecast: Forecast) -> Table:
    """Over the Monte Carlo draws: each issue's median and 90% interval per model."""
    table = Table(
        title=Text(f"Outcome over {forecast.draws:,} draws: median (90% interval)"),
        title_justify="left",
    )
    table.add_column("Issue", style="bold", ratio=1)
    for name in forecast.results:
        table.add_column(name, justify="right")
    for issue in forecast.scenario.issues:
        cells = []
        for result in forecast.results.values():
            assert result.spread is not None
            d = result.spread.distribution[issue.id]
            cells.append(
                f"{number(d.median)} ({number(d.interval_90[0])}-{number(d.interval_90[1])})"
            )
        table.add_row(Text(issue.label), *cells)
    return table


def outcome_figure(forecast: Forecast, issue: Issue) -> go.Figure:
    """One issue's predicted outcome per model: the median over the draws (dot), its central
    50% (thick) and 90% (thin) intervals, and the prediction on the stated values (diamond)."""
    figure = go.Figure()
    summaries = model_summaries(forecast)
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
    layout(figure, f"{issue.label}: where it lands", scale_title(issue))
    figure.update_xaxes(range=scale_range(issue))
    figure.update_yaxes(autorange="reversed")
    figure.update_layout(height=max(260, 110 + 30 * len(rows)))
    return figure


def section(forecast: Forecast) -> Section:
    """Where each issue lands: the headline forecast's outcomes, each model's prediction on the
    stated values and, over the draws, a chart per issue and the table of their spread."""
    drawn = forecast.draws > 1
    tables: list[Table | Text] = [forecast_table(forecast)]
    if forecast.recommended is not None:
        tables.insert(0, recommended_issues_table(forecast))
    if drawn:
        tables.append(spread_table(forecast))
    return Section(
        id="outcomes",
        title="Where each issue lands",
        intro="Per issue and model: the median over the draws with its central 50% and 90%,"
        " and the prediction on the stated values.",
        charts=[
            Chart(f"chart-outcome-{issue.id}", outcome_figure(forecast, issue))
            for issue in forecast.scenario.issues
        ]
        if drawn
        else [],
        tables=tables,
    )
