"""The headline forecast: how likely each future is (by the scenario's horizon), with each
probability's simulation error and the sentences that say what it rests on (its basis); the
headline that opens a report, the table ``flashpoint forecast`` and ``flashpoint report`` print,
and the section "How likely each future is": the scenario tree's branches, the headline's chart
(``chart-futures``), each model's probabilities beside it (``chart-futures-by-model``) and their
table.

Without the compromise model there is no headline forecast: a report then leads with the models
pooled with equal weights (:func:`leading`).
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from rich.table import Table
from rich.text import Text

from flashpoint.analysis.compare import ENSEMBLE
from flashpoint.analysis.forecast import Forecast
from flashpoint.analysis.headline import HEADLINE, Basis, points, simulation_error
from flashpoint.analysis.uncertainty import Spread
from flashpoint.report.charts import layout, text
from flashpoint.report.palette import model_colour
from flashpoint.report.parts import Chart, Headline, Section
from flashpoint.scenario.words import in_sentence

RECOMMENDED = HEADLINE  # the headline forecast, as a chart names it


def leading(forecast: Forecast) -> tuple[str, Spread] | None:
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


def model_summaries(forecast: Forecast) -> list[tuple[str, Spread]]:
    """The Monte Carlo summaries of a forecast: the recommended, the ensemble, each model."""
    found = [(RECOMMENDED, forecast.recommended), (ENSEMBLE, forecast.ensemble)]
    found += [(name, result.spread) for name, result in forecast.results.items()]
    return [(name, summary) for name, summary in found if summary is not None]


def headline(forecast: Forecast) -> Headline | None:
    """The headline a report opens with: each future's probability under the forecast it leads
    with (:func:`leading`), its simulation error, its horizon and what it rests on; None without
    Monte Carlo draws or named futures."""
    found = leading(forecast)
    if found is None or not forecast.scenario.outcomes:
        return None
    model, summary = found
    if forecast.basis is not None and model == RECOMMENDED:
        basis = tuple(forecast.basis.sentences())
        horizon = forecast.basis.horizon or ""
    else:
        basis = (
            "The models pooled with equal weights (there is no headline forecast without the"
            f" compromise model), over {forecast.draws:,} Monte Carlo draws.",
        )
        horizon = ""
    return Headline(
        source=model_label(forecast, model),
        futures=[
            (
                future,
                forecast.future_label(future),
                p.probability,
                p.interval_95,
                points(simulation_error(p)),
            )
            for future, p in summary.futures.items()
        ],
        horizon=horizon,
        basis=basis,
    )


def recommended_table(forecast: Forecast) -> Table:
    """The headline: how likely each future is under the headline forecast (by the scenario's
    horizon), each with its simulation error (:func:`basis_text` says what it rests on)."""
    assert forecast.recommended is not None and forecast.basis is not None
    by = f" {forecast.basis.horizon}" if forecast.basis.horizon else ""
    table = Table(
        title=Text(f"{forecast.scenario.title}: how likely each future is{by}"),
        title_justify="left",
    )
    table.add_column("Future", style="bold cyan")
    table.add_column("Probability", justify="right")
    for future, p in forecast.recommended.futures.items():
        table.add_row(
            Text(forecast.future_label(future)),
            f"{p.probability:.0%} ({points(simulation_error(p))})",
        )
    return table


def basis_text(basis: Basis) -> Text:
    """What a headline rests on, as one paragraph to print under it."""
    return Text(" ".join(basis.sentences()), style="dim")


def tree_table(forecast: Forecast) -> Table:
    """The scenario tree's branches: each one's probability as stated and the share of the
    draws that followed it."""
    assert forecast.tree is not None
    table = Table(
        title=Text(
            f"Scenario tree over {forecast.draws:,} draws: each draw follows one branch, and the"
            " forecasts below mix the branches in these proportions"
        ),
        title_justify="left",
    )
    table.add_column("Branch", style="bold")
    table.add_column("Probability", justify="right")
    table.add_column("Share of draws", justify="right")
    for branch in forecast.tree:
        low, high = branch.probability
        stated = f"{low:.0%}" if low == high else f"{low:.0%}-{high:.0%}"
        table.add_row(Text(branch.label), stated, f"{branch.share:.0%}")
    if len(forecast.tree) == 1:
        table.caption = (
            "No shock of this scenario states a probability, so the tree has one branch: give a"
            " shock a probability (docs/scenario-format.md, Shocks) to make it a branch"
        )
        table.caption_justify = "left"
    return table


def probabilities_table(forecast: Forecast) -> Table:
    """Over the Monte Carlo draws: how likely each future is per model and for the ensemble,
    with the 95% interval of the Monte Carlo estimate."""
    assert forecast.ensemble is not None
    futures = list(forecast.ensemble.futures)
    table = Table(
        title=Text(f"How likely each future is, over {forecast.draws:,} draws (95% interval)"),
        title_justify="left",
        caption=Text(
            "ensemble: the models pooled with equal weights, not the headline forecast above."
            " The intervals are the simulation error of each estimate (Wilson); more draws"
            " narrow them."
        ),
        caption_justify="left",
    )
    table.add_column("Model", style="bold")
    for future in futures:
        table.add_column(Text(forecast.future_label(future)), justify="right")
    rows = [(name, result.spread) for name, result in forecast.results.items()]
    for name, summary in [*rows, ("ensemble", forecast.ensemble)]:
        assert summary is not None
        cells = []
        for future in futures:
            p = summary.futures.get(future)
            if p is None:
                cells.append("0%")
                continue
            low, high = p.interval_95
            cells.append(f"{p.probability:.0%} ({low:.0%}-{high:.0%})")
        table.add_row(Text(name), *cells)
    return table


def futures_figure(forecast: Forecast) -> go.Figure:
    """The headline: each named future's probability with its 95% interval (Wilson)."""
    found = leading(forecast)
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
    layout(
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
    summaries = model_summaries(forecast)
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
    layout(figure, "Each model's probability of each future", "Probability")
    figure.update_xaxes(range=[0, 1], tickformat=".0%")
    figure.update_yaxes(autorange="reversed")
    figure.update_layout(barmode="group", height=max(260, 120 + 13 * len(futures) * len(summaries)))
    return figure


def section(forecast: Forecast) -> Section:
    """How likely each future is: the scenario tree's branches, the headline forecast, and, over
    the Monte Carlo draws, its chart, each model's probabilities and their table (a run on the
    stated values alone has no probabilities, and says so)."""
    scenario = forecast.scenario
    drawn = forecast.draws > 1
    tables: list[Table | Text] = []
    if forecast.tree is not None:
        tables.append(tree_table(forecast))
    if forecast.recommended is not None and scenario.outcomes:
        tables.append(recommended_table(forecast))
    charts = []
    if drawn and scenario.outcomes:
        charts = [
            Chart(
                "chart-futures",
                futures_figure(forecast),
                "Each bar is the share of the headline's samples that fall in the future; the"
                " whisker is its simulation error (95%), how far more draws could move it.",
            ),
            Chart(
                "chart-futures-by-model",
                futures_by_model_figure(forecast),
                "The same question under each model: where they disagree, the forecast rests on"
                " the choice of model."
                + (
                    f" The headline rests on {forecast.recommendation.describe_kind()}, chosen by"
                    " cross-validation on"
                    f" {forecast.recommendation.provenance.get('data', 'decided issues')}."
                    if forecast.recommendation is not None
                    else ""
                ),
                wide=True,
            ),
        ]
        tables.append(probabilities_table(forecast))
    return Section(
        id="futures",
        title="How likely each future is",
        intro=""
        if drawn
        else "This report ran on the stated values only: run it with draws to see probabilities.",
        charts=charts,
        tables=tables,
    )
