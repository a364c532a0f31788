"""A code cell's outputs as blocks: perfkit's own blocks as they are, pandas DataFrames and
great_tables as captioned tables, matplotlib and seaborn figures as charts with alt text.

Code, prompts, streams (stdout and stderr), errors and plain-text results are left out of
the paper. A table is read from the HTML the notebook holds (pandas' and great_tables' own),
so an already-executed notebook needs no kernel to be rendered.
"""

from __future__ import annotations

import base64
import re
from html.parser import HTMLParser
from typing import Any

from perfkit.analysis.figures import TABLE_MIME
from perfkit.analysis.markdown import markdown_items, math_svg, raster_svg
from perfkit.blocks.model import Cell, Chart, Code, Math, Table, block_data
from perfkit.contract import BLOCK_MIME

__all__ = ["NO_ALT", "output_blocks", "read_tables"]

NO_ALT = "Chart (no description given)"
WIDE = 8  # columns an A4 portrait page holds at 9 pt
_NUMBER = re.compile(r"^[-+−(]?[£$€]?\d[\d,]*(\.\d+)?%?\)?$")


class _Tables(HTMLParser):
    """Every <table> in an HTML fragment: its title row (great_tables'), header rows and body rows,
    each cell as (is a th, text, colspan)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[dict] = []
        self.part, self.row, self.cell, self.depth = "", None, None, 0
        self.skip = 0  # inside <style> or <script>

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag in ("style", "script"):
            self.skip += 1
        elif tag == "table":
            self.tables.append({"head": [], "body": [], "title": []})
            self.part = "body"
        elif tag in ("thead", "tbody", "tfoot") and self.tables:
            self.part = {"thead": "head", "tbody": "body", "tfoot": "foot"}[tag]
        elif tag == "tr" and self.tables:
            self.row = {"cells": [], "css": a.get("class") or ""}
        elif tag in ("td", "th") and self.row is not None:
            self.cell = [tag == "th", "", int(a.get("colspan") or 1) if str(a.get("colspan") or "1").isdigit() else 1, a.get("class") or ""]
        elif tag == "br" and self.cell is not None:
            self.cell[1] += " "

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self.skip = max(0, self.skip - 1)
        elif tag in ("td", "th") and self.cell is not None and self.row is not None:
            self.cell[1] = " ".join(self.cell[1].split())
            self.row["cells"].append(tuple(self.cell))
            self.cell = None
        elif tag == "tr" and self.row is not None and self.tables:
            table, row = self.tables[-1], self.row
            self.row = None
            if self.part == "foot" or not row["cells"]:
                return
            spans = sum(c[2] for c in row["cells"])
            if "gt_heading" in row["css"] or (self.part == "head" and len(row["cells"]) == 1 and spans > 1):
                table["title"].append(row["cells"][0][1])  # great_tables' title and subtitle rows
            elif self.part == "head" or (not table["body"] and all(c[0] for c in row["cells"]) and not table["head"]):
                table["head"].append(row["cells"])
            else:
                table["body"].append(row["cells"])

    def handle_data(self, data: str) -> None:
        if self.cell is not None and not self.skip:
            self.cell[1] += data


def _spread(cells: list) -> list:
    return [c for c in cells for _ in range(c[2])]


def read_tables(html: str) -> list[dict]:
    """The tables in ``html`` as {"title", "columns", "rows", "row_headers"} (see :class:`_Tables`)."""
    parser = _Tables()
    parser.feed(html)
    found = []
    for t in parser.tables:
        body = [_spread(r) for r in t["body"]]
        width = max([len(r) for r in body] + [sum(c[2] for c in r) for r in t["head"]] + [0])
        if not width:
            continue
        heads = [[c[1] for c in _spread(r)] + [""] * (width - sum(c[2] for c in r)) for r in t["head"]]
        columns = [" ".join(dict.fromkeys(h[i] for h in heads if h[i])) for i in range(width)]  # pandas' two header rows in one
        rows = [[c[1] for c in r] + [""] * (width - len(r)) for r in body]
        row_headers = bool(body) and all(r[0][0] for r in body if r)
        if row_headers and [r[0] for r in rows] == [str(i) for i in range(len(rows))] and not columns[0]:
            columns, rows, row_headers = columns[1:], [r[1:] for r in rows], False  # pandas' default index says nothing
        if row_headers and not columns[0]:
            columns[0] = "Row"
        columns = [c or f"Column {i + 1}" for i, c in enumerate(columns)]
        found.append({"title": " – ".join(t["title"]), "columns": columns, "rows": rows, "row_headers": row_headers})
    return found


def _figure_alt(output: dict, mime: str) -> str:
    meta = output.get("metadata", {})
    return str((meta.get(mime) or {}).get("alt") or meta.get("alt") or "")


def output_blocks(cell: Any, where: str, heading: str, note: dict, checks: list[str]) -> list[dict]:
    """The blocks a code cell's outputs show. ``note``: the cell's own alt text and caption
    (its metadata or tags); ``heading``: the heading above it, a table's caption where it has none."""
    blocks: list[dict] = []
    tables = 0
    for output in cell.get("outputs", []):
        if output.get("output_type") not in ("display_data", "execute_result"):
            continue  # streams and errors: never in the paper
        data = output.get("data", {})
        if note.get("show") and set(data) <= {"text/plain"} and data.get("text/plain"):
            blocks.append(block_data(Code("".join(data["text/plain"]))))  # a cell tagged show-code: its result too
        if BLOCK_MIME in data:
            blocks.append(data[BLOCK_MIME])
        elif TABLE_MIME in data or "text/html" in data and "<table" in "".join(data["text/html"]):
            html = "".join(data.get(TABLE_MIME) or data["text/html"])
            if TABLE_MIME not in data and re.search(r"<p>\d+ rows × \d+ columns</p>", html) and "<td>...</td>" in html:
                checks.append(f"{where}: pandas shows only some rows of this table; load the figures extension "
                              "(%load_ext perfkit.analysis.figures) or render with --execute to show them all")
            for t in read_tables(html):
                tables += 1
                caption = (note.get("caption") if tables == 1 else "") or t["title"] or heading
                if not caption:
                    checks.append(f"{where}: a table without a caption; give the cell metadata perfkit.caption, "
                                  "a tag caption:Words_of_the_caption, or a heading above it")
                rows = tuple(tuple(Cell(v, "right" if _NUMBER.match(v.replace(" ", "")) else "left") for v in r) for r in t["rows"])
                wide = len(t["columns"]) > WIDE
                if wide:
                    checks.append(f"{where}: a table of {len(t['columns'])} columns is cramped on an A4 page; show at most {WIDE} "
                                  "(select the columns a reader needs, or transpose it)")
                widths = tuple("1fr" for _ in t["columns"]) if wide else ()  # squeezed to the page's width, never past it
                blocks.append(block_data(Table(caption or "Table", tuple(t["columns"]), rows, widths, row_headers=t["row_headers"])))
        elif "image/svg+xml" in data or "image/png" in data or "image/jpeg" in data:
            mime = next(m for m in ("image/svg+xml", "image/png", "image/jpeg") if m in data)
            alt = note.get("alt") or _figure_alt(output, mime)
            if not alt:
                checks.append(f"{where}: a figure without alt text; give it a title (ax.set_title), or the cell metadata perfkit.alt")
            raw = "".join(data[mime])
            if mime == "image/svg+xml":
                svg, width = raw, 15.0
            else:
                svg, width = raster_svg(base64.b64decode(raw), mime)
            blocks.append(block_data(Chart(svg, alt or NO_ALT, note.get("caption", ""), round(min(width, 15.0), 2))))
        elif "text/markdown" in data:
            items = markdown_items("".join(data["text/markdown"]), where, note["base"], None, checks)
            blocks += [i for i in items if not isinstance(i, tuple)]
        elif "text/latex" in data:
            latex = "".join(data["text/latex"]).strip().strip("$")
            blocks.append(block_data(Math(latex, math_svg(latex))))
    return blocks
