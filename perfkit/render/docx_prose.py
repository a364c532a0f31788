"""Word for the prose blocks of an analyst's paper (:mod:`perfkit.analysis`): paragraphs with
links and emphasis, lists, maths and images, and code a notebook chose to show.

:mod:`perfkit.render.docx` hands these blocks here (:data:`PROSE`); maths and images are
pictures with their alternative text (an equation's LaTeX source, an image's markdown alt).
"""

from __future__ import annotations

import io
import re
from typing import Any

__all__ = ["PROSE", "render_prose"]

PROSE = frozenset({"Prose", "ListBlock", "Math", "Image", "Code"})
_MONO = "Liberation Mono"


def _height_pt(svg: str) -> float:
    """A formula's height as drawn (mathtext writes it in pt)."""
    found = re.search(r'<svg[^>]*\sheight="([\d.]+)pt"', svg)
    return float(found.group(1)) if found else 11.0


def _picture(w: Any, run: Any, svg: str, alt: str, height_pt: float | None = None, width_cm: float | None = None) -> None:
    import cairosvg

    png = cairosvg.svg2png(bytestring=svg.encode("utf-8"), scale=4 if height_pt else 1, output_width=None if height_pt else int((width_cm or 15) / 2.54 * 200))
    shape = run.add_picture(io.BytesIO(png), height=w.Pt(height_pt)) if height_pt else run.add_picture(io.BytesIO(png), width=w.Cm(width_cm or 15))
    shape._inline.docPr.set("descr", alt)
    shape._inline.docPr.set("title", alt[:80])


def _hyperlink(para: Any, text: str, href: str) -> Any:
    """A real link (a relationship to the address), blue and underlined, as Word's own."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rel = para.part.relate_to(href, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    for name, value in (("w:color", "0B5394"), ("w:u", "single")):
        el = OxmlElement(name)
        el.set(qn("w:val"), value)
        props.append(el)
    run.append(props)
    t = OxmlElement("w:t")
    t.text = text
    t.set(qn("xml:space"), "preserve")
    run.append(t)
    link.append(run)
    para._p.append(link)
    return run


def _runs(w: Any, para: Any, runs: list[dict]) -> None:
    for r in runs:
        kind = r["kind"]
        if kind == "break":
            para.add_run().add_break()
            continue
        if kind == "link" and r["href"].split(":")[0] in ("http", "https", "mailto"):
            _hyperlink(para, r["text"], r["href"])
            continue
        run = para.add_run("" if kind == "math" and r["svg"] else r["text"])
        run.bold, run.italic = r["strong"] or None, r["em"] or None
        if kind == "math" and r["svg"]:
            _picture(w, run, r["svg"], r["text"], height_pt=_height_pt(r["svg"]))
        elif kind in ("code", "math"):
            run.font.name = _MONO


def _list(w: Any, block: dict, depth: int) -> None:
    style = "List Number" if block["ordered"] else "List Bullet"
    style += f" {depth + 1}" if depth else ""
    for item in block["items"]:
        first = True
        for sub in item:
            if sub["type"] == "Prose" and first:
                para = w.doc.add_paragraph(style=style)
                _runs(w, para, sub["runs"])
            elif sub["type"] == "ListBlock":
                _list(w, sub, min(depth + 1, 2))
            else:
                render_prose(w, sub)
            first = False


def render_prose(w: Any, block: dict) -> None:
    """One prose block into the writer ``w`` (:class:`perfkit.render.docx._Writer`)."""
    kind = block["type"]
    if kind == "Prose":
        _runs(w, w.doc.add_paragraph(), block["runs"])
    elif kind == "ListBlock":
        _list(w, block, 0)
    elif kind == "Math":
        para = w.doc.add_paragraph()
        if block["svg"]:
            _picture(w, para.add_run(), block["svg"], block["latex"], height_pt=_height_pt(block["svg"]))
        else:
            para.add_run(block["latex"]).font.name = _MONO
    elif kind == "Image":
        w.chart(block["svg"], block["alt"], block.get("caption", ""), float(block.get("width_cm", 15.0)))
    elif kind == "Code":
        for line in block["text"].splitlines() or [""]:
            run = w.doc.add_paragraph().add_run(line)
            run.font.name, run.font.size = _MONO, w.Pt(9)
