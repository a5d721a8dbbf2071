"""What every chart of a report shares: the look (plotly's "simple_white" template, the font,
the height, the title at the top left), scenario text escaped for plotly, and an issue's scale as
an axis. Each section's own charts are in its module of :mod:`flashpoint.report.sections`.

The HTML report and the web app draw the charts with plotly.js, :mod:`flashpoint.report.printing`
draws the same figures with matplotlib for print. Every chart takes a result of the public API (a
forecast, a comparison, a sensitivity analysis, a backtest, a levers search) and plots its numbers
as they are, never computed again: a figure's data are the numbers of the result's ``--json``
document. Text from the scenario is escaped, since plotly reads a little HTML in labels. The
figures use only bar and scatter traces (lines, markers, filled bands), one pair of axes each, so
that the print renderer can draw them too.
"""

from __future__ import annotations

import functools
import html
import textwrap

import plotly.graph_objects as go
import plotly.io as pio

from flashpoint.report.formats import scale
from flashpoint.scenario.schema import Issue

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
HEIGHT = 340
TITLE_WIDTH = 60  # characters on a line of a chart's title
TRACE_KINDS = ("scatter", "bar")  # the kinds of trace these charts draw


def text(value: str) -> str:
    """Scenario text as a plotly label: shown as written, never read as markup."""
    return html.escape(value, quote=False)


@functools.cache
def _template() -> go.layout.Template:
    """Plotly's "simple_white" template for the kinds of trace these charts draw
    (:data:`TRACE_KINDS`): the same look, at a fifth of the cost of applying the whole template
    (its defaults for some thirty kinds of trace) to each chart."""
    white = pio.templates["simple_white"]
    return go.layout.Template(
        layout=white.layout, data={kind: white.data[kind] for kind in TRACE_KINDS}
    )


def layout(figure: go.Figure, title: str, x_title: str = "", y_title: str = "", **more) -> None:
    """A chart's look: its title (wrapped, at the top left), its axes' titles, the font, the
    template, the height and the margins, the legend above the plot; ``more`` for the rest."""
    figure.update_layout(
        title={
            "text": "<br>".join(
                textwrap.wrap(text(title), TITLE_WIDTH, break_long_words=False) or [""]
            ),
            "x": 0,
            "xanchor": "left",
            "xref": "container",
            "yref": "container",
            "y": 1,
            "yanchor": "top",
            "pad": {"t": 8, "l": 8},
            "automargin": True,
            "font": {"size": 15},
        },
        xaxis={"title": {"text": text(x_title)}, "zeroline": False},
        yaxis={"title": {"text": text(y_title)}, "zeroline": False},
        font={"family": FONT, "size": 12},
        template=_template(),
        height=HEIGHT,
        margin={"l": 10, "r": 16, "t": 12, "b": 10},
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0, "xanchor": "left"},
        **more,
    )
    figure.update_yaxes(automargin=True)
    figure.update_xaxes(automargin=True, showgrid=True, gridcolor="#eeeeee")


def scale_title(issue: Issue, what: str = "Outcome") -> str:
    """An issue's scale as an axis title: ``Outcome (0 to 100)``."""
    return f"{what} ({scale(issue)})"


def scale_range(issue: Issue) -> list[float]:
    """An issue's scale as an axis's range, with a margin of 5% on each side."""
    margin = (issue.max - issue.min) * 0.05
    return [issue.min - margin, issue.max + margin]
