"""The scorecard's layout in the PDF, read from PDFs typst makes of a card table: entries flow
across pages, each kept whole unless it is taller than a page; one that is taller breaks, loses
no word, and is named "continued" on the page it runs on to; a group's title and a table's
caption never end a page; the column headings repeat on every page.

Each paper is made through the real PDF exporter (its A4 template) from blocks, with
``pdftotext`` reading where each line landed."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from perfkit.blocks.model import (
    BREAK,
    CardTable,
    Cell,
    PageBreak,
    Paragraph,
    Part,
    block_data,
)
from perfkit.blocks.typst import render
from perfkit.contract import META_MIME, TYPST_MIME
from perfkit.render.exporters import to_pdf

from ..helpers import pdf_lines

COLUMNS = ("Indicator", "Value", "Target", "RAG (period)", "Outturn", "Direction of travel", "Trend", "Comparators")
WIDTHS = ("4.1cm", "2.6cm", "1.7cm", "2.2cm", "3.1cm", "3.6cm", "2.4cm", "1fr")
FOOTER = re.compile(r"Page \d+ of \d+")
#: about 5,000 characters: commentary at its length limit (perfkit.ingest.parse.CELL_LIMITS)
LONG = " ".join(["the service reviewed every late case and found recording delays as well as real slippage"] * 56)


def entry(i: int, note: str = "") -> tuple[Cell, tuple[Cell, ...], Cell]:
    name = f"Indicator number {i} [IND_{i}]"
    head = Cell(f"{name}; 2025/26 Q4", parts=(Part(name), BREAK, Part("2025/26 Q4")))
    figures = tuple(Cell(f"{c} of {i}", align="right") for c in COLUMNS[1:])
    words = f"NOTE{i}START " + (note or "Met the target; performance has been steady over recent periods.") + f" NOTE{i}END"
    return head, figures, Cell(words)


def card(groups: tuple[tuple[str, tuple], ...]) -> CardTable:
    return CardTable("Appendix 1: Housing performance scorecard, 2025/26 Q4", COLUMNS, groups, WIDTHS)


def pdf(tmp_path: Path, *blocks) -> list[list[str]]:
    """The blocks as a landscape PDF through the paper's exporter: each page's lines, top to
    bottom, the footer left out."""
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [nbformat.v4.new_output("display_data", data={META_MIME: {"title": "Scorecard", "lang": "en-GB", "paper": "Paper E"}, "text/plain": ""})]
    cell.outputs += [nbformat.v4.new_output("display_data", data={TYPST_MIME: render(block_data(b)), "text/plain": ""})
                     for b in (PageBreak(landscape=True), *blocks)]
    nb.cells = [cell]
    path = tmp_path / "card.pdf"
    path.write_bytes(to_pdf(nb))
    pages = []
    for page in pdf_lines(path):
        footer = min(top for top, _, text in page if FOOTER.search(text))
        pages.append([text for top, _, text in page if top < footer - 1])
    return pages


def headed(page: list[str]) -> bool:
    """The page starts with the column headings (one line in the PDF's reading order, or one a column)."""
    return "Direction of travel" in page[:len(COLUMNS)]


def page_of(pages: list[list[str]], word: str) -> int:
    found = [n for n, page in enumerate(pages) if any(word in line for line in page)]
    assert found, f"{word} is on no page: cut off"
    return found[0]


def test_an_entry_taller_than_a_page_breaks_loses_no_word_and_is_named_continued(tmp_path):
    groups = (("National indicators", (entry(0), entry(1, f"{LONG} {LONG}"), entry(2))), ("Local indicators", (entry(3),)))
    pages = pdf(tmp_path, card(groups))
    start, end = page_of(pages, "NOTE1START"), page_of(pages, "NOTE1END")
    assert end > start, "the long entry is on one page, so it was cut off"
    assert page_of(pages, "IND_1]") == start == page_of(pages, "NOTE0END"), "the long entry starts under the one before it, not on a page of its own"
    for n in range(start + 1, end + 1):
        assert any("Indicator number 1 [IND_1] (continued)" in line for line in pages[n]), f"page {n + 1} does not say what it continues"
        assert headed(pages[n]), f"page {n + 1} does not repeat the column headings"
    assert not any("(continued)" in line for page in pages[:start + 1] + pages[end + 1:] for line in page)
    for i in (0, 2, 3):
        assert page_of(pages, f"IND_{i}]") == page_of(pages, f"NOTE{i}START") == page_of(pages, f"NOTE{i}END"), f"entry {i} split"


@pytest.mark.parametrize("lines", range(14, 30, 2))
def test_entries_stay_whole_and_no_caption_or_group_title_ends_a_page(tmp_path, lines):
    """The table starts lower down the first page each time, so that its caption, its group
    titles and its entries each come to the foot of a page in one run or another."""
    groups = (("National indicators", tuple(entry(i) for i in range(4))), ("Local indicators", tuple(entry(i) for i in range(4, 9))))
    pages = pdf(tmp_path, *(Paragraph(f"Line {n} of the text before the scorecard.") for n in range(lines)), card(groups))
    for n, page in enumerate(pages):
        assert page, f"page {n + 1} is blank"
        assert page[-1] not in ("National indicators", "Local indicators") and not page[-1].startswith("Table 1:"), f"page {n + 1} ends with {page[-1]!r}"
        if n:
            assert headed(page), f"page {n + 1} does not repeat the column headings"
    for i in range(9):
        assert page_of(pages, f"IND_{i}]") == page_of(pages, f"NOTE{i}START") == page_of(pages, f"NOTE{i}END"), f"entry {i} split"


def test_the_key_is_never_split_across_pages(tmp_path):
    key = Paragraph("KEYSTART " + " ".join(["RAG: Green, target met; Amber, missed by no more than the tolerance."] * 12) + " KEYEND", "note")
    for lines in (20, 22, 24, 26):
        pages = pdf(tmp_path, *(Paragraph(f"Line {n} of the text before the key.") for n in range(lines)), key)
        assert page_of(pages, "KEYSTART") == page_of(pages, "KEYEND"), f"the key is split after {lines} lines"
