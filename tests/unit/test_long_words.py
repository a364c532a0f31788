"""Text no longer runs off the page (issue 26, finding 7): a 3,000-character unbroken word in a
heading, a paragraph and a table cell wraps inside the PDF's margins and never reaches the footer."""

from __future__ import annotations

import io

import nbformat
import pdfplumber

from perfkit.blocks.model import Cell, Heading, Paragraph, Table, block_data
from perfkit.blocks.typst import render
from perfkit.contract import META_MIME, TYPST_MIME
from perfkit.render.exporters import to_pdf

WORD = "".join(chr(ord("a") + i % 26) for i in range(3000))


def test_a_3000_character_word_wraps_inside_the_margins_and_above_the_footer():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("")
    blocks = [Heading(WORD, 2), Paragraph(WORD), Table("Table 1: " + WORD[:500], ("Indicator", "Value"), ((Cell(WORD), Cell("5")),))]
    cell.outputs = [nbformat.v4.new_output("display_data", data={META_MIME: {"title": "Long words", "lang": "en-GB", "committee": "FOOTER"},
                                                                  "text/plain": ""})]
    cell.outputs += [nbformat.v4.new_output("display_data", data={TYPST_MIME: render(block_data(b)), "text/plain": ""}) for b in blocks]
    nb.cells = [cell]
    with pdfplumber.open(io.BytesIO(to_pdf(nb))) as pdf:
        letters = 0
        for page in pdf.pages:
            footer_top = min(w["top"] for w in page.extract_words() if w["text"] == "FOOTER")
            body = [c for c in page.chars if c["top"] < footer_top - 2]
            assert all(c["x1"] <= page.width - 30 and c["x0"] >= 30 for c in page.chars), f"text off page {page.page_number}"
            assert all(c["bottom"] <= footer_top for c in body)
            letters += sum(1 for c in body if c["text"].isalpha() and c["text"].islower())
    assert letters >= 3 * 3000  # every letter of the three copies shown, none lost off the page
