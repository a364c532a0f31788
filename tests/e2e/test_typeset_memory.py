"""A build worker typesets paper after paper in one process: what typst keeps of each paper
must not add up (README "Measured": the cold build's peak RSS, target under 2 GB).

typst (the Python package) keeps each compile's work in a process-wide cache for the next 10
compiles; papers share almost nothing, so without :func:`perfkit.render.exporters.to_pdf`
forgetting it, a worker grew by tens of MB a paper (about 650 MB after 10 of the demo's)."""

from __future__ import annotations

import nbformat
import psutil
import pytest

from perfkit.blocks.model import BREAK, CardTable, Cell, PageBreak, Part, block_data
from perfkit.blocks.typst import render
from perfkit.contract import META_MIME, TYPST_MIME
from perfkit.render.exporters import to_pdf

pytestmark = pytest.mark.slow  # a memory bound over a dozen typst compiles

COLUMNS = ("Indicator", "Value", "Target", "RAG (period)", "Outturn", "Direction of travel", "Trend", "Comparators")
WIDTHS = ("4.1cm", "2.6cm", "1.7cm", "2.2cm", "3.1cm", "3.6cm", "2.4cm", "1fr")


def paper(n: int) -> nbformat.NotebookNode:
    """A scorecard of 30 rows whose every word is this paper's own (as the council's papers are)."""
    def entry(i: int) -> tuple:
        name = f"Indicator {n}-{i} [IND_{n}_{i}]"
        figures = tuple(Cell(f"{n * 1000 + i}.{j} of {c}", align="right") for j, c in enumerate(COLUMNS[1:]))
        words = " ".join(f"paper{n}word{i}x{k}" for k in range(60))
        return Cell(name, parts=(Part(name), BREAK, Part("2025/26 Q4"))), figures, Cell(words)

    table = CardTable(f"Appendix {n}: scorecard", COLUMNS, ((f"Group {n}", tuple(entry(i) for i in range(30))),), WIDTHS)
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [nbformat.v4.new_output("display_data", data={META_MIME: {"title": f"Paper {n}", "lang": "en-GB"}, "text/plain": ""})]
    cell.outputs += [nbformat.v4.new_output("display_data", data={TYPST_MIME: render(block_data(b)), "text/plain": ""})
                     for b in (PageBreak(landscape=True), table)]
    nb.cells = [cell]
    return nb


def test_typesetting_paper_after_paper_does_not_grow_the_process():
    me = psutil.Process()
    rss = []
    for n in range(12):
        assert to_pdf(paper(n)).startswith(b"%PDF")
        rss.append(me.memory_info().rss / 2**20)
    grown = rss[-1] - rss[2]  # after the first papers (fonts loaded, the allocator's arenas made)
    assert grown < 40, f"typesetting 9 more papers grew the process by {grown:.0f} MB: {[round(r) for r in rss]}"
