"""The parts a report is made of: a :class:`Report` holds a :class:`Headline` and
:class:`Section` objects, and a section holds charts (:class:`Chart`, a plotly figure), tables
(rich tables and texts, the same objects the terminal prints) and :class:`Group` objects of
both. The section modules (:mod:`flashpoint.report.sections`) make them,
:mod:`flashpoint.report.document` puts them in order; the HTML page
(:mod:`flashpoint.report.html`) and the print renderer (:mod:`flashpoint.report.printing`) lay
them out, and neither computes anything.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

import plotly.graph_objects as go
from rich.table import Table
from rich.text import Text

from flashpoint._version import __version__
from flashpoint.analysis.brief import Brief


@dataclass(frozen=True)
class Chart:
    """One chart: its test id, the figure, a sentence on how to read it, and whether it takes
    the page's whole width (``wide``) or sits in a grid beside others."""

    testid: str
    figure: go.Figure
    caption: str = ""
    wide: bool = False

    @property
    def title(self) -> str:
        """The figure's title as plain text (a page shows it above the chart, where it wraps)."""
        return html.unescape(str(self.figure.layout.title.text or "").replace("<br>", " "))


@dataclass(frozen=True)
class Group:
    """Charts and tables under a subheading (say, one model's or one actor's); ``folded``
    groups are shown closed on screen (opened to print)."""

    title: str
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table | Text] = field(default_factory=list)
    folded: bool = False


@dataclass(frozen=True)
class Section:
    """A part of the report: a heading, an introduction, then charts, tables and groups;
    ``appendix`` sections (the model-by-model detail) come after the others, under an
    "Appendix" heading, folded on screen and expanded in print."""

    id: str
    title: str
    intro: str = ""
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table | Text] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    appendix: bool = False

    def all_charts(self) -> list[Chart]:
        return self.charts + [chart for group in self.groups for chart in group.charts]


@dataclass(frozen=True)
class Headline:
    """The report's headline numbers: each future's probability, the 95% interval of its
    simulation error and that error in words (``±1 point``), what forecast they are
    (``source``), by when (``horizon``: "by 20 January 2021", or empty) and what it rests on
    (``basis``: sentences)."""

    source: str
    futures: list[tuple[str | None, str, float, tuple[float, float], str]]
    horizon: str = ""
    basis: tuple[str, ...] = ()


@dataclass(frozen=True)
class Report:
    """A report: its title, subtitle, headline, sections, and the runs behind it (each run's
    JSON document, ``documents``, with its request, so that it can be run again)."""

    title: str
    subtitle: str
    headline: Headline | None
    sections: list[Section]
    documents: dict[str, dict[str, Any]]
    version: str = __version__
    bottom_line: Brief | None = None

    def charts(self) -> list[Chart]:
        return [chart for section in self.sections for chart in section.all_charts()]

    @property
    def appendix(self) -> list[Section]:
        return [section for section in self.sections if section.appendix]
