"""The bottom line (the brief): the lead sentence, the key judgements, what would change it and
the signposts to watch, every sentence computed by :meth:`flashpoint.analysis.forecast.Forecast.
brief` from the runs behind the report. A report carries the :class:`~flashpoint.analysis.brief.
Brief` itself (``Report.bottom_line``), which the page lays out first; this module gives it for
the terminal (``flashpoint forecast --brief``)."""

from __future__ import annotations

from rich.text import Text

from flashpoint.analysis.brief import Brief


def brief_text(brief: Brief) -> Text:
    """The bottom line, for the terminal: the lead sentence, then the key judgements, what
    would change it and the signposts, each a list."""
    text = Text()
    text.append("Bottom line: ", style="bold")
    text.append(brief.bottom_line + "\n", style="bold")
    for title, sentences in (
        ("Key judgements", brief.judgements),
        ("What would change it", brief.changes),
        ("Signposts to watch (one or two inputs moved, the rest as stated)", brief.signs),
    ):
        if sentences:
            text.append(f"{title}\n", style="bold")
            for sentence in sentences:
                text.append(f"- {sentence}\n")
    return text
