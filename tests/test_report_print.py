"""The Korea report read in ten minutes and printed in at most 20 A4 pages (#35, item 3): the
body first (the bottom line, the forecast, the question, who blocks, what drives it, shocks),
then an appendix of the model-by-model detail, folded on screen and expanded in print, with its
charts drawn smaller, two or three to a row. In Debian's Chromium through Playwright: `.ci/run`
installs it; without it these are skipped."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from flashpoint.cli import app

from .browsing import needs_chromium, watched_page

pytestmark = needs_chromium

BODY = ["bottom-line", "headline", "question", "agreement", "drivers", "shocks"]
APPENDIX = ["futures", "outcomes", "actors", "rounds", "network", "explanations", "inputs"]
APPENDIX += ["notes", "rerun"]


@pytest.fixture(scope="module")
def korea(tmp_path_factory):
    path = tmp_path_factory.mktemp("print") / "korea.html"
    made = CliRunner().invoke(app, ["report", "korea-2018", "-o", str(path), "--draws", "100"])
    assert made.exit_code == 0, made.output
    return path


@pytest.fixture
def page(chromium, korea):
    opened = watched_page(chromium, ("file:",))
    opened.goto(korea.as_uri())
    opened.wait_for_selector('[data-testid="chart-blocks"] .main-svg')
    yield opened
    assert opened.seen == {"errors": [], "outside": [], "dialogs": []}
    opened.close()


def test_the_body_comes_first_then_the_appendix(page):
    order = page.evaluate("[...document.querySelectorAll('main section[id]')].map(s => s.id)")
    assert order == [*BODY, "appendix", *APPENDIX]


def test_the_appendix_is_folded_on_screen_and_a_link_opens_it(page):
    for part in APPENDIX:
        assert page.locator(f"#{part} > details.fold").count() == 1
        assert page.locator(f"#{part} > details.fold").get_attribute("open") is None
        assert not page.locator(f"#{part} .intro, #{part} table").first.is_visible()
    assert not page.locator('[data-testid="chart-path-eum-denuclearization"]').is_visible()
    assert page.locator('[data-testid="chart-blocks"]').is_visible()  # the body is open
    page.click('nav a[href="#rounds"]')
    chart = page.locator('[data-testid="chart-path-eum-denuclearization"]')
    chart.wait_for(state="visible")
    width = chart.locator(".main-svg").first.bounding_box()["width"]
    assert width > 400  # drawn to its box once opened, not at a folded size
    page.click("#outcomes summary")
    assert page.locator('[data-testid="chart-outcome-denuclearization"]').is_visible()


def test_in_print_the_appendix_is_expanded_and_its_charts_smaller(page):
    screen = page.locator('[data-testid="chart-futures-by-model"] .main-svg').first
    page.emulate_media(media="print")  # report.js sees it through matchMedia("print")
    page.wait_for_function("document.querySelector('#rerun > details.fold').open")
    for part in APPENDIX:
        assert page.locator(f"#{part} > details.fold").get_attribute("open") is not None
    assert page.locator('[data-testid="chart-path-smp-alliance"]').is_visible()
    assert page.locator("#notes table").first.is_visible()
    sizes = page.evaluate(
        """() => [...document.querySelectorAll('.plot')].map(p => [p.dataset.figure,
             p.querySelector('.main-svg').getBoundingClientRect().width,
             p.querySelector('.main-svg').getBoundingClientRect().height,
             p.screenLayout.height])"""
    )
    for figure, width, height, on_screen in sizes:
        assert width <= 710, figure  # within the A4 page, less its margins
        assert height <= (on_screen or 450) + 1, figure
    paths = [size for size in sizes if size[0].startswith("chart-path-")]
    assert paths and all(width < 360 for _, width, _, _ in paths)  # two to a row
    assert sum(h for _, _, h, _ in sizes) < 0.8 * sum(s or 450 for *_, s in sizes)
    for figure, *_ in sizes:  # no label crosses the chart's edge
        crossing = page.evaluate(
            """id => { const svg = document.querySelector(`[data-figure="${id}"] .main-svg`);
                 const box = svg.getBoundingClientRect();
                 return [...svg.parentNode.querySelectorAll('text')].filter(t => {
                   const r = t.getBoundingClientRect();
                   return t.textContent && r.width > 0 && (r.left < box.left - 1
                     || r.right > box.right + 1 || r.top < box.top - 1
                     || r.bottom > box.bottom + 1); }).map(t => t.textContent); }""",
            figure,
        )
        assert crossing == [], figure
    page.emulate_media(media="screen")  # back on screen: folded again, charts at their size
    page.wait_for_function("!document.querySelector('#rounds > details.fold').open")
    assert screen.bounding_box()["width"] > 710


def test_it_prints_in_at_most_20_a4_pages(page):
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 8 <= pages <= 20
