"""Display blocks as typst markup, read from their data (:func:`perfkit.blocks.model.block_data`).

The PDF exporter (:mod:`perfkit.render.exporters`) sets these in its A4 template. People's
text always becomes a typst string (:mod:`perfkit.text`), never markup.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from perfkit.blocks.layout import header_rows, numbered
from perfkit.text import typst_string as ts
from perfkit.text import typst_text as tt

__all__ = ["cell", "render"]

Data = dict[str, Any]
#: A RAG badge's fill, by its style.
FILL = {"rag-green": 'rgb("#cfe8d5")', "rag-amber": 'rgb("#ffe1a8")', "rag-red": 'rgb("#f6c4c4")', "rag-none": 'rgb("#e8e8e8")'}
_RULE = 'stroke: 0.5pt + rgb("#999999"), fill: (x, y) => if y == 0 { rgb("#e8eef5") }'


def render(block: Data | str) -> str:
    """One block (or, among a section's paragraphs, a string) as typst."""
    if isinstance(block, str):
        return tt(block)
    return _BLOCKS.get(block["type"], lambda b: "")(block)


def part(p: Data) -> str:
    kind = p["kind"]
    if kind == "break":
        return " #linebreak() "
    if kind == "label":
        return f"*{tt(p['text'])}:* "
    if kind == "rag":
        return f"#box(fill: {FILL.get(p['style'], FILL['rag-none'])}, inset: 2pt, radius: 2pt)[{tt(p['icon'] + ' ' + p['text'])}]"
    if kind == "direction":
        return tt(f"{p['icon']} {p['text']}".strip())
    if kind == "image":
        return f"#box(image(bytes({ts(p['svg'])}), format: \"svg\", alt: {ts(p['text'])}, height: 0.55cm))"
    return tt(p["text"])


def cell(c: Data) -> str:
    return "".join(part(p) for p in c["parts"]) if c["parts"] else tt(c["text"])


def _align(c: Data) -> str:
    return "right" if c["align"] == "right" else "left"


def _caption(b: Data) -> str:
    return f"#figure(kind: table, caption: figure.caption(position: top)[{tt(b['caption'])}], "


def _header(b: Data) -> str:
    cells = ", ".join(f"[*{k}*], [{tt(v)}]" for k, v in header_rows(b))
    return (
        f"#text(size: 10pt, fill: rgb(\"#444444\"))[{tt(b['council'])}]\n"
        f"#title[{tt(b['title'])}]\n"
        f"#table(columns: (auto, 1fr), column-gutter: 1em, stroke: none, inset: (x: 0pt, y: 3pt), {cells})\n"
    )


def _section(b: Data) -> str:
    parts = [f"#heading(level: 1)[{tt(b['heading'])}]"]
    for number, para in numbered(b):
        parts.append(f"#par[#box(width: 2.2em)[{number}]{tt(para)}]" if number else render(para))
    return "\n".join(parts) + "\n"


def _chart(b: Data) -> str:
    img = f"image(bytes({ts(b['svg'])}), format: \"svg\", alt: {ts(b['alt'])}, width: {b['width_cm']}cm)"
    return f"#figure({img}, caption: [{tt(b['caption'])}])" if b["caption"] else f"#figure({img})"


def _table(b: Data) -> str:
    widths = ", ".join(b["widths"]) if b["widths"] else ", ".join(["auto"] * len(b["columns"]))
    header = ", ".join(f"[*{tt(c)}*]" for c in b["columns"])
    cells = [f"table.cell(align: {_align(c)})[{cell(c)}]" for row in b["rows"] for c in row]
    return (
        f"{_caption(b)}text(size: {b['font_size']})[#table(columns: ({widths},), inset: 4pt, {_RULE}, "
        f"table.header({header}), {', '.join(cells)})])\n"
    )


def _key_values(b: Data) -> str:
    cells = ", ".join(f"[*{tt(k)}*], [{tt(v)}]" for k, v in b["items"])
    return f"{_caption(b)}text(size: 9pt)[#table(columns: (auto, 1fr), stroke: none, inset: 2pt, {cells})])\n"


def _card_table(b: Data) -> str:
    n = len(b["columns"])
    header = ", ".join(f"[*{tt(c)}*]" for c in b["columns"])
    cells = []
    for title, entries in b["groups"]:
        if title:
            cells.append(f"table.cell(colspan: {n}, fill: rgb(\"#f2f2f2\"))[*{tt(title)}*]")
        for head, figures, note in entries:
            cells.append(f"table.cell(rowspan: 2, breakable: false)[{cell(head)}]")
            cells += [f"table.cell(align: {_align(c)})[{cell(c)}]" for c in figures]
            cells.append(f"table.cell(colspan: {n - 1})[{cell(note)}]")
    return (
        f"{_caption(b)}text(size: {b['font_size']})[#table(columns: ({', '.join(b['widths'])},), inset: 3pt, {_RULE}, "
        f"table.header({header}), {', '.join(cells)})])\n"
    )


def _items(b: Data) -> str:
    return "\n".join(render(item) for item in b["items"])


_BLOCKS: dict[str, Callable[[Data], str]] = {
    "Blocks": _items,
    "Keep": lambda b: "#block(breakable: false, width: 100%)[\n" + _items(b) + "\n]\n",
    "Meta": lambda b: "",
    "PaperHeader": _header,
    "Section": _section,
    "Heading": lambda b: f"#heading(level: {max(1, b['level'] - 1)}, numbering: none)[{tt(b['text'])}]",
    "Paragraph": lambda b: f"#par[{tt(b['text'])}]",
    "PageBreak": lambda b: f"#set page(flipped: {'true' if b['landscape'] else 'false'})\n#pagebreak(weak: true)",
    "Chart": _chart,
    "Table": _table,
    "KeyValues": _key_values,
    "CardTable": _card_table,
}
