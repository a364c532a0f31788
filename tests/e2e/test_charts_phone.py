"""Charts in a built demo paper: the exception page's SPC chart as the PDF prints it, and every
chart's text at 12 px or more as Chromium shows the HTML paper on a 390-pixel phone."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pdfplumber
import pytest

from ..helpers import make_project, pages_at, run_cli

pytestmark = pytest.mark.slow

Q4, Q4_SLUG = "2025/26 Q4", "2025-26-q4"


@pytest.fixture(scope="module")
def housing(tmp_path_factory, demo_store_master) -> Path:
    project = make_project(tmp_path_factory.mktemp("charts"), demo_store_master)
    run_cli(project, "build", "--period", Q4, "--directorate", "housing", "--report", "directorate_report")
    return project / "outputs" / Q4_SLUG / "housing"


def _text_sizes(svg: str) -> tuple[float, list[float]]:
    """The SVG's viewBox width and the size of each run of text in its own units: matplotlib
    draws text as glyph paths scaled by size/100 ('scale(0.09 -0.09)' is 9 pt); a hand-drawn
    chart sets font-size on the root or the text."""
    box = float(re.search(r"viewBox=['\"][\d.\-]+ [\d.\-]+ ([\d.]+)", svg)[1])
    sizes = [float(s) * 100 for s in re.findall(r"scale\(([\d.]+) -\1\)", svg)]
    sizes += [float(s) for s in re.findall(r"font-size=['\"]([\d.]+)", svg)]
    return box, sizes


def test_chart_text_is_12px_or_more_at_390px(housing):
    html = housing / "directorate_report.html"
    for width, page in pages_at(html.as_uri(), (390,)):
        charts = page.eval_on_selector_all(
            "img.chart", "els => els.map(e => ({src: e.src, w: e.getBoundingClientRect().width, "
            "scroll: e.parentElement.scrollWidth > e.parentElement.clientWidth, tab: e.parentElement.tabIndex, "
            "role: e.parentElement.getAttribute('role'), label: e.parentElement.getAttribute('aria-label')}))")
        page_scrolls = page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
    assert len(charts) >= 7, "the housing paper's exception charts"
    assert not page_scrolls, "the page itself never scrolls sideways at 390 px: only a chart's own region does"
    smallest = []
    for c in charts:
        svg = base64.b64decode(c["src"].split(",", 1)[1]).decode()
        box, sizes = _text_sizes(svg)
        assert sizes, "every chart has text (axis labels, legend)"
        smallest.append(min(sizes) * c["w"] / box)
        if c["scroll"]:  # a chart wider than the phone scrolls in a region a keyboard can reach and a screen reader names
            assert c["tab"] == 0 and c["role"] == "region" and c["label"].startswith("Chart: ")
    assert min(smallest) >= 12, f"chart text as displayed at {width} px: {sorted(smallest)[:3]} px"


def test_the_exception_pdf_page_draws_the_spc_chart_it_quotes(housing):
    """Households in temporary accommodation: the scorecard says 'SPC: concern; will fail', and
    its exception page says the same words with the mean and limits the chart draws."""
    with pdfplumber.open(housing / "directorate_report.pdf") as pdf:
        pages = [p.extract_text() or "" for p in pdf.pages]
    page = next(t for t in pages if "Households in temporary accommodation [HSG_TA]" in t)
    one_line = " ".join(page.split())
    found = re.search(r"SPC concern; will fail \(the chart below: mean (\d+), process limits (\d+) to (\d+)\)", one_line)
    assert found, one_line
    assert "SPC chart with its mean (solid line) and process limits (dashed)" in one_line
    assert re.search(r"the vertical axis starts at \d+, not zero", one_line)  # the cut axis, said in the caption too
