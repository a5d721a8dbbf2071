"""Rich tables for the terminal: forecasts, validation problems, bundled scenarios, models."""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table
from rich.text import Text

from flashpoint.analysis.forecast import Forecast
from flashpoint.models.base import ModelSpec
from flashpoint.scenario.errors import Problem
from flashpoint.scenario.schema import Scenario


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
    table.add_column("Issue (scale)", style="bold", no_wrap=True)
    for name in forecast.results:
        table.add_column(name, justify="right")
    for issue in scenario.issues:
        cells = [f"{result.outcome[issue.id]:.1f}" for result in forecast.results.values()]
        table.add_row(Text(f"{issue.label} ({issue.min:g}-{issue.max:g})"), *cells)
    return table


def futures_table(forecast: Forecast) -> Table:
    """The named future each model's prediction falls in."""
    table = Table(title="Which future", title_justify="left")
    table.add_column("Model", style="bold")
    table.add_column("Future", style="bold cyan")
    for name, result in forecast.results.items():
        table.add_row(Text(name), Text(forecast.future_label(result.future)))
    return table


def _legend(forecast: Forecast) -> str:
    return "; ".join(f"{name}: {result.label}" for name, result in forecast.results.items())


def anchors_table(forecast: Forecast, model: str) -> Table:
    """What one model's predicted outcome means in words, by the nearest anchor of each issue."""
    result = forecast[model]
    table = Table(
        title=Text(f"In words ({result.label}: nearest labelled point)"), title_justify="left"
    )
    table.add_column("Issue", style="bold")
    table.add_column("Outcome", justify="right")
    table.add_column("Nearest anchor")
    for issue in forecast.scenario.issues:
        value = result.outcome[issue.id]
        table.add_row(Text(issue.label), f"{value:.1f}", Text(issue.anchor_text(value)))
    return table


def problems_table(problems: Iterable[Problem]) -> Table:
    table = Table(show_lines=False, title_justify="left")
    table.add_column("Where", style="yellow", overflow="fold")
    table.add_column("Problem", overflow="fold")
    for problem in problems:
        table.add_row(Text(str(problem.location) or "-"), Text(problem.message))
    return table


def scenarios_table(scenarios: dict[str, Scenario], default: str) -> Table:
    table = Table(title="Bundled scenarios", title_justify="left")
    table.add_column("Name", no_wrap=True, style="bold")
    table.add_column("Title")
    for column in ("Actors", "Issues", "Futures", "Shocks"):
        table.add_column(column, justify="right")
    for name, scenario in scenarios.items():
        label = f"{name} (default)" if name == default else name
        table.add_row(
            Text(label),
            Text(scenario.title),
            str(len(scenario.actors)),
            str(len(scenario.issues)),
            str(len(scenario.outcomes)),
            str(len(scenario.shocks)),
        )
    return table


def models_table(specs: Iterable[ModelSpec]) -> Table:
    table = Table(title="Models", title_justify="left", show_lines=True)
    table.add_column("Name", style="bold")
    table.add_column("What it computes")
    table.add_column("References", style="dim")
    for spec in specs:
        table.add_row(spec.name, spec.summary, "\n".join(spec.references))
    return table
