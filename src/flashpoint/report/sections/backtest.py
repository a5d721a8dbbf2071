"""How well each forecast did on decided issues: a backtest (:func:`flashpoint.backtest`). Every
forecaster's errors (a chart, ``chart-errors``, and a table), the calibration of its intervals
(``chart-calibration`` and a table), and the candidates for the recommended forecast: the
tables ``flashpoint backtest`` prints, and the one section of a backtest's report."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import plotly.graph_objects as go
from rich.table import Table
from rich.text import Text

from flashpoint.analysis.backtest import Backtest
from flashpoint.analysis.backtest.recommend import BASELINE
from flashpoint.analysis.backtest.runner import ENSEMBLE
from flashpoint.analysis.backtest.scores import Scores
from flashpoint.report.charts import layout, text
from flashpoint.report.palette import model_colour
from flashpoint.report.parts import Chart, Section


def _difference(name: str, found: tuple[float, float, float] | None) -> str:
    if name == BASELINE:
        return "(baseline)"
    if found is None:
        return ""
    value, low, high = found
    return f"{value:+.2f} ({low:+.2f} to {high:+.2f})"


def _scores_table(
    result: Backtest,
    title: str,
    caption: str,
    columns: tuple[str, ...],
    cells: Callable[[str, Scores], tuple[str, ...]],
) -> Table:
    """A row per forecaster: its name, then ``cells(name, scores)`` under ``columns``."""
    table = Table(
        title=Text(title),
        title_justify="left",
        caption=Text(caption),
        caption_justify="left",
    )
    table.add_column("Forecast", style="bold")
    for column in columns:
        table.add_column(column, justify="right")
    for name, forecaster in result.forecasters.items():
        table.add_row(forecaster_name(name), *cells(name, forecaster.scores))
    return table


def errors_table(result: Backtest) -> Table:
    """Per model and for the recommended forecast: the point forecasts' errors and hit rates,
    and the MAE difference against the compromise model."""
    return _scores_table(
        result,
        f"How close each forecast came on {len(result.issues)} decided issues"
        " (points on each issue's 0-100 range)",
        "Within: share of issues forecast within 5, 10, 20 points. vs compromise: the"
        " difference in MAE (95% interval of a bootstrap over proposals). recommended: scored"
        " out of fold, chosen and fitted without the issues it is scored on.",
        ("MAE", "Bias", "Within 5", "10", "20", "vs compromise"),
        lambda name, s: (
            f"{s.mae:.2f}",
            f"{s.bias:+.2f}",
            f"{s.hit5:.2f}",
            f"{s.hit10:.2f}",
            f"{s.hit20:.2f}",
            _difference(name, result.differences.get(name)),
        ),
    )


def intervals_table(result: Backtest) -> Table:
    """Per model and for the recommended forecast: how often the central intervals held the
    outcome, and the CRPS."""
    return _scores_table(
        result,
        "How honest each forecast's intervals were: share of outcomes inside",
        "Calibrated: 0.50, 0.80, 0.90. A model's intervals come from its Monte Carlo draws"
        f" ({result.draws:,} draws, jitter {result.jitter:g}), the recommended forecast's from"
        " its cross-validated errors. CRPS: the continuous ranked probability score (lower"
        " is better; for a forecast without spread, its absolute error).",
        ("50%", "80%", "90%", "CRPS"),
        lambda _, s: (
            f"{s.coverage50:.2f}",
            f"{s.coverage80:.2f}",
            f"{s.coverage90:.2f}",
            f"{s.crps:.2f}",
        ),
    )


def forecaster_name(forecaster: str) -> str:
    """A backtest forecaster's name as reports show it (the recommended forecast's too)."""
    return "recommended" if forecaster == ENSEMBLE else forecaster


def candidates_table(result: Backtest) -> Table | Text:
    """The candidates for the recommended forecast, with their cross-validated MAE (or why
    there is none)."""
    if result.recommendation is None:
        return Text(
            "No recommended forecast: it needs the compromise model among the models and issues"
            " of at least three proposals, to choose and score it by cross-validation."
        )
    table = Table(
        title=Text(
            f"The recommended forecast: {result.recommendation.describe()}."
            f" Candidates, cross-validated ({result.request.folds} folds by proposal):"
        ),
        title_justify="left",
        caption=Text(
            "A candidate replaces the compromise model only if its MAE is lower and the 95%"
            " interval of the difference lies below 0."
        ),
        caption_justify="left",
    )
    table.add_column("Candidate", style="bold")
    table.add_column("MAE", justify="right")
    table.add_column("vs compromise", justify="right")
    chosen = result.recommendation.combination.name
    for name, (mae, difference) in result.candidates.items():
        table.add_row(
            f"{name} (chosen)" if name == chosen else name,
            f"{mae:.2f}",
            _difference(name, difference),
        )
    return table


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
    layout(
        figure,
        f"Mean absolute error on {len(result.issues)} decided issues (0-100 scale)",
        "Mean absolute error",
    )
    figure.update_yaxes(autorange="reversed")
    figure.update_layout(showlegend=False, height=max(240, 90 + 30 * len(ranked)))
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
    layout(
        figure,
        f"Are the intervals honest? Coverage on {len(result.issues)} decided issues",
        "Stated level of the interval",
        "Share of outcomes inside it",
    )
    figure.update_xaxes(range=[0.4, 1], tickformat=".0%")
    figure.update_yaxes(range=[0, 1], tickformat=".0%")
    figure.update_layout(height=380)
    return figure


def section(result: Backtest) -> Section:
    """How well each forecast did: the errors and calibration charts, and the tables."""
    return Section(
        id="backtest",
        title="How well each forecast did on decided issues",
        charts=[
            Chart("chart-errors", errors_figure(result)),
            Chart(
                "chart-calibration",
                calibration_figure(result),
                "On the diagonal, an interval holds as many outcomes as it says; below it, the"
                " interval is too narrow.",
            ),
        ],
        tables=[errors_table(result), intervals_table(result), candidates_table(result)],
    )
