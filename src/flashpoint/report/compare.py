"""Terminal tables of a comparison (:func:`flashpoint.compare`): the baseline and each shock
side by side, for the ensemble or one model."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from flashpoint.analysis.compare import ENSEMBLE, Comparison
from flashpoint.report.terminal import number


def points(change: float) -> str:
    """A change of probability in percentage points, signed."""
    return f"{change * 100:+.0f}" if round(change * 100) else "±0"


def compare_futures_table(comparison: Comparison, model: str = ENSEMBLE) -> Table:
    """Per variant, each future's probability; for a shock, its change from the baseline in
    percentage points with the 95% interval of the change."""
    futures = list(dict.fromkeys(f for v in comparison.variants for f in v.summary(model).futures))
    if model != ENSEMBLE or len(comparison.models) == 1:
        who = f"model {model if model != ENSEMBLE else comparison.models[0]}"
    else:
        who = f"the {len(comparison.models)} models with equal weights"
    table = Table(
        title=Text(
            f"How likely each future is, over {comparison.draws:,} draws ({who}):"
            " probability, change in points (95% interval)"
        ),
        title_justify="left",
        caption=Text(
            "Every variant runs on the same draws (common random numbers), so a change is the"
            " shock's own effect; its interval is Newcombe's for paired proportions."
        ),
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


def compare_issues_table(comparison: Comparison, model: str = ENSEMBLE) -> Table:
    """For each shock, the issues whose predicted outcome it moves: the mean over the draws as
    stated and under the shock, and the mean change draw by draw with its 95% interval (one
    statistic, the mean, so that the columns add up)."""
    table = Table(
        title=Text("What each shock moves: issues whose outcome changes"),
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
