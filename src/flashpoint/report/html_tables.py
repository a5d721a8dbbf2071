"""The terminal's tables as HTML: a report shows the same tables as ``flashpoint`` prints, read
out of the :class:`rich.table.Table` objects of its sections (:mod:`flashpoint.report.sections`)
and of :mod:`flashpoint.report.scenario_tables`, so that the words and numbers are written in one
place. Every text is escaped."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape
from rich.table import Table
from rich.text import Text


def plain(cell: Any) -> str:
    """A table cell, title or caption as plain text: rich markup in a string is read, not
    shown (``[bold]x[/]`` is ``x``)."""
    if cell is None:
        return ""
    if isinstance(cell, Text):
        return cell.plain
    if isinstance(cell, str):
        return Text.from_markup(cell).plain
    return str(cell)


def table_html(table: Table, testid: str | None = None) -> Markup:
    """A rich table as an HTML table with its title as caption and its caption as a note
    below. Columns with no header (the terminal's text-drawn bars) are left out: a report
    draws those as charts."""
    columns = [column for column in table.columns if plain(column.header)]
    rows = max((len(column._cells) for column in columns), default=0)
    attribute = Markup(' data-testid="{}"').format(testid) if testid else Markup("")
    parts = [Markup("<div class='table-wrap'{}><table>").format(attribute)]
    if table.title:
        parts.append(Markup("<caption>{}</caption>").format(plain(table.title)))
    parts.append(Markup("<thead><tr>"))
    for column in columns:
        align = " class='num'" if column.justify == "right" else ""
        parts.append(Markup("<th{}>{}</th>").format(Markup(align), plain(column.header)))
    parts.append(Markup("</tr></thead><tbody>"))
    for r in range(rows):
        parts.append(Markup("<tr>"))
        for column in columns:
            cell = column._cells[r] if r < len(column._cells) else ""
            align = " class='num'" if column.justify == "right" else ""
            lines = escape(plain(cell)).replace("\n", Markup("<br>"))
            parts.append(Markup("<td{}>{}</td>").format(Markup(align), lines))
        parts.append(Markup("</tr>"))
    parts.append(Markup("</tbody></table>"))
    if table.caption:
        parts.append(Markup("<p class='note'>{}</p>").format(plain(table.caption)))
    parts.append(Markup("</div>"))
    return Markup("").join(parts)


def text_html(block: Text | str) -> Markup:
    """A block of terminal text as paragraphs, one per line."""
    return Markup("").join(
        Markup("<p>{}</p>").format(line) for line in plain(block).split("\n") if line.strip()
    )


def block_html(block: Table | Text | str) -> Markup:
    """A table or a block of text of the terminal, as HTML."""
    return table_html(block) if isinstance(block, Table) else text_html(block)
