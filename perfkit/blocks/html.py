"""Display blocks as HTML, read from their data (:func:`perfkit.blocks.model.block_data`).

What JupyterLab shows and what the HTML paper is made of. People's text always goes through
:func:`perfkit.text.html_text`; charts are SVG made by perfkit itself.
"""

from __future__ import annotations

import base64
import math
import re
from collections.abc import Callable
from typing import Any

from perfkit.blocks.layout import header_rows, numbered
from perfkit.text import html_text as h

__all__ = ["cell", "render"]

Data = dict[str, Any]


def render(block: Data | str) -> str:
    """One block (or, among a section's paragraphs, a string) as HTML."""
    if isinstance(block, str):
        return h(block)
    return _BLOCKS.get(block["type"], lambda b: "")(block)


def part(p: Data) -> str:
    kind, text = p["kind"], h(p["text"])
    if kind == "break":
        return "<br>"
    if kind == "label":
        return f"<span class='notes-label'>{text}:</span> "
    if kind == "rag":
        return f"<span class='badge {h(p['style'])}'><span aria-hidden='true'>{p['icon']}</span> {text}</span>"
    if kind == "direction":
        return f"<span class='dot'><span aria-hidden='true'>{p['icon']}</span> {text}</span>"
    if kind == "image":
        return p["svg"]  # a sparkline perfkit drew; its <title> is the alt text
    return f"<span class='{h(p['style'])}'>{text}</span>" if p["style"] else text


def cell(c: Data) -> str:
    return "".join(part(p) for p in c["parts"]) if c["parts"] else h(c["text"])


def _num(c: Data) -> str:
    return " class='num'" if c["align"] == "right" else ""


def _items(b: Data) -> str:
    return "\n".join(render(item) for item in b["items"])


def _header(b: Data) -> str:
    cells = "".join(f"<tr><th scope='row'>{h(k)}</th><td>{h(v)}</td></tr>" for k, v in header_rows(b))
    return (
        f"<header class='paper-header'><p class='council'>{h(b['council'])}</p>"
        f"<h1>{h(b['title'])}</h1>"
        f"<table class='header-table'><caption class='visually-hidden'>About this paper</caption>{cells}</table></header>"
    )


def _section(b: Data) -> str:
    ident = h(b["anchor"] or f"section-{b['number']}")
    parts = [f"<section aria-labelledby='{ident}'><h2 id='{ident}'>{b['number']}. {h(b['heading'])}</h2>"]
    for number, para in numbered(b):
        parts.append(f"<p class='para'><span class='para-no'>{number}</span> {h(para)}</p>" if number else render(para))
    return "".join(parts) + "</section>"


def _heading(b: Data) -> str:
    tag = f"h{b['level']}"
    ident = f" id='{h(b['anchor'])}'" if b["anchor"] else ""
    return f"<{tag}{ident}>{h(b['text'])}</{tag}>"


def _paragraph(b: Data) -> str:
    cls = f" class='{h(b['css'])}'" if b["css"] else ""
    return f"<p{cls}>{h(b['text'])}</p>"


def _native_px(svg: str) -> tuple[int, int] | None:
    """The SVG's own width and height in CSS pixels ('453.6pt' is 604.8 px), or None."""
    found = [re.search(rf"<svg[^>]*?\s{k}=['\"]([\d.]+)(pt|px)?['\"]", svg) for k in ("width", "height")]
    if not all(found):
        return None
    return tuple(math.ceil(float(m[1]) * (4 / 3 if m[2] == "pt" else 1) - 1e-6) for m in found)  # type: ignore[return-value]


def _chart(b: Data) -> str:
    """A chart at its own size (its text is drawn at 12 px or more there): on a page narrower
    than the chart it scrolls sideways in a labelled, focusable region instead of shrinking."""
    data = base64.b64encode(b["svg"].encode("utf-8")).decode("ascii")
    size = _native_px(b["svg"])
    dims = f" width='{size[0]}' height='{size[1]}'" if size else ""
    img = f"<img class='chart' src='data:image/svg+xml;base64,{data}' alt='{h(b['alt'])}'{dims}>"
    cap = f"<figcaption>{h(b['caption'])}<span class='scroll-hint'> (scroll sideways to see the whole chart)</span></figcaption>" \
        if b["caption"] else ""
    label = h(f"Chart: {b['caption'] or b['alt']}")
    return f"<figure><div class='chart-scroll' role='region' aria-label='{label}' tabindex='0'>{img}</div>{cap}</figure>"


def _table(b: Data) -> str:
    """A table that scrolls sideways in a focusable, labelled region where it is wider than the
    page, and on a phone becomes one card per row, each cell labelled with its column (report.css,
    ``table.stack``); the ARIA roles keep it a table to a screen reader when shown as cards."""
    columns = b["columns"]
    head = "".join(f"<th scope='col' role='columnheader'>{h(c)}</th>" for c in columns)
    body = []
    for row in b["rows"]:
        cells = []
        for i, c in enumerate(row):
            if i == 0 and b["row_headers"]:
                cells.append(f"<th scope='row' role='rowheader'{_num(c)}>{cell(c)}</th>")
            else:
                label = f" data-label='{h(columns[i])}'" if i < len(columns) and columns[i] else ""
                cells.append(f"<td role='cell'{label}{_num(c)}>{cell(c)}</td>")
        body.append("<tr role='row'>" + "".join(cells) + "</tr>")
    cls = f" {h(b['css'])}" if b["css"] else ""
    return (
        f"<div class='table-scroll' role='region' tabindex='0' aria-label='{h(b['caption'])}'>"
        f"<table class='data stack{cls}' role='table'><caption>{h(b['caption'])}</caption><thead role='rowgroup'><tr role='row'>{head}</tr></thead>"
        f"<tbody role='rowgroup'>{''.join(body)}</tbody></table></div>"
    )


def _key_values(b: Data) -> str:
    rows = "".join(f"<tr><th scope='row'>{h(k)}</th><td>{h(v)}</td></tr>" for k, v in b["items"])
    return f"<table class='about'><caption>{h(b['caption'])}</caption>{rows}</table>"


def _card_table(b: Data) -> str:
    columns = b["columns"]
    n = len(columns)
    head = "".join(f"<th scope='col' role='columnheader'>{h(c)}</th>" for c in columns)
    cols = "".join(f"<col class='c{i}'>" for i in range(n))
    keys = iter(b["keys"])
    body = []
    for title, entries in b["groups"]:
        rows = [f"<tr class='group' role='row'><th scope='colgroup' colspan='{n}' role='columnheader'>{h(title)}</th></tr>"] if title else []
        for header, cells, note in entries:
            key = next(keys, "")
            data = f" data-key='{h(key)}'" if key else ""
            tds = "".join(f"<td role='cell' data-label='{h(label)}'{_num(c)}>{cell(c)}</td>" for label, c in zip(columns[1:], cells))
            rows.append(f"<tr class='figures' role='row'{data}><th scope='row' rowspan='2' role='rowheader'>{cell(header)}</th>{tds}</tr>")
            rows.append(f"<tr class='notes' role='row'{data}><td role='cell' colspan='{n - 1}'>{cell(note)}</td></tr>")
        body.append(f"<tbody role='rowgroup'>{''.join(rows)}</tbody>")
    cls = f" {h(b['css'])}" if b["css"] else ""
    return (
        f"<table class='data cards{cls}' role='table'><caption>{h(b['caption'])}</caption><colgroup>{cols}</colgroup>"
        f"<thead role='rowgroup'><tr role='row'>{head}</tr></thead>{''.join(body)}</table>"
    )


def _svg_img(svg: str, alt: str, cls: str) -> str:
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return f"<img class='{cls}' src='data:image/svg+xml;base64,{data}' alt='{h(alt)}'>"


def inline(r: Data) -> str:
    """One run of prose: a link's address is checked to be a web or mail address, or an anchor."""
    kind, text = r["kind"], h(r["text"])
    if kind == "break":
        return "<br>"
    if kind == "math":
        out = _svg_img(r["svg"], r["text"], "math") if r["svg"] else f"<code class='math'>{text}</code>"
    elif kind == "code":
        out = f"<code>{text}</code>"
    elif kind == "link" and r["href"].split(":")[0] in ("http", "https", "mailto") or kind == "link" and r["href"].startswith("#"):
        out = f"<a href='{h(r['href'])}'>{text}</a>"
    else:
        out = text
    out = f"<strong>{out}</strong>" if r["strong"] else out
    return f"<em>{out}</em>" if r["em"] else out


def _list(b: Data) -> str:
    tag = "ol" if b["ordered"] else "ul"
    start = f" start='{int(b['start'])}'" if b["ordered"] and b["start"] != 1 else ""
    items = "".join("<li>" + "".join(render(x) for x in item) + "</li>" for item in b["items"])
    return f"<{tag}{start} class='prose'>{items}</{tag}>"


def _math(b: Data) -> str:
    body = _svg_img(b["svg"], b["latex"], "math") if b["svg"] else f"<code class='math'>{h(b['latex'])}</code>"
    return f"<p class='math-display'>{body}</p>"


_BLOCKS: dict[str, Callable[[Data], str]] = {
    "Blocks": _items,
    "Keep": lambda b: "<div class='keep'>" + _items(b) + "</div>",
    "Meta": lambda b: "",
    "PaperHeader": _header,
    "Section": _section,
    "Heading": _heading,
    "Paragraph": _paragraph,
    "PageBreak": lambda b: "<div class='page-break' aria-hidden='true'></div>",
    "Chart": _chart,
    "Table": _table,
    "KeyValues": _key_values,
    "CardTable": _card_table,
    "Prose": lambda b: "<p>" + "".join(inline(r) for r in b["runs"]) + "</p>",
    "ListBlock": _list,
    "Math": _math,
    "Image": _chart,
    "Code": lambda b: f"<pre class='output-text'><code>{h(b['text'])}</code></pre>",
}
