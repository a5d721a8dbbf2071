"""What each shock changes: a comparison (:func:`flashpoint.compare`) of the scenario as stated
and each shock on the same draws, for the headline forecast (the default), the models pooled, or
one model. Each future's probability and its change (a chart, ``chart-shocks``, and the table
``flashpoint compare`` prints), the issues each shock moves, and why it moves the headline, in
sentences computed from the draws (:func:`mechanism_text`)."""

from __future__ import annotations

import plotly.graph_objects as go
from rich.table import Table
from rich.text import Text

from flashpoint.analysis.compare import ENSEMBLE, Comparison, Variant
from flashpoint.analysis.headline import HEADLINE
from flashpoint.report.charts import layout, text
from flashpoint.report.formats import number
from flashpoint.report.parts import Chart, Section
from flashpoint.report.scenario_tables import describe_change
from flashpoint.scenario.words import capitalised, named, possessive


def points(change: float) -> str:
    """A change of probability in percentage points, signed."""
    return f"{change * 100:+.0f}" if round(change * 100) else "±0"


def whose(comparison: Comparison, model: str) -> str:
    """Whose numbers a table shows, in words."""
    if model == HEADLINE:
        return "the headline forecast"
    if model != ENSEMBLE or len(comparison.models) == 1:
        return f"model {model if model != ENSEMBLE else comparison.models[0]}"
    return f"the {len(comparison.models)} models pooled with equal weights"


def compare_futures_table(comparison: Comparison, model: str | None = None) -> Table:
    """Per variant, each future's probability; for a shock, its change from the baseline in
    percentage points with the 95% interval of the change (the headline's by default)."""
    model = model or comparison.baseline.lead
    futures = list(dict.fromkeys(f for v in comparison.variants for f in v.summary(model).futures))
    by = f" {comparison.basis.horizon}" if comparison.basis and comparison.basis.horizon else ""
    caption = (
        "Every variant runs on the same draws (common random numbers), so a change is the"
        " shock's own effect; its interval is Newcombe's for paired proportions."
    )
    if model == HEADLINE and comparison.basis is not None:
        caption += " " + comparison.basis.rests_on
    table = Table(
        title=Text(
            f"How likely each future is{by}, over {comparison.draws:,} draws"
            f" ({whose(comparison, model)}): probability, change in points (95% interval)"
        ),
        title_justify="left",
        caption=Text(caption),
        caption_justify="left",
    )
    table.add_column("Variant", style="bold", ratio=1)
    for future in futures:
        table.add_column(Text(comparison.future_label(future)), justify="right")
    for variant in comparison.variants:
        summary = variant.summary(model)
        cells = []
        for future in futures:
            p = summary.futures.get(future)
            probability = 0.0 if p is None else p.probability
            if variant.effects is None:
                cells.append(f"{probability:.0%}")
                continue
            d = variant.effects[model].futures[future]
            low, high = d.interval_95
            cells.append(f"{probability:.0%} {points(d.value)} ({points(low)} to {points(high)})")
        table.add_row(Text(variant.label), *cells)
    return table


def compare_issues_table(comparison: Comparison, model: str | None = None) -> Table:
    """For each shock, the issues whose predicted outcome it moves: the mean over the draws as
    stated and under the shock, and the mean change draw by draw with its 95% interval (one
    statistic, the mean, so that the columns add up); the headline's by default."""
    model = model or comparison.baseline.lead
    table = Table(
        title=Text(
            f"What each shock moves ({whose(comparison, model)}): issues whose outcome changes"
        ),
        title_justify="left",
    )
    table.add_column("Shock", style="bold", ratio=1)
    table.add_column("Issue", ratio=1)
    table.add_column("Mean as stated", justify="right")
    table.add_column("Mean shocked", justify="right")
    table.add_column("Mean change (95%)", justify="right")
    baseline = comparison.baseline.summary(model).distribution
    for variant in comparison.shocked:
        assert variant.effects is not None
        moved = [
            issue
            for issue in comparison.scenario.issues
            if round(variant.effects[model].issues[issue.id].value, 1)
        ]
        for k, issue in enumerate(moved):
            d = variant.effects[model].issues[issue.id]
            table.add_row(
                Text(variant.label if k == 0 else ""),
                Text(issue.label),
                number(baseline[issue.id].mean),
                number(variant.summary(model).distribution[issue.id].mean),
                f"{d.value:+.1f} ({d.interval_95[0]:+.1f} to {d.interval_95[1]:+.1f})",
            )
        if not moved:
            table.add_row(Text(variant.label), Text("no issue moves"), "", "", "")
    return table


def mechanism_text(comparison: Comparison, variant: Variant) -> str:
    """Why a shock moved the headline, in words computed from its :class:`Mechanism`."""
    found = variant.mechanism
    if found is None:
        return ""
    actors = {actor.id: named(actor.label) for actor in comparison.scenario.actors}
    said = []
    if shown(found.newly_refused):
        said.append(f"the bargain is refused in {found.newly_refused:.0%} of draws where it stood")
    if shown(found.newly_agreed):
        said.append(f"it stands in {found.newly_agreed:.0%} of draws where it was refused")
    for actor, (stated, shocked) in found.refused_by.items():
        if not (shown(stated) or shown(shocked)):  # no actor is named at 0% and 0%
            continue
        said.append(f"{actors[actor]} refuses in {shocked:.0%} of draws ({stated:.0%} as stated)")
    for actor, (stated, shocked) in found.red_line.items():
        said.append(
            f"the bargain crosses {possessive(actors[actor])} red line in {shocked:.0%} of draws"
            f" ({stated:.0%} as stated)"
        )
    if shown(found.moved):
        said.append(
            f"in {found.moved:.0%} of draws the agreement is unchanged but the bargain moves"
            " across a future's threshold"
        )
    if not said:
        return "Fewer than 1 draw in 200 changes its future."
    text = "; ".join(said)
    return capitalised(text) + "."


def shown(share: float) -> bool:
    """Whether a share of draws is worth a clause: at least half a percent, as printed."""
    return share >= 0.005


def mechanism_table(comparison: Comparison) -> Table:
    """Why each shock moves the headline forecast: what it sets, and the mechanism."""
    table = Table(
        title=Text("Why each shock moves the headline forecast, draw by draw"),
        title_justify="left",
    )
    table.add_column("Shock", style="bold", ratio=1)
    table.add_column("What it sets", ratio=1)
    table.add_column("Why the headline moves", ratio=2)
    shocks = {shock.id: shock for shock in comparison.scenario.shocks}
    for variant in comparison.shocked:
        sets = [
            describe_change(change, comparison.scenario)
            for shock in variant.shocks
            if shock in shocks
            for change in shocks[shock].changes
        ]
        table.add_row(
            Text(variant.label), Text("\n".join(sets)), Text(mechanism_text(comparison, variant))
        )
    return table


def shocks_figure(comparison: Comparison, model: str | None = None) -> go.Figure:
    """Each shock's effect on each future's probability (the headline's by default), in
    points, with its 95% interval (Newcombe's, for paired draws)."""
    model = model or comparison.baseline.lead
    futures = list(comparison.baseline.summary(model).futures)
    figure = go.Figure()
    colours = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#999999"]
    for k, future in enumerate(futures):
        changes = []
        for variant in comparison.shocked:
            assert variant.effects is not None
            changes.append(variant.effects[model].futures.get(future))
        shown = [(v, d) for v, d in zip(comparison.shocked, changes, strict=True) if d is not None]
        figure.add_trace(
            go.Bar(
                orientation="h",
                name=text(comparison.future_label(future)),
                y=[text(variant.label) for variant, _ in shown],
                x=[d.value for _, d in shown],
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": [d.interval_95[1] - d.value for _, d in shown],
                    "arrayminus": [d.value - d.interval_95[0] for _, d in shown],
                    "color": "#333333",
                },
                marker={"color": colours[k % len(colours)]},
                hovertemplate="%{y}: %{x:+.1%}<extra>%{fullData.name}</extra>",
            )
        )
    layout(
        figure,
        "What each shock changes: the change in each future's probability",
        "Change from the scenario as stated (bars: 95% interval)",
    )
    figure.update_xaxes(tickformat="+.0%", range=[-1.05, 1.05], zeroline=True)
    figure.update_yaxes(autorange="reversed")
    figure.update_layout(
        barmode="group", height=max(280, 110 + 16 * len(futures) * len(comparison.shocked))
    )
    return figure


def section(comparison: Comparison, beside_headline: bool = True) -> Section:
    """What each shock changes; ``beside_headline``: in a report whose headline is the
    recommended forecast, which the comparison's pooled models need not agree with."""
    lead = comparison.baseline.lead
    intro = (
        f"Each shock against the scenario as stated, on the same {comparison.draws:,} draws"
        " (common random numbers), so a change is the shock's own effect, "
        + (
            "on the headline forecast"
            + (", whose as-stated numbers are the headline above" if beside_headline else "")
            if lead == HEADLINE
            else "the models pooled with equal weights (no headline without the compromise model)"
        )
    )
    return Section(
        id="shocks",
        title="What each shock changes",
        intro=intro + ".",
        charts=[Chart("chart-shocks", shocks_figure(comparison), wide=True)],
        tables=[
            compare_futures_table(comparison),
            compare_issues_table(comparison),
            *(
                [mechanism_table(comparison)]
                if any(v.mechanism for v in comparison.shocked)
                else []
            ),
        ],
    )
