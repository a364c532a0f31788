"""Checks 5, 6 and 7 on numbers and words: every number in a caption or chart text is a figure
shown for its indicator (a failure: the paper's own words), and every number in an owner's
commentary that carries the indicator's unit or lies in its plausible range is one too, and
the commentary's on/off-target words agree with the RAG beside it (warnings: owners' words).

"A figure shown for an indicator" is any number in its scorecard cells, its exception's items
(not the owner's words) and the sentences that name it, compared at the decimals either is
written with (rounded half-up). Without a catalogue ``plausible`` range, a bare number counts
as the indicator's when it lies between half and twice a figure shown.
"""

from __future__ import annotations

import re
from decimal import Decimal

from perfkit.audit.findings import FAIL, WARN, Finding
from perfkit.audit.paper import (
    OWNERS_WORDS,
    QUOTED,
    TREND,
    Number,
    Paper,
    Row,
    claim,
    numbers,
    rag_words,
)
from perfkit.audit.recompute import Context
from perfkit.audit.rules import half_up

__all__ = ["check_chart_words", "check_commentary", "figures_shown"]

#: How a paper writes each catalogue unit after a number (see :func:`perfkit.audit.paper.numbers`).
_UNIT = {"%": "%", "GBP": "GBP", "days": "days", "weeks": "weeks", "rate per 1,000": "per 1,000",
         "rate per 10,000": "per 10,000", "rate per 100,000": "per 100,000"}


def figures_shown(paper: Paper, code: str) -> list[Number]:
    """Every number a paper shows for an indicator, outside the owner's words."""
    row = paper.rows.get(code)
    texts = list(row.cells.values()) if row else []
    exc = paper.exceptions.get(code)
    if exc:
        texts += [v for k, v in exc.items.items() if not k.lower().startswith(OWNERS_WORDS)]
    if row:
        texts += [QUOTED.split(p)[0] for _, p in paper.sentences if p.startswith(row.title + " ")]
    return [n for t in texts for n in numbers(t) if n.unit != "pts"]


def _matches(quoted: Number, shown: list[Number]) -> bool:
    for s in shown:
        if s.value == quoted.value:
            return True
        if s.decimals > quoted.decimals and half_up(s.value, quoted.decimals) == quoted.value:
            return True
        if quoted.decimals > s.decimals and half_up(quoted.value, s.decimals) == s.value:
            return True
    return False


def _title_numbers(title: str) -> set[Decimal]:
    return {n.value for n in numbers(title)} | {Decimal(x) for x in re.findall(r"\d+", title)}


def _relevant(ctx: Context, code: str, n: Number, shown: list[Number]) -> bool:
    """Whether a number in an owner's words is about the indicator: it carries its unit, or
    lies in its plausible range (the catalogue's, else half to twice a figure shown)."""
    ind = ctx.catalogue[code]
    unit = _UNIT.get(ind.unit.value)
    if unit is not None:
        return n.unit == unit
    if n.unit:
        return False
    if ind.plausible is not None:
        return ind.plausible[0] <= float(n.value) <= ind.plausible[1]
    return any(s.value > 0 and s.value / 2 <= n.value <= s.value * 2 for s in shown)


def _value_of(row: Row) -> Number | None:
    found = numbers(row.cells.get("value", "").split("(")[0])
    return found[0] if found else None


def check_commentary(paper: Paper, ctx: Context) -> list[Finding]:
    """Checks 6 and 7 on owners' words: numbers and on/off-target words against the row."""
    out = []
    for code, row in paper.rows.items():
        if code not in ctx.catalogue:
            continue
        text = row.commentary or " ".join(v for k, v in paper.exceptions.get(code, _Empty).items.items() if k.lower().startswith(OWNERS_WORDS[:2]))
        if not text or "withheld" in text.lower():
            continue
        shown = figures_shown(paper, code)
        titled = _title_numbers(row.title)
        value = _value_of(row)
        for n in numbers(text):
            if n.value in titled and not n.unit or not _relevant(ctx, code, n, shown):
                continue
            if not _matches(n, shown):
                beside = value.text if value else row.cells.get("value", "no figure")
                out.append(Finding(WARN, paper.name, code, "commentary", f"commentary quotes {n.text}", f"the paper shows {beside}"))
        said = claim(text)
        if (said == "off" and row.rag == "green") or (said == "on" and row.rag in ("amber", "red", "off target (withheld)")):
            words = "met the target" if said == "on" else "missed the target"
            out.append(Finding(WARN, paper.name, code, "commentary", f"commentary says it {words}", f"the RAG beside it is {row.rag}"))
        target = numbers(row.cells.get("target", ""))
        polarity = ctx.catalogue[code].polarity.value
        if value and target:
            below, above = re.search(r"\bbelow target\b", text, re.I), re.search(r"\babove target\b", text, re.I)
            if below and value.value > target[0].value:
                out.append(Finding(WARN, paper.name, code, "commentary", "commentary says 'below target'",
                                   f"{value.text} is above its target {target[0].text} ({polarity} is better)"))
            if above and value.value < target[0].value:
                out.append(Finding(WARN, paper.name, code, "commentary", "commentary says 'above target'",
                                   f"{value.text} is below its target {target[0].text} ({polarity} is better)"))
    return out


class _Empty:
    items: dict[str, str] = {}


def check_chart_words(paper: Paper, ctx: Context) -> list[Finding]:
    """Check 5 in the paper: every number with the indicator's unit in a chart's caption or alt
    text, or an exception's caption, is a figure shown for that indicator (the axis's start and
    how many points or periods the chart has, and how many are missing, are facts of the chart,
    not figures). The alt text's first point is checked against the store
    (:func:`perfkit.audit.recompute.check_charts`), not here."""
    out = []
    texts = [(code, "chart caption", cap) for code, cap, _ in paper.charts if code]
    texts += [(code, "chart alt text", TREND.sub("", alt)) for code, _, alt in paper.charts if code]
    texts += [(code, "exception caption", exc.caption) for code, exc in paper.exceptions.items()]
    for code, what, text in texts:
        if code not in ctx.catalogue or (code not in paper.rows and code not in paper.exceptions):
            continue  # a chart with no row of figures beside it (a group's dot chart) names other areas' figures
        text = re.sub(r"axis starts at [^,;]+", "", text)
        text = text.replace(ctx.catalogue[code].title, "")
        shown = figures_shown(paper, code)
        unit = _UNIT.get(ctx.catalogue[code].unit.value)
        for n in numbers(text):
            if (unit is None and n.unit) or (unit is not None and n.unit != unit) or re.search(rf"{re.escape(n.text)} (?:periods? with data|points?\b|missing\b)", text):
                continue
            if unit is None and not n.unit and not _relevant(ctx, code, n, shown):
                continue
            if not _matches(n, shown):
                out.append(Finding(FAIL, paper.name, code, "caption", f"{what} says {n.text}", f"the figures shown are {', '.join(s.text for s in shown[:4])}"))
        if what == "exception caption" and rag_words(text) is None and re.search(r"target", text, re.I):
            out.append(Finding(FAIL, paper.name, code, "caption", f"{what} '{text}'", "its RAG in words"))
    return out
