"""Reading a built paper for the audit: the one place that knows how a paper's blocks and
words are laid out, so a change of wording is met here and nowhere else.

It keys on the block structure (the scorecard's CardTable rows by indicator code, the RAG
badge parts of its cells, Table columns, the exceptions' KeyValues under each indicator's
heading) rather than on whole sentences, and reads words only where a block holds nothing
else (a caption's RAG, a sentence's tally).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from perfkit.contract import BLOCK_MIME, META_MIME, METADATA_KEY, PROVENANCE_MIME

__all__ = [
    "OWNERS_WORDS", "QUOTED",
    "TREND", "Exception_", "Number", "Paper", "Row", "claim", "code_in", "comparator", "numbers", "rag_words", "read_paper", "tally",
]

#: RAG as a paper words it (badge words, captions, tallies), longest first.
#: Labels of lines that hold an owner's words, not the paper's: commentary and headline (whose
#: numbers are checked, as warnings), actions and the owner's name (not figures of the paper).
OWNERS_WORDS = ("commentary", "headline", "action", "owner")
#: Where the paper's own sentence on page 1 ends and the owner's words it quotes begin.
QUOTED = re.compile(r" (?:Why|In brief|Action): | The owner's words | No commentary was supplied| Every action set")

_RAG_TEXT = [
    (re.compile(r"off[ -]target \(withheld\)|withheld,? (?:and )?off[ -]target", re.I), "off target (withheld)"),
    (re.compile(r"\bno target\b", re.I), "no target"),
    (re.compile(r"\bno data\b", re.I), "no data"),
    (re.compile(r"\bwithheld\b", re.I), "withheld"),
    (re.compile(r"\bgreen\b", re.I), "green"),
    (re.compile(r"\bamber\b", re.I), "amber"),
    (re.compile(r"\bred\b", re.I), "red"),
]
_PERIOD = re.compile(r"\b\d{4}/\d{2}(?: Q[1-4])?\b|\b\d{4}-\d{2}\b|\bQ[1-4]\b|\b(?:January|February|March|April|May|June|July|August|"
                     r"September|October|November|December) \d{4}\b")
_NUMBER = re.compile(r"(?P<sign>[+\-−])?(?P<gbp>£)?(?P<digits>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?"
                     r"(?P<unit>%|\s?pts\b|\s?percentage points\b| per (?:1,000|10,000|100,000)\b| days?\b| weeks?\b)?")
_UNITS = {"pts": "pts", "percentage": "pts", "day": "days", "days": "days", "week": "weeks", "weeks": "weeks"}
#: A chart's alt text on its line: "rose from A to B between P1 and P2 (...)", "unchanged at A between P1 and P2".
TREND = re.compile(r"(?P<dir>rose|fell) from (?P<a>.+?) to (?P<b>.+?) between (?P<p1>.+?) and (?P<p2>.+?)(?: \(|;|\.|$)|"
                    r"unchanged at (?P<c>.+?) between (?P<q1>.+?) and (?P<q2>.+?)(?: \(|;|\.|$)")
_CODE = re.compile(r"\[([A-Z][A-Z0-9_]{1,31})\]")
_ON = re.compile(r"\b(?:on target|target (?:was )?met|met (?:the|its|our) target|met target|achieved (?:the )?target|ahead of target|"
                 r"exceeded (?:the )?target|better than (?:the )?target|none required)\b", re.I)
_OFF = re.compile(r"\b(?:off target|below target|short of (?:the )?target|missed (?:the )?target|missed|not met|behind target|"
                  r"above target|worse than (?:the )?target|under target|over target|slippage)\b", re.I)


@dataclass(frozen=True)
class Number:
    """A number as a paper writes it: its value, decimals and unit ('%', 'pts', 'GBP', 'per
    100,000', 'days', 'weeks' or '')."""

    value: Decimal
    decimals: int
    unit: str
    text: str


def numbers(text: str) -> list[Number]:
    """The numbers in ``text``, leaving out periods ('2025/26 Q4', 'March 2026', '2026-03').

    >>> [(str(n.value), n.decimals, n.unit) for n in numbers("30.7 days against 30.0 days in 2025/26 Q4; £1,234.50; 17 of 25; +3.7 pts")]
    [('30.7', 1, 'days'), ('30.0', 1, 'days'), ('1234.50', 2, 'GBP'), ('17', 0, ''), ('25', 0, ''), ('3.7', 1, 'pts')]
    """
    text = _PERIOD.sub(lambda m: " " * len(m.group()), text)
    found = []
    for m in _NUMBER.finditer(text):
        if m.start() and (text[m.start() - 1].isalnum() or text[m.start() - 1] in "-/"):
            continue  # part of a word or a range written 18-64
        unit = (m["unit"] or "").strip()
        unit = "GBP" if m["gbp"] else _UNITS.get(unit.split()[0] if unit and not unit.startswith("per") else unit, unit)
        digits = m["digits"].replace(",", "") + (m["frac"] or "")
        negative = m["sign"] in ("-", "−") and (not m.start() or text[m.start() - 1] in " (")
        value = -Decimal(digits) if negative else Decimal(digits)
        found.append(Number(value, len(m["frac"]) - 1 if m["frac"] else 0, unit, m.group()))
    return found


def rag_words(text: str) -> str | None:
    """The RAG a piece of paper text states, or None.

    >>> rag_words("Amber, just off target"), rag_words("Off target (withheld)"), rag_words("RAG for the period: Green, target met")
    ('amber', 'off target (withheld)', 'green')
    """
    for pattern, rag in _RAG_TEXT:
        if pattern.search(text):
            return rag
    return None


def claim(text: str) -> str | None:
    """'on' where ``text`` says the target was met, 'off' where it says it was missed, else None.

    >>> claim("Met the target (86.1% against 85.0%)"), claim("Short of target at 87.7%"), claim("Demand rose")
    ('on', 'off', None)
    """
    on, off = _ON.search(text), _OFF.search(text)
    if on and not off:
        return "on"
    if off and not on:
        return "off"
    return None


def code_in(text: str) -> str | None:
    """The indicator code a header or heading names ('Title [HSG_TA]')."""
    m = _CODE.search(text)
    return m.group(1) if m else None


def tally(sentence: str) -> dict[str, int]:
    """The RAG counts a sentence gives: '3 green, 6 amber, 1 no target, 1 withheld' (words missing: none).

    >>> tally("Against their targets for the period: 3 green, 6 amber, 2 red, 1 no target.")
    {'green': 3, 'amber': 6, 'red': 2, 'no target': 1}
    """
    found: dict[str, int] = {}
    words = (r"off target \(withheld\)|no target|no data|withheld|green|amber|red|improved|worsened|no significant change|"
             r"showed no significant change|no change|did not change")
    for m in re.finditer(rf"(?<![\d\-–/.,])(\d+) ({words})(?!\w)", sentence, re.I):
        key = re.sub(r"^(showed )?no significant change$|^did not change$", "no change", m.group(2).lower())
        found[key] = found.get(key, 0) + int(m.group(1))
    return found


@dataclass(frozen=True)
class Comparison:
    """A comparator cell as written: '7th of 16, quartile 2 (median 55.5%; England 55.9%) · group, 2025/26 Q4'."""

    rank: int | None
    of: int | None
    joint: bool
    quartile: int | None
    median: Number | None
    england: Number | None
    period: str | None
    words: str
    position: str | None  # a neutral indicator's: 'highest', '3 highest' (3rd highest), 'lowest'


def comparator(text: str) -> Comparison | None:
    """The rank a comparator cell states, or None where it states none.

    >>> c = comparator("joint 3rd of 14, quartile 1 (median 6.9%; England 6.1%) · Kestrel Vale neighbours, 2025/26 Q4")
    >>> (c.rank, c.of, c.joint, c.quartile, str(c.median.value), str(c.england.value), c.period)
    (3, 14, True, 1, '6.9', '6.1', '2025/26 Q4')
    """
    m = re.search(r"(joint )?(\d+)(?:st|nd|rd|th) of (\d+)", text)
    pos = re.search(r"(joint )?(?:(\d+)(?:st|nd|rd|th) )?\b(highest|lowest) of (\d+)", text)
    if not m and not pos:
        return None
    first = lambda pattern: (numbers(x.group(1)) or [None])[0] if (x := re.search(pattern, text)) else None  # noqa: E731
    quartile = re.search(r"quartile (\d)", text)
    period = re.search(r",\s*(\d{4}/\d{2}(?: Q[1-4])?|\d{4}-\d{2})\s*$", text)
    if pos:  # a neutral indicator's position: 'highest', 'joint 3rd highest', 'lowest' of N
        where = pos.group(3) if not pos.group(2) else f"{pos.group(2)} {pos.group(3)}"
        return Comparison(None, int(pos.group(4)), bool(pos.group(1)), None, first(r"median ([^;)]+)"), first(r"England ([^;)]+)"),
                          period.group(1) if period else None, text, where)
    return Comparison(int(m.group(2)), int(m.group(3)), bool(m.group(1)),
                      int(quartile.group(1)) if quartile else None, first(r"median ([^;)]+)"), first(r"England ([^;)]+)"),
                      period.group(1) if period else None, text, None)


# ----- the paper's blocks ----------------------------------------------------------------------------------------------

_ROLES = (("rag", lambda h: h.startswith("rag")), ("ytd", lambda h: "outturn" in h or "year to date" in h),
          ("value", lambda h: h.startswith("value") or h == "figure"), ("target", lambda h: h.startswith("target")),
          ("direction", lambda h: "direction" in h), ("trend", lambda h: "trend" in h),
          ("comparators", lambda h: "compar" in h or "rank" in h))


def _role(header: str) -> str:
    h = header.strip().lower()
    return next((role for role, test in _ROLES if test(h)), h)


@dataclass
class Row:
    """A scorecard row: its code, header words, cells by role ('value', 'target', 'rag', 'ytd',
    'direction', 'trend', 'comparators'), the RAG badges of each cell, and the owner's words."""

    code: str
    header: str
    cells: dict[str, str]
    badges: dict[str, list[str]]
    directions: list[str]
    images: list[str]
    words: dict[str, str]  # label ('Commentary (2025/26 Q4)', 'Actions', ...) -> text

    @property
    def title(self) -> str:
        return self.header.split(" [")[0].strip()

    @property
    def period(self) -> str | None:
        m = _PERIOD.search(self.header.split("]", 1)[-1])
        return m.group() if m else None

    @property
    def rag(self) -> str | None:
        return rag_words(" ".join(self.badges.get("rag", []))) if self.badges.get("rag") else rag_words(self.cells.get("rag", ""))

    @property
    def ytd_rag(self) -> str | None:
        found = self.badges.get("ytd")
        return rag_words(found[-1]) if found else None

    @property
    def commentary(self) -> str:
        return " ".join(text for label, text in self.words.items() if label.lower().startswith(OWNERS_WORDS[:2]))


@dataclass
class Exception_:
    """An indicator's exception: its KeyValues caption and items, and its charts (caption, alt)."""

    code: str
    caption: str = ""
    items: dict[str, str] = field(default_factory=dict)
    charts: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Paper:
    """What the audit reads of one executed notebook."""

    path: Path
    name: str  # 'housing/directorate_report'
    title: str = ""
    public: bool = False
    parameters: dict[str, Any] = field(default_factory=dict)
    rows: dict[str, Row] = field(default_factory=dict)
    scorecard_columns: list[str] = field(default_factory=list)
    sentences: list[tuple[str, str]] = field(default_factory=list)  # (section heading, paragraph)
    tables: list[dict[str, Any]] = field(default_factory=list)  # caption, columns, rows (cell texts)
    exceptions: dict[str, Exception_] = field(default_factory=dict)
    charts: list[tuple[str | None, str, str]] = field(default_factory=list)  # (code, caption, alt)
    headings: list[str] = field(default_factory=list)
    meeting: str = ""  # the header's meeting date as printed ('17 September 2026', 'to be confirmed')

    @property
    def period(self) -> str | None:
        return self.parameters.get("period")

    @property
    def meeting_date(self) -> dt.date | None:
        """The meeting date the header prints, or None ('to be confirmed', or no header)."""
        try:
            return dt.datetime.strptime(self.meeting.strip(), "%d %B %Y").date()
        except ValueError:
            return None

    def table(self, *words: str) -> dict[str, Any] | None:
        """The first table whose caption holds every one of ``words`` (any case)."""
        return next((t for t in self.tables if all(w.lower() in t["caption"].lower() for w in words)), None)


def _text(cell: dict) -> str:
    return str(cell.get("text", "")) if isinstance(cell, dict) else str(cell)


def _row(code: str, header: dict, cells: list[dict], note: dict, columns: list[str]) -> Row:
    by_role, badges, directions, images = {}, {}, [], []
    for column, cell in zip(columns[1:], cells):
        role = _role(column)
        by_role[role] = _text(cell)
        parts = cell.get("parts", [])
        badges[role] = [p["text"] for p in parts if p.get("kind") == "rag"]
        if role == "direction":
            directions = [p["text"].lower() for p in parts if p.get("kind") == "direction"]
        images += [p["text"] for p in parts if p.get("kind") == "image"]
    words: dict[str, str] = {}
    label = None
    for part in note.get("parts", []) or [{"kind": "text", "text": _text(note)}]:
        if part.get("kind") == "label":
            label = part["text"].rstrip(":")
            words[label] = ""
        elif part.get("kind") == "text" and label is not None:
            words[label] = (words[label] + part["text"]).strip()
        elif part.get("kind") == "break":
            label = None
    return Row(code, _text(header), by_role, badges, directions, images, words)


def read_paper(path: Path, name: str | None = None) -> Paper:
    """Read an executed notebook's blocks (:data:`perfkit.contract.BLOCK_MIME`), its metadata
    (META / PROVENANCE records) and its notebook metadata into a :class:`Paper`."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    paper = Paper(Path(path), name or f"{Path(path).parent.name}/{Path(path).stem}")
    paper.parameters = dict(nb.get("metadata", {}).get(METADATA_KEY, {}).get("parameters", {}) or {})
    state: dict[str, Any] = {"code": None}

    def walk(block: Any, heading: str = "") -> None:
        if not isinstance(block, dict):
            return
        kind = block.get("type")
        if kind in ("Blocks", "Keep"):
            for item in block.get("items", []):
                walk(item, heading)
        elif kind == "Meta":
            data = block.get("data")
            if block.get("mimetype") == META_MIME and isinstance(data, dict):
                paper.title = data.get("title", paper.title)
                paper.public = str(data.get("status", "")).lower() == "public" or paper.public
            elif block.get("mimetype") == PROVENANCE_MIME and isinstance(data, dict):
                paper.parameters = paper.parameters or dict(data.get("parameters", {}))
        elif kind == "PaperHeader":
            paper.meeting = str(block.get("meeting", ""))
            paper.public = str(block.get("status", "")).lower().startswith("public") or paper.public
        elif kind == "Section":
            for p in block.get("paragraphs", []):
                if isinstance(p, str):
                    paper.sentences.append((block.get("heading", ""), p))
                else:
                    walk(p, block.get("heading", ""))
        elif kind == "Paragraph":
            paper.sentences.append((heading, block.get("text", "")))
        elif kind == "Heading":
            paper.headings.append(block.get("text", ""))
            state["code"] = code_in(block.get("text", "")) if block.get("level", 2) >= 3 else None
        elif kind == "Table":
            paper.tables.append({"caption": block.get("caption", ""), "columns": list(block.get("columns", [])),
                                 "rows": [[_text(c) for c in r] for r in block.get("rows", [])]})
        elif kind == "CardTable":
            columns = list(block.get("columns", []))
            paper.scorecard_columns = columns
            keys = list(block.get("keys", []))
            entries = [e for _, group in block.get("groups", []) for e in group]
            for i, (header, cells, note) in enumerate(entries):
                code = keys[i] if i < len(keys) else code_in(_text(header))
                if code:
                    paper.rows[code] = _row(code, header, cells, note, columns)
        elif kind == "KeyValues":
            if state["code"]:
                exc = paper.exceptions.setdefault(state["code"], Exception_(state["code"]))
                exc.caption, exc.items = block.get("caption", ""), {str(k): str(v) for k, v in block.get("items", [])}
        elif kind == "Chart":
            paper.charts.append((state["code"], block.get("caption", ""), block.get("alt", "")))
            if state["code"] in paper.exceptions:
                paper.exceptions[state["code"]].charts.append((block.get("caption", ""), block.get("alt", "")))

    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if BLOCK_MIME in data:
                walk(data[BLOCK_MIME])
            elif PROVENANCE_MIME in data and not paper.parameters:
                paper.parameters = dict(data[PROVENANCE_MIME].get("parameters", {}))
    return paper
