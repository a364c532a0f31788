"""Checks 1, 2 and 7 of the audit on the paper's own words: every tally equals the rows it
counts, every caption and list equals the rows it names, and on/off-target words agree with
the RAG they sit beside. Findings here are failures: these are perfkit's words, not an owner's."""

from __future__ import annotations

import re
from collections import Counter

from perfkit.audit.findings import FAIL, Finding
from perfkit.audit.paper import Paper, Row, claim, code_in, numbers, rag_words, tally
from perfkit.audit.recompute import Context

__all__ = ["check_captions", "check_overview", "check_tallies", "expected_year_end", "sentences"]

_RAGS = ("green", "amber", "red", "no target", "withheld", "off target (withheld)", "no data")
_DIRECTIONS = ("improved", "no change", "worsened")
_YEARLY = "the rows count (an annual indicator's own year is its outturn)"


def sentences(text: str) -> list[str]:
    """A paragraph's sentences (a full stop before a capital; decimals stay whole)."""
    return [s for s in re.split(r"(?<=[.])\s+(?=[A-Z])", text) if s.strip()]


def _year_end_words(sentence: str) -> bool:
    return bool(re.search(r"outturn|year to date|year-to-date|year-end", sentence, re.I))


def expected_year_end(paper: Paper, ctx: Context, code: str, row: Row) -> str | None:
    """The RAG a year-end (or year-to-date) tally counts for a row: its year-to-date badge, or,
    for an annual indicator, its own RAG (the year's figure is the outturn)."""
    if row.ytd_rag is not None:
        return row.ytd_rag
    last = ctx.period.freq.value == "year" or ctx.period == ctx.period.financial_year.subperiods(ctx.period.freq)[-1]
    if last and code in ctx.catalogue and ctx.catalogue[code].freq.value == "year" and ctx.own_period(ctx.catalogue[code]) == ctx.period.financial_year:
        return row.rag  # README: in the year's last period an annual figure of that year is its outturn; a published earlier one is not
    return None


def _compare(paper: Paper, what: str, said: dict[str, int], counted: Counter, keys: tuple[str, ...], source: str = "the rows count") -> list[Finding]:
    order = [k for k in (*_RAGS, *_DIRECTIONS) if k in keys] + sorted(k for k in keys if k not in _RAGS + _DIRECTIONS)
    wrong = {k: (said.get(k, 0), counted.get(k, 0)) for k in order if said.get(k, 0) != counted.get(k, 0)}
    if not wrong:
        return []
    says = ", ".join(f"{a} {k}" for k, (a, _) in wrong.items())
    should = ", ".join(f"{b} {k}" for k, (_, b) in wrong.items())
    return [Finding(FAIL, paper.name, "", "tally", f"{what}: {says}", f"{source} {should}")]


def check_tallies(paper: Paper, ctx: Context) -> list[Finding]:
    """Check 1 for a paper with a scorecard: the RAG table, the sentences' counts and the
    number of indicators equal the scorecard's badges."""
    if not paper.rows:
        return []
    rows = paper.rows
    period = Counter(r.rag for r in rows.values())
    year_end = Counter(e for c, r in rows.items() if (e := expected_year_end(paper, ctx, c, r)) is not None)
    withheld = Counter(r.rag for r in rows.values() if "withheld" in r.cells.get("value", "").lower())
    directions = Counter(r.directions[0].replace("no significant change", "no change") for r in rows.values() if r.directions)
    out = []
    table = next((t for t in paper.tables if t["columns"] and "rag" in t["columns"][0].lower()), None)
    if table is not None:
        said: dict[str, dict[str, int]] = {}
        for r in table["rows"]:
            status = rag_words(r[0]) or r[0].strip().lower()
            for column, cell in zip(table["columns"][1:], r[1:]):
                n = numbers(cell)
                said.setdefault(column, {})[status] = int(n[0].value) if n else 0
        for column, counts in said.items():
            yearly = _year_end_words(column) and "withheld" not in column.lower()
            counted = withheld if "withheld" in column.lower() else year_end if yearly else period
            if "total" in counts:  # a Total row: the column's sum, which must equal its rows' count too
                total = counts.pop("total")
                if total != sum(counts.values()) or total != sum(counted.values()):
                    out.append(Finding(FAIL, paper.name, "", "tally", f"table '{table['caption']}', column '{column}': total {total}",
                                       f"its rows add up to {sum(counts.values())}; the scorecard counts {sum(counted.values())}"))
            out += _compare(paper, f"table '{table['caption']}', column '{column}'", counts, counted, tuple(set(counts) | set(counted)),
                            _YEARLY if yearly else "the rows count")
    for sentence in _sentences_of(paper):
        out += _sentence_tally(paper, sentence, (period, "the rows count"), (year_end, _YEARLY), (directions, "the rows count"))
        m = re.search(r"covers (\d+) indicators", sentence)
        if m and int(m.group(1)) != len(rows):
            out.append(Finding(FAIL, paper.name, "", "tally", f"'{sentence[:90]}'", f"the scorecard has {len(rows)} indicators"))
    return out


def _sentences_of(paper: Paper) -> list[str]:
    return [sentence for _, paragraph in paper.sentences for sentence in sentences(paragraph)]


def _sentence_tally(paper: Paper, sentence: str, period: tuple[Counter, str], year_end: tuple[Counter, str],
                    directions: tuple[Counter, str]) -> list[Finding]:
    """A sentence's RAG counts against ``period`` (or ``year_end`` where it speaks of the year
    to date or outturn) and its direction counts against ``directions``: (counts, whose they are)."""
    counts = tally(sentence)
    out = []
    moving = bool(re.search(r"compared with the previous period|since the previous period", sentence, re.I))
    rag_counts = {k: v for k, v in counts.items() if k in _RAGS and not moving}  # '1 withheld' of directions is no RAG
    if rag_counts:
        counted, source = year_end if _year_end_words(sentence) else period
        out += _compare(paper, f"'{sentence[:90]}'", rag_counts, counted, _RAGS, source)
    moved = {k: v for k, v in counts.items() if k in _DIRECTIONS}
    if moved:
        out += _compare(paper, f"'{sentence[:90]}'", moved, directions[0], _DIRECTIONS, directions[1])
    return out


def _agrees(text: str, rag: str | None) -> bool:
    said = claim(text)
    return not ((said == "off" and rag == "green") or (said == "on" and rag in ("amber", "red", "off target (withheld)")))


def check_captions(paper: Paper, ctx: Context) -> list[Finding]:
    """Checks 2 and 7: each exception's caption and items equal its scorecard row; the
    exceptions are exactly the rows off target; sentences naming a row give its RAG."""
    out = []
    for code, exc in paper.exceptions.items():
        row = paper.rows.get(code)
        if row is None:
            continue
        labels = {k.lower(): v for k, v in exc.items.items()}
        period_item = next((v for k, v in labels.items() if "rag" in k and "outturn" not in k and "year" not in k), None)
        ytd_item = next((v for k, v in labels.items() if "rag" in k and ("outturn" in k or "year" in k)), None)
        if period_item is not None and rag_words(period_item) != row.rag:
            out.append(Finding(FAIL, paper.name, code, "caption", f"exception: RAG for the period {rag_words(period_item)}", f"the scorecard row's: {row.rag}"))
        if ytd_item is not None and rag_words(ytd_item) != row.ytd_rag:
            out.append(Finding(FAIL, paper.name, code, "caption", f"exception: year-to-date RAG {rag_words(ytd_item)}", f"the scorecard row's: {row.ytd_rag}"))
        for label, text in exc.items.items():
            if "rag" in label.lower() and not _agrees(text, rag_words(text)):
                out.append(Finding(FAIL, paper.name, code, "words", f"'{label}: {text}'", "on/off-target words that agree with the RAG"))
        tail = exc.caption.split(":", 1)[-1] if ":" in exc.caption else exc.caption
        named = re.findall(r"RAG for the (period|year to date[^;]*?|outturn[^;]*?) (Green|Amber|Red|Off target \(withheld\)|No target|Withheld|No data)",
                           tail)
        for which, words in named:  # a caption naming each RAG it reports: each must be that column's
            meant = row.rag if which == "period" else row.ytd_rag
            if rag_words(words) != meant:
                out.append(Finding(FAIL, paper.name, code, "caption", f"caption '{exc.caption}'", f"the row's RAG for the {which} is {meant}"))
        said = rag_words(tail) if not named else None
        if said is not None:
            yearly = _year_end_words(tail)
            meant = row.ytd_rag if yearly else row.rag
            if said != meant:
                which = "year to date" if yearly else "period"
                out.append(Finding(FAIL, paper.name, code, "caption", f"caption '{exc.caption}'", f"the row's RAG for the {which} is {meant}"))
            elif not yearly and "period" not in tail.lower() and row.ytd_rag not in (None, row.rag):
                out.append(Finding(FAIL, paper.name, code, "caption", f"caption '{exc.caption}'",
                                   f"a caption that says which RAG it gives: the period's is {row.rag}, the year to date's {row.ytd_rag}"))
            if not _agrees(tail, said):
                out.append(Finding(FAIL, paper.name, code, "words", f"caption '{exc.caption}'", f"on/off-target words that agree with {said}"))
        value = labels.get("value")
        if value is not None:
            shown, mine = numbers(value.split("(")[0]), numbers(row.cells.get("value", "").split("(")[0])
            if shown and mine and shown[0].value != mine[0].value:
                out.append(Finding(FAIL, paper.name, code, "caption", f"exception value {shown[0].text}", f"the scorecard shows {mine[0].text}"))
    if paper.exceptions or any("exception" in h.lower() for h in paper.headings):
        off = ("amber", "red", "off target (withheld)")
        due = {c for c, r in paper.rows.items() if r.rag in off or r.ytd_rag in off}
        for code in sorted(due - set(paper.exceptions)):
            out.append(Finding(FAIL, paper.name, code, "list", "no exception for an indicator off target", f"an exception ({paper.rows[code].rag}, year to date {paper.rows[code].ytd_rag})"))
        for code in sorted(set(paper.exceptions) - due):
            if code in paper.rows:
                out.append(Finding(FAIL, paper.name, code, "list", "an exception for an indicator on target", "none, or a reason it is there"))
    for heading, paragraph in paper.sentences:
        row = _named(paper, paragraph)
        m = re.search(r"\((green|amber|red|no target|withheld|no data|off target \(withheld\))\)\.?$", paragraph, re.I)
        if row is not None and m and rag_words(m.group(1)) != row.rag:
            out.append(Finding(FAIL, paper.name, row.code, "sentence", f"'{paragraph[:100]}'", f"the row's RAG for the period is {row.rag}"))
        if row is not None and row.directions:
            d = re.match(re.escape(row.title) + r" (improved|worsened|did not change|rose|fell)\b", paragraph)
            if d and d.group(1) in ("improved", "worsened") and d.group(1) != row.directions[0]:
                out.append(Finding(FAIL, paper.name, row.code, "sentence", f"'{paragraph[:100]}'", f"the row says {row.directions[0]}"))
    return out


def _named(paper: Paper, text: str) -> Row | None:
    """The scorecard row a sentence opens with (its title), the longest title first."""
    found = [r for r in paper.rows.values() if text.startswith(r.title + " ")]
    return max(found, key=lambda r: len(r.title)) if found else None


def check_overview(paper: Paper, ctx: Context, directorates: dict[str, list[str]]) -> list[Finding]:
    """Checks 1-3 for the corporate overview: the by-directorate table adds up and equals the
    store's RAGs of each directorate's indicators, the headline sentences equal the table, and
    the Red list holds exactly the indicators Red for the period or year to date."""
    table = next((t for t in paper.tables if t["columns"] and t["columns"][0].lower() == "directorate"), None)
    if table is None:
        return []
    out = []
    columns = table["columns"]
    sums: Counter = Counter()
    total_all = 0
    year_end: Counter = Counter()
    for r in table["rows"]:
        name, cells = r[0], dict(zip(columns[1:], r[1:]))
        named = lambda c: "no change" if c.lower() in ("no change", "no significant change") else (rag_words(c) or c.lower())  # noqa: E731
        counts = {named(c): int(numbers(v)[0].value) if numbers(v) else 0 for c, v in cells.items()}
        rag_total = sum(v for k, v in counts.items() if k in _RAGS)
        total = counts.get("total")
        if total is not None and total != rag_total:
            out.append(Finding(FAIL, paper.name, "", "tally", f"{name}: total {total}", f"its RAG columns add up to {rag_total}"))
        sums.update({k: v for k, v in counts.items() if k in _RAGS or k in _DIRECTIONS})
        total_all += total or rag_total
        codes = directorates.get(name)
        if codes is None:
            out.append(Finding(FAIL, paper.name, "", "tally", f"a row for {name}", "a directorate of params/directorates"))
            continue
        found = Counter(ctx.assess(c, paper.public).rag for c in codes)
        year_end.update(e for c in codes if (e := ctx.assess(c, paper.public).year_end_rag) is not None)
        out += _compare(paper, f"by directorate, {name}", {k: v for k, v in counts.items() if k in _RAGS}, found, _RAGS, "the store gives")
    for sentence in _sentences_of(paper):
        out += _sentence_tally(paper, sentence, (sums, "the table counts"),
                               (year_end, "the store gives (every indicator, annual ones included)"), (sums, "the table counts"))
        m = re.search(r"(\d+) indicators in (\d+) directorates", sentence)
        if m and (int(m.group(1)), int(m.group(2))) != (total_all, len(table["rows"])):
            out.append(Finding(FAIL, paper.name, "", "tally", f"'{sentence[:90]}'", f"the table has {total_all} indicators in {len(table['rows'])} directorates"))
    out += _red_list(paper, ctx, directorates)
    return out


def _red_list(paper: Paper, ctx: Context, directorates: dict[str, list[str]]) -> list[Finding]:
    table = next((t for t in paper.tables if re.search(r"\bred\b", t["caption"], re.I) and t["columns"] and t["columns"][0].lower() == "indicator"), None)
    if table is None:
        return []
    out = []
    listed = {code_in(r[0]): dict(zip(table["columns"], r)) for r in table["rows"] if code_in(r[0])}
    every = [c for codes in directorates.values() for c in codes]
    off = ("red", "off target (withheld)")  # a withheld figure off target is listed, never as a Red that would narrow its range
    reds = {c for c in every if {ctx.assess(c, paper.public).rag, ctx.assess(c, paper.public).year_end_rag} & set(off)}
    for code in sorted(reds - set(listed)):
        a = ctx.assess(code, paper.public)
        out.append(Finding(FAIL, paper.name, code, "list", "not in the Red list",
                           f"listed: {a.rag} for the period {a.period.label}, {a.year_end_rag} for the year to date or year end"))
    for code in sorted(set(listed) - reds):
        out.append(Finding(FAIL, paper.name, code, "list", "in the Red list", "not Red for the period nor the year to date"))
    for code, cells in listed.items():
        if code not in ctx.catalogue:
            continue
        a = ctx.assess(code, paper.public)
        for column, text in cells.items():
            if not column.lower().startswith("rag"):
                continue
            should = a.year_end_rag if _year_end_words(column) else a.rag
            if rag_words(text) != should:
                out.append(Finding(FAIL, paper.name, code, "list", f"Red list, {column}: {text}", f"{should}"))
    for heading, paragraph in paper.sentences:
        m = re.match(r"(\d+) indicators? (?:is|are) Red", paragraph)
        if m and int(m.group(1)) != len(listed):
            out.append(Finding(FAIL, paper.name, "", "list", f"'{paragraph[:90]}'", f"the list holds {len(listed)}"))
    return out
