"""Markdown cells as prose blocks, through markdown-it-py (CommonMark, tables, ``$maths$``).

A small walk of markdown-it's syntax tree: headings come back as ``("heading", level, text)``
for :mod:`perfkit.analysis.convert` to number; paragraphs, lists, maths, images and tables
as blocks (:mod:`perfkit.blocks.model`). Maths is drawn with matplotlib's mathtext as SVG
(typst shows SVG; no TeX is needed), its LaTeX source kept as the alternative text; what
mathtext cannot draw is shown as its source and named in the render's checks. An image is
embedded (a file beside the notebook, a cell attachment or a data: address), its markdown
alt text its alternative text; one without is named in the checks.
"""

from __future__ import annotations

import base64
import functools
import io
import mimetypes
import re
from pathlib import Path
from typing import Any

from perfkit.blocks.model import Cell as TableCell
from perfkit.blocks.model import (
    Image,
    Inline,
    ListBlock,
    Math,
    Prose,
    Table,
    block_data,
)

__all__ = ["Item", "markdown_items", "math_svg", "raster_svg"]

Item = Any  # ("heading", level, text) or a block's data
_DOTS = 96  # a raster image's pixels per inch, for its size on the page


@functools.cache
def _parser():  # noqa: ANN202
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin

    return MarkdownIt("commonmark").enable("table").enable("strikethrough").use(dollarmath_plugin, allow_space=True, double_inline=True)


def math_svg(latex: str, size: float = 10.5) -> str:
    """The formula drawn as SVG by matplotlib's mathtext, or "" where mathtext cannot draw it.
    The same formula makes the same SVG (no date, fixed ids)."""
    import matplotlib
    from matplotlib.font_manager import FontProperties
    from matplotlib.mathtext import math_to_image

    source = " ".join(latex.split())
    buffer = io.BytesIO()
    try:
        with matplotlib.rc_context({"svg.hashsalt": "perfkit", "svg.fonttype": "path"}):
            math_to_image(f"${source}$", buffer, prop=FontProperties(size=size), format="svg")
    except (ValueError, RuntimeError):
        return ""
    svg = buffer.getvalue().decode("utf-8")
    return re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.DOTALL)


def raster_svg(data: bytes, mime: str) -> tuple[str, float]:
    """A PNG, JPEG or GIF wrapped in an SVG of its own size, with its width in cm at 96 pixels an inch."""
    from PIL import Image as Picture

    with Picture.open(io.BytesIO(data)) as picture:
        width, height = picture.size
    encoded = base64.b64encode(data).decode("ascii")
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="{width}" '
           f'height="{height}" viewBox="0 0 {width} {height}"><image width="{width}" height="{height}" '
           f'xlink:href="data:{mime};base64,{encoded}"/></svg>')
    return svg, width / _DOTS * 2.54


class _Walk:
    def __init__(self, where: str, base: Path, attachments: dict, checks: list[str]) -> None:
        self.where, self.base, self.attachments, self.checks = where, base, attachments, checks
        self.heading = ""  # the last heading: a table's caption where it has none of its own

    def blocks(self, nodes: list) -> list[Item]:
        out: list[Item] = []
        for node in nodes:
            out += self.block(node)
        return out

    def block(self, node: Any) -> list[Item]:  # noqa: PLR0911 - one branch per kind of block
        kind = node.type
        if kind == "heading":
            self.heading = _plain(node.children[0]) if node.children else ""
            return [("heading", int(node.tag[1:]), self.heading)]
        if kind == "paragraph":
            inline = node.children[0] if node.children else None
            kids = inline.children if inline is not None else []
            images = [k for k in kids if k.type == "image"]
            if images and all(k.type == "image" or (k.type == "text" and not k.content.strip()) or k.type == "softbreak" for k in kids):
                return [self.image(k) for k in images]  # a paragraph of images alone: each a figure
            runs = self.runs(kids)
            return [block_data(Prose(tuple(runs)))] if runs else []
        if kind in ("bullet_list", "ordered_list"):
            items = tuple(tuple(_as_block(x) for x in self.blocks(li.children)) for li in node.children)
            start = int(node.attrs.get("start", 1)) if kind == "ordered_list" else 1
            return [{**block_data(ListBlock((), kind == "ordered_list", start)), "items": [list(i) for i in items]}]
        if kind in ("math_block", "math_block_label"):
            latex = node.content.strip()
            return [block_data(Math(latex, self.math(latex)))]
        if kind == "table":
            return [self.table(node)]
        if kind in ("fence", "code_block"):
            return []  # code in markdown is for the notebook's readers, not the paper's (a cell tagged show-code shows code)
        if kind == "blockquote":
            return self.blocks(node.children)
        if kind == "html_block":
            self.checks.append(f"{self.where}: raw HTML in markdown is left out of the paper ({_short(node.content)}); write it as markdown")
            return []
        return self.blocks(node.children) if node.children else []

    def math(self, latex: str) -> str:
        svg = math_svg(latex)
        if not svg:
            self.checks.append(f"{self.where}: matplotlib's mathtext cannot draw ${_short(latex)}$, so the paper shows its LaTeX source")
        return svg

    def runs(self, nodes: list, strong: bool = False, em: bool = False, href: str = "") -> list[Inline]:
        out: list[Inline] = []
        for n in nodes:
            kind = n.type
            if kind == "text":
                out.append(Inline(n.content, "link" if href else "text", href, strong=strong, em=em))
            elif kind in ("softbreak",):
                out.append(Inline(" ", strong=strong, em=em))
            elif kind == "hardbreak":
                out.append(Inline(kind="break"))
            elif kind == "code_inline":
                out.append(Inline(n.content, "code", strong=strong, em=em))
            elif kind == "math_inline" or kind == "math_inline_double":
                out.append(Inline(n.content, "math", svg=self.math(n.content), strong=strong, em=em))
            elif kind in ("strong", "em", "s"):
                out += self.runs(n.children, strong or kind == "strong", em or kind == "em", href)
            elif kind == "link":
                out += self.runs(n.children, strong, em, str(n.attrs.get("href", "")))
            elif kind == "image":
                alt = _plain(n)
                out.append(Inline(alt or "image", strong=strong, em=em))
                self.checks.append(f"{self.where}: an image inside a sentence is shown as its alt text; put it in a paragraph of its own")
            elif kind == "html_inline":
                continue
            elif n.children:
                out += self.runs(n.children, strong, em, href)
        return out

    def image(self, node: Any) -> dict:
        src, alt = str(node.attrs.get("src", "")), _plain(node)
        title = str(node.attrs.get("title") or "")
        if not alt:
            self.checks.append(f"{self.where}: the image {_short(src)} has no alt text; write ![what it shows]({_short(src)})")
            alt = "Image (no description given)"
        found = self.load(src)
        if found is None:
            return block_data(Prose((Inline(f"[Image: {alt}]"),)))
        data, mime = found
        if mime == "image/svg+xml":
            svg, width = data.decode("utf-8"), 15.0
        else:
            svg, width = raster_svg(data, mime)
        return block_data(Image(svg, alt, title, round(min(width, 15.0), 2)))

    def load(self, src: str) -> tuple[bytes, str] | None:
        """The image's bytes and type: a cell attachment, a data: address or a file beside the notebook."""
        try:
            if src.startswith("attachment:"):
                bundle = self.attachments[src.removeprefix("attachment:")]
                mime = next(iter(bundle))
                raw = bundle[mime]
                return (raw.encode("utf-8") if mime == "image/svg+xml" else base64.b64decode(raw)), mime
            if src.startswith("data:"):
                head, _, body = src.partition(",")
                return base64.b64decode(body), head[5:].split(";")[0]
            if re.match(r"^[a-z]+://", src):
                self.checks.append(f"{self.where}: the image {_short(src)} is on the web; save it beside the notebook so the paper can hold it")
                return None
            path = (self.base / src).resolve()
            mime = mimetypes.guess_type(path.name)[0] or ""
            if mime not in ("image/png", "image/jpeg", "image/gif", "image/svg+xml"):
                self.checks.append(f"{self.where}: the image {_short(src)} is not PNG, JPEG, GIF or SVG; save it as PNG")
                return None
            return path.read_bytes(), mime
        except (KeyError, OSError, ValueError, StopIteration) as exc:
            self.checks.append(f"{self.where}: the image {_short(src)} cannot be read ({type(exc).__name__}); check the file is beside the notebook")
            return None

    def table(self, node: Any) -> dict:
        head = [r for part in node.children if part.type == "thead" for r in part.children]
        body = [r for part in node.children if part.type == "tbody" for r in part.children]
        columns = tuple(_plain(c) for r in head[:1] for c in r.children)
        aligns = [("right" if "text-align:right" in str(c.attrs.get("style", "")) else "left") for r in head[:1] for c in r.children]
        rows = tuple(tuple(TableCell(_plain(c), aligns[i] if i < len(aligns) else "left") for i, c in enumerate(r.children)) for r in body)
        if not self.heading:
            self.checks.append(f"{self.where}: a markdown table has no caption; put a heading above it")
        return block_data(Table(self.heading or "Table", columns, rows, row_headers=False))


def _as_block(item: Item) -> dict:
    """A list item's heading (rare) as a paragraph; blocks as they are."""
    return block_data(Prose((Inline(item[2], strong=True),))) if isinstance(item, tuple) else item


def _plain(node: Any) -> str:
    """A node's text without its markup."""
    if node.type in ("text", "code_inline", "math_inline"):
        return node.content
    return "".join(_plain(c) for c in (node.children or []))


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:57] + "..."


def markdown_items(source: str, where: str, base: Path, attachments: dict | None, checks: list[str]) -> list[Item]:
    """A markdown cell's headings and blocks (see the module); problems are added to ``checks``."""
    from markdown_it.tree import SyntaxTreeNode

    tree = SyntaxTreeNode(_parser().parse(source))
    return _Walk(where, base, attachments or {}, checks).blocks(tree.children)
