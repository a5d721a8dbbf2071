"""Terminal tables of a backtest (:func:`flashpoint.backtest`): every forecaster's scores, and
the candidates for the recommended forecast."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from flashpoint.analysis.backtest import Backtest
from flashpoint.analysis.backtest.recommend import BASELINE
from flashpoint.analysis.backtest.runner import ENSEMBLE


def _difference(name: str, found: tuple[float, float, float] | None) -> str:
    if name == BASELINE:
        return "(baseline)"
    if found is None:
        return ""
    value, low, high = found
    return f"{value:+.2f} ({low:+.2f} to {high:+.2f})"


def errors_table(result: Backtest) -> Table:
    """Per model and for the recommended forecast: the point forecasts' errors and hit rates,
    and the MAE difference against the compromise model."""
    table = Table(
        title=Text(
            f"How close each forecast came on {len(result.issues)} decided issues"
            " (points on each issue's 0-100 range)"
        ),
        title_justify="left",
        caption=Text(
            "Within: share of issues forecast within 5, 10, 20 points. vs compromise: the"
            " difference in MAE (95% interval of a bootstrap over proposals). recommended: scored"
            " out of fold, chosen and fitted without the issues it is scored on."
        ),
        caption_justify="left",
    )
    table.add_column("Forecast", style="bold")
    for column in ("MAE", "Bias", "Within 5", "10", "20", "vs compromise"):
        table.add_column(column, justify="right")
    for name, forecaster in result.forecasters.items():
        s = forecaster.scores
        table.add_row(
            forecaster_name(name),
            f"{s.mae:.2f}",
            f"{s.bias:+.2f}",
            f"{s.hit5:.2f}",
            f"{s.hit10:.2f}",
            f"{s.hit20:.2f}",
            _difference(name, result.differences.get(name)),
        )
    return table


def intervals_table(result: Backtest) -> Table:
    """Per model and for the recommended forecast: how often the central intervals held the
    outcome, and the CRPS."""
    table = Table(
        title=Text("How honest each forecast's intervals were: share of outcomes inside"),
        title_justify="left",
        caption=Text(
            "Calibrated: 0.50, 0.80, 0.90. A model's intervals come from its Monte Carlo draws"
            f" ({result.draws:,} draws, jitter {result.jitter:g}), the recommended forecast's from"
            " its cross-validated errors. CRPS: the continuous ranked probability score (lower"
            " is better; for a forecast without spread, its absolute error)."
        ),
        caption_justify="left",
    )
    table.add_column("Forecast", style="bold")
    for column in ("50%", "80%", "90%", "CRPS"):
        table.add_column(column, justify="right")
    for name, forecaster in result.forecasters.items():
        s = forecaster.scores
        table.add_row(
            forecaster_name(name),
            f"{s.coverage50:.2f}",
            f"{s.coverage80:.2f}",
            f"{s.coverage90:.2f}",
            f"{s.crps:.2f}",
        )
    return table


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
