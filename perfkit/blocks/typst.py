"""Display blocks as typst markup, read from their data (:func:`perfkit.blocks.model.block_data`).

The PDF exporter (:mod:`perfkit.render.exporters`) sets these in its A4 template. People's
text always becomes a typst string (:mod:`perfkit.text`), never markup.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from perfkit.blocks.layout import entry_name, header_rows, numbered
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


#: Visible characters under which a cell, a row of label and value, or an exception's kept blocks
#: cannot be tall enough for its page break to matter (a line break counts as a line's worth):
#: typst measures only longer ones. Measuring every entry and row held a directorate of 1,000
#: indicators' PDF over 2 GB; the text near its length limit is still measured, and breaks.
TALL_CELL, TALL_ROW, TALL_KEEP = 250, 600, 1500


def _chars(value: Any) -> int:
    """The visible characters of block data (a cell, a block, text), line breaks as 40, images as none."""
    if isinstance(value, str):
        return len(value) + 40 * value.count("\n")
    if isinstance(value, dict):
        if value.get("kind") == "break":
            return 40
        if "parts" in value and value["parts"]:
            return _chars(value["parts"])
        return sum(_chars(v) for k, v in value.items() if k not in ("type", "kind", "style", "css", "svg", "alt", "align", "mimetype"))
    if isinstance(value, (list, tuple)):
        return sum(_chars(v) for v in value)
    return 0


def _may_be_tall(cells: list[Data], note: Data) -> bool:
    return any(_chars(c) > TALL_CELL for c in cells) or _chars(note) > TALL_ROW


def _key_values(b: Data) -> str:
    """Each row stays on one page unless it is taller than a third of a page: long words (commentary
    near its length limit) flow on from the foot of one page like any paragraph, never cut off."""
    if all(_chars(k) + _chars(v) <= TALL_ROW for k, v in b["items"]):  # no row could take a third of a page: none is measured
        cells = ", ".join(f"[*{tt(k)}*], [{tt(v)}]" for k, v in b["items"])
        return f"{_caption(b)}text(size: 9pt)[#table(columns: (auto, 1fr), stroke: none, inset: 2pt, {cells})])\n"
    labels = ", ".join(f"[*{tt(k)}*]" for k, _ in b["items"])
    rows = ", ".join(f"..row({'true' if _chars(k) + _chars(v) > TALL_ROW else 'false'}, [*{tt(k)}*], [{tt(v)}])" for k, v in b["items"])
    return (
        f"{_caption(b)}text(size: 9pt)[#layout(area => {{\n"
        f"  let cols = (calc.max(0pt, ..({labels},).map(l => measure(l).width)) + 4pt, 1fr)\n"
        f"  let row(long, ..cells) = {{\n"
        f"    let tall = if long {{ measure(table(columns: cols, stroke: none, inset: 2pt, ..cells), width: area.width).height > area.height / 3 }} else {{ false }}\n"
        f"    cells.pos().map(c => table.cell(breakable: tall, c))\n"
        f"  }}\n"
        f"  table(columns: cols, stroke: none, inset: 2pt, {rows})\n"
        f"}})])\n"
    )


def _keep(b: Data) -> str:
    """Blocks kept on one page (an exception's facts and its chart), unless together they are taller than a page."""
    if _chars(b["items"]) <= TALL_KEEP:  # a heading, facts and a chart of this little text fit on a page
        return f"#block(breakable: false, width: 100%)[\n{_items(b)}\n]\n"
    return (
        f"#layout(area => {{\n  let body = [\n{_items(b)}\n]\n"
        f"  block(breakable: measure(body, width: area.width).height > area.height, width: 100%, body)\n}})\n"
    )


def _card_table(b: Data) -> str:
    """The entries flow across pages under the column headings, which repeat on every page; a
    group's title is a subheading, repeated too and never left at the foot of a page without
    its first entry. Each entry (its figures and notes) stays on one page; one taller than a
    page (commentary at its length limit) breaks, and the page it continues on names it,
    "continued", under the repeated headings. Typst measures each entry against the page as
    it lays the table out, so nothing here guesses at heights."""
    n, keys = len(b["columns"]), list(b["keys"])
    untitled = ", ".join(str(g) for g, (title, _) in enumerate(b["groups"]) if not title)
    first = f"#running(({untitled},))" if untitled else ""  # groups without a title: their running mark is in the first heading
    head = ", ".join(f"table.cell[*{tt(c)}*{first * (i == 0)}]" for i, c in enumerate(b["columns"]))
    rows, i = [], 0
    for g, (title, entries) in enumerate(b["groups"]):
        if title:
            rows.append(f'table.header(level: 2, table.cell(colspan: {n}, fill: rgb("#f2f2f2"))[*{tt(title)}*#running(({g},))])')
        for entry_head, figures, note in entries:
            key = keys[i] if i < len(keys) else str(i)
            i += 1
            cells = "".join(f"({_align(c)}, [{cell(c)}]), " for c in figures)
            long = "true" if _may_be_tall([entry_head, *figures], note) else "false"
            rows.append(f"..entry({g}, {ts(key)}, {ts(entry_name(entry_head))}, {long}, [{cell(entry_head)}], ({cells}), [{cell(note)}])")
    return (
        f"{_caption(b)}text(size: {b['font_size']})[#layout(area => {{\n"
        f"  let table-id = {ts(b['caption'])}\n"
        f"  let cols = ({', '.join(b['widths'])},)\n"
        f"  let probe(..cells) = table(columns: cols, inset: (x: 3pt, y: 2pt), ..cells)\n"
        f"{_RUNNING}"
        f"  let room = area.height - measure(probe(table.header({head}), table.cell(colspan: {n})[X]), width: area.width).height - 2pt\n"
        f"  let entry(group, key, name, long, head, figures, note) = {{\n"
        f"    let figs(tall) = figures.map(((a, c)) => table.cell(align: a, breakable: tall, c))\n"
        f"    let tall = if long {{ measure(probe(table.cell(rowspan: 2, head), ..figs(false), table.cell(colspan: {n - 1}, note)), width: area.width).height > room }} else {{ false }}\n"
        f"    let mark(end) = if long [#metadata((table: table-id, group: group, key: key, end: end, name: name))<perfkit-entry>]\n"
        f"    (table.cell(rowspan: 2, breakable: tall)[#mark(false)#head], ..figs(tall), table.cell(colspan: {n - 1}, breakable: tall)[#note#mark(true)])\n"
        f"  }}\n"
        f"  table(columns: cols, inset: (x: 3pt, y: 2pt), {_RULE}, table.header({head}),\n    {', '.join(rows)})\n"
        f"}})])\n"
    )


#: typst: the name of the entry of ``groups`` that began on an earlier page and goes on past
#: this point, as " · <name> (continued)"; shown in the headings a page repeats. Only an entry
#: long enough to be measured can break, so only such entries are marked; entries follow one
#: another down the page, so the one going on is the mark placed last before this point when
#: it is an entry's start (placed, not queried: typst may list an entry's end before its start).
#: Every entry marked, and every mark looked for against every other, held a directorate of
#: 1,000 indicators' PDF over 4 GB.
_RUNNING = """  let running(groups) = context {
    let at = here().position()
    let before(m) = m.location().page() < at.page or (m.location().page() == at.page and m.location().position().y < at.y)
    let marks = query(<perfkit-entry>).filter(m => m.value.table == table-id and before(m))
    if marks.len() > 0 {
      let last = marks.sorted(key: m => m.location().page() * 100000 + m.location().position().y / 1pt).last()
      if not last.value.end and last.value.group in groups and last.location().page() < at.page [ · #last.value.name (continued)]
    }
  }
"""


def _note(b: Data) -> str:
    """A note (a table's key) in smaller type, as in HTML and Word, kept whole on one page."""
    return f"#block(breakable: false)[#text(size: 9pt)[#par[{tt(b['text'])}]]]"


def _items(b: Data) -> str:
    return "\n".join(render(item) for item in b["items"])


def _svg(svg: str, alt: str) -> str:
    """An SVG at its own size (a formula drawn at the body's type size)."""
    return f"image(bytes({ts(svg)}), format: \"svg\", alt: {ts(alt)})"


def inline(r: Data) -> str:
    """One run of prose; inline maths is its formula drawn (its LaTeX source the alternative text)."""
    kind = r["kind"]
    if kind == "break":
        return " #linebreak() "
    if kind == "math":
        out = f"#box(baseline: 25%, {_svg(r['svg'], r['text'])});" if r["svg"] else _raw(r["text"], False)
    elif kind == "code":
        out = _raw(r["text"], False)
    elif kind == "link" and (r["href"].split(":")[0] in ("http", "https", "mailto")):
        out = f"#link({ts(r['href'])})[#underline[{tt(r['text'])}]];"
    else:
        out = tt(r["text"])
    out = f"#strong[{out}];" if r["strong"] else out
    return f"#emph[{out}];" if r["em"] else out


def _raw(text: str, block: bool) -> str:
    """Code in monospace at 9 pt (typst's own raw text is 0.8 of the body's size, under 9 pt)."""
    return f"#{{ show raw: set text(size: 9pt); raw(block: {'true' if block else 'false'}, {ts(text)}) }};"


def _list(b: Data) -> str:
    items = ", ".join("[" + "\n".join(render(x) for x in item) + "]" for item in b["items"])
    if b["ordered"]:
        return f"#enum(start: {int(b['start'])}, {items})\n"
    return f"#list({items})\n"


def _math(b: Data) -> str:
    if not b["svg"]:
        return f"#block[{_raw(b['latex'], True)}]\n"
    return f"#align(center)[#{_svg(b['svg'], b['latex'])}]\n"


_BLOCKS: dict[str, Callable[[Data], str]] = {
    "Blocks": _items,
    "Keep": _keep,
    "Meta": lambda b: "",
    "PaperHeader": _header,
    "Section": _section,
    "Heading": lambda b: f"#heading(level: {max(1, b['level'] - 1)}, numbering: none)[{tt(b['text'])}]",
    "Paragraph": lambda b: _note(b) if b["css"] == "note" else f"#par[{tt(b['text'])}]",
    "PageBreak": lambda b: f"#set page(flipped: {'true' if b['landscape'] else 'false'})\n#pagebreak(weak: true)",
    "Chart": _chart,
    "Table": _table,
    "KeyValues": _key_values,
    "CardTable": _card_table,
    "Prose": lambda b: "#par[" + "".join(inline(r) for r in b["runs"]) + "]\n",
    "ListBlock": _list,
    "Math": _math,
    "Image": _chart,
    "Code": lambda b: f"#block[{_raw(b['text'], True)}]\n",
}
