"""How every format lays out a block's parts in the same order: the paper header's rows and a
section's numbered paragraphs. The renderers (:mod:`perfkit.blocks.html`,
:mod:`perfkit.blocks.typst`, :mod:`perfkit.render.docx`) import this, never the model."""

from __future__ import annotations

from typing import Any

__all__ = ["entry_name", "header_rows", "numbered"]


def header_rows(b: dict[str, Any]) -> list[tuple[str, str]]:
    """The paper header's rows, in the order every format shows them; a row with nothing to
    say is left out (an analyst's research has no meeting, paper letter or wards)."""
    rows = [
        ("Committee", b["committee"]),
        ("Date of meeting", b["meeting"]),
        ("Report of", b["report_of"]),
        ("Report author", b.get("author", "")),
        ("Date", b.get("date", "")),
        ("Paper", b["paper"]),
        ("Status", b["status"]),
        ("Wards affected", b["wards"]),
        ("Key decision", b["key_decision"]),
    ]
    return [(k, v) for k, v in rows if v]


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


def entry_name(head: dict[str, Any]) -> str:
    """A card table entry's name: the first line of its row header ('Rent collected [HSG_RENT]'),
    which names the entry where it continues on another page."""
    words = []
    for part in head["parts"] or [{"kind": "text", "text": head["text"]}]:
        if part["kind"] == "break":
            break
        words.append(part["text"])
    return "".join(words).strip()
