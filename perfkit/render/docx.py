"""A paper as Word (DOCX), for committee management systems that take Word, as good as the PDF.

The executed notebook's display blocks carry their data (:data:`perfkit.contract.BLOCK_MIME`);
this walks them into a document with the PDF's structure and look (the writer's parts are in
:mod:`perfkit.render.word`): the header block, numbered sections and paragraphs as real
headings (kept with what follows) and paragraphs; tables and figures numbered as the PDF
numbers them, header rows marked and repeated, rows never split across pages, RAG by the PDF's
colour and by word; charts as images with their alt text; the footer "Paper E – committee –
date   Page N of M"; A4 portrait with the scorecard on landscape pages; nothing under 9 pt;
title, author, subject and language in the document's properties (the PDF's, from
:func:`perfkit.render.exporters.paper_properties`). Written with python-docx; charts (SVG)
become PNG with CairoSVG. A block type is one line of :func:`_render`.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import nbformat

from perfkit.blocks.layout import header_rows, numbered
from perfkit.contract import BLOCK_MIME
from perfkit.render.docx_prose import PROSE, render_prose
from perfkit.render.word.document import Writer
from perfkit.render.word.tables import GROUP_FILL, Row, table

__all__ = ["to_docx"]

_Writer = Writer  # the name block writers elsewhere know it by


def _blocks(nb: nbformat.NotebookNode) -> list[dict]:
    return [out["data"][BLOCK_MIME] for cell in nb.cells for out in cell.get("outputs", []) if BLOCK_MIME in out.get("data", {})]


def _size(block: dict) -> float:
    """A block's type size in points ("9pt"), never under the writer's smallest."""
    try:
        return float(str(block.get("font_size", "9pt")).removesuffix("pt"))
    except ValueError:
        return 9.0


def _header(w: Writer, block: dict) -> None:
    w.paragraph(block["council"])
    w.title(block["title"])
    table(w, None, None, [Row([f"{k}", v]) for k, v in header_rows(block)], size=10, ruled=False)
    for row in w.doc.tables[-1].rows:
        for run in row.cells[0].paragraphs[0].runs:
            run.font.bold = True


def _section(w: Writer, block: dict) -> None:
    w.heading(f"{block['number']}. {block['heading']}", 1)
    for number, para in numbered(block):
        if number:
            w.paragraph(para, number)
        else:
            _render(w, para)


def _card_table(w: Writer, block: dict) -> None:
    """Each entry is its figures' row and its notes' row under them, its row header spanning
    both (as the PDF's), kept together on a page; a group's title is kept with its first entry."""
    rows: list[Row] = []
    for title, entries in block["groups"]:
        if title:
            rows.append(Row([title], fill=GROUP_FILL, bold=True, with_next=True))
        for head, cells, note in entries:
            rows.append(Row([head, *cells]))
            rows.append(Row([note], under=True))
    table(w, block["caption"], list(block["columns"]), rows, list(block.get("widths", [])), _size(block))


def _keep(w: Writer, block: dict) -> None:
    """Blocks kept on one page (an exception's facts and its chart), unless together they are
    taller than a page: every paragraph of them but the last kept with the next."""
    body = w.doc.element.body
    start = len(body)
    for item in block["items"]:
        _render(w, item)
    added = list(body)[start - 1:-1]  # the sectPr stays last
    w.keep_together(added)


def _render(w: Writer, block: dict | str) -> None:
    if isinstance(block, str):
        w.paragraph(block)
        return
    kind = block.get("type")
    if kind == "Blocks":
        for item in block["items"]:
            _render(w, item)
    elif kind == "Keep":
        _keep(w, block)
    elif kind == "PaperHeader":
        _header(w, block)
    elif kind == "Section":
        _section(w, block)
    elif kind == "Heading":
        w.heading(block["text"], max(1, block.get("level", 2) - 1))
    elif kind == "Paragraph":
        w.paragraph(block["text"], small=block.get("css") == "note")
    elif kind == "PageBreak":
        w.page_break(bool(block.get("landscape")))
    elif kind == "Chart":
        w.chart(block["svg"], block["alt"], block.get("caption", ""), float(block.get("width_cm", 15.0)))
    elif kind == "Table":
        table(w, block["caption"], list(block["columns"]), [Row(list(r)) for r in block["rows"]], list(block.get("widths", [])), _size(block))
    elif kind == "KeyValues":
        table(w, block["caption"], None, [Row([k, v]) for k, v in block["items"]], ruled=False)
    elif kind == "CardTable":
        _card_table(w, block)
    elif kind in PROSE:  # an analyst's prose (perfkit.analysis)
        render_prose(w, block)
    # Meta and anything without a visible form: nothing to write


def to_docx(nb: nbformat.NotebookNode) -> bytes:
    """The executed paper ``nb`` as a DOCX document."""
    from perfkit.render.exporters import paper_meta, paper_properties

    meta = paper_meta(nb)
    writer = Writer(meta, paper_properties(meta), _paper_time(meta))
    for block in _blocks(nb):
        _render(writer, block)
    writer.finish()
    buffer = io.BytesIO()
    writer.doc.save(buffer)
    return _stamped(buffer.getvalue(), _paper_time(meta))


def _paper_time(meta: dict) -> dt.datetime:
    """The paper's date (its metadata's, ISO) at midnight; 1 January 1980 (the first time a zip
    file can hold) for a paper without one."""
    try:
        return dt.datetime.combine(dt.date.fromisoformat(str(meta.get("date"))), dt.time())
    except ValueError:
        return dt.datetime(1980, 1, 1)


def _stamped(docx: bytes, when: dt.datetime) -> bytes:
    """``docx`` with every zip entry dated ``when`` (zipfile dates entries with the time they were
    written): the same paper makes the same file, byte for byte."""
    source = zipfile.ZipFile(io.BytesIO(docx))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for entry in source.infolist():
            fixed = zipfile.ZipInfo(entry.filename, date_time=when.timetuple()[:6])
            fixed.compress_type, fixed.external_attr = entry.compress_type, entry.external_attr
            target.writestr(fixed, source.read(entry))
    return buffer.getvalue()
