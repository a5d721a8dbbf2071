"""Nothing wrong without an error, in a workbook (#36): each cell is read by its reference, a
damaged workbook is an error naming the cell, hidden sheets, rows and columns are read and
announced, and the reading is bounded by the cells limit and defended against XML attacks.

The bad workbooks are built here (:func:`bad_workbooks`, which ``bench/fuzz.py`` mutates too):
a workbook flashpoint writes, with the XML of one of its parts edited.
"""

from __future__ import annotations

import re
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

import flashpoint
from flashpoint import ScenarioError, load_scenario, save_scenario
from flashpoint.scenario.load import read_source

CASE = """\
id: case
title: Case
issues: [{id: x, min: 0, max: 100}]
actors:
  - {id: a, label: Alpha, capability: 3, issues: {x: {position: 10, salience: 50}}}
  - {id: b, label: Beta, capability: 2, issues: {x: {position: 50, salience: 50}}}
  - {id: c, label: Gamma, capability: 1, issues: {x: {position: 90, salience: 50}}}
"""
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
LINKS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def case_workbook(folder: Path, name: str = "case.xlsx") -> Path:
    """The three-actor scenario, as flashpoint writes it."""
    source = folder / "case.yaml"
    source.write_text(CASE, encoding="utf-8")
    return save_scenario(load_scenario(source), folder / name)


def sheet_part(path: Path, sheet: str) -> str:
    """The part holding ``sheet`` (flashpoint's workbooks number them in order)."""
    with zipfile.ZipFile(path) as book:
        names = re.findall(r'<sheet name="([^"]+)"', book.read("xl/workbook.xml").decode())
    return f"xl/worksheets/sheet{names.index(sheet) + 1}.xml"


def edit_part(path: Path, part: str, edit: Callable[[str], str]) -> Path:
    """Rewrite ``path`` with the XML of ``part`` edited (added, if it has none)."""
    with zipfile.ZipFile(path) as source:
        parts = {item.filename: source.read(item) for item in source.infolist()}
    edited = edit(parts.get(part, b"").decode("utf-8"))
    assert edited != parts.get(part, b"").decode("utf-8"), f"the edit of {part} changed nothing"
    parts[part] = edited.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return path


def edit_sheet(path: Path, sheet: str, edit: Callable[[str], str]) -> Path:
    """Rewrite ``path`` with the XML of ``sheet`` edited."""
    return edit_part(path, sheet_part(path, sheet), edit)


def row_of(xml: str, number: int) -> str:
    """The element of row ``number`` in a sheet's XML."""
    found = re.search(rf'<row r="{number}"[^>]*>.*?</row>', xml)
    assert found, f"no row {number}"
    return found.group(0)


def with_texts(path: Path, texts: list[str]) -> Path:
    """``path`` with a table of texts (shared strings), as Excel writes one."""
    table = "".join(f"<si><t>{text}</t></si>" for text in texts)
    edit_part(path, "xl/sharedStrings.xml", lambda _: f'<sst xmlns="{MAIN}">{table}</sst>')
    link = f'<Relationship Id="rTexts" Type="{LINKS}/sharedStrings" Target="sharedStrings.xml"/>'
    edit_part(
        path,
        "xl/_rels/workbook.xml.rels",
        lambda xml: xml.replace("</Relationships>", link + "</Relationships>"),
    )
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
    listed = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{kind}"/>'
    return edit_part(
        path, "[Content_Types].xml", lambda xml: xml.replace("</Types>", listed + "</Types>")
    )


def problem_of(path: Path) -> tuple[str, str]:
    """The one problem of loading ``path``: its place and its message."""
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    (problem,) = caught.value.problems
    return str(problem.location), problem.message


# --- 1. by reference, never by order --------------------------------------------------------


def reversed_rows_and_cells(xml: str) -> str:
    """A sheet's rows stored last first, and the cells of each last first."""
    rows = re.findall(r"<row [^>]*>.*?</row>", xml, flags=re.S)
    flipped = []
    for row in rows:
        start, cells = re.match(r"(<row [^>]*>)(.*)</row>", row, flags=re.S).groups()
        parts = re.findall(r"<c [^>]*/>|<c [^>]*>.*?</c>", cells, flags=re.S)
        flipped.append(start + "".join(reversed(parts)) + "</row>")
    body = "".join(reversed(flipped))
    return re.sub(
        r"<sheetData>.*</sheetData>", lambda _: f"<sheetData>{body}</sheetData>", xml, flags=re.S
    )


def test_rows_and_cells_out_of_order_are_read_by_their_reference(tmp_path):
    path = case_workbook(tmp_path)
    expected = load_scenario(path)
    for sheet in ("actors", "positions"):
        edit_sheet(path, sheet, reversed_rows_and_cells)
    found = load_scenario(path)
    assert [actor.id for actor in found.actors] == ["a", "b", "c"]
    assert found == expected


# --- 2 and 3. a damaged workbook is an error naming the cell ------------------------------------


def doubled_row(xml: str) -> str:
    """Row 3 stored twice."""
    row = row_of(xml, 3)
    return xml.replace(row, row + row)


def doubled_cell(xml: str) -> str:
    """Cell A2 stored twice, with another value the second time."""
    cell = re.search(r'<c r="A2".*?</c>', xml).group(0)
    return xml.replace(cell, cell + cell.replace("<t>a</t>", "<t>z</t>"))


def cell_of_another_row(xml: str) -> str:
    """Cell B2 giving the reference B3 (inside row 2)."""
    return xml.replace('<c r="B2"', '<c r="B3"')


def label_cell(kind: str, value: str) -> Callable[[str], str]:
    """Actor a's label (cell B2) as a cell of ``kind`` holding ``value``."""

    def edit(xml: str) -> str:
        return re.sub(r'<c r="B2".*?</c>', f'<c r="B2" t="{kind}"><v>{value}</v></c>', xml)

    return edit


DAMAGED = {
    "row twice": (doubled_row, "row 3", "row 3 is stored twice, and only one can be read"),
    "cell twice": (doubled_cell, "row 2, column A", "cell A2 is stored twice"),
    "cell of another row": (cell_of_another_row, "row 2", "row 2 holds a cell 'B3'"),
    "text -1": (
        label_cell("s", "-1"),
        "row 2, column B",
        "cell B2 names text number -1 of the workbook's table of texts, which holds 2"
        " (numbered 0 to 1)",
    ),
    "text past the last": (
        label_cell("s", "2"),
        "row 2, column B",
        "cell B2 names text number 2",
    ),
    "true or false": (
        label_cell("b", "yes"),
        "row 2, column B",
        "cell B2 should hold true or false (1 or 0) but holds 'yes'",
    ),
    "number": (label_cell("n", "12abc"), "row 2, column B", "cell B2 should hold a number"),
}


@pytest.mark.parametrize("damage", sorted(DAMAGED))
def test_a_damaged_workbook_is_an_error_naming_the_cell(tmp_path, damage):
    edit, where, words = DAMAGED[damage]
    path = edit_sheet(with_texts(case_workbook(tmp_path), ["Alpha", "Beta"]), "actors", edit)
    place, message = problem_of(path)
    assert place == f"case.xlsx, sheet actors, {where}"
    assert message.startswith("the workbook is damaged: " + words), message
    assert "open it in Excel or LibreOffice" in message


def test_a_text_of_the_table_is_read_by_its_number(tmp_path):
    path = edit_sheet(
        with_texts(case_workbook(tmp_path), ["Alpha", "Omega"]), "actors", label_cell("s", "1")
    )
    assert load_scenario(path).actor("a").label == "Omega"


# --- 4. hidden sheets, rows and columns ------------------------------------------------------


def test_hidden_sheets_rows_and_columns_are_read_and_announced(tmp_path, monkeypatch, capsys):
    from flashpoint.cli import main

    path = case_workbook(tmp_path)
    expected = load_scenario(path)
    book = load_workbook(path)
    book["actors"].row_dimensions[2].hidden = True
    book["actors"].row_dimensions[4].hidden = True
    book["actors"].column_dimensions["D"].hidden = True  # capability
    book["actors"].column_dimensions["J"].hidden = True  # empty: not said
    book["positions"].sheet_state = "hidden"
    book["README"].sheet_state = "hidden"  # not read: not said
    book.save(path)
    heard: list[str] = []
    with flashpoint.on_slow_read(heard.append):
        assert load_scenario(path) == expected
    assert heard == [
        "Reading case.xlsx: sheet 'actors' rows 2 and 4 are hidden; they were read.",
        "Reading case.xlsx: sheet 'actors' column D is hidden; it was read.",
        "Reading case.xlsx: sheet 'positions' is hidden; it was read.",
    ]
    monkeypatch.setattr(sys, "argv", ["flashpoint", "validate", str(path)])
    with pytest.raises(SystemExit) as ended:
        main()
    assert ended.value.code in (0, None)
    said = " ".join(capsys.readouterr().err.split())
    assert "Reading case.xlsx: sheet 'actors' rows 2 and 4 are hidden; they were read." in said


# --- 5. bounded, and defended ----------------------------------------------------------------


@pytest.mark.parametrize(
    "dimension", ['<dimension ref="A1:A1"/>', ""], ids=["lying dimension", "no dimension"]
)
def test_the_cells_limit_holds_whatever_the_dimension_says(tmp_path, monkeypatch, dimension):
    path = edit_sheet(
        case_workbook(tmp_path),
        "positions",
        lambda xml: re.sub(r'<dimension ref="[^"]*"\s*/>', dimension, xml),
    )
    monkeypatch.setenv("FLASHPOINT_MAX_CELLS", "50")  # the sheet: 4 rows by 17 columns
    place, message = problem_of(path)
    assert place == "case.xlsx, sheet positions, row 3"  # where 3 x 17 passes 50
    assert message.startswith("the sheet's used range is already, by this row, 3 rows by 17")
    assert "more than 50 cells" in message and "FLASHPOINT_MAX_CELLS" in message
    monkeypatch.delenv("FLASHPOINT_MAX_CELLS")
    assert len(load_scenario(path).actors) == 3


def test_a_part_with_a_doctype_is_refused(tmp_path):
    def entity(xml: str) -> str:
        declared = '<!DOCTYPE worksheet [<!ENTITY name "Mallory">]><worksheet'
        return xml.replace("<worksheet", declared, 1).replace("<t>Alpha</t>", "<t>&name;</t>")

    path = edit_sheet(case_workbook(tmp_path), "actors", entity)
    place, message = problem_of(path)
    assert place == "case.xlsx, sheet actors"
    assert message.startswith(f"the file's part {sheet_part(path, 'actors')} declares a DOCTYPE")


def test_a_part_packed_beyond_any_workbook_is_refused_before_it_is_read(tmp_path):
    path = edit_sheet(
        case_workbook(tmp_path),
        "README",
        lambda xml: xml.replace("</worksheet>", "<!--" + " " * 5_000_000 + "--></worksheet>"),
    )
    place, message = problem_of(path)
    assert place == "case.xlsx"
    assert re.search(r"unpacks to 5 MB from \d+ KB, more than 250 times its size", message)
    with pytest.raises(ScenarioError, match="more than 250 times"):
        read_source(path)  # the reader checks each part it reads too


# --- what a workbook written by Excel holds, read as openpyxl read it --------------------------


EXCEL_STYLE = """\
<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c><c r="B1" t="inlineStr"><is><t>label</t></is></c>\
<c r="C1" t="inlineStr"><is><t>description</t></is></c><c r="D1" t="inlineStr"><is><t>capability</t></is></c>\
<c r="E1" t="inlineStr"><is><t>capability_note</t></is></c><c r="F1" t="inlineStr"><is><t>capability_source</t></is></c>\
<c r="G1" t="inlineStr"><is><t>colour</t></is></c></row>\
<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" t="str"><f>"pe"&amp;"ace"</f><v>peace</v></c>\
<c r="C2" s="1"><v>43101</v></c><c r="D2"><v>1.0E-5</v></c><c r="E2" t="b"><v>1</v></c>\
<c r="F2" t="e"><v>#N/A</v></c><c r="G2" t="d"><v>2018-01-01T12:00:00</v></c></row>\
<row r="3"><c t="s"><v>1</v></c><c t="inlineStr"><is><t xml:space="preserve">  padded  </t></is></c>\
<c><v>018</v></c><c><f>1+1</f></c><c s="2"><v>0.25</v></c><c t="b"><v>0</v></c></row>"""
TEXTS = (
    '<si><r><t>Nor</t></r><r><rPr><b/></rPr><t>th</t></r><rPh sb="0" eb="1"><t>ノース</t></rPh></si>'
    "<si><t>South_x005F_x0041_</t></si>"
)
STYLES = (
    f'<styleSheet xmlns="{MAIN}"><numFmts count="1"><numFmt numFmtId="164" formatCode="h:mm"/>'
    '</numFmts><cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs><cellXfs count="3">'
    '<xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/></cellXfs></styleSheet>'
)


@pytest.mark.parametrize("epoch", ["1900", "1904"])
def test_what_excel_writes_is_read_as_before(tmp_path, epoch):
    """Shared and rich texts (without their phonetic guide), formulas' kept values, a date, a
    time, numbers, true and false, an error value, an ISO date, and cells that give no
    reference, as openpyxl read them (``_x005F_`` is Excel's escape of ``_``)."""
    path = with_texts(case_workbook(tmp_path), [])
    edit_part(path, "xl/sharedStrings.xml", lambda _: f'<sst xmlns="{MAIN}">{TEXTS}</sst>')
    edit_part(path, "xl/styles.xml", lambda _: STYLES)
    edit_sheet(
        path,
        "actors",
        lambda xml: re.sub(
            r"<sheetData>.*</sheetData>", f"<sheetData>{EXCEL_STYLE}</sheetData>", xml, flags=re.S
        ),
    )
    if epoch == "1904":
        edit_part(
            path,
            "xl/workbook.xml",
            lambda xml: xml.replace("<workbookPr", '<workbookPr date1904="1"', 1),
        )
    data = read_source(path)[0]  # (its positions name actors a, b and c, no longer there)
    assert data["actors"] == [
        {
            "id": "North",
            "label": "peace",
            "description": "2018-01-01" if epoch == "1900" else "2022-01-02",
            "capability": "1e-05",
            "capability_note": "true",
            "capability_source": "#N/A",
            "colour": "2018-01-01T12:00:00",
        },
        {
            "id": "South_x0041_",
            "label": "padded",
            "description": "18",
            "capability_note": "06:00:00",
            "capability_source": "false",
        },
    ]


# --- for bench/fuzz.py -----------------------------------------------------------------------


def bad_workbooks(folder: Path) -> dict[str, Path]:
    """A workbook of each kind found wrong in #36, to mutate: rows and cells out of order, a row
    and a cell stored twice, a text number past the table's, hidden sheets and rows, and a
    DOCTYPE."""
    out = {}
    for kind, edit in (
        ("xlsx-order", reversed_rows_and_cells),
        ("xlsx-row-twice", doubled_row),
        ("xlsx-cell-twice", doubled_cell),
        ("xlsx-text", label_cell("s", "-1")),
        (
            "xlsx-doctype",
            lambda xml: xml.replace("<worksheet", "<!DOCTYPE worksheet><worksheet", 1),
        ),
    ):
        path = with_texts(case_workbook(folder, f"{kind}.xlsx"), ["Alpha"])
        out[kind] = edit_sheet(path, "actors", edit)
    hidden = case_workbook(folder, "xlsx-hidden.xlsx")
    book = load_workbook(hidden)
    book["actors"].row_dimensions[3].hidden = True
    book["positions"].sheet_state = "hidden"
    book.save(hidden)
    out["xlsx-hidden"] = hidden
    return out
