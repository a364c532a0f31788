"""The two sites: the public one (outputs/published/index.html, from publications only) and the
team's internal index (outputs/index.html), crawled link by link in Chromium at 390 and 1280 px.

Real parts: the demo store, a real build and publish through the CLI (HTML, PDF, Word, open
data), and an analyst's notebook rendered with ``perfkit render --execute`` (tests/e2e/analysis_folder.py),
published with ``perfkit publish --analysis``.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urldefrag

import pytest

from ..helpers import CHROMIUM, chromium, run_cli
from .analysis_folder import make_analysis

pytestmark = pytest.mark.slow

P, SLUG = "2025/26 Q2", "housing"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
#: Every visible text node's computed font size under 12 px (charts' own SVG text is the charts' rule).
SMALL_TEXT = """() => { const out = []; const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (w.nextNode()) { const n = w.currentNode, el = n.parentElement; if (!n.textContent.trim() || el.closest('svg, .visually-hidden')) continue;
    const r = el.getBoundingClientRect(); if (!r.width || !r.height) continue;
    const size = parseFloat(getComputedStyle(el).fontSize); if (size < 12) out.push([size, n.textContent.trim().slice(0, 40)]); }
  return out; }"""
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


def crawl(start: Path) -> dict[Path, list[str]]:
    """Every page reached from ``start`` by following links (each must lead to a file), with the links of each."""
    from bs4 import BeautifulSoup

    pages: dict[Path, list[str]] = {}
    todo = [start.resolve()]
    while todo:
        page = todo.pop()
        if page in pages:
            continue
        hrefs = [a["href"] for a in BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").find_all("a", href=True)]
        pages[page] = hrefs
        for href in hrefs:
            target = urldefrag(href)[0]
            if not target or re.match(r"^[a-z]+:", target):
                continue
            found = (page.parent / unquote(target)).resolve()
            assert found.is_file(), f"{page.name}: {href} leads nowhere"
            if found.suffix == ".html":
                todo.append(found)
    return pages


@pytest.fixture()
def sites(project_dir, demo_store):
    store = project_dir / "data" / "perfkit.duckdb"
    store.parent.mkdir()
    shutil.copy(demo_store, store)
    run_cli(project_dir, "build", "--period", P, "--directorate", SLUG, "--format", "html,pdf,docx,csv")
    run_cli(project_dir, "publish", "--period", P, "--directorate", SLUG, "--uncleared")
    make_analysis(project_dir)
    proc = run_cli(project_dir, "publish", "--analysis", "temporary-accommodation")
    assert "publication 2:" in proc.stdout
    return project_dir / "outputs"


def test_the_public_site_holds_only_publications_and_passes_axe_on_a_phone(sites):
    from axe_playwright_python.sync_playwright import Axe
    from bs4 import BeautifulSoup

    out = sites
    assert "14 published file(s) checked: each is as published" in run_cli(out.parent, "verify").stdout  # 6 + 4 + the analysis's 4
    index = out / "published" / "index.html"
    pages = crawl(index)
    public = [p for p in pages if p != index.resolve()]
    # only publications: every page and file it reaches lies under published/, never a working build's
    assert all("published" in p.relative_to(out.resolve()).parts for p in pages)
    links = [unquote(h) for hrefs in pages.values() for h in hrefs]
    assert not [h for h in links if h.endswith(".ipynb") or "data-check" in h]  # no notebook, no data check
    soup = BeautifulSoup(index.read_text(encoding="utf-8"), "html.parser")
    words = soup.get_text(" ")
    assert not re.search(r"\b(built|status|notebook|ipynb|data check)\b", words, re.I), words
    assert not EMAIL.search(words)
    # the overview first, then the directorate's paper; each with committee, meeting date and letter, files by their clerk names
    papers = soup.select("section:has(h2#p-2025-26-Q2) li.paper")
    assert [p.h3.get_text()[:30] for p in papers] == ["Corporate performance overview", "Housing performance report: 20"]
    housing = papers[1].get_text(" ")
    assert "Housing and Communities Scrutiny Committee" in housing and "20 November 2025" in housing and "Paper E" in housing
    files = [unquote(a["href"]).rsplit("/", 1)[-1] for a in papers[1].select("ul.downloads a")]
    assert files == ["Paper E - Housing performance 2025-26 Q2.html", "Paper E - Housing performance 2025-26 Q2.pdf",
                     "Paper E - Housing performance 2025-26 Q2.docx", "Paper E - Housing performance 2025-26 Q2 - open data.csv",
                     "Paper E - Housing performance 2025-26 Q2 - data dictionary.csv"]
    assert [a.get("download") for a in papers[1].select("ul.downloads a")][1:] == files[1:]  # a file downloads under its name
    # research and analysis: the published analysis, with its author, date and summary
    research = soup.find(id="research").find_parent("section").get_text(" ")
    assert "Temporary accommodation: who stays longest" in research and "Priya Natarajan" in research and "12 May 2026" in research
    assert "Which households stay longest" in research
    # emails only in the papers' own contact blocks
    for page in public:
        paper = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        contact = paper.find(id="contact")
        if contact is not None:  # the paper's own contact block (its heading, then its table)
            contact.find_next("table").decompose()
        assert not EMAIL.search(paper.get_text(" ")), page.name
    assert len(public) == 3  # the overview, Housing's paper, the analysis

    with chromium() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            for width in (390, 1280):
                view = browser.new_page(viewport={"width": width, "height": 900})
                for page in pages:
                    view.goto(page.as_uri())
                    results = Axe().run(view, options={"runOnly": {"type": "tag", "values": TAGS}})
                    assert results.violations_count == 0, (page.name, width, results.generate_report())
                    if width == 390:
                        assert view.evaluate(SMALL_TEXT) == [], page.name
                        sizes = view.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
                        assert sizes[0] <= sizes[1], (page.name, sizes)  # no sideways scrolling on a phone
                        wide = view.evaluate("[...document.querySelectorAll('.table-scroll')].filter(e => e.scrollWidth > e.clientWidth + 1).length")
                        assert wide == 0, page.name  # every table fits as cards: none clipped mid-number
                view.close()
        finally:
            browser.close()


def test_the_internal_index_keeps_the_data_check_and_notebooks_and_passes_axe(sites):
    from axe_playwright_python.sync_playwright import Axe
    from bs4 import BeautifulSoup

    out = sites
    run_cli(out.parent, "build", "--period", P, "--directorate", SLUG, "--format", "html,pdf,docx,csv")  # writes the index again
    index = out / "index.html"
    soup = BeautifulSoup(index.read_text(encoding="utf-8"), "html.parser")
    periods = [a.get_text() for a in soup.select("nav ul.periods")[0].select("a")]
    assert periods == ["2025/26 Q2"]  # "By directorate" is not a period
    rows = soup.select("table.data tbody tr")
    assert rows[0].th.get_text() == "Corporate overview" and rows[1].th.get_text() == "Housing"  # the overview first
    assert soup.find("a", string=re.compile("Data check for 2025/26 Q2"))
    assert soup.select("a[href$='directorate_report.ipynb']")
    pdf = rows[1].select_one("a[href$='directorate_report.pdf']")
    assert pdf["download"] == "Paper E - Housing performance 2025-26 Q2.pdf"
    research = soup.find(id="research").find_parent("section")
    assert "Temporary accommodation: who stays longest" in research.get_text(" ")
    assert research.select("a[href='analysis/temporary-accommodation/temporary-accommodation.html']")
    pages = crawl(index)
    assert any(p.name == "data-check.html" for p in pages)
    with chromium() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            for width in (390, 1280):
                view = browser.new_page(viewport={"width": width, "height": 900})
                for page in pages:
                    view.goto(page.as_uri())
                    results = Axe().run(view, options={"runOnly": {"type": "tag", "values": TAGS}})
                    assert results.violations_count == 0, (page.name, width, results.generate_report())
                    if width == 390:
                        assert view.evaluate(SMALL_TEXT) == [], page.name
                view.close()
        finally:
            browser.close()


def test_a_published_analysis_is_not_rebuilt_as_of_and_a_missing_one_is_named(sites):
    proc = run_cli(sites.parent, "build", "--as-of", "2", check=False)
    assert proc.returncode == 1 and "is the analysis 'temporary-accommodation'" in proc.stderr
    proc = run_cli(sites.parent, "publish", "--analysis", "no-such-thing", check=False)
    assert proc.returncode == 1 and "outputs/analysis/no-such-thing" in proc.stderr and "perfkit render" in proc.stderr
    assert Path(sites / "published" / "analysis" / "temporary-accommodation").is_dir()
