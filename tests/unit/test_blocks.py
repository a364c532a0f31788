"""Display blocks walked by each renderer on their own: HTML, typst and Word read the same
block data, escape people's text, and keep the header's and sections' order."""

from __future__ import annotations

import io

import nbformat
import pytest

from perfkit.blocks import html as block_html
from perfkit.blocks import typst as block_typst
from perfkit.blocks.layout import header_rows, numbered
from perfkit.blocks.model import Blocks, Cell, Meta, PaperHeader, Paragraph, Section, Table, block_data, rag_badge
from perfkit.contract import BLOCK_MIME, META_MIME, rag_phrase

HOSTILE = 'Cost #1 is $5 *now* @ref <script>alert("x")</script>'


def paper() -> Blocks:
    header = PaperHeader("Kestrel Vale", "Scrutiny", "1 June 2026", "Housing performance", "Director of Housing", "Paper E", "Public")
    section = Section(2, "Recommendations", ("That the report be noted.", HOSTILE))
    table = Table("Table 1: RAG", ("Indicator", "RAG"), ((Cell("Re-let days"), rag_badge("amber")),))
    return Blocks((Meta({"title": "Housing performance", "lang": "en-GB", "paper": "Paper E"}), header, section, table, Paragraph("Note.")))


def test_every_format_lays_out_the_header_and_paragraphs_in_one_order():
    data = block_data(paper())
    header, section = data["items"][1], data["items"][2]
    assert [label for label, _ in header_rows(header)][:5] == ["Committee", "Date of meeting", "Report of", "Paper", "Status"]
    assert numbered(section) == [("2.1", "That the report be noted."), ("2.2", HOSTILE)]


def test_html_escapes_peoples_text_and_says_rag_in_words():
    html = block_html.render(block_data(paper()))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "Amber" in html and "2.2" in html
    assert html.index("Date of meeting") < html.index("Report of") < html.index("Recommendations")


def test_typst_shows_peoples_text_as_strings_never_markup():
    typst = block_typst.render(block_data(paper()))
    assert '#"Cost #1 is $5 *now* @ref <script>alert(\\"x\\")</script>"' in typst
    assert "Amber" in typst and typst.index("Date of meeting") < typst.index("Recommendations")


def test_word_walks_the_same_blocks_with_a_title_and_real_headings():
    docx = pytest.importorskip("docx")
    from perfkit.render.docx import to_docx

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("paper")
    data = block_data(paper())
    cell.outputs = [nbformat.v4.new_output("display_data", data={BLOCK_MIME: item, META_MIME: item.get("data", {})} if item["type"] == "Meta"
                                           else {BLOCK_MIME: item}) for item in data["items"]]
    nb.cells = [cell]
    document = docx.Document(io.BytesIO(to_docx(nb)))
    assert document.core_properties.title == "Housing performance"
    text = "\n".join(p.text for p in document.paragraphs)
    assert HOSTILE in text and "That the report be noted." in text
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert any("Recommendations" in h for h in headings)
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "Paper E" in cells and any("Amber" in c for c in cells)


def test_captions_and_the_key_read_the_one_list_of_rag_words():
    assert rag_phrase("green") == "Green, target met"
    assert block_data(rag_badge("green"))["parts"][0]["text"] == "Green"
