"""Agreement or breakdown: whether the bargain each model predicts passes the agreement test
(:mod:`flashpoint.analysis.agreement`). Who blocks it, how often over the Monte Carlo draws (a
chart, ``chart-blocks``, and a table whose words say who refused, :func:`refusers_text`), who
refused the run on the stated values and why, and each issue's zone of agreement: the tables
``flashpoint forecast`` prints too."""

from __future__ import annotations

import plotly.graph_objects as go
from rich.table import Table
from rich.text import Text

from flashpoint.analysis.forecast import Forecast
from flashpoint.report.charts import layout, text
from flashpoint.report.formats import number
from flashpoint.report.palette import model_colour
from flashpoint.report.parts import Chart, Section
from flashpoint.scenario.words import in_sentence, shown_shares


def agreement_table(forecast: Forecast) -> Table:
    """Over the Monte Carlo draws: how often each model's bargain stood, and who refused it."""
    actors = {actor.id: actor.label for actor in forecast.scenario.actors}
    table = Table(
        title=Text(f"How often the bargain stands, over {forecast.draws:,} draws (95% interval)"),
        title_justify="left",
    )
    table.add_column("Model", style="bold")
    table.add_column("Agreement", justify="right")
    table.add_column("Refused by (share of draws)")
    for name, result in forecast.results.items():
        odds = result.agreement
        if odds is None:
            continue
        low, high = odds.interval_95
        table.add_row(
            Text(name),
            f"{odds.probability:.0%} ({low:.0%}-{high:.0%})",
            Text(refusers_text(odds.refused_by, odds.red_line, actors)),
        )
    return table


def refusers_text(
    refused_by: dict[str, float], red_line: dict[str, float], actors: dict[str, str]
) -> str:
    """Who refused a bargain and in what share of the draws, most often first. An actor whose
    share shows as 0% is not listed by name (nor is a red-line share that shows as 0%): they
    are counted in one clause, so that the list never says an actor refused in 0% of draws."""
    said = []
    named_shares, fewer = shown_shares(refused_by)
    for actor, share in named_shares:
        line = f"{red_line.get(actor, 0.0):.0%}"
        said.append(
            f"{actors[actor]} {share:.0%}" + (f" ({line} at its red line)" if line != "0%" else "")
        )
    if fewer:
        who = f"{fewer} {'other' if said else 'actor'}{'s' if fewer > 1 else ''}"
        said.append(f"{who} in under 0.5% each" if fewer > 1 else f"{who} in under 0.5%")
    return ", ".join(said) or "nobody"


def blocks_table(forecast: Forecast) -> Table:
    """For each model whose bargain failed the agreement test: who refused it and why (what
    the deal and no deal were worth to the actor), and what fell back to its reversion point."""
    actors = {actor.id: actor.label for actor in forecast.scenario.actors}
    issues = {issue.id: issue.label for issue in forecast.scenario.issues}
    package = forecast.scenario.agreement == "package"
    refusals = [
        r for result in forecast.results.values() if result.blocked for r in result.refusals
    ]
    worth_said = any(not r.red_lines for r in refusals)  # a refusal by gain says what it is worth
    table = Table(
        title=Text(
            "No agreement: the bargain a model predicts is refused by an actor whose consent"
            " it needs, so "
            + ("the whole package falls back" if package else "the issue falls back")
            + " to the reversion points"
        ),
        title_justify="left",
        caption=Text(
            "Worth: 100 if every issue were at the actor's position, weighted by its saliences"
            " (docs/scenario-format.md, Agreement or breakdown)."
        )
        if worth_said
        else None,
        caption_justify="left",
    )
    table.add_column("Model", style="bold")
    table.add_column("Why")
    table.add_column("Back at the reversion point")
    for name, result in forecast.results.items():
        if not result.blocked:
            continue
        why = "\n".join(
            f"{actors[r.actor]} refuses"
            + (" the package" if package else f" {', '.join(issues[i] for i in r.issues)}")
            + ": "
            + (
                "; ".join(
                    f"{in_sentence(issues[issue])} {number(value)} crosses its red line"
                    f" {number(line)}"
                    for issue, value, line in r.red_lines
                )
                if r.red_lines
                else f"the deal is worth {r.deal:.0f} to it, no deal {r.no_deal:.0f}"
            )
            for r in result.refusals
        )
        table.add_row(
            Text(name), Text(why), Text(", ".join(issues[issue] for issue in result.blocked))
        )
    return table


def zone_table(forecast: Forecast) -> Table:
    """Each issue's zone of agreement: the outcomes every actor whose consent it needs
    accepts, on the stated values, and how often it is empty over the draws and whose limits
    close it."""
    assert forecast.zones is not None
    actors = {actor.id: actor.label for actor in forecast.scenario.actors} | {"scale": "scale"}
    issues = {issue.id: issue.label for issue in forecast.scenario.issues}
    package = forecast.scenario.agreement == "package"
    table = Table(
        title=Text(
            "Zone of agreement: the outcomes every actor whose consent an issue needs accepts"
            + (f", over {forecast.draws:,} draws" if forecast.draws > 1 else "")
        ),
        title_justify="left",
        caption=Text(
            "Its limits: each actor's red line"
            + (
                " (in a package an actor may trade one issue for another, so only red lines"
                " bound an issue)"
                if package
                else ", and how far from its position it takes an outcome over no deal"
            )
            + "."
        ),
        caption_justify="left",
    )
    table.add_column("Issue", style="bold")
    table.add_column("As stated", justify="right")
    table.add_column("Empty", justify="right")
    table.add_column("Closed most often by")
    for issue, zone in forecast.zones.items():
        stated = (
            "none" if zone.stated is None else f"{number(zone.stated[0])}-{number(zone.stated[1])}"
        )
        closed = ""
        if zone.closed_by is not None:
            below, below_range, above, above_range = zone.closed_by
            closed = (
                f"{actors[below]} at least {_span(below_range)} against {actors[above]} at"
                f" most {_span(above_range)}"
            )
        table.add_row(Text(issues[issue]), stated, f"{zone.empty:.0%}", Text(closed))
    return table


def _span(bounds: tuple[float, float]) -> str:
    low, high = bounds
    return number(low) if number(low) == number(high) else f"{number(low)} to {number(high)}"


def blocks_figure(forecast: Forecast) -> go.Figure:
    """Who blocks agreement: per model, the share of draws in which each actor refused the
    bargain (the agreement test, :mod:`flashpoint.analysis.agreement`)."""
    scenario = forecast.scenario
    labels = {actor.id: actor.label for actor in scenario.actors}
    odds = [(name, r.agreement) for name, r in forecast.results.items() if r.agreement is not None]
    if not odds:
        raise ValueError("the forecast has no agreement test over draws")
    odds = [(name, found) for name, found in odds if found.refused_by] or odds
    blockers = [a.id for a in scenario.actors if any(a.id in o.refused_by for _, o in odds)]
    figure = go.Figure()
    for name, found in odds:
        figure.add_trace(
            go.Bar(
                orientation="h",
                name=text(forecast.results[name].label),
                y=[text(labels[actor]) for actor in blockers],
                x=[found.refused_by.get(actor, 0.0) for actor in blockers],
                marker={"color": model_colour(name)},
                hovertemplate="%{y} refuses in %{x:.1%} of the draws<extra>%{fullData.name}</extra>",
            )
        )
    layout(figure, "Who blocks agreement: how often each actor refuses", "Share of the draws")
    figure.update_xaxes(tickformat=".0%", range=[0, 1])
    figure.update_yaxes(autorange="reversed")
    figure.update_layout(barmode="group", height=max(240, 110 + 14 * len(blockers) * len(odds)))
    return figure


def section(forecast: Forecast) -> Section:
    """Agreement or breakdown: who blocks, over the draws and on the stated values, and the zone
    of agreement (empty, and left out, where no model ran the agreement test)."""
    charts: list[Chart] = []
    tables: list[Table | Text] = []
    if any(result.agreement is not None for result in forecast.results.values()):
        charts.append(
            Chart(
                "chart-blocks",
                blocks_figure(forecast),
                "An actor whose consent is needed refuses when the deal is worth less to it than"
                " no deal, or crosses its red line.",
            )
        )
        tables.append(agreement_table(forecast))
    if any(result.blocked for result in forecast.results.values()):
        tables.append(blocks_table(forecast))
    if forecast.zones:
        tables.append(zone_table(forecast))
    return Section(id="agreement", title="Agreement or breakdown", charts=charts, tables=tables)
