"""A report as one self-contained HTML page: plotly.js, the styles, every chart's data and the
runs' JSON documents inlined, so that the file opens offline and makes no network request.

The page is rendered from ``templates/report.html.j2`` with Jinja2's autoescaping: every text
of the scenario is escaped. Data inlined in ``<script>`` elements is JSON with ``<``, ``>``
and ``&`` written as ``\\u003c``, ``\\u003e`` and ``\\u0026``, so no text can close the element.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
from jinja2 import BaseLoader, ChoiceLoader, Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from flashpoint.report.html_tables import block_html
from flashpoint.report.parts import Report

_SCRIPT_SAFE = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def script_json(text: str) -> Markup:
    """JSON text made safe to inline in a ``<script>`` element."""
    return Markup(text.translate(_SCRIPT_SAFE))


def _json_script(document: Any) -> Markup:
    return script_json(json.dumps(document, allow_nan=False))


def _figure_json(figure: go.Figure) -> Markup:
    return script_json(figure.to_json(validate=False, pretty=False))


def _paragraphs(value: str) -> Markup:
    return Markup("").join(
        Markup("<p>{}</p>").format(line) for line in value.split("\n") if line.strip()
    )


def _percent(value: float) -> str:
    return f"{value:.0%}"


def _float_text(value: float) -> str:
    return repr(float(value))


def template_environment(*loaders: BaseLoader) -> Environment:
    """A Jinja2 environment with autoescaping, the report's filters and its templates (among
    them ``_blocks.html.j2``, the macros of a report page's parts), after ``loaders`` (the web
    app's own templates)."""
    environment = Environment(
        loader=ChoiceLoader([*loaders, PackageLoader("flashpoint.report", "templates")]),
        autoescape=select_autoescape(["html", "j2"], default_for_string=True, default=True),
        trim_blocks=False,
    )
    environment.filters.update(
        block_html=block_html,
        json_script=_json_script,
        figure_json=_figure_json,
        paragraphs=_paragraphs,
        percent=_percent,
        float_text=_float_text,
    )
    return environment


@cache
def _environment() -> Environment:
    return template_environment()


def asset(name: str) -> str:
    """The text of one of the report's assets (``report.css``, ``report.js``)."""
    return resources.files("flashpoint.report").joinpath("templates", name).read_text("utf-8")


@cache
def plotly_js() -> str:
    """plotly.js, from the installed plotly package (no network)."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def render_html(report: Report, command: str = "") -> str:
    """The report as one self-contained HTML page (``command``: the command line that makes the
    same report, shown under "Run it again")."""
    template = _environment().get_template("report.html.j2")
    return template.render(
        report=report,
        command=command,
        css=Markup(asset("report.css")),
        page_js=Markup(asset("report.js")),
        plotly_js=Markup(plotly_js()),
    )


def write_html(report: Report, path: str | Path, command: str = "") -> Path:
    """Write the report's HTML page (:func:`render_html`) to ``path``; returns the path."""
    target = Path(path)
    target.write_text(render_html(report, command), encoding="utf-8")
    return target
