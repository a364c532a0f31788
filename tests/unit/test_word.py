"""The Word writer on its own (python-docx reads back what it wrote): the document's properties
as the PDF's, nothing under 9 pt, header rows marked, rows that do not split, numbered captions,
RAG by the PDF's colour and by word, alt text, and "Page N of M" in every footer. LibreOffice's
view of the demo's papers is tests/e2e/test_word.py."""

from __future__ import annotations

import io

import nbformat
import pytest
from docx.oxml.ns import qn

from perfkit.blocks.model import (
    BREAK,
    CardTable,
    Cell,
    Chart,
    Heading,
    KeyValues,
    Meta,
    PageBreak,
    PaperHeader,
    Part,
    Section,
    Table,
    rag_badge,
)
from perfkit.render.docx import to_docx
from perfkit.render.exporters import paper_properties, to_pdf

docx = pytest.importorskip("docx")

SVG = "<svg xmlns='http://www.w3.org/2000/svg' width='300' height='150'><rect width='300' height='150' fill='#cce'/></svg>"
META = {"title": "Housing performance report", "lang": "en-GB", "council": "Kestrel Vale Borough Council", "paper": "Paper E",
        "committee": "Housing Scrutiny", "meeting": "18 June 2026", "date": "2026-06-18", "status": "Public"}


def notebook(*blocks) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("paper")
    cell.outputs = [nbformat.v4.new_output("display_data", data=b._repr_mimebundle_()) for b in (Meta(META), *blocks)]
    nb.cells = [cell]
    return nb


def paper() -> nbformat.NotebookNode:
    header = PaperHeader("Kestrel Vale Borough Council", "Housing Scrutiny", "18 June 2026", "Housing performance report",
                         "Director of Housing", "Paper E", "Public")
    rows = tuple((Cell(f"Indicator {i}"), Cell(f"{i}.0%", align="right"), rag_badge("red" if i % 2 else "green")) for i in range(40))
    table = Table("Indicators by RAG status", ("Indicator", "Value", "RAG"), rows, font_size="7pt")
    head = Cell("Rent collected [HSG_RENT]", parts=(Part("Rent collected"), BREAK, Part("[HSG_RENT]")))
    card = CardTable("Appendix 1: scorecard", ("Indicator", "Value", "RAG"),
                     (("National indicators", ((head, (Cell("97.6%"), rag_badge("amber")), Cell("Commentary: on track.")),)),),
                     ("4cm", "2cm", "1fr"), font_size="7.5pt")
    contact = KeyValues("Contact point for this report", (("Contact", "Priya Natarajan"), ("Email", "performance@example.gov.uk")))
    return notebook(header, Section(1, "Summary and purpose", ("The report sets out performance.",)), table,
                    Heading("Contact point", 2), contact, PageBreak(landscape=True), card, PageBreak(landscape=False),
                    Chart(SVG, "A line chart: rent collected rose from 97.5% to 97.6%.", "Rent collected: trend"))


@pytest.fixture(scope="module")
def document():
    return docx.Document(io.BytesIO(to_docx(paper())))


def test_the_document_says_its_title_author_subject_and_language(document):
    props = document.core_properties
    assert props.title == "Housing performance report" and props.author == "Kestrel Vale Borough Council"
    assert props.subject == "Paper E – Housing Scrutiny – 18 June 2026" and "Housing Scrutiny" in props.keywords
    assert props.language == "en-GB"
    lang = document.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    assert lang.get(qn("w:val")) == "en-GB"  # what a screen reader reads every run as


def test_the_pdf_carries_the_same_properties():
    from pypdf import PdfReader

    pdf = PdfReader(io.BytesIO(to_pdf(notebook(Section(1, "Summary", ("Text.",))))))
    expected = paper_properties({**META, "footer": "Paper E – Housing Scrutiny – 18 June 2026"})
    assert pdf.metadata.title == expected["title"] and pdf.metadata.author == expected["author"]
    assert pdf.metadata.subject == expected["subject"] == "Paper E – Housing Scrutiny – 18 June 2026"


def test_nothing_is_set_under_9pt(document):
    sizes = [r.font.size.pt for p in document.paragraphs for r in p.runs if r.font.size]
    sizes += [r.font.size.pt for t in document.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs if r.font.size]
    sizes += [document.styles[s].font.size.pt for s in ("Normal", "Caption", "Footer", "Title", "Heading 1", "Heading 2") if document.styles[s].font.size]
    assert sizes and min(sizes) >= 9.0, sorted(set(sizes))


def test_header_rows_are_marked_and_rows_do_not_split(document):
    data = [t for t in document.tables if t.rows[0].cells[0].text == "Indicator"]
    assert len(data) == 2
    for table in data:
        first = table.rows[0]._tr.trPr
        assert first.find(qn("w:tblHeader")) is not None  # repeated on every page, read as headings
        assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows)


def test_tables_and_figures_are_numbered_as_the_pdf_numbers_them(document):
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert captions == ["Table 1: Indicators by RAG status", "Table 2: Contact point for this report", "Table 3: Appendix 1: scorecard",
                        "Figure 1: Rent collected: trend"]
    heading = next(p for p in document.paragraphs if p.text == "Contact point")
    assert heading.style.name == "Heading 1" and heading.style.paragraph_format.keep_with_next
    assert all(p.paragraph_format.keep_with_next for p in document.paragraphs if p.text.startswith("Table "))


def test_rag_is_shown_by_the_pdfs_colour_and_by_word(document):
    from perfkit.render.word.tables import fill_of

    table = document.tables[1]
    rag = table.rows[1].cells[2]
    assert "Green" in rag.text
    assert rag._tc.tcPr.find(qn("w:shd")).get(qn("w:fill")) == fill_of("rag-green") == "CFE8D5"


def test_a_short_table_is_kept_whole_and_charts_carry_alt_text(document):
    contact = next(t for t in document.tables if t.rows[0].cells[0].text == "Contact")
    assert all(p.paragraph_format.keep_with_next for p in contact.rows[0].cells[0].paragraphs)
    shapes = document.inline_shapes
    assert shapes and all(s._inline.docPr.get("descr") for s in shapes)
    assert "rose from 97.5% to 97.6%" in shapes[-1]._inline.docPr.get("descr")


def test_every_footer_says_page_n_of_m_in_the_footers_size(document):
    assert [s.orientation for s in document.sections] == [0, 1, 0]
    for section in document.sections:
        para = section.footer.paragraphs[0]
        instructions = [t.text.strip() for t in para._p.iter(qn("w:instrText"))]
        assert instructions == ["PAGE", "NUMPAGES"] and "Paper E – Housing Scrutiny" in para.text
        assert {r.font.size.pt for r in para.runs if r.font.size} == {9.0}
        width = (section.page_width - section.left_margin - section.right_margin)
        assert para.paragraph_format.tab_stops[0].position == width  # "Page N of M" at the right margin
