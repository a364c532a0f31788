"""A paper as Word (DOCX), for committee management systems that take Word.

The executed notebook's display blocks carry their data (:data:`perfkit.contract.BLOCK_MIME`);
this walks them into a document with the PDF's structure: the header block as a table,
numbered sections and paragraphs as real headings and paragraphs, tables with a repeated
header row (the scorecard's RAG in words, never colour alone), charts as images with their
alt text, a footer with paper, committee, date and page number, A4 portrait with the
scorecard on landscape pages. Written with python-docx; charts (SVG) become PNG with CairoSVG.
"""

from __future__ import annotations

import io
from typing import Any

import nbformat

from perfkit.blocks.layout import header_rows, numbered
from perfkit.contract import BLOCK_MIME

__all__ = ["to_docx"]

A4 = (21.0, 29.7)  # cm
FONT = "Liberation Sans"


def _blocks(nb: nbformat.NotebookNode) -> list[dict]:
    return [out["data"][BLOCK_MIME] for cell in nb.cells for out in cell.get("outputs", []) if BLOCK_MIME in out.get("data", {})]


class _Writer:
    def __init__(self, meta: dict) -> None:
        from docx import Document
        from docx.shared import Cm, Pt

        self.doc = Document()
        self.Cm, self.Pt = Cm, Pt
        style = self.doc.styles["Normal"]
        style.font.name, style.font.size = FONT, Pt(10.5)
        self.doc.core_properties.title = meta.get("title", "")
        self.doc.core_properties.language = meta.get("lang", "en-GB")
        self._page(self.doc.sections[0], landscape=False)
        self._footer(self.doc.sections[0], meta.get("footer", ""))

    # ----- pages ---------------------------------------------------------------------
    def _page(self, section: Any, landscape: bool) -> None:
        from docx.enum.section import WD_ORIENT

        short, long_ = self.Cm(A4[0]), self.Cm(A4[1])
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = (long_, short) if landscape else (short, long_)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, self.Cm(1.8))

    def _footer(self, section: Any, text: str) -> None:
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        para = section.footer.paragraphs[0]
        para.text = f"{text}    Page " if text else "Page "
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), "PAGE")
        run = OxmlElement("w:r")
        number = OxmlElement("w:t")
        number.text = "1"
        run.append(number)
        field.append(run)
        para._p.append(field)
        for r in para.runs:
            r.font.size = self.Pt(8.5)

    def page_break(self, landscape: bool) -> None:
        from docx.enum.section import WD_SECTION

        self._page(self.doc.add_section(WD_SECTION.NEW_PAGE), landscape)  # the footer follows (linked to the previous)

    @property
    def width_cm(self) -> float:
        section = self.doc.sections[-1]
        return (section.page_width - section.left_margin - section.right_margin) / 360000

    @property
    def height_cm(self) -> float:
        section = self.doc.sections[-1]
        return (section.page_height - section.top_margin - section.bottom_margin) / 360000

    # ----- text ----------------------------------------------------------------------
    def heading(self, text: str, level: int) -> None:
        self.doc.add_heading(text, level=max(1, min(level, 4)))

    def paragraph(self, text: str, number: str = "", small: bool = False) -> None:
        para = self.doc.add_paragraph()
        para.paragraph_format.keep_together = small  # a note (a table's key) is never split across pages
        if number:
            para.add_run(f"{number}\t").bold = True
            para.paragraph_format.left_indent = self.Cm(1.0)
            para.paragraph_format.first_line_indent = self.Cm(-1.0)
        run = para.add_run(text)
        if small:
            run.font.size = self.Pt(8.5)

    def caption(self, text: str, above: bool = True) -> None:
        """A caption; one above its table is kept on the page with it."""
        if text:
            para = self.doc.add_paragraph(style="Caption") if "Caption" in [s.name for s in self.doc.styles] else self.doc.add_paragraph()
            para.add_run(text).italic = True
            para.paragraph_format.keep_with_next = above

    # ----- tables --------------------------------------------------------------------
    def table(self, caption: str, header: list[str] | None, rows: list[list[str]], size: float = 8.5, keep: frozenset[int] = frozenset()) -> None:
        """A table under its caption, the header row repeated on every page. A row never breaks
        across pages unless it is taller than half a page (then Word may break it rather than
        cut it off); the rows numbered in ``keep`` stay on the page with the row after them."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        def row_property(tr: Any, name: str) -> None:
            prop = OxmlElement(name)
            prop.set(qn("w:val"), "true")
            tr.get_or_add_trPr().append(prop)

        self.caption(caption)
        columns = max([len(header or [])] + [len(r) for r in rows] or [1])
        table = self.doc.add_table(rows=0, cols=columns)
        table.style = "Table Grid"
        if header:
            cells = table.add_row().cells
            for cell, text in zip(cells, header):
                cell.text = ""
                cell.paragraphs[0].add_run(text).bold = True
            row_property(table.rows[0]._tr, "w:tblHeader")  # the header row repeats on every page
            row_property(table.rows[0]._tr, "w:cantSplit")
        for i, row in enumerate(rows):
            cells = table.add_row().cells
            if len(row) == 1 and columns > 1:  # a full-width row (a group title, an entry's notes)
                merged = cells[0].merge(cells[-1])
                merged.text = row[0]
            else:
                for cell, text in zip(cells, row):
                    cell.text = text
            tr = table.rows[-1]
            if _height_cm(row, self.width_cm / columns * (columns if len(row) == 1 else 1), size) <= self.height_cm / 2:
                row_property(tr._tr, "w:cantSplit")
            if i in keep:
                for cell in tr.cells:
                    for para in cell.paragraphs:
                        para.paragraph_format.keep_with_next = True
        for row in table.rows:
            for cell in row.cells:
                for para in cell.paragraphs:
                    for run in para.runs:
                        run.font.size = self.Pt(size)
        self.doc.add_paragraph()

    def chart(self, svg: str, alt: str, caption: str, width_cm: float) -> None:
        import cairosvg

        width = min(width_cm, self.width_cm)
        png = cairosvg.svg2png(bytestring=svg.encode("utf-8"), output_width=int(width / 2.54 * 200))  # 200 dpi
        para = self.doc.add_paragraph()
        para.paragraph_format.keep_with_next = bool(caption)  # the chart stays with its caption below
        shape = para.add_run().add_picture(io.BytesIO(png), width=self.Cm(width))
        shape._inline.docPr.set("descr", alt)  # the alt text a screen reader gives
        shape._inline.docPr.set("title", caption or alt[:80])
        self.caption(caption, above=False)


def _height_cm(row: list[str], width_cm: float, size: float) -> float:
    """A generous estimate of a table row's height in Word: its tallest cell's lines, each
    character taken as 0.55 of the type size wide and each line as 1.25 of it high."""
    per_line = max(1, int(width_cm / (0.55 * size * 2.54 / 72)))
    lines = max((sum(-(-len(line) // per_line) or 1 for line in text.split("\n")) for text in row), default=1)
    return lines * 1.25 * size * 2.54 / 72


def _text(cell: Any) -> str:
    """A cell in plain words, its badges' icons kept (a chart in a cell gives its alt text)."""
    if not isinstance(cell, dict):
        return str(cell)
    if not cell["parts"]:
        return cell["text"]
    runs = {"break": lambda p: "\n", "label": lambda p: f"{p['text']}: ", "rag": lambda p: f"{p['icon']} {p['text']}",
            "direction": lambda p: f"{p['icon']} {p['text']}".strip()}
    return "".join(runs.get(p["kind"], lambda p: p["text"])(p) for p in cell["parts"])


def _render(w: _Writer, block: dict) -> None:
    kind = block.get("type")
    if kind in ("Blocks", "Keep"):
        for item in block["items"]:
            _render(w, item)
    elif kind == "PaperHeader":
        w.paragraph(block["council"])
        w.doc.add_heading(block["title"], level=0)
        w.table("", None, [list(row) for row in header_rows(block)], size=10)
    elif kind == "Section":
        w.heading(f"{block['number']}. {block['heading']}", 1)
        for number, para in numbered(block):
            if number:
                w.paragraph(para, number)
            else:
                _render(w, para)
    elif kind == "Heading":
        w.heading(block["text"], max(1, block.get("level", 2) - 1))
    elif kind == "Paragraph":
        w.paragraph(block["text"], small=block.get("css") == "note")
    elif kind == "PageBreak":
        w.page_break(bool(block.get("landscape")))
    elif kind == "Chart":
        w.chart(block["svg"], block["alt"], block.get("caption", ""), float(block.get("width_cm", 15.0)))
    elif kind == "Table":
        w.table(block["caption"], list(block["columns"]), [[_text(c) for c in row] for row in block["rows"]])
    elif kind == "KeyValues":
        w.table(block["caption"], None, [[k, v] for k, v in block["items"]])
    elif kind == "CardTable":  # a group's title stays with its first entry, an entry's figures with its notes
        rows: list[list[str]] = []
        keep: set[int] = set()
        for title, entries in block["groups"]:
            if title:
                keep.add(len(rows))
                rows.append([title])
            for head, cells, note in entries:
                rows.append([_text(head), *(_text(c) for c in cells)])
                if _text(note):
                    keep.add(len(rows) - 1)
                    rows.append([_text(note)])
        w.table(block["caption"], list(block["columns"]), rows, size=7.5, keep=frozenset(keep))
    # Meta and anything without a visible form: nothing to write


def to_docx(nb: nbformat.NotebookNode) -> bytes:
    """The executed paper ``nb`` as a DOCX document."""
    from perfkit.render.exporters import paper_meta

    writer = _Writer(paper_meta(nb))
    for block in _blocks(nb):
        _render(writer, block)
    buffer = io.BytesIO()
    writer.doc.save(buffer)
    return buffer.getvalue()
