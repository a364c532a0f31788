"""How every format lays out a block's parts in the same order: the paper header's rows and a
section's numbered paragraphs. The renderers (:mod:`perfkit.blocks.html`,
:mod:`perfkit.blocks.typst`, :mod:`perfkit.render.docx`) import this, never the model."""

from __future__ import annotations

from typing import Any

__all__ = ["header_rows", "numbered"]


def header_rows(b: dict[str, Any]) -> list[tuple[str, str]]:
    """The paper header's rows, in the order every format shows them."""
    return [
        ("Committee", b["committee"]),
        ("Date of meeting", b["meeting"]),
        ("Report of", b["report_of"]),
        *([("Report author", b["author"])] if b.get("author") else []),
        ("Paper", b["paper"]),
        ("Status", b["status"]),
        ("Wards affected", b["wards"]),
        ("Key decision", b["key_decision"]),
    ]


def numbered(b: dict[str, Any]) -> list[tuple[str, dict[str, Any] | str]]:
    """A section's paragraphs with their numbers (n.1, n.2 ...; a block among them has none)."""
    out, n = [], 0
    for para in b["paragraphs"]:
        if isinstance(para, str):
            n += 1
            out.append((f"{b['number']}.{n}", para))
        else:
            out.append(("", para))
    return out
