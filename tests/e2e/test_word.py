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
from ..word_checks import (
    NEAR_BLANK,
    converted_pdf,
    numbers,
    pdf_pages,
    table_rows,
    whole_on_a_page,
)

pytestmark = pytest.mark.slow

Q4, Q4_SLUG = "2025/26 Q4", "2025-26-q4"


@pytest.fixture(scope="module")
def converted(tmp_path_factory, demo_store_master) -> list[tuple[Path, Path, Path]]:
    """(DOCX, LibreOffice's PDF of it, perfkit's PDF) for every paper of the quarter."""
    project = make_project(tmp_path_factory.mktemp("word"), demo_store_master)
    run_cli(project, "build", "--period", Q4, "--format", "pdf,docx", "--jobs", "2")
    run_cli(project, "build", "--period", Q4, "--report", "area_profile", "--area", HOME, "--format", "pdf,docx")
    papers = sorted((project / "outputs" / Q4_SLUG).glob("*/*.docx"))
    assert len(papers) == 6, papers  # four directorates, the overview, the area profile
    out = tmp_path_factory.mktemp("converted")
    # one folder each: every directorate's paper has the same file name
    return [(docx, converted_pdf(docx, out / str(i)), docx.with_suffix(".pdf")) for i, docx in enumerate(papers)]


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
