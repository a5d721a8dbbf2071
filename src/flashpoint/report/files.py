"""Writing a report to a file in the format asked for: one HTML page, a PDF, or a folder of
PNGs (:mod:`flashpoint.report.html`, :mod:`flashpoint.report.printing`)."""

from __future__ import annotations

from pathlib import Path

from flashpoint.report.html import write_html
from flashpoint.report.parts import Report
from flashpoint.report.printing import write_pdf, write_pngs

FORMATS = ("html", "pdf", "png")


def report_format(path: str | Path, given: str | None = None) -> str:
    """The format asked for, else the one ``path`` names: ``.html`` (or ``.htm``), ``.pdf``, or
    a name without a suffix (a folder) for PNGs. Raises ValueError for anything else."""
    if given is not None:
        if given not in FORMATS:
            raise ValueError(f"'{given}' is not a format (formats: {', '.join(FORMATS)})")
        return given
    suffix = Path(path).suffix.lower()
    found = {".html": "html", ".htm": "html", ".pdf": "pdf", "": "png"}.get(suffix)
    if found is None:
        raise ValueError(
            f"cannot tell the format of '{Path(path).name}': end it in .html or .pdf, name a"
            " folder for PNGs, or give the format"
        )
    return found


def write_report(
    report: Report, path: str | Path, kind: str | None = None, command: str = ""
) -> list[Path]:
    """Write ``report`` to ``path`` as ``kind`` (default: :func:`report_format` of the path);
    ``command`` is the command line that makes the same report, which the HTML page shows.
    Returns the files written."""
    chosen = report_format(path, kind)
    if chosen == "html":
        return [write_html(report, path, command=command)]
    if chosen == "pdf":
        return [write_pdf(report, path)]
    return write_pngs(report, path)
