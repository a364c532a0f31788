"""``perfkit render``: three analysts' notebooks of different shapes, executed on the warm-kernel
batch and rendered to HTML (axe at 390 and 1280 px, no code), PDF (tagged, >= 9 pt, no table
row split, every figure with alt text) and Word (alt text and header rows read back); ``--each``
over three areas; and the starter notebook rendered as a paper on the demo store."""

from __future__ import annotations

import csv
import json
import re

import nbformat
import pytest

from ..analysis_notebooks import long_table, markdown_rich, seaborn_heavy
from ..helpers import CHROMIUM, chromium, make_project, require_shared_data, run_cli
from ..word_checks import NEAR_BLANK, converted_pdf, pdf_pages, table_rows, whole_on_a_page

pytestmark = pytest.mark.slow

C1 = "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
NAMES = ("seaborn_heavy", "long_table", "markdown_rich")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    data = require_shared_data() / C1
    folder = tmp_path_factory.mktemp("analysis")
    nbformat.write(seaborn_heavy(data), str(folder / "seaborn_heavy.ipynb"))
    nbformat.write(long_table(data), str(folder / "long_table.ipynb"))
    nbformat.write(markdown_rich(folder, data), str(folder / "markdown_rich.ipynb"))
    proc = run_cli(folder, "render", *(f"{n}.ipynb" for n in NAMES), "--execute", "--out", folder / "outputs", "--jobs", "2", home=False)
    return folder, proc.stdout


def files(folder, name):
    slug = name.replace("_", "-")
    return {s: folder / "outputs" / "analysis" / slug / f"{slug}.{s}" for s in ("html", "pdf", "docx", "ipynb")}


def test_the_rendered_notebook_carries_the_contract_and_the_checks_are_printed(rendered):
    folder, said = rendered
    meta = nbformat.read(files(folder, "seaborn_heavy")["ipynb"], as_version=4).metadata["perfkit"]
    assert {k: meta[k] for k in ("kind", "slug", "title", "author", "date", "committee", "status")} == {
        "kind": "analysis", "slug": "seaborn-heavy", "title": "Re-referrals in E08000007", "author": "A. Analyst", "date": "2026-03-31",
        "committee": "Children's Scrutiny", "status": "draft"}
    assert meta["parameters"] == {} and meta["checks"] == []
    assert "3 of 3 paper(s) rendered" in said and "0 check(s)" in said
    manifest = json.loads((folder / "outputs" / "analysis" / "manifest.json").read_text())["reports"]
    assert sorted(manifest) == ["long-table", "markdown-rich", "seaborn-heavy"] and all(len(e["sha256"]) == 4 for e in manifest.values())


def test_html_passes_axe_at_phone_and_desktop_widths_and_shows_no_code(rendered):
    from axe_playwright_python.sync_playwright import Axe

    folder, _ = rendered
    tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
    with chromium() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            for name in NAMES:
                for width in (390, 1280):
                    page = browser.new_page(viewport={"width": width, "height": 900})
                    page.goto(files(folder, name)["html"].as_uri())
                    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": tags}})
                    assert results.violations_count == 0, (name, width, results.generate_report())
                    text = page.inner_text("body")
                    assert not re.search(r"import |pd\.read_csv|sns\.|plt\.|rows read|%load_ext", text), (name, text[:2000])
                    page.close()
        finally:
            browser.close()
    html = files(folder, "markdown_rich")["html"].read_text()
    assert "<a href='https://explore-education-statistics.service.gov.uk/'>Department for Education</a>" in html
    assert "alt='r = 100 \\times \\frac{n}{d}'" in html and "alt='Two bars: A at 3 and B at 5'" in html and "<li><p>counted in the year" in html


def _struct_alts(reader) -> list[str]:
    """The /Alt of every /Figure in the PDF's structure tree."""
    found = []

    def walk(node) -> None:  # noqa: ANN001
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            for kid in node:
                walk(kid)
        elif hasattr(node, "get"):
            if node.get("/S") == "/Figure":
                found.append(str(node.get("/Alt", "")))
            if "/K" in node:
                walk(node["/K"])

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


def test_pdf_is_tagged_nothing_under_9pt_no_row_split_and_every_figure_has_alt_text(rendered):
    import pdfplumber
    from pypdf import PdfReader

    folder, _ = rendered
    expected_figures = {"seaborn_heavy": 4, "long_table": 0, "markdown_rich": 5}  # 4 charts; 3 inline formulas, 1 displayed, 1 image
    for name in NAMES:
        reader = PdfReader(files(folder, name)["pdf"])
        root = reader.trailer["/Root"]
        assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
        alts = _struct_alts(reader)
        assert len(alts) == expected_figures[name] and all(a.strip() for a in alts), (name, alts)
        with pdfplumber.open(files(folder, name)["pdf"]) as pdf:
            small = {round(c["size"], 1) for page in pdf.pages for c in page.chars if c["size"] < 8.95}
            assert not small, (name, small)
    assert _struct_alts(PdfReader(files(folder, "markdown_rich")["pdf"])) == [
        "r = 100 \\times \\frac{n}{d}", "n", "d", "r = 100 \\times \\frac{\\sum_i n_i}{\\sum_i d_i}", "Two bars: A at 3 and B at 5"]
    seaborn_alts = _struct_alts(PdfReader(files(folder, "seaborn_heavy")["pdf"]))
    assert "Re-referral rate in Stockport, 2013 to 2025: Re-referrals (%) by Year" in seaborn_alts

    ipynb = nbformat.read(files(folder, "long_table")["ipynb"], as_version=4)
    rows = next(o for c in ipynb.cells for o in c.get("outputs", []) if "application/vnd.perfkit.table+html" in o.get("data", {}))
    assert rows  # the executed notebook holds the whole table
    with pdfplumber.open(files(folder, "long_table")["pdf"]) as pdf:
        lines_by_page = []
        for page in pdf.pages:
            words = page.extract_words(keep_blank_chars=False, use_text_flow=True)
            lines: dict[int, list[str]] = {}
            for w in words:
                lines.setdefault(round(w["top"]), []).append(w["text"])
            lines_by_page.append([" ".join(ws) for _, ws in sorted(lines.items())])
    with open(require_shared_data() / C1, encoding="utf-8") as f:
        las = sorted((r for r in csv.DictReader(f) if r["geographic_level"] == "Local authority"), key=lambda r: (r["la_name"], r["time_period"]))[:200]
    pages_with_rows = 0
    for lines in lines_by_page:
        found = [r for r in las if any(line.startswith(f"{r['la_name']} {r['time_period']} ") for line in lines)]
        if found:
            pages_with_rows += 1
            assert any(line.startswith("Council Year Referrals") for line in lines)  # the header row repeats on every page
    assert pages_with_rows >= 3  # 200 rows span pages
    for r in las:  # each row whole on one line of one page: its name, year and counts together, never split
        assert any(line.startswith(f"{r['la_name']} {r['time_period']} ") and r["referral_count"].replace(",", "") in line.replace(",", "")
                   for lines in lines_by_page for line in lines), r


def test_word_reads_back_alt_text_and_repeated_header_rows(rendered):
    from docx import Document

    folder, _ = rendered
    doc = Document(str(files(folder, "seaborn_heavy")["docx"]))
    alts = [el.get("descr") for el in doc.element.body.iter("{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")]
    assert len(alts) == 4 and all(alts) and "Spread of re-referral rates by year: Re-referrals (%) by Year" in alts
    doc = Document(str(files(folder, "long_table")["docx"]))
    table = doc.tables[-1]
    assert len(table.rows) == 201 and "tblHeader" in table.rows[0]._tr.trPr.xml
    assert [c.text for c in table.rows[0].cells] == ["Council", "Year", "Referrals", "Re-referrals", "Re-referrals (%)"]
    assert all("cantSplit" in row._tr.trPr.xml for row in table.rows)
    doc = Document(str(files(folder, "markdown_rich")["docx"]))
    alts = [el.get("descr") for el in doc.element.body.iter("{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")]
    assert "Two bars: A at 3 and B at 5" in alts and "r = 100 \\times \\frac{n}{d}" in alts


def test_libreoffices_pdf_of_each_analysis_in_word_passes_the_pdfs_checks(rendered, tmp_path):
    """The Word files as a clerk's software opens them: LibreOffice's PDF of each holds the
    checks perfkit's own PDF holds (>= 9 pt, "Page N of M" in the footer, no near-blank page,
    no table row split across pages: the 200-row table's rows each whole on one page)."""
    folder, _ = rendered
    for name in NAMES:
        docx = files(folder, name)["docx"]
        pages = pdf_pages(converted_pdf(docx, tmp_path / name))
        n = len(pages)
        for i, page in enumerate(pages, 1):
            assert page["sizes"] and min(page["sizes"]) >= 8.99, (name, i, min(page["sizes"]))
            assert re.fullmatch(rf"Research and analysis – Children's Scrutiny – 31 March 2026 Page {i} of {n}", page["footer"]), (name, i, page["footer"])
            assert page["filled"] >= NEAR_BLANK or i == n, (name, i, f"{page['filled']:.0%} filled")
        words = [p["words"] for p in pages]
        rows = table_rows(docx)
        assert not [" ".join(r)[:80] for r in rows if not whole_on_a_page(r, words)], name
        if name == "long_table":
            assert len(rows) >= 201 and n >= 3  # the table spans pages, its rows whole


def test_each_renders_one_paper_per_area_on_the_warm_kernel_batch(tmp_path):
    data = require_shared_data() / C1
    nbformat.write(seaborn_heavy(data), str(tmp_path / "rerefs.ipynb"))
    areas = {"E08000007": "Stockport", "E08000035": "Leeds", "E09000033": "Westminster"}
    proc = run_cli(tmp_path, "render", "rerefs.ipynb", "--execute", "--each", "area=" + ",".join(areas), "--format", "html",
                   "--out", tmp_path / "outputs", home=False)
    assert "3 of 3 paper(s) rendered" in proc.stdout
    for code, name in areas.items():
        folder = tmp_path / "outputs" / "analysis" / f"rerefs-{code}"
        html = (folder / f"rerefs-{code}.html").read_text()
        assert f"<h1>Re-referrals in {code}</h1>" in html and f"Re-referral rate in {name}, 2013 to 2025" in html
        assert nbformat.read(folder / f"rerefs-{code}.ipynb", as_version=4).metadata["perfkit"]["parameters"] == {"area": code}
        others = [n for c, n in areas.items() if c != code]
        assert not any(f"Re-referral rate in {n}," in html for n in others)


def test_the_starter_notebook_renders_as_a_paper(tmp_path, demo_store_master):
    project = make_project(tmp_path / "p", demo_store_master)
    proc = run_cli(project, "render", "notebooks/analyst_starter.ipynb", "--execute", "--format", "html,pdf")
    assert "1 of 1 paper(s) rendered" in proc.stdout and "0 check(s) to look at" in " ".join(proc.stdout.split())
    html = (project / "outputs" / "analysis" / "analyst-starter" / "analyst-starter.html").read_text()
    assert "<h1>Re-referrals to children&#x27;s social care</h1>" in html and "Kestrel Vale" in html
    assert "3. Two indicators side by side (seaborn)" in html and "import perfkit" not in html and "house_style" not in html
