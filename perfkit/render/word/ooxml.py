"""WordprocessingML that python-docx has no call for: fields (page numbers, caption numbers),
cell and run shading, row and table properties, the documents's language."""

from __future__ import annotations

from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

__all__ = ["qn", "tiny_mark", "field", "language", "no_theme_fonts", "row_flag", "shade_cell", "shade_run", "table_borders", "table_caption"]


def _element(tag: str, **attrs: str) -> Any:
    el = OxmlElement(tag)
    for name, value in attrs.items():
        el.set(qn(f"w:{name}"), value)
    return el


def field(paragraph: Any, instruction: str, shown: str, size_pt: float | None = None, bold: bool = False) -> None:
    """A field (``PAGE``, ``NUMPAGES``, ``SEQ Table``) at the end of ``paragraph``, showing
    ``shown`` until Word or LibreOffice works it out, in ``size_pt`` like the text around it."""
    parts = [("begin", None), ("instr", f" {instruction} "), ("separate", None), ("text", shown), ("end", None)]
    for kind, text in parts:
        run = paragraph.add_run()
        run.font.bold = bold or None
        if size_pt:
            run.font.size = int(size_pt * 12700)
        if kind == "instr":
            instr = _element("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        elif kind == "text":
            run.text = text
        else:
            run._r.append(_element("w:fldChar", fldCharType=kind))


def shade_cell(cell: Any, fill: str) -> None:
    """The cell's background, ``fill`` as six hex digits."""
    props = cell._tc.get_or_add_tcPr()
    for old in props.findall(qn("w:shd")):
        props.remove(old)
    props.append(_element("w:shd", val="clear", color="auto", fill=fill))


def shade_run(run: Any, fill: str) -> None:
    """A run's background (a RAG badge among other words in a cell)."""
    run._r.get_or_add_rPr().append(_element("w:shd", val="clear", color="auto", fill=fill))


def row_flag(row: Any, name: str) -> None:
    """A row property that is on or off: ``w:tblHeader`` (a header row, repeated on every page
    and read as headings by a screen reader) or ``w:cantSplit`` (never broken across pages)."""
    props = row._tr.get_or_add_trPr()
    if props.find(qn(name)) is None:
        props.append(_element(name, val="true"))


def table_borders(table: Any, colour: str | None) -> None:
    """Thin rules of ``colour`` round every cell (as the PDF's tables), or none at all."""
    props = table._tbl.tblPr
    borders = _element("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(_element(f"w:{side}", val="single", sz="4", space="0", color=colour) if colour else _element(f"w:{side}", val="nil"))
    props.append(borders)


def table_caption(table: Any, caption: str) -> None:
    """The table's title for assistive technology (Word's Alt Text for a table)."""
    if caption:
        props = table._tbl.tblPr
        props.append(_element("w:tblCaption", val=caption[:255]))


def language(styles_element: Any, lang: str) -> None:
    """The document's language (every run's, unless it says otherwise): in the styles' defaults."""
    defaults = styles_element.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = _element("w:docDefaults")
        styles_element.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = _element("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = _element("w:rPr")
        rpr_default.append(rpr)
    for old in rpr.findall(qn("w:lang")):
        rpr.remove(old)
    rpr.append(_element("w:lang", val=lang, eastAsia=lang, bidi=lang))


def no_theme_fonts(style: Any) -> None:
    """Drop a style's theme fonts (which win over the font named), so the named font is used."""
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is not None:
        for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
            fonts.attrib.pop(qn(f"w:{attr}"), None)


def tiny_mark(p: Any) -> None:
    """The paragraph ``p``'s mark made 1 pt (``w:sz`` is in half points): an empty paragraph that takes no room."""
    ppr = p.get_or_add_pPr()
    rpr = ppr.find(qn("w:rPr"))
    if rpr is None:
        rpr = _element("w:rPr")
        ppr.append(rpr)
    rpr.append(_element("w:sz", val="2"))
