"""`flashpoint report`: the HTML page, its charts' numbers, print output, and table exports.

The page's figures are read back out of the HTML (the JSON each chart is drawn from) and
compared with the `--json` documents of the same runs. The browser tests open the page in
Debian's Chromium (Playwright, headless): `.ci/run` installs it; without it they are skipped.
"""

from __future__ import annotations

import json
import math
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

import flashpoint
from flashpoint.cli import app
from flashpoint.report.document import forecast_report
from flashpoint.report.export import write_table

from .browsing import needs_chromium, watched_page
from .conftest import DATA

runner = CliRunner()
DRAWS, SEED = "200", "3"


def run(*args: str):
    result = runner.invoke(app, list(args), env={"COLUMNS": "160"})
    return result


class Page(HTMLParser):
    """What a report page holds: each chart's figure data, the headline cards, the embedded
    documents, the test ids, and every script's and link's address."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.figures: dict[str, dict] = {}
        self.documents: dict[str, dict] = {}
        self.cards: list[dict[str, str]] = []
        self.testids: list[str] = []
        self.addresses: list[str] = []
        self._script: tuple[str, str] | None = None
        self._text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if "data-testid" in found:
            self.testids.append(found["data-testid"])
        if "card" in (found.get("class") or "").split():
            self.cards.append(found)
        for key in ("src", "href"):
            if found.get(key) and not found[key].startswith("#"):
                self.addresses.append(found[key])
        if tag == "script" and found.get("class") == "figure-data":
            self._script = ("figure", found["data-for"])
        elif tag == "script" and (found.get("id") or "").startswith("document-"):
            self._script = ("document", found["id"].removeprefix("document-"))
        self._text = []

    def handle_data(self, data):
        if self._script is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            kind, name = self._script
            value = json.loads("".join(self._text))
            (self.figures if kind == "figure" else self.documents)[name] = value
            self._script = None


@pytest.fixture(scope="module")
def korea(tmp_path_factory) -> dict:
    """The Korea report and the --json documents of the same runs."""
    folder = tmp_path_factory.mktemp("report")
    path = folder / "korea.html"
    made = run("report", "korea-2018", "-o", str(path), "--draws", DRAWS, "--seed", SEED)
    assert made.exit_code == 0, made.output
    documents = {}
    for command, extra in (
        ("forecast", ["--draws", DRAWS, "--paths"]),
        ("compare", ["--draws", DRAWS]),
        ("sensitivity", ["--target", "P(LEADER)"]),  # what drives the headline's first future
    ):
        if command == "sensitivity":
            futures = documents["forecast"]["recommended"]["futures"]
            leader = max(futures, key=lambda future: future["probability"])["id"]
            extra = [e.replace("LEADER", leader) for e in extra]
        result = run(command, "korea-2018", "--seed", SEED, "--json", *extra)
        assert result.exit_code == 0, result.output
        documents[command] = json.loads(result.stdout)
    return {"path": path, "text": path.read_text("utf-8"), "output": made.output, **documents}


def test_report_command_says_where_and_how_to_rerun(korea):
    assert f"Wrote {korea['path']}" in " ".join(korea["output"].split())
    said = " ".join(korea["output"].split())
    assert f"flashpoint report korea-2018 -o {korea['path']} --draws {DRAWS} --seed {SEED}" in said
    assert "Peace regime" in korea["output"]  # the headline table


def test_every_chart_and_the_headline_are_in_the_page(korea):
    page = Page(korea["text"])
    issues = [issue["id"] for issue in korea["forecast"]["scenario"]["issues"]]
    expected = {"headline", "chart-futures", "chart-futures-by-model", "chart-blocks"}
    expected |= {"chart-shocks", "chart-tornado", "chart-network", "request"}
    expected |= {f"chart-outcome-{issue}" for issue in issues}
    expected |= {f"chart-bubble-{issue}" for issue in issues}
    expected |= {f"chart-path-{m}-{issue}" for m in ("eum", "exchange", "smp") for issue in issues}
    assert expected <= set(page.testids)
    charts = {t for t in page.testids if t.startswith("chart-")}
    assert charts == set(page.figures)  # every chart has its data, and nothing else does


def test_the_page_needs_nothing_from_the_network(korea):
    page = Page(korea["text"])
    assert page.addresses == []  # no script, style, image or link to load
    assert "Plotly.newPlot" in korea["text"] and "plotly.js v" in korea["text"].lower()


def test_the_headline_is_the_forecasts(korea):
    page = Page(korea["text"])
    recommended = korea["forecast"]["recommended"]["futures"]
    assert [card["data-future"] for card in page.cards] == [f["id"] for f in recommended]
    for card, future in zip(page.cards, recommended, strict=True):
        assert float(card["data-probability"]) == future["probability"]
        assert [float(card["data-low"]), float(card["data-high"])] == future["interval_95"]


def test_the_figures_plot_the_json_numbers(korea):
    """Read each chart's data back out of the page and compare it with the runs' --json."""
    figures = Page(korea["text"]).figures
    forecast, comparison = korea["forecast"], korea["compare"]
    futures = forecast["recommended"]["futures"]
    bar = figures["chart-futures"]["data"][0]
    assert bar["x"] == [f["probability"] for f in futures]
    for p, up, down, f in zip(
        bar["x"], bar["error_x"]["array"], bar["error_x"]["arrayminus"], futures, strict=True
    ):
        assert math.isclose(p + up, f["interval_95"][1], abs_tol=1e-12)
        assert math.isclose(p - down, f["interval_95"][0], abs_tol=1e-12)

    summaries = [forecast["recommended"], forecast["ensemble"], *forecast["models"].values()]
    for issue in forecast["scenario"]["issues"]:
        traces = figures[f"chart-outcome-{issue['id']}"]["data"]
        wide, narrow, medians, stated = traces
        assert medians["x"] == [s["distribution"][issue["id"]]["median"] for s in summaries]
        assert wide["x"] == [
            v for s in summaries for v in (*s["distribution"][issue["id"]]["interval_90"], None)
        ]
        assert narrow["x"] == [
            v for s in summaries for v in (*s["distribution"][issue["id"]]["interval_50"], None)
        ]
        assert stated["x"] == [
            m["outcome"][issue["id"]]["value"] for m in forecast["models"].values()
        ]

    path = forecast["models"]["eum"]["path"]["positions"]["north_korea"]["denuclearization"]
    lines = [t for t in figures["chart-path-eum-denuclearization"]["data"] if t.get("fill") is None]
    bands = [
        t for t in figures["chart-path-eum-denuclearization"]["data"] if t.get("fill") == "toself"
    ]
    assert lines[0]["y"] == path["stated"]  # North Korea is the first actor
    rounds = len(path["stated"])
    assert bands[0]["y"] == path["bands"][0] + path["bands"][4][::-1]  # the central 90%
    assert bands[1]["y"] == path["bands"][1] + path["bands"][3][::-1]  # the central 50%
    assert bands[0]["x"] == list(range(rounds)) + list(range(rounds))[::-1]

    refused = forecast["models"]["exchange"]["agreement"]["refused_by"]
    blocks = {t["name"]: t for t in figures["chart-blocks"]["data"]}
    blockers = [a for a in ("north_korea", "united_states") if a in refused]  # scenario order
    assert blockers == ["north_korea", "united_states"]  # both refuse in some draws
    assert blocks["Exchange (Stokman)"]["x"] == [refused[a] for a in blockers]

    shocks = figures["chart-shocks"]["data"]
    for trace, future in zip(
        shocks, comparison["variants"][0]["forecasts"]["ensemble"]["futures"], strict=True
    ):
        changes = [
            next(d for d in v["effects"]["recommended"]["futures"] if d["id"] == future["id"])
            for v in comparison["variants"][1:]
        ]
        assert trace["x"] == [d["change"] for d in changes]

    tornado = korea["sensitivity"]
    low, high, line = figures["chart-tornado"]["data"]
    assert line["x"] == [tornado["baseline"]] * 2
    for k, row in enumerate(tornado["rows"]):
        assert math.isclose(low["base"] + low["x"][k], row["at_low"], abs_tol=1e-12)
        assert math.isclose(high["base"] + high["x"][k], row["at_high"], abs_tol=1e-12)


def test_the_page_carries_the_runs_to_rerun_them(korea):
    documents = Page(korea["text"]).documents
    assert set(documents) == {"forecast", "compare", "sensitivity"}
    request = documents["forecast"]["request"]
    assert request["seed"] == int(SEED) and request["draws"] == int(DRAWS) and request["paths"]
    again = flashpoint.run({**request, "paths": False})
    assert again.to_dict()["recommended"] == korea["forecast"]["recommended"]
    assert documents["compare"]["variants"] == korea["compare"]["variants"]


HOSTILE = """\
id: hostile
title: "<script>alert(1)</script> talks"
description: "A & B <i>negotiate</i>"
issues:
  - {id: x, label: "<b>bold</b> issue", min: 0, max: 100}
actors:
  - id: a
    label: "<script>alert(1)</script>"
    capability: 2
    colour: "#123456"
    issues: {x: {position: 10, salience: 80}}
  - {id: b, label: "</script><script>alert(2)</script>", capability: 1, issues: {x: {position: 90, salience: 60}}}
outcomes:
  - {id: low, label: "<img src=x onerror=alert(3)>", when: "x <= 50"}
  - {id: high, label: "$5 & up", when: otherwise}
"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    scenario = folder / "hostile.yaml"
    scenario.write_text(HOSTILE, encoding="utf-8")
    path = folder / "hostile.html"
    made = run(
        "report", str(scenario), "-o", str(path), "--draws", "20", "-m", "compromise", "-m", "eum"
    )
    assert made.exit_code == 0, made.output
    return path


def test_names_with_html_in_them_are_escaped(hostile):
    text = hostile.read_text("utf-8")
    for raw in (
        "<script>alert(1)</script>",
        "<script>alert(2)</script>",
        "<img src=x",
        "<b>bold</b>",
    ):
        assert raw not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    page = Page(text)  # the inlined JSON parses: no text closed its <script> element
    assert page.addresses == []
    bubble = page.figures["chart-bubble-x"]["data"]
    assert bubble[0]["text"] == ["&lt;script&gt;alert(1)&lt;/script&gt;"]  # plotly shows it as text
    assert bubble[0]["marker"]["color"] == "#123456"  # the scenario's own colour


def test_png_and_pdf_print_every_chart_and_differ_between_scenarios(tmp_path):
    made = {}
    for name in ("korea-2018", "eu-emissions-1985"):
        folder = tmp_path / name
        options = ["--draws", "30", "-m", "compromise", "-m", "eum", "--no-drivers", "--no-shocks"]
        result = run("report", name, "-o", str(folder), "--format", "png", *options)
        assert result.exit_code == 0, result.output
        pdf = tmp_path / f"{name}.pdf"
        result = run("report", name, "-o", str(pdf), *options)
        assert result.exit_code == 0, result.output
        made[name] = (folder, pdf)
    korea, emissions = made["korea-2018"], made["eu-emissions-1985"]
    pngs = sorted(p.name for p in korea[0].iterdir())
    assert "chart-futures.png" in pngs and "chart-path-eum-denuclearization.png" in pngs
    for folder, pdf in made.values():
        assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 20_000
        for png in folder.iterdir():
            assert png.read_bytes().startswith(b"\x89PNG") and png.stat().st_size > 8_000
    assert korea[1].read_bytes() != emissions[1].read_bytes()
    first = korea[0] / "chart-bubble-denuclearization.png"
    other = next(emissions[0].glob("chart-bubble-*.png"))
    assert first.read_bytes() != other.read_bytes()


def test_the_output_format_must_be_clear(tmp_path):
    result = run("report", "korea-2018", "-o", str(tmp_path / "report.txt"))
    assert result.exit_code == 2 and "end it in .html or .pdf" in result.output
    result = run("report", "korea-2018", "--format", "docx")
    assert result.exit_code == 2 and "'docx' is not a format" in result.output
    assert not (tmp_path / "report.txt").exists()


def test_forecast_and_compare_write_tables(tmp_path):
    csv, xlsx = tmp_path / "forecast.csv", tmp_path / "forecast.xlsx"
    result = run(
        "forecast",
        "korea-2018",
        "--draws",
        "50",
        "-m",
        "compromise",
        "--csv",
        str(csv),
        "--xlsx",
        str(xlsx),
    )
    assert result.exit_code == 0, result.output
    frame = flashpoint.forecast("korea-2018", ["compromise"], draws=50).to_frame()
    lines = csv.read_text("utf-8").splitlines()
    assert lines[0] == "model,kind,name,value,low,high" and len(lines) == len(frame) + 1
    book = load_workbook(xlsx)
    assert book.sheetnames == ["outcomes", "futures"]
    assert book["futures"].max_row == 1 + int((frame["kind"] == "probability").sum())
    compared = tmp_path / "compare.xlsx"
    result = run(
        "compare", "korea-2018", "--draws", "50", "-m", "compromise", "--xlsx", str(compared)
    )
    assert result.exit_code == 0, result.output
    assert load_workbook(compared).sheetnames == ["futures", "issues"]
    failed = run(
        "compare",
        "korea-2018",
        "--draws",
        "20",
        "-m",
        "compromise",
        "--csv",
        str(tmp_path / "no" / "x.csv"),
    )
    assert failed.exit_code == 1 and "cannot write" in failed.output


def test_a_workbook_keeps_text_that_looks_like_a_formula(tmp_path):
    import pandas

    path = write_table(
        pandas.DataFrame({"kind": ["future"], "name": ["=1+1"], "value": [0.5]}),
        tmp_path / "t.xlsx",
    )
    cell = load_workbook(path)["futures"]["B2"]
    assert cell.value == "=1+1" and cell.data_type == "s"


def test_a_backtest_report_plots_its_scores(tmp_path):
    path = tmp_path / "backtest.html"
    actors, outcomes = (
        DATA / "deu" / "deu_dev_1998_2002.actors.csv",
        DATA / "deu" / "deu_dev_1998_2002.outcomes.csv",
    )
    options = [
        "--actors",
        str(actors),
        "--outcomes",
        str(outcomes),
        "-m",
        "compromise",
        "-m",
        "median",
        "--draws",
        "5",
    ]
    result = run("backtest", *options, "--report", str(path), "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    page = Page(path.read_text("utf-8"))
    errors = page.figures["chart-errors"]["data"][0]
    scores = {
        ("recommended" if k == "ensemble" else k): v["mae"] for k, v in document["models"].items()
    }
    assert dict(zip(errors["y"], errors["x"], strict=True)) == scores
    assert {"chart-errors", "chart-calibration"} <= set(page.testids)


def test_positions_by_round_do_not_change_the_forecast():
    plain = flashpoint.forecast("korea-2018", ["compromise", "eum"], draws=60, seed=1)
    kept = flashpoint.forecast("korea-2018", ["compromise", "eum"], draws=60, seed=1, paths=True)
    assert plain["eum"].path is None and kept["compromise"].path is None
    path = kept["eum"].path
    taking_part = ~np.isnan(path.bands[0])
    assert taking_part.sum() > 0
    assert (path.bands[:-1] <= path.bands[1:] + 1e-12)[:, taking_part].all()  # in order
    assert np.array_equal(path.stated[0], kept["eum"].trajectory.positions[0, 0], equal_nan=True)
    a, b = plain.to_dict(), kept.to_dict()
    for document in (a, b):
        document.pop("timings"), document["request"].pop("paths")
        for model in document["models"].values():
            model.pop("path")
    assert a == b


def test_report_of_a_scenario_without_futures_or_draws_of_uncertainty():
    result = flashpoint.forecast("eu-emissions-1985", ["compromise", "eum"], draws=20, paths=True)
    report = forecast_report(result)
    assert report.headline is None
    assert "chart-futures" not in {c.testid for c in report.charts()}
    assert {"chart-outcome-emission_standards", "chart-path-eum-emission_standards"} <= {
        c.testid for c in report.charts()
    }


TWINS = """\
id: twins
title: Twins
issues:
  - {id: x, label: Tariff, min: 0, max: 100}
actors:
  - {id: a, label: Twin A, capability: 1, issues: {x: {position: 20, salience: 50}}}
  - {id: b, label: Twin B, capability: 1, issues: {x: {position: 20, salience: 50}}}
  - {id: c, label: Other, capability: 3, issues: {x: {position: 80, salience: 70}}}
"""


def test_actors_on_the_same_line_are_told_apart_on_screen_and_in_print(tmp_path):
    """Two actors whose positions are the same in every round are drawn in different dashes
    (the page's and the printed chart), each line is named at its end, and the chart names its
    model (#35)."""
    import matplotlib.pyplot

    from flashpoint.report.parts import Chart
    from flashpoint.report.printing import chart_image
    from flashpoint.report.sections.paths import dashes, path_figure

    scenario = tmp_path / "twins.yaml"
    scenario.write_text(TWINS, encoding="utf-8")
    forecast = flashpoint.forecast(scenario, ["eum"], draws=10, seed=1, paths=True)
    figure = path_figure(forecast, "eum", forecast.scenario.issues[0])
    lines = {t.name: t for t in figure.data if t.mode == "lines+markers"}
    a, b = lines["Twin A"], lines["Twin B"]
    assert list(a.y) == list(b.y)  # the same line...
    assert a.line.dash != b.line.dash  # ...not drawn the same: one would hide the other
    assert lines["Other"].line.dash not in (a.line.dash, b.line.dash)  # they meet it at the end
    solid = [np.array([1.0, 2.0]), np.array([1.0, 2.0]), np.array([5.0, 6.0])]
    assert dashes(solid, near=0.1) == ["solid", "dash", "solid"]  # along no other: solid
    (labels,) = [t for t in figure.data if t.mode == "text"]
    assert list(labels.text) == ["Twin A", "Twin B", "Other"]  # each named at its line's end
    assert len(set(labels.x)) == 1 and labels.x[0] > max(a.x)  # right of the last round
    assert len(set(labels.y)) == 3  # the twins' labels apart too
    assert "Expected utility" in figure.layout.title.text

    image = chart_image(Chart("chart-path-eum-x", figure))  # a PNG's or PDF's chart
    (printed,) = image.axes
    drawn = {line.get_label(): line for line in printed.get_lines()}
    assert drawn["Twin A"].get_linestyle() != drawn["Twin B"].get_linestyle()
    assert [t.get_text() for t in printed.texts] == ["Twin A", "Twin B", "Other"]
    matplotlib.pyplot.close(image)


def open_page(chromium, path: Path):
    """Open a file in a new page; returns the page and what it did (tests/browsing.py)."""
    page = watched_page(chromium, ("file:",))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page, page.seen


@needs_chromium
def test_the_report_opens_in_chromium_offline_with_every_chart_drawn(korea, chromium):
    page, seen = open_page(chromium, korea["path"])
    charts = {t for t in Page(korea["text"]).testids if t.startswith("chart-")}
    for testid in charts:
        drawn = page.locator(f'[data-testid="{testid}"] .main-svg')
        assert drawn.count() >= 1, f"{testid} was not drawn"
    cards = page.locator('[data-testid="headline"] .card .value').all_inner_texts()
    futures = korea["forecast"]["recommended"]["futures"]
    assert cards == [f"{f['probability']:.0%}" for f in futures]
    assert seen == {"errors": [], "outside": [], "dialogs": []}
    pdf = page.pdf(format="A4")  # it prints
    assert pdf.startswith(b"%PDF") and len(pdf) > 50_000
    page.close()


@needs_chromium
def test_html_in_names_shows_as_text_in_chromium(hostile, chromium):
    page, seen = open_page(chromium, hostile)
    assert seen["dialogs"] == [] and seen["errors"] == [] and seen["outside"] == []
    assert page.get_by_text("<script>alert(1)</script>", exact=True).count() >= 1
    assert page.locator("h1").inner_text() == "<script>alert(1)</script> talks"
    svg = page.locator('[data-testid="chart-bubble-x"] .main-svg').first.inner_html()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg  # drawn as text, not run
    page.close()
