"""Report building blocks: what a paper says, as data.

Each block is an immutable dataclass; :func:`block_data` turns it into one JSON shape
(``{"type": "Section", "number": 2, ...}``, cells as runs of :class:`Part`) which every
renderer walks: :mod:`perfkit.blocks.html` (JupyterLab and the HTML paper),
:mod:`perfkit.blocks.typst` (the PDF) and :mod:`perfkit.render.docx` (Word). A block
shows itself in JupyterLab with all three in its output, so the build renders the executed
notebook without running anything again. RAG and direction are never shown by colour alone:
every badge has an icon and a word.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from perfkit.contract import (
    BLOCK_MIME,
    META_MIME,
    PROVENANCE_MIME,
    RAG_WORDS,
    TYPST_MIME,
)

__all__ = [
    "TYPST_MIME",
    "META_MIME",
    "PROVENANCE_MIME",
    "Block",
    "Blocks",
    "Cell",
    "Chart",
    "Keep",
    "Meta",
    "PageBreak",
    "PaperHeader",
    "Part",
    "Section",
    "Table",
    "CardTable",
    "Code",
    "Image",
    "Inline",
    "ListBlock",
    "Math",
    "Prose",
    "block_data",
    "rag_badge",
    "direction_badge",
]


#: A RAG rating's icon, word (:data:`perfkit.contract.RAG_WORDS`) and style (the style names the badge's fill in each renderer).
RAG = {rag: (icon, word, {"green": "rag-green", "amber": "rag-amber", "red": "rag-red"}.get(rag, "rag-none"))
       for rag, (icon, word, _) in RAG_WORDS.items()}


class Block:
    """Base class: a block is its fields; renderers read :func:`block_data`."""

    def html(self) -> str:
        from perfkit.blocks.html import render

        return render(block_data(self))

    def typst(self) -> str:
        from perfkit.blocks.typst import render

        return render(block_data(self))

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        from perfkit.blocks import html as block_html
        from perfkit.blocks import typst as block_typst

        data = block_data(self)
        return {"text/html": block_html.render(data), TYPST_MIME: block_typst.render(data), BLOCK_MIME: data, "text/plain": type(self).__name__}


def block_data(obj: Any) -> Any:
    """A block as JSON data: ``{"type": "Section", "number": 2, ...}``, nested blocks and cells alike."""
    from dataclasses import fields, is_dataclass

    if is_dataclass(obj) and not isinstance(obj, type):
        return {"type": type(obj).__name__, **{f.name: block_data(getattr(obj, f.name)) for f in fields(obj)}}
    if isinstance(obj, (tuple, list)):
        return [block_data(item) for item in obj]
    if isinstance(obj, dict):
        return {str(k): block_data(v) for k, v in obj.items()}
    return obj


@dataclass(frozen=True)
class Blocks(Block):
    """Several blocks shown as one output."""

    items: tuple[Block, ...]

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        bundle: dict[str, Any] = super()._repr_mimebundle_(include, exclude)
        for meta in self.metas():
            bundle.setdefault(meta.mimetype, meta.data)  # the paper's metadata and provenance travel with the output
        return bundle

    def metas(self) -> list[Meta]:
        """The metadata among these blocks, nested ones too."""
        return [m for item in self.items for m in ([item] if isinstance(item, Meta) else item.metas() if isinstance(item, Blocks) else [])]


@dataclass(frozen=True)
class Keep(Block):
    """Blocks kept together on one page in the PDF (an exception's facts and its chart)."""

    items: tuple[Block, ...]


@dataclass(frozen=True)
class Meta(Block):
    """Invisible: the paper's title, language and footer fields (or provenance), for the build."""

    data: dict
    mimetype: str = META_MIME

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
    author: str = ""  # the report author: who wrote it, and whom to ask
    date: str = ""  # the paper's own date, where it has no meeting (an analyst's research: perfkit.analysis)


@dataclass(frozen=True)
class Section(Block):
    """A numbered section; each paragraph (a string) is numbered n.1, n.2 ...; blocks among them are not."""

    number: int
    heading: str
    paragraphs: tuple[str | Block, ...] = ()
    anchor: str = ""


@dataclass(frozen=True)
class Heading(Block):
    """An unnumbered heading (appendix titles and the like)."""

    text: str
    level: int = 2
    anchor: str = ""


@dataclass(frozen=True)
class Paragraph(Block):
    """An unnumbered paragraph of plain text."""

    text: str
    css: str = ""


@dataclass(frozen=True)
class PageBreak(Block):
    """A new page in the PDF (and Word); optionally landscape for what follows."""

    landscape: bool = False


@dataclass(frozen=True)
class Chart(Block):
    """An SVG chart with alt text (SVG text made by :mod:`perfkit.report.charts`)."""

    svg: str
    alt: str
    caption: str = ""
    width_cm: float = 15.0


@dataclass(frozen=True)
class Part:
    """A run of a table cell's content.

    ``kind``: ``text`` (``style`` names a class, e.g. ``spc``), ``label`` (bold, with a colon),
    ``break`` (a new line), ``rag`` (a badge: ``icon`` and the word, filled by ``style``),
    ``direction`` (an arrow ``icon`` and the word) or ``image`` (``svg``, ``text`` its alt).
    """

    text: str = ""
    kind: str = "text"
    icon: str = ""
    style: str = ""
    svg: str = ""


BREAK = Part(kind="break")


@dataclass(frozen=True)
class Cell:
    """A table cell: ``text`` in plain words (what a reader of plain text gets), shown as
    ``parts`` where it has more than plain text."""

    text: str = ""
    align: str = "left"
    parts: tuple[Part, ...] = ()

    def runs(self) -> tuple[Part, ...]:
        return self.parts or (Part(self.text),)


def joined(cells: list[Cell], sep: str = "; ") -> Cell:
    """Cells one under another in one cell; their plain texts joined by ``sep``."""
    parts: list[Part] = []
    for i, cell in enumerate(cells):
        parts += [BREAK] * bool(i) + list(cell.runs())
    return Cell(sep.join(c.text for c in cells), parts=tuple(parts))


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


def rag_badge(rag: str) -> Cell:
    """Icon, word and colour: never colour alone."""
    icon, word, style = RAG.get(rag, RAG["no data"])
    return Cell(word, parts=(Part(word, "rag", icon, style),))


def direction_badge(label: str, change: float | None) -> Cell:
    """'↑ Improved': the arrow shows which way the value moved, the word whether that is good."""
    if label in ("not comparable",) or change is None or change != change:
        arrow = ""
    else:
        arrow = "↑" if change > 0 else "↓" if change < 0 else "→"
    word = label.capitalize()
    return Cell(f"{arrow} {word}".strip(), parts=(Part(word, "direction", arrow),))


@dataclass(frozen=True)
class KeyValues(Block):
    """A small two-column table of labels and values (the 'About this report' block)."""

    caption: str
    items: tuple[tuple[str, str], ...] = field(default_factory=tuple)


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


# ----- prose: an analyst's markdown (perfkit.analysis), rendered by html, typst and perfkit.render.docx_prose -----


@dataclass(frozen=True)
class Inline:
    """A run of prose. ``kind``: ``text``, ``code``, ``link`` (``href``), ``math`` (``text`` its
    LaTeX source, which is also its alternative text; ``svg`` the formula drawn, or "" where it
    could not be: then the source is shown) or ``break``; ``strong`` and ``em`` for emphasis."""

    text: str = ""
    kind: str = "text"
    href: str = ""
    svg: str = ""
    strong: bool = False
    em: bool = False


@dataclass(frozen=True)
class Prose(Block):
    """A paragraph of runs (links, emphasis, inline maths); not numbered."""

    runs: tuple[Inline, ...]


@dataclass(frozen=True)
class ListBlock(Block):
    """A bulleted or numbered list; each item is blocks (paragraphs, lists within it)."""

    items: tuple[tuple[Block, ...], ...]
    ordered: bool = False
    start: int = 1


@dataclass(frozen=True)
class Math(Block):
    """A displayed equation: its LaTeX source (its alternative text) and the formula drawn as SVG
    (or "" where it could not be drawn: then the source is shown)."""

    latex: str
    svg: str = ""


@dataclass(frozen=True)
class Image(Block):
    """A markdown image as SVG, with its alt text (a figure a notebook drew is a :class:`Chart`).
    A raster image is wrapped in an SVG of its own size, so every format takes one kind of image."""

    svg: str
    alt: str
    caption: str = ""
    width_cm: float = 15.0


@dataclass(frozen=True)
class Code(Block):
    """Source code a notebook chose to show (a cell tagged ``show-code``)."""

    text: str
