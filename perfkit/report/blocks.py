"""Report building blocks: display objects with an HTML and a typst representation.

Each block is immutable and shows itself in JupyterLab (``text/html``); the same output
also carries ``text/x-typst``, which perfkit's PDF exporter uses. People's text is always
escaped (:mod:`perfkit.report.escape`). RAG and direction are never shown by colour alone:
every badge has an icon and a word.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

from perfkit.contract import BLOCK_MIME, META_MIME, PROVENANCE_MIME, TYPST_MIME
from perfkit.report.escape import html_text as h
from perfkit.report.escape import typst_string as ts
from perfkit.report.escape import typst_text as tt

__all__ = [
    "TYPST_MIME",
    "META_MIME",
    "PROVENANCE_MIME",
    "Block",
    "Blocks",
    "Chart",
    "Keep",
    "Meta",
    "PageBreak",
    "PaperHeader",
    "Section",
    "Table",
    "CardTable",
    "rag_badge",
    "direction_badge",
]


RAG = {
    "green": ("✓", "Green", "rag-green"),
    "amber": ("▲", "Amber", "rag-amber"),
    "red": ("✕", "Red", "rag-red"),
    "no target": ("–", "No target", "rag-none"),
    "withheld": ("◌", "Withheld", "rag-none"),
    "no data": ("?", "No data", "rag-none"),
}
RAG_TYPST_FILL = {"rag-green": "rgb(\"#cfe8d5\")", "rag-amber": "rgb(\"#ffe1a8\")", "rag-red": "rgb(\"#f6c4c4\")", "rag-none": "rgb(\"#e8e8e8\")"}


class Block:
    """Base class: subclasses give ``html()`` and ``typst()``."""

    def html(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def typst(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return {"text/html": self.html(), TYPST_MIME: self.typst(), BLOCK_MIME: block_data(self), "text/plain": type(self).__name__}


def block_data(obj: Any) -> Any:
    """A block as JSON data: ``{"type": "Section", "number": 2, ...}``, nested blocks and cells
    alike (a cell's own HTML and typst markup left out: a renderer of data uses its text)."""
    from dataclasses import fields, is_dataclass

    if is_dataclass(obj) and not isinstance(obj, type):
        return {"type": type(obj).__name__, **{f.name: block_data(getattr(obj, f.name)) for f in fields(obj) if f.name not in ("html_", "typst_")}}
    if isinstance(obj, (tuple, list)):
        return [block_data(item) for item in obj]
    if isinstance(obj, dict):
        return {str(k): block_data(v) for k, v in obj.items()}
    return obj


@dataclass(frozen=True)
class Blocks(Block):
    """Several blocks shown as one output."""

    items: tuple[Block, ...]

    def html(self) -> str:
        return "\n".join(b.html() for b in self.items)

    def typst(self) -> str:
        return "\n".join(b.typst() for b in self.items)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        bundle: dict[str, Any] = super()._repr_mimebundle_(include, exclude)
        for item in self.items:
            if isinstance(item, Meta):
                bundle[item.mimetype] = item.data
        return bundle


@dataclass(frozen=True)
class Keep(Block):
    """Blocks kept together on one page in the PDF (an exception's facts and its chart)."""

    items: tuple[Block, ...]

    def html(self) -> str:
        return "<div class='keep'>" + "\n".join(b.html() for b in self.items) + "</div>"

    def typst(self) -> str:
        return "#block(breakable: false, width: 100%)[\n" + "\n".join(b.typst() for b in self.items) + "\n]\n"


@dataclass(frozen=True)
class Meta(Block):
    """Invisible: the paper's title, language and footer fields (or provenance), for the build."""

    data: dict
    mimetype: str = META_MIME

    def html(self) -> str:
        return ""

    def typst(self) -> str:
        return ""

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return {self.mimetype: self.data, "text/plain": ""}


@dataclass(frozen=True)
class PaperHeader(Block):
    """The committee paper's header block."""

    council: str
    committee: str
    meeting: str
    title: str
    report_of: str
    paper: str
    status: str
    wards: str = "All wards"
    key_decision: str = "No"

    def _rows(self) -> list[tuple[str, str]]:
        return [
            ("Committee", self.committee),
            ("Date of meeting", self.meeting),
            ("Report of", self.report_of),
            ("Paper", self.paper),
            ("Status", self.status),
            ("Wards affected", self.wards),
            ("Key decision", self.key_decision),
        ]

    def html(self) -> str:
        cells = "".join(f"<tr><th scope='row'>{h(k)}</th><td>{h(v)}</td></tr>" for k, v in self._rows())
        return (
            f"<header class='paper-header'><p class='council'>{h(self.council)}</p>"
            f"<h1>{h(self.title)}</h1>"
            f"<table class='header-table'><caption class='visually-hidden'>About this paper</caption>{cells}</table></header>"
        )

    def typst(self) -> str:
        cells = ", ".join(f"[*{k}*], [{tt(v)}]" for k, v in self._rows())
        return (
            f"#text(size: 10pt, fill: rgb(\"#444444\"))[{tt(self.council)}]\n"
            f"#title[{tt(self.title)}]\n"
            f"#table(columns: (auto, 1fr), column-gutter: 1em, stroke: none, inset: (x: 0pt, y: 3pt), {cells})\n"
        )


@dataclass(frozen=True)
class Section(Block):
    """A numbered section; each paragraph is numbered n.1, n.2 ... (strings are escaped)."""

    number: int
    heading: str
    paragraphs: tuple[str | Block, ...] = ()
    anchor: str = ""

    def _id(self) -> str:
        return self.anchor or f"section-{self.number}"

    def html(self) -> str:
        parts = [f"<section aria-labelledby='{h(self._id())}'><h2 id='{h(self._id())}'>{self.number}. {h(self.heading)}</h2>"]
        n = 0
        for para in self.paragraphs:
            if isinstance(para, Block):
                parts.append(para.html())
            else:
                n += 1
                parts.append(f"<p class='para'><span class='para-no'>{self.number}.{n}</span> {h(para)}</p>")
        return "".join(parts) + "</section>"

    def typst(self) -> str:
        parts = [f"#heading(level: 1)[{tt(self.heading)}]"]
        n = 0
        for para in self.paragraphs:
            if isinstance(para, Block):
                parts.append(para.typst())
            else:
                n += 1
                parts.append(f"#par[#box(width: 2.2em)[{self.number}.{n}]{tt(para)}]")
        return "\n".join(parts) + "\n"


@dataclass(frozen=True)
class Heading(Block):
    """An unnumbered heading (appendix titles and the like)."""

    text: str
    level: int = 2
    anchor: str = ""

    def html(self) -> str:
        tag = f"h{self.level}"
        ident = f" id='{h(self.anchor)}'" if self.anchor else ""
        return f"<{tag}{ident}>{h(self.text)}</{tag}>"

    def typst(self) -> str:
        return f"#heading(level: {max(1, self.level - 1)}, numbering: none)[{tt(self.text)}]"


@dataclass(frozen=True)
class Paragraph(Block):
    """An unnumbered paragraph of plain text."""

    text: str
    css: str = ""

    def html(self) -> str:
        cls = f" class='{h(self.css)}'" if self.css else ""
        return f"<p{cls}>{h(self.text)}</p>"

    def typst(self) -> str:
        return f"#par[{tt(self.text)}]"


@dataclass(frozen=True)
class PageBreak(Block):
    """A new page in the PDF; optionally landscape for what follows."""

    landscape: bool = False

    def html(self) -> str:
        return "<div class='page-break' aria-hidden='true'></div>"

    def typst(self) -> str:
        return f"#set page(flipped: {'true' if self.landscape else 'false'})\n#pagebreak(weak: true)"


@dataclass(frozen=True)
class Chart(Block):
    """An SVG chart with alt text (SVG text made by :mod:`perfkit.report.charts`)."""

    svg: str
    alt: str
    caption: str = ""
    width_cm: float = 15.0

    def html(self) -> str:
        data = base64.b64encode(self.svg.encode("utf-8")).decode("ascii")
        img = f"<img class='chart' src='data:image/svg+xml;base64,{data}' alt='{h(self.alt)}'>"
        cap = f"<figcaption>{h(self.caption)}</figcaption>" if self.caption else ""
        return f"<figure>{img}{cap}</figure>"

    def typst(self) -> str:
        img = f"image(bytes({ts(self.svg)}), format: \"svg\", alt: {ts(self.alt)}, width: {self.width_cm}cm)"
        if self.caption:
            return f"#figure({img}, caption: [{tt(self.caption)}])"
        return f"#figure({img})"


@dataclass(frozen=True)
class Cell:
    """A table cell: plain text (escaped), or HTML and typst made by a badge function."""

    text: str = ""
    html_: str | None = None
    typst_: str | None = None
    align: str = "left"

    def as_html(self) -> str:
        return self.html_ if self.html_ is not None else h(self.text)

    def as_typst(self) -> str:
        return self.typst_ if self.typst_ is not None else tt(self.text)


@dataclass(frozen=True)
class Table(Block):
    """A table with a caption, column headers and (optionally) a row header column."""

    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    widths: tuple[str, ...] = ()
    row_headers: bool = True
    font_size: str = "9pt"
    css: str = ""

    def html(self) -> str:
        head = "".join(f"<th scope='col'>{h(c)}</th>" for c in self.columns)
        body = []
        for row in self.rows:
            cells = []
            for i, cell in enumerate(row):
                tag = "th scope='row'" if i == 0 and self.row_headers else "td"
                close = "th" if i == 0 and self.row_headers else "td"
                cls = " class='num'" if cell.align == "right" else ""
                cells.append(f"<{tag}{cls}>{cell.as_html()}</{close}>")
            body.append("<tr>" + "".join(cells) + "</tr>")
        cls = f" {h(self.css)}" if self.css else ""
        return (
            f"<div class='table-scroll' role='region' tabindex='0' aria-label='{h(self.caption)}'>"
            f"<table class='data{cls}'><caption>{h(self.caption)}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table></div>"
        )

    def typst(self) -> str:
        widths = ", ".join(self.widths) if self.widths else ", ".join(["auto"] * len(self.columns))
        header = ", ".join(f"[*{tt(c)}*]" for c in self.columns)
        cells = []
        for row in self.rows:
            for cell in row:
                align = "right" if cell.align == "right" else "left"
                cells.append(f"table.cell(align: {align})[{cell.as_typst()}]")
        return (
            f"#figure(kind: table, caption: figure.caption(position: top)[{tt(self.caption)}], "
            f"text(size: {self.font_size})[#table(columns: ({widths},), inset: 4pt, stroke: 0.5pt + rgb(\"#999999\"), "
            f"fill: (x, y) => if y == 0 {{ rgb(\"#e8eef5\") }}, "
            f"table.header({header}), {', '.join(cells)})])\n"
        )


def rag_badge(rag: str) -> Cell:
    """Icon, word and colour: never colour alone."""
    icon, word, css = RAG.get(rag, RAG["no data"])
    return Cell(
        text=word,
        html_=f"<span class='badge {css}'><span aria-hidden='true'>{icon}</span> {h(word)}</span>",
        typst_=f"#box(fill: {RAG_TYPST_FILL[css]}, inset: 2pt, radius: 2pt)[{tt(icon + ' ' + word)}]",
    )


def direction_badge(label: str, change: float | None) -> Cell:
    """'↑ Improved': the arrow shows which way the value moved, the word whether that is good."""
    if label in ("not comparable",) or change is None or change != change:
        arrow = ""
    else:
        arrow = "↑" if change > 0 else "↓" if change < 0 else "→"
    word = label.capitalize()
    text = f"{arrow} {word}".strip()
    return Cell(text=text, html_=f"<span class='dot'><span aria-hidden='true'>{arrow}</span> {h(word)}</span>", typst_=tt(text))


@dataclass(frozen=True)
class KeyValues(Block):
    """A small two-column table of labels and values (the 'About this report' block)."""

    caption: str
    items: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    def html(self) -> str:
        rows = "".join(f"<tr><th scope='row'>{h(k)}</th><td>{h(v)}</td></tr>" for k, v in self.items)
        return f"<table class='about'><caption>{h(self.caption)}</caption>{rows}</table>"

    def typst(self) -> str:
        cells = ", ".join(f"[*{tt(k)}*], [{tt(v)}]" for k, v in self.items)
        return (
            f"#figure(kind: table, caption: figure.caption(position: top)[{tt(self.caption)}], "
            f"text(size: 9pt)[#table(columns: (auto, 1fr), stroke: none, inset: 2pt, {cells})])\n"
        )


_NUM = " class='num'"


@dataclass(frozen=True)
class CardTable(Block):
    """A table of entries in groups, each entry two rows: its figures, then a full-width note.

    ``groups`` holds (group title, entries); an entry is (row header, figure cells, note).
    The row header spans both rows, so an entry never splits across pages in the PDF. On a
    wide screen it is a fixed-layout table that fits the page; on a phone each entry is a
    card whose cells carry their column name (``data-label``), so nothing scrolls sideways.
    """

    caption: str
    columns: tuple[str, ...]
    groups: tuple[tuple[str, tuple[tuple[Cell, tuple[Cell, ...], Cell], ...]], ...]
    widths: tuple[str, ...]  # typst widths; HTML widths are the same proportions
    font_size: str = "9pt"
    css: str = ""
    keys: tuple[str, ...] = ()  # a data-key per entry (the indicator code), for tests and scripts

    def html(self) -> str:
        n = len(self.columns)
        head = "".join(f"<th scope='col' role='columnheader'>{h(c)}</th>" for c in self.columns)
        cols = "".join(f"<col class='c{i}'>" for i in range(n))
        keys = iter(self.keys)
        body = []
        for title, entries in self.groups:
            rows = [f"<tr class='group' role='row'><th scope='colgroup' colspan='{n}' role='columnheader'>{h(title)}</th></tr>"] if title else []
            for header, cells, note in entries:
                key = next(keys, "")
                data = f" data-key='{h(key)}'" if key else ""
                tds = "".join(
                    f"<td role='cell' data-label='{h(label)}'{_NUM if c.align == 'right' else ''}>{c.as_html()}</td>"
                    for label, c in zip(self.columns[1:], cells)
                )
                rows.append(f"<tr class='figures' role='row'{data}><th scope='row' rowspan='2' role='rowheader'>{header.as_html()}</th>{tds}</tr>")
                rows.append(f"<tr class='notes' role='row'{data}><td role='cell' colspan='{n - 1}'>{note.as_html()}</td></tr>")
            body.append(f"<tbody role='rowgroup'>{''.join(rows)}</tbody>")
        cls = f" {h(self.css)}" if self.css else ""
        return (
            f"<table class='data cards{cls}' role='table'><caption>{h(self.caption)}</caption><colgroup>{cols}</colgroup>"
            f"<thead role='rowgroup'><tr role='row'>{head}</tr></thead>{''.join(body)}</table>"
        )

    def typst(self) -> str:
        n = len(self.columns)
        header = ", ".join(f"[*{tt(c)}*]" for c in self.columns)
        cells = []
        for title, entries in self.groups:
            if title:
                cells.append(f"table.cell(colspan: {n}, fill: rgb(\"#f2f2f2\"))[*{tt(title)}*]")
            for head, figures, note in entries:
                cells.append(f"table.cell(rowspan: 2, breakable: false)[{head.as_typst()}]")
                cells += [f"table.cell(align: {'right' if c.align == 'right' else 'left'})[{c.as_typst()}]" for c in figures]
                cells.append(f"table.cell(colspan: {n - 1})[{note.as_typst()}]")
        return (
            f"#figure(kind: table, caption: figure.caption(position: top)[{tt(self.caption)}], "
            f"text(size: {self.font_size})[#table(columns: ({', '.join(self.widths)},), inset: 3pt, stroke: 0.5pt + rgb(\"#999999\"), "
            f"fill: (x, y) => if y == 0 {{ rgb(\"#e8eef5\") }}, "
            f"table.header({header}), {', '.join(cells)})])\n"
        )
