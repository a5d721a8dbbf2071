"""What drives the forecast: a sensitivity analysis (:func:`flashpoint.sensitivity`). A tornado
of the uncertain inputs, as a chart (``chart-tornado``) and as the table ``flashpoint
sensitivity`` prints with text-drawn bars; index tables for Morris and Sobol; a factorial's cells
and main effects."""

from __future__ import annotations

import plotly.graph_objects as go
from rich.table import Table
from rich.text import Text

from flashpoint.analysis.sensitivity import Index, InputGroup, Sensitivity, TornadoBar
from flashpoint.report.charts import layout, text
from flashpoint.report.parts import Chart, Section

BAR_WIDTH = 12


def _value(result: Sensitivity, value: float) -> str:
    if result.target.kind == "probability":
        return f"{value:.0%}"
    return f"{value:.1f}"


def _bar(low: float, high: float, baseline: float, span: tuple[float, float]) -> Text:
    """A tornado bar: the stretch between the target at the low and the high end, on a common
    scale, with the baseline marked."""
    start, end = span
    width = end - start or 1.0

    def at(value: float) -> int:
        return min(BAR_WIDTH - 1, max(0, round((value - start) / width * (BAR_WIDTH - 1))))

    left, right, middle = at(min(low, high)), at(max(low, high)), at(baseline)
    cells = []
    for k in range(BAR_WIDTH):
        if k == middle:
            cells.append(("│", "bold"))
        elif left <= k <= right:
            cells.append(("█", "red" if (k < middle) == (low > high) else "green"))
        else:
            cells.append(("·", "dim"))
    return Text.assemble(*cells)


def tornado_table(result: Sensitivity) -> Table:
    """One row per input, largest swing first."""
    bars: list[TornadoBar] = result.rows
    values = [v for bar in bars for v in (bar.at_low, bar.at_high)] + [result.baseline]
    span = (min(values), max(values))
    table = Table(
        title=Text(
            f"What moves {result.target.label}: each input at the low and high end of its range,"
            f" the others drawn ({result.draws:,} draws; with every input drawn:"
            f" {_value(result, result.baseline)})"
        ),
        title_justify="left",
        caption=Text(
            "Range: a uniform or triangular input's support, a normal or beta input's central"
            " 90%. Every setting runs on the same draws. │ marks the target with every input"
            " drawn."
        ),
        caption_justify="left",
    )
    table.add_column("Input", style="bold", ratio=1, min_width=20)
    table.add_column("Low-high", justify="right")
    table.add_column("At low", justify="right")
    table.add_column("At high", justify="right")
    table.add_column("Swing", justify="right")
    table.add_column("", no_wrap=True)
    for bar in bars:
        table.add_row(
            Text(bar.input.name),
            f"{bar.input.low:g}-{bar.input.high:g}",
            _value(result, bar.at_low),
            _value(result, bar.at_high),
            _value(result, bar.swing),
            _bar(bar.at_low, bar.at_high, result.baseline, span),
        )
    return table


def indices_table(result: Sensitivity) -> Table:
    """Morris (mu*, sigma) or Sobol (S1, ST) indices, most influential first."""
    rows: list[Index] = result.rows
    if result.method == "morris":
        title = (
            f"Morris elementary effects on {result.target.label} ({result.samples} trajectories):"
            " μ* is the mean absolute effect of moving the input across its range, σ its spread"
        )
        columns = [("μ*", "mu_star"), ("± (95%)", "mu_star_conf"), ("μ", "mu"), ("σ", "sigma")]
    else:
        title = (
            f"Sobol indices of {result.target.label} ({result.samples} base samples): S1 the share"
            " of its variance an input explains alone, ST with its interactions"
        )
        columns = [("S1", "S1"), ("±", "S1_conf"), ("ST", "ST"), ("± ", "ST_conf")]
    caption = (
        "Inputs over their ranges, the others at their stated values; the models with equal"
        " weights. Intervals are SALib's bootstrap."
    )
    if any(isinstance(row.input, InputGroup) for row in rows):
        caption += (
            " The inputs of a correlation group move together (their common factor and own"
            " noise over their central 90%) and have one index; – where none is defined."
        )
    table = Table(
        title=Text(title), title_justify="left", caption=Text(caption), caption_justify="left"
    )
    table.add_column("Input", style="bold", ratio=1)
    for heading, _ in columns:
        table.add_column(heading, justify="right")
    for row in rows:
        table.add_row(Text(row.input.name), *(_index(row.values[key]) for _, key in columns))
    return table


def _index(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def factorial_tables(result: Sensitivity) -> list[Table]:
    """Each combination of the factors' levels, and each level's main effect."""
    cells = Table(
        title=Text(
            f"{result.target.label} under each combination of model options"
            f" ({result.draws:,} draws each, the same draws)"
        ),
        title_justify="left",
    )
    factors = list(result.main_effects)
    for factor in factors:
        cells.add_column(factor, style="bold")
    cells.add_column(result.target.label, justify="right")
    for cell in result.rows:
        cells.add_row(*(str(cell.levels[f]) for f in factors), _value(result, cell.value))
    effects = Table(
        title=Text("Main effects: the mean over the cells at each level"), title_justify="left"
    )
    effects.add_column("Factor", style="bold")
    effects.add_column("Level")
    effects.add_column(result.target.label, justify="right")
    for factor, levels in result.main_effects.items():
        for k, (level, value) in enumerate(levels.items()):
            effects.add_row(factor if k == 0 else "", level, _value(result, value))
    return [cells, effects]


def tornado_figure(result: Sensitivity) -> go.Figure:
    """A tornado: the target with each input at the low and at the high end of its range (the
    others drawn), largest swing on top; the line is the target with every input drawn."""
    if result.method != "tornado":
        raise ValueError(f"a tornado chart shows a tornado analysis, not {result.method}")
    bars: list[TornadoBar] = result.rows
    names = [text(bar.input.name) for bar in bars]
    figure = go.Figure()
    for key, name, colour in (
        ("at_low", "Input at its low end", "#D55E00"),
        ("at_high", "At its high end", "#0072B2"),
    ):
        values = [getattr(bar, key) for bar in bars]
        figure.add_trace(
            go.Bar(
                orientation="h",
                y=names,
                x=[value - result.baseline for value in values],
                base=result.baseline,
                name=name,
                marker={"color": colour},
                customdata=values,
                hovertemplate="%{y}: %{customdata:.3g}<extra>%{fullData.name}</extra>",
            )
        )
    figure.add_trace(
        go.Scatter(
            x=[result.baseline, result.baseline],
            y=[names[0], names[-1]] if names else [],
            mode="lines",
            line={"color": "#000000", "width": 1.5},
            name=f"Every input drawn ({_value(result, result.baseline)})",
        )
    )
    layout(
        figure,
        f"What moves {result.target.label}",
        result.target.label,
    )
    figure.update_yaxes(autorange="reversed")
    if result.target.kind == "probability":
        figure.update_xaxes(tickformat=".0%")
    figure.update_layout(barmode="overlay", height=max(260, 110 + 30 * len(bars)))
    return figure


def section(sensitivity: Sensitivity) -> Section:
    """What drives the forecast: a tornado's chart and table, or the indices of another method."""
    if sensitivity.method == "tornado":
        return Section(
            id="drivers",
            title="What drives the forecast",
            intro="Each uncertain input at the low and the high end of its range, the others"
            " drawn.",
            charts=[Chart("chart-tornado", tornado_figure(sensitivity), wide=True)],
            tables=[tornado_table(sensitivity)],
        )
    tables: list[Table | Text] = (
        list(factorial_tables(sensitivity))
        if sensitivity.method == "factorial"
        else [indices_table(sensitivity)]
    )
    return Section(
        id="drivers",
        title=f"What drives {sensitivity.target.label} ({sensitivity.method})",
        tables=tables,
    )
