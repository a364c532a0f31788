"""Tables in Word as in the PDF: numbered captions kept with their tables, header rows marked
and repeated on every page (``w:tblHeader``), rows never broken across pages (``w:cantSplit``;
a row taller than a page excepted, which would otherwise be cut off), a short table kept whole
on one page, the PDF's column widths, rules and fills, and RAG badges by colour and word."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from perfkit.blocks.typst import FILL
from perfkit.render.word import ooxml
from perfkit.render.word.document import MIN_PT, Writer, picture

__all__ = ["Row", "fill_of", "table"]

#: The PDF's table colours (perfkit.blocks.typst): rules, the header row's fill, a group title's.
RULE, HEADER_FILL, GROUP_FILL = "999999", "E8EEF5", "F2F2F2"
#: How big a table is kept whole on one page, as a share of the page (bigger ones run on by rows).
WHOLE = 0.5
SPARK_CM = 0.55  # a chart in a cell (a scorecard's trend), as tall as the PDF's


@dataclass
class Row:
    """A table row: ``cells`` (block cells or plain strings; one cell in a table of more
    columns spans them all); ``fill``, its background; ``with_next``, kept on the page with the
    row after it; ``under``, the notes row of a card entry: its first column is the row
    above's row header (merged down, as the PDF's rowspan) and its one cell spans the rest."""

    cells: list = field(default_factory=list)
    fill: str = ""
    bold: bool = False
    with_next: bool = False
    under: bool = False


def fill_of(style: str) -> str:
    """A RAG badge's fill as six hex digits: the PDF's (:data:`perfkit.blocks.typst.FILL`)."""
    return re.search(r"#([0-9a-fA-F]{6})", FILL.get(style, FILL["rag-none"])).group(1).upper()


def table(w: Writer, caption: str | None, header: list[str] | None, rows: list[Row], widths: list[str] | None = None,
          size: float = MIN_PT, ruled: bool = True) -> Any:
    """A table under its numbered caption (``None``: not a numbered table, as the paper's header
    block). Returns the python-docx table."""
    size = max(size, MIN_PT)
    columns = max([len(header or [])] + [len(r.cells) for r in rows] or [1])
    cm = column_widths(widths or [], columns, w.width_cm, rows + ([Row(list(header))] if header else []), size)
    if caption is not None:
        w.tables += 1
        if caption:
            w.caption("Table", caption)
    tbl = w.doc.add_table(rows=0, cols=columns)
    tbl.alignment, tbl.autofit = WD_TABLE_ALIGNMENT.LEFT, False
    ooxml.table_borders(tbl, RULE if ruled else None)
    ooxml.table_caption(tbl, caption or "")
    heights: list[float] = []
    if header:
        cells = tbl.add_row().cells
        for cell, text in zip(cells, header):
            _fill(cell, text, size, bold=True)
            ooxml.shade_cell(cell, HEADER_FILL)
        ooxml.row_flag(tbl.rows[0], "w:tblHeader")  # repeated on every page, and read as column headings
        heights.append(row_height([Row(list(header))], cm, size))
    for i, row in enumerate(rows):
        cells = tbl.add_row().cells
        if row.under and tbl.rows[-2:-1]:
            note = cells[1].merge(cells[-1]) if columns > 2 else cells[-1]
            _fill(note, row.cells[0], size)
            tbl.rows[-2].cells[0].merge(cells[0])
        elif len(row.cells) == 1 and columns > 1:
            merged = cells[0].merge(cells[-1])
            _fill(merged, row.cells[0], size, bold=row.bold)
            if row.fill:
                ooxml.shade_cell(merged, row.fill)
        else:
            for cell, c in zip(cells, row.cells):
                _fill(cell, c, size, bold=row.bold)
                if row.fill:
                    ooxml.shade_cell(cell, row.fill)
        heights.append(row_height([row], cm, size) if not row.under else row_height([row], [sum(cm[1:]) or cm[0]], size))
    for r, row in enumerate(tbl.rows):
        for cell, width in zip(row.cells, cm):
            cell.width = Cm(width)
    for col, width in zip(tbl.columns, cm):
        col.width = Cm(width)
    page = w.height_cm - (heights[0] if header else 0)
    offset = 1 if header else 0
    for r, row in enumerate(tbl.rows):
        data = rows[r - offset] if r >= offset else None
        if heights[r] <= page:
            ooxml.row_flag(row, "w:cantSplit")  # on one page; a row taller than a page may break rather than be cut off
        nxt = rows[r - offset + 1] if r - offset + 1 < len(rows) else None
        if (data and data.with_next) or (nxt is not None and nxt.under) or (r < offset and rows):
            _keep_row(row)  # a header with the first row; an entry's figures with its notes; a group's title with its first entry
    if sum(heights) <= w.height_cm * WHOLE:
        for row in tbl.rows[:-1]:
            _keep_row(row)  # a short table is kept whole on one page
    w.heights[tbl._tbl] = sum(heights)
    w.spacer()
    return tbl


def _keep_row(row: Any) -> None:
    for cell in row.cells:
        for para in cell.paragraphs:
            para.paragraph_format.keep_with_next = True


def _fill(cell: Any, c: Any, size: float, bold: bool = False) -> None:
    """A cell's content: a block cell's runs (labels bold, line breaks, a RAG badge's icon and
    word on its PDF fill, a chart with its alt text) or a plain string, in ``size`` points."""
    para = cell.paragraphs[0]
    fmt = para.paragraph_format
    fmt.space_before, fmt.space_after = Pt(1), Pt(1)
    parts = _parts(c)
    if isinstance(c, dict) and c.get("align") == "right":
        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    rags = {p["style"] for p in parts if p["kind"] == "rag"}
    for p in parts:
        kind = p["kind"]
        if kind == "break":
            para.add_run().add_break()
            continue
        if kind == "image":
            picture(para.add_run(), p["svg"], p["text"], p["text"][:80], height_cm=SPARK_CM)
            continue
        text = {"label": f"{p['text']}: ", "rag": f"{p.get('icon', '')} {p['text']}".strip(),
                "direction": f"{p.get('icon', '')} {p['text']}".strip()}.get(kind, p["text"])
        lines = text.split("\n")
        for n, line in enumerate(lines):
            run = para.add_run(line)
            run.font.size = Pt(size)
            run.font.bold = True if (bold or kind == "label") else None
            if kind == "rag" and len(rags) > 1:
                ooxml.shade_run(run, fill_of(p["style"]))
            if n < len(lines) - 1:
                run.add_break()
    if len(rags) == 1:
        ooxml.shade_cell(cell, fill_of(rags.pop()))  # RAG by colour as the PDF's badge, and by word
    if not parts:
        para.add_run("").font.size = Pt(size)


def _parts(c: Any) -> list[dict]:
    if not isinstance(c, dict):
        return [{"kind": "text", "text": str(c)}]
    return list(c["parts"]) or [{"kind": "text", "text": c["text"]}]


def column_widths(widths: list[str], columns: int, total: float, rows: list[Row], size: float) -> list[float]:
    """Column widths in cm from the PDF's (``4.1cm``, ``1fr``, ``auto``), fitted to ``total``;
    without any, a two-column label table gets its labels' width and the rest."""
    if not widths:
        if columns == 2:
            longest = max((len(_plain(r.cells[0])) for r in rows if len(r.cells) == 2), default=10)
            label = min(total * 0.45, longest * _char_cm(size) * 1.1 + 0.5)
            return [label, total - label]
        return _natural(columns, total, rows, size)
    widths = (list(widths) + ["1fr"] * columns)[:columns]
    fixed = [float(v[:-2]) if v.endswith("cm") else 0.0 for v in widths]
    shares = [0.0 if v.endswith("cm") else float(v[:-2] or 1) if v.endswith("fr") else 1.0 for v in widths]
    spare = total - sum(fixed)
    if spare < 1.0 * sum(shares) or not sum(shares):
        scale = total / (sum(fixed) + 1.5 * sum(shares))
        return [f * scale if f else 1.5 * s * scale for f, s in zip(fixed, shares)]
    return [f if f else spare * s / sum(shares) for f, s in zip(fixed, shares)]


def _natural(columns: int, total: float, rows: list[Row], size: float) -> list[float]:
    """Widths for columns the PDF sizes to their content (``auto``): each at least its longest
    word, the room left shared by how much more each would take on one line."""
    cells = [r.cells for r in rows if len(r.cells) == columns]
    least = [max((max(map(len, _plain(c[i]).split()), default=1) for c in cells), default=4) * _char_cm(size) + 0.45 for i in range(columns)]
    want = [max((len(line) for c in cells for line in _plain(c[i]).split("\n")), default=4) * _char_cm(size) + 0.45 for i in range(columns)]
    if sum(least) >= total:
        return [v * total / sum(least) for v in least]
    if sum(want) <= total:
        return [v * total / sum(want) for v in want]
    extra = [w - m for w, m in zip(want, least)]
    return [m + (total - sum(least)) * e / sum(extra) for m, e in zip(least, extra)]


def _char_cm(size: float) -> float:
    return 0.55 * size * 2.54 / 72


def _plain(c: Any) -> str:
    return "".join("\n" if p["kind"] == "break" else p["text"] + (": " if p["kind"] == "label" else "") for p in _parts(c))


def row_height(rows: list[Row], widths: list[float], size: float) -> float:
    """A generous estimate of a row's height in cm: its tallest cell's lines, each character
    taken as 0.55 of the type size wide and each line as 1.25 of it high (a chart as tall as it is)."""
    tallest = 0.0
    for row in rows:
        spans = [sum(widths)] if len(row.cells) == 1 else widths
        for c, width in zip(row.cells, spans):
            per_line = max(1, int((width - 0.4) / _char_cm(size)))
            lines = sum(-(-len(line) // per_line) or 1 for line in _plain(c).split("\n"))
            sparks = sum(p["kind"] == "image" for p in _parts(c))
            tallest = max(tallest, lines * 1.25 * size * 2.54 / 72 + sparks * SPARK_CM)
    return tallest + 0.15

