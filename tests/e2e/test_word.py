"""Word as good as the PDF, checked the way a clerk's software sees it: every demo paper of the
year-end quarter (each directorate paper, the corporate overview, an area profile) built as
DOCX and PDF, the DOCX converted to PDF by LibreOffice, and the checks that hold for perfkit's
own PDF held by that PDF: no type under 9 pt (pdfplumber), no table row split across pages,
"Page N of M" on every page, no near-blank page, tables and figures numbered as perfkit's PDF
numbers them. The accessibility properties are read back with python-docx."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from ..helpers import HOME, make_project, run_cli

pytestmark = pytest.mark.slow

Q4, Q4_SLUG = "2025/26 Q4", "2025-26-q4"
#: The bottom margin of a Word page (perfkit.render.word.document.MARGIN_CM, 1.8 cm) in points: the footer is below it.
MARGIN_PT = 1.8 / 2.54 * 72
#: A page filled less than this (its body's text, rules and pictures, top to bottom) is near-blank.
NEAR_BLANK = 0.15


@pytest.fixture(scope="module")
def converted(tmp_path_factory, demo_store_master) -> list[tuple[Path, Path, Path]]:
    """(DOCX, LibreOffice's PDF of it, perfkit's PDF) for every paper of the quarter."""
    project = make_project(tmp_path_factory.mktemp("word"), demo_store_master)
    run_cli(project, "build", "--period", Q4, "--format", "pdf,docx", "--jobs", "2")
    run_cli(project, "build", "--period", Q4, "--report", "area_profile", "--area", HOME, "--format", "pdf,docx")
    papers = sorted((project / "outputs" / Q4_SLUG).glob("*/*.docx"))
    assert len(papers) == 6, papers  # four directorates, the overview, the area profile
    soffice = shutil.which("libreoffice") or shutil.which("soffice")
    assert soffice, "LibreOffice is needed (.ci/run installs Debian's libreoffice)"
    out = tmp_path_factory.mktemp("converted")
    found = []
    for i, docx in enumerate(papers):  # one folder each: every directorate's paper has the same file name
        target = out / str(i)
        proc = subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{out}/lo", "--convert-to", "pdf", "--outdir",
                               str(target), str(docx)], capture_output=True, text=True, timeout=300)
        pdf = target / docx.with_suffix(".pdf").name
        assert proc.returncode == 0 and pdf.is_file(), proc.stderr
        found.append((docx, pdf, docx.with_suffix(".pdf")))
    return found


def table_rows(docx: Path) -> list[list[str]]:
    """Each table row's words, as Word holds them (a cell merged down from the row above counted there)."""
    import docx as python_docx
    from docx.oxml.ns import qn

    breaks = (qn("w:br"), qn("w:tab"), qn("w:p"))
    rows = []
    for tr in python_docx.Document(str(docx)).element.body.iter(qn("w:tr")):
        words: list[str] = []
        for tc in tr.iter(qn("w:tc")):
            merged = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
            if merged is not None and merged.get(qn("w:val")) in (None, "continue"):
                continue
            words += "".join(" " if e.tag in breaks else e.text or "" for e in tc.iter(qn("w:t"), *breaks)).split()
        if words:
            rows.append(words)
    return rows


def pieced(word: str, words: Counter, depth: int = 0) -> bool:
    """``word`` made of words on the page: LibreOffice breaks a word too long for its cell's line
    ("[RES_HB_CHANGE_" and "DAYS]"), which pdfplumber then reads as two."""
    return depth < 5 and any(word.startswith(p) and (words[word[len(p):]] > 0 or pieced(word[len(p):], words, depth + 1))
                             for p in words if 2 <= len(p) < len(word))


def whole_on_a_page(row: list[str], pages: list[Counter]) -> bool:
    """Every word of ``row`` (as often as it has it) on one page: a row split across two pages
    has some of its words on each, and a page that is not its own would have to hold them all."""
    need = Counter(row)
    return any(all(page[w] >= n or pieced(w, page) for w, n in need.items()) for page in pages)


def pdf_pages(pdf: Path) -> list[dict]:
    """Each page's type sizes, footer, words and how much of its body is filled (0 to 1)."""
    import pdfplumber

    pages = []
    with pdfplumber.open(pdf) as doc:
        for page in doc.pages:
            bottom = page.height - MARGIN_PT
            words = page.extract_words()
            body = [w["bottom"] for w in words if w["top"] <= bottom]
            body += [o["bottom"] for o in (*page.images, *page.rects, *page.lines) if o["bottom"] <= bottom + 1]
            pages.append({
                "sizes": [c["size"] for c in page.chars],
                "footer": " ".join(w["text"] for w in words if w["top"] > bottom),
                "words": Counter(w["text"] for w in words if w["top"] <= bottom),
                "filled": (max(body) - MARGIN_PT) / (bottom - MARGIN_PT) if body else 0.0,
                "landscape": page.width > page.height,
            })
    return pages


def numbers(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return re.findall(r"(?:Table|Figure) \d+: \S+", text)


def test_libreoffices_pdf_of_every_word_paper_passes_the_pdfs_checks(converted):
    for docx, pdf, ours in converted:
        name = f"{docx.parent.name}/{docx.name}"
        pages = pdf_pages(pdf)
        n = len(pages)
        for i, page in enumerate(pages, 1):
            assert page["sizes"] and min(page["sizes"]) >= 8.99, (name, i, min(page["sizes"]))
            assert re.fullmatch(rf"Paper \S+ – .+ – \d+ \w+ 2026 Page {i} of {n}", page["footer"]), (name, i, page["footer"])
            scorecard_ends = page["landscape"] and (i == n or not pages[i]["landscape"])
            assert page["filled"] >= NEAR_BLANK or scorecard_ends, (name, i, f"{page['filled']:.0%} filled")
        words = [p["words"] for p in pages]
        split = [" ".join(row)[:80] for row in table_rows(docx) if not whole_on_a_page(row, words)]
        assert not split, (name, split)
        assert numbers(pdf) == numbers(ours), name  # "Table 3: Appendix ...", "Figure 1: ...", as perfkit's PDF numbers them


def test_the_row_check_sees_a_split_row(tmp_path):
    """The split-row check can fail: a row whose words are shared between two pages is not whole
    on either; and a tall row at the foot of a page, which LibreOffice splits unless it is marked
    ``cantSplit``, is found split, and whole once the writer marks it."""
    import datetime as dt

    from docx.oxml.ns import qn

    from perfkit.render.exporters import paper_properties
    from perfkit.render.word.document import Writer
    from perfkit.render.word.tables import Row, table

    row = ["Emergency", "repairs", "[HSG_EMERG]", "98.1%", "Amber"]
    assert not whole_on_a_page(row, [Counter(row[:3]), Counter(row[3:])])
    assert whole_on_a_page(row, [Counter(["[HSG_", "EMERG]", *row[:2], *row[3:]])])  # a word broken in a narrow cell
    soffice = shutil.which("libreoffice") or shutil.which("soffice")
    tall = " ".join(f"word{i}" for i in range(500))  # some 15 cm of 9 pt: less than a page
    found = {}
    for marked in (False, True):
        meta = {"title": "Rows", "footer": "Paper X"}
        w = Writer(meta, paper_properties(meta), dt.datetime(2026, 6, 18))
        for i in range(30):
            w.paragraph(f"Filler line {i}.")
        table(w, "A tall row", ["Indicator", "Notes"], [Row(["Tall", tall])])
        if not marked:  # as Word had it before: no cantSplit, and the table not kept with its caption
            for tag in ("w:cantSplit", "w:keepNext"):
                for flag in list(w.doc.element.body.iter(qn(tag))):
                    flag.getparent().remove(flag)
        docx = tmp_path / f"rows-{marked}.docx"
        w.doc.save(str(docx))
        subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf", "--outdir", str(tmp_path),
                        str(docx)], capture_output=True, timeout=300, check=True)
        words = [p["words"] for p in pdf_pages(docx.with_suffix(".pdf"))]
        found[marked] = [whole_on_a_page(r, words) for r in table_rows(docx)]
    assert found == {False: [True, False], True: [True, True]}  # the tall row: split unmarked, whole marked


def test_every_word_paper_has_the_accessibility_properties(converted):
    import docx as python_docx
    from docx.oxml.ns import qn

    for docx, _pdf, ours in converted:
        document = python_docx.Document(str(docx))
        props = document.core_properties
        assert props.title and props.title in " ".join(p.text for p in document.paragraphs[:3]), docx
        assert props.author == "Kestrel Vale Borough Council" and props.subject and props.language == "en-GB"
        lang = document.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
        assert lang.get(qn("w:val")) == "en-GB"
        headings = [p for p in document.paragraphs if p.style.name.startswith("Heading")]
        assert headings and headings[0].text.startswith("1. ") and document.paragraphs[1].style.name == "Title"
        shapes = document.inline_shapes
        assert len(shapes) or docx.parent.name == "corporate", docx  # the overview has no chart; every other paper has
        assert all(s._inline.docPr.get("descr") for s in shapes), docx
        for table in document.tables:
            header = table.rows[0]._tr.trPr
            if table.rows[0].cells[0].text in ("Indicator", "Directorate", "RAG status"):
                assert header is not None and header.find(qn("w:tblHeader")) is not None, (docx, table.rows[0].cells[0].text)
        from pypdf import PdfReader

        pdf = PdfReader(ours).metadata  # the same properties in perfkit's PDF
        assert (pdf.title, pdf.author, pdf.subject) == (props.title, props.author, props.subject), docx
