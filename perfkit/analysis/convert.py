"""An analyst's notebook as a paper's blocks, and the notebook perfkit's renderers take.

The front matter becomes the header block; the markdown's top headings become numbered
sections (the summary is section 1), deeper ones subheadings; code cells show their tables,
charts and perfkit blocks, never their code, prompts or streams (a cell tagged ``show-code``
shows its code). Every problem a reader would meet (a figure without alt text, a table
without a caption, an image that cannot be read) is named in the render's checks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from perfkit.analysis.front import PAPER_TAG, FrontMatter
from perfkit.analysis.markdown import markdown_items
from perfkit.analysis.outputs import output_blocks
from perfkit.blocks import html as block_html
from perfkit.blocks import typst as block_typst
from perfkit.blocks.model import Code, Meta, PaperHeader, Section, block_data
from perfkit.contract import BLOCK_MIME, META_MIME, TYPST_MIME

__all__ = ["HIDDEN", "SETUP_TAG", "SHOW_CODE", "Converted", "convert", "long_date"]

SHOW_CODE = "show-code"
SETUP_TAG = "perfkit-setup"  # the cell ``perfkit render --execute`` adds, removed after the run
#: Cells never shown: the front matter, parameters, notebook-only notes, the setup cell and nbconvert's own tags.
HIDDEN = {PAPER_TAG, "parameters", "injected-parameters", "perfkit-doc", SETUP_TAG, "remove-cell", "remove_cell"}


@dataclass
class Converted:
    front: FrontMatter
    blocks: list[dict]  # the paper's top-level blocks' data, in order
    checks: list[str] = field(default_factory=list)

    def notebook(self) -> nbformat.NotebookNode:
        """The paper as perfkit's renderers take it: one output per block, the metadata first."""
        cells = []
        for data in self.blocks:
            bundle = ({META_MIME: data["data"], "text/plain": ""} if data["type"] == "Meta" else
                      {"text/html": block_html.render(data), TYPST_MIME: block_typst.render(data), BLOCK_MIME: data, "text/plain": data["type"]})
            cells.append(nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output("display_data", data=bundle)]))
        return nbformat.v4.new_notebook(cells=cells, metadata={"language_info": {"name": "python"}})


def long_date(day: dt.date) -> str:
    """'5 December 2026'."""
    return f"{day.day} {day:%B %Y}"


def _note(cell: Any, base: Path) -> dict:
    """A cell's own alt text and caption: ``metadata.perfkit.alt``/``caption``, or tags
    ``alt:Words_with_underscores`` and ``caption:...`` (a tag holds no spaces)."""
    meta = cell.get("metadata", {})
    own = dict(meta.get("perfkit", {})) if isinstance(meta.get("perfkit"), dict) else {}
    for tag in meta.get("tags", []):
        key, _, value = tag.partition(":")
        if key in ("alt", "caption") and value and key not in own:
            own[key] = value.replace("_", " ")
    return {"alt": str(own.get("alt", "")), "caption": str(own.get("caption", "")), "base": base}


def convert(nb: nbformat.NotebookNode, front: FrontMatter, name: str, base: Path, council: str = "") -> Converted:
    """``nb`` (executed, or as it is) as a paper (see the module). ``front`` is filled in
    (:meth:`FrontMatter.filled`); ``name`` names the notebook in the checks; ``base`` is its folder."""
    checks: list[str] = []
    items: list[Any] = []
    heading, number = "", 0
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        number += "injected-parameters" not in tags  # cells numbered as the analyst's notebook numbers them
        if tags & HIDDEN:
            continue
        where = f"{name} cell {number}"
        if cell.cell_type == "markdown":
            found = markdown_items("".join(cell.source), where, base, cell.get("attachments"), checks)
            heading = next((x[2] for x in reversed(found) if isinstance(x, tuple)), heading)
            items += found
        elif cell.cell_type == "code":
            if SHOW_CODE in tags:
                items.append(block_data(Code("".join(cell.source))))
            if "remove-output" not in tags:
                items += output_blocks(cell, where, heading, _note(cell, base) | {"show": SHOW_CODE in tags}, checks)
    day = front.date or dt.date.today()
    meta = {"title": front.title, "lang": "en-GB", "council": council, "committee": front.committee, "paper": "Research and analysis",
            "meeting": long_date(day), "date": day.isoformat(), "author": front.author, "kind": "analysis"}
    header = PaperHeader(council, front.committee, "", front.title, "", "", front.status.capitalize(), "", "", front.author, long_date(day))
    blocks = [block_data(Meta(meta)), block_data(header)]
    number = 0
    if front.summary:
        number = 1
        blocks.append(block_data(Section(1, "Summary", (front.summary,))))
    if items and isinstance(items[0], tuple) and items[0][1] == 1:
        items = items[1:]  # the notebook's own title, before anything else: the header block says it
    headings = [x for x in items if isinstance(x, tuple)]
    top = min((h[1] for h in headings), default=2)
    section: dict | None = None
    for item in items:
        if isinstance(item, tuple) and item[1] == top:
            number += 1
            section = block_data(Section(number, item[2], (), f"section-{number}"))
            blocks.append(section)
        elif isinstance(item, dict) and item.get("type") == "Section":  # a perfkit section a cell showed: numbered in turn
            number += 1
            section = {**item, "number": number, "anchor": f"section-{number}", "paragraphs": list(item["paragraphs"])}
            blocks.append(section)
        elif isinstance(item, tuple):
            sub = {"type": "Heading", "text": item[2], "level": min(6, 3 + item[1] - top - 1), "anchor": ""}
            (section["paragraphs"] if section else blocks).append(sub)
        elif section is not None:
            section["paragraphs"].append(item)
        else:
            blocks.append(item)
    return Converted(front, blocks, checks)
