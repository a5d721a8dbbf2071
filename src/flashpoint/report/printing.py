"""A report for print: its charts drawn with matplotlib, as one PNG per chart or a multi-page
A4 PDF (the headline first, then two charts to a page).

The charts are the plotly figures of the report's sections (:mod:`flashpoint.report.sections`),
drawn again trace by trace (:func:`draw`), so the printed numbers are the page's. Only what those figures use is
drawn: bar traces (grouped, overlaid or on a base, with error bars and labels) and scatter
traces (lines, markers, text, filled bands), on one pair of axes, categorical or numeric.
"""

from __future__ import annotations

import html
import math
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from flashpoint.extras import require
from flashpoint.report.parts import Chart, Report

A4 = (8.27, 11.69)  # inches, portrait
CHART_SIZE = (8.0, 4.2)
DPI = 150
_DASH = {
    "dot": ":",
    "dash": "--",
    "dashdot": "-.",
    "longdash": (0, (8, 3)),
    "longdashdot": (0, (8, 3, 1, 3)),
    "solid": "-",
    None: "-",
}
_MARKER = {"diamond-open": ("D", True), "diamond": ("D", False), "circle-open": ("o", True)}


def _pyplot() -> Any:
    matplotlib = require("matplotlib", "print", "A PDF or PNG report")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def check_printing() -> None:
    """Raise :class:`~flashpoint.extras.MissingExtra` if matplotlib, which prints, is missing."""
    _pyplot()


def _words(value: Any) -> str:
    """A plotly label as matplotlib text: unescaped, line breaks kept, ``$`` not read as
    mathematics."""
    if value is None:
        return ""
    return html.unescape(str(value)).replace("<br>", "\n").replace("$", r"\$")


def _numbers(values: Sequence[Any] | None) -> list[float]:
    return [math.nan if v is None else float(v) for v in (values or [])]


class _Axis:
    """A categorical axis: each category's place, in the order of first appearance (plotly's)."""

    def __init__(self) -> None:
        self.places: dict[str, int] = {}

    def add(self, values: Sequence[Any]) -> None:
        for value in values:
            if value is not None and value not in self.places:
                self.places[value] = len(self.places)

    def __call__(self, values: Sequence[Any]) -> list[float]:
        return [math.nan if v is None else float(self.places[v]) for v in values]


def _is_categorical(values: Sequence[Any] | None) -> bool:
    return any(isinstance(v, str) for v in (values or []))


def draw(figure: Any, ax: Any) -> None:
    """Draw a plotly figure of a report's section on a matplotlib Axes."""
    from matplotlib.ticker import FuncFormatter, PercentFormatter

    layout = figure.layout
    traces = list(figure.data)
    categories = {"x": _Axis(), "y": _Axis()}
    for trace in traces:
        for axis in ("x", "y"):
            values = getattr(trace, axis)
            if _is_categorical(values):
                categories[axis].add(values)

    def place(values: Sequence[Any] | None, axis: str) -> list[float]:
        if _is_categorical(values):
            return categories[axis](values or [])
        return _numbers(values)

    bars = [t for t in traces if t.type == "bar"]
    grouped = layout.barmode == "group" and len(bars) > 1
    width = 0.8 / len(bars) if grouped else 0.7
    for trace in traces:
        if trace.type == "bar":
            k = bars.index(trace)
            _draw_bar(ax, trace, place, width, (k - (len(bars) - 1) / 2) * width if grouped else 0)
        elif trace.type == "scatter":
            _draw_scatter(ax, trace, place)
        else:
            raise ValueError(f"cannot print a {trace.type} trace")
    for axis in ("x", "y"):
        settings = getattr(layout, f"{axis}axis")
        limits = ax.set_xlim if axis == "x" else ax.set_ylim
        ticks = ax.set_xticks if axis == "x" else ax.set_yticks
        labels = ax.set_xticklabels if axis == "x" else ax.set_yticklabels
        if categories[axis].places:
            places = categories[axis].places
            ticks(list(places.values()))
            labels([_words(c) for c in places], fontsize=8)
            limits(-0.6, len(places) - 0.4)
        elif settings.range is not None:
            limits(*settings.range)
        if settings.tickvals is not None and not categories[axis].places:
            ticks(list(settings.tickvals))
        if settings.autorange == "reversed":
            (ax.invert_xaxis if axis == "x" else ax.invert_yaxis)()
        formatter = None
        if settings.tickformat == ".0%":
            formatter = PercentFormatter(1.0, decimals=0)
        elif settings.tickformat == "+.0%":
            formatter = FuncFormatter(lambda v, _: f"{v:+.0%}")
        if formatter is not None:
            (ax.xaxis if axis == "x" else ax.yaxis).set_major_formatter(formatter)
        title = settings.title.text if settings.title else None
        (ax.set_xlabel if axis == "x" else ax.set_ylabel)(_words(title), fontsize=9)
        if settings.visible is False:
            (ax.xaxis if axis == "x" else ax.yaxis).set_visible(False)
            ax.spines[["bottom", "top"] if axis == "x" else ["left", "right"]].set_visible(False)
    if layout.yaxis.scaleanchor == "x":
        ax.set_aspect("equal", adjustable="box")
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=8)
    ax.grid(axis="x", color="#eeeeee", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.set_title("\n".join(textwrap.wrap(_words(layout.title.text), 72)), loc="left", fontsize=11)
    handles, names = ax.get_legend_handles_labels()
    if handles and layout.showlegend is not False:
        ax.legend(
            handles, names, fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0)
        )


def _draw_bar(ax: Any, trace: Any, place: Any, width: float, offset: float) -> None:
    horizontal = trace.orientation == "h"
    where = [
        p + offset for p in place(trace.y if horizontal else trace.x, "y" if horizontal else "x")
    ]
    size = _numbers(trace.x if horizontal else trace.y)
    base = trace.base if trace.base is not None else 0.0
    colour = trace.marker.color if trace.marker and trace.marker.color is not None else "#0072B2"
    colours = list(colour) if isinstance(colour, (list, tuple)) else colour
    label = _words(trace.name) if trace.showlegend is not False and trace.name else None
    draw_bars = ax.barh if horizontal else ax.bar
    keyword = "left" if horizontal else "bottom"
    draw_bars(where, size, width, **{keyword: base}, color=colours, label=label)
    ends = [base + s for s in size]  # where each bar ends (the figures' bases are one number)
    error = trace.error_x if horizontal else trace.error_y
    if error is not None and error.array is not None:
        spread = [_numbers(error.arrayminus or error.array), _numbers(error.array)]
        if horizontal:
            ax.errorbar(ends, where, xerr=spread, fmt="none", ecolor="#333333", capsize=2, lw=1)
        else:
            ax.errorbar(where, ends, yerr=spread, fmt="none", ecolor="#333333", capsize=2, lw=1)
    if trace.text is not None and trace.textposition == "outside":
        for at, end, words in zip(where, ends, trace.text, strict=False):
            if horizontal:
                _annotate(ax, words, (end, at), (4, 0), 8, va="center")
            else:
                _annotate(ax, words, (at, end), (0, 3), 8, ha="center")


def _annotate(
    ax: Any, words: Any, at: tuple[float, float], offset: tuple[int, int], size: int, **more: Any
) -> None:
    """Write a plotly label ``offset`` points away from the point ``at``, in ``size`` points."""
    ax.annotate(_words(words), at, xytext=offset, textcoords="offset points", fontsize=size, **more)


def _draw_scatter(ax: Any, trace: Any, place: Any) -> None:
    x, y = place(trace.x, "x"), place(trace.y, "y")
    mode = trace.mode or "lines"
    opacity = 1.0 if trace.opacity is None else trace.opacity
    label = _words(trace.name) if trace.showlegend is not False and trace.name else None
    line = trace.line
    colour = (line.color if line and line.color else None) or "#333333"
    if trace.fill == "toself":
        ax.fill(x, y, color=trace.fillcolor or colour, alpha=opacity, linewidth=0)
        return
    if "lines" in mode:
        ax.plot(
            x,
            y,
            color=colour,
            linewidth=(line.width if line and line.width is not None else 2) * 0.75,
            linestyle=_DASH.get(line.dash if line else None, "-"),
            alpha=opacity,
            label=label,
            marker="o" if "markers" in mode else None,
            markersize=2.5,
        )
        label = None
    if "markers" in mode and "lines" not in mode:
        marker = trace.marker
        symbol, hollow = _MARKER.get(marker.symbol, ("o", False))
        sizes = (
            marker.size if isinstance(marker.size, (list, tuple)) else [marker.size or 6] * len(x)
        )
        colours = marker.color if marker.color is not None else colour
        area = [(0.75 * s) ** 2 for s in sizes]
        ax.scatter(
            x,
            y,
            s=area,
            marker=symbol,
            facecolors="none" if hollow else colours,
            edgecolors=colours if hollow else "white",
            linewidths=1.2 if hollow else 0.5,
            alpha=marker.opacity if marker.opacity is not None else opacity,
            label=label,
            zorder=3,
        )
    if "text" in mode and trace.text is not None:
        font = trace.textfont.color if trace.textfont else None
        for k, (px, py, words) in enumerate(zip(x, y, trace.text, strict=False)):
            colour = font[k] if isinstance(font, (list, tuple)) else font
            if trace.textposition == "middle right":  # a label at the end of a line
                at_end = {"ha": "left", "va": "center", "annotation_clip": False}
                _annotate(ax, words, (px, py), (4, 0), 7, color=colour, **at_end)
                continue
            above = "bottom" not in (trace.textposition or "top")
            where = {"ha": "center", "va": "bottom" if above else "top"}
            _annotate(ax, words, (px, py), (0, 9 if above else -9), 7, color=colour, **where)


def chart_image(chart: Chart) -> Any:
    """A chart as a matplotlib Figure."""
    plt = _pyplot()
    figure, ax = plt.subplots(figsize=CHART_SIZE, layout="constrained")
    draw(chart.figure, ax)
    return figure


def write_pngs(report: Report, directory: str | Path) -> list[Path]:
    """Each chart of the report as ``DIRECTORY/TESTID.png``; returns the files written."""
    plt = _pyplot()
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for chart in report.charts():
        image = chart_image(chart)
        path = target / f"{chart.testid}.png"
        image.savefig(path, dpi=DPI)
        plt.close(image)
        written.append(path)
    return written


def write_pdf(report: Report, path: str | Path) -> Path:
    """The report as a multi-page A4 PDF: a first page with the title and headline, then two
    charts to a page with their captions."""
    plt = _pyplot()
    from matplotlib.backends.backend_pdf import PdfPages

    target = Path(path)
    with PdfPages(
        target, metadata={"Title": report.title, "Creator": f"flashpoint {report.version}"}
    ) as pdf:
        pdf.savefig(_first_page(plt, report))
        charts = report.charts()
        for start in range(0, len(charts), 2):
            page = plt.figure(figsize=A4, layout="constrained")
            rows = page.subfigures(2, 1)
            for sub, chart in zip(rows, charts[start : start + 2], strict=False):
                ax = sub.subplots()
                draw(chart.figure, ax)
                if chart.caption:
                    sub.supxlabel(
                        "\n".join(textwrap.wrap(_words(chart.caption), 110)),
                        fontsize=7,
                        color="#555555",
                    )
            pdf.savefig(page)
            plt.close(page)
    return target


def _first_page(plt: Any, report: Report) -> Any:
    page = plt.figure(figsize=A4)
    lines = [(report.title, 18, "bold"), (report.subtitle, 10, "normal"), ("", 10, "normal")]
    if report.headline is not None:
        by = f" {report.headline.horizon}" if report.headline.horizon else ""
        lines.append((f"{report.headline.source}: how likely each future is{by}", 12, "bold"))
        for _, label, probability, _, error in report.headline.futures:
            lines.append(
                (f"{label}: {probability:.0%} ({error} of simulation error)", 11, "normal")
            )
        lines += [(sentence, 8, "normal") for sentence in report.headline.basis]
        lines.append(("", 10, "normal"))
    lines.append((f"Sections: {', '.join(s.title for s in report.sections)}.", 9, "normal"))
    lines.append(
        (
            f"Made with flashpoint {report.version}; the HTML report holds every table and the"
            " request to run it again.",
            9,
            "normal",
        )
    )
    y = 0.93
    for words, size, weight in lines:
        for part in textwrap.wrap(_words(words), 85) or [""]:
            page.text(0.08, y, part, fontsize=size, fontweight=weight, va="top")
            y -= 0.022 * size / 10 + 0.008
    return page
