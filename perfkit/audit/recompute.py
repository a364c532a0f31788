"""Checks 3 and 4 of the audit, and the store side of check 5: every RAG, value, target,
year to date, rank, median, quartile and chart figure a paper shows, against the audit's own
recomputation from the store (:mod:`perfkit.audit.figures`) and rules (:mod:`perfkit.audit.rules`)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from functools import cached_property

import duckdb

from perfkit.audit.figures import Figure, figures, latest_released, year_to_date_of
from perfkit.audit.findings import FAIL, Finding
from perfkit.audit.paper import TREND, Number, Paper, comparator, numbers
from perfkit.audit.rules import half_up, position, rag, rag_of_range
from perfkit.config.catalogue import Catalogue, Indicator
from perfkit.contract import ENGLAND
from perfkit.periods import Period, parse_period

__all__ = ["Assessed", "Context", "check_charts", "check_ranks", "check_rows"]

_LIVE = ("ok", "provisional")


@dataclass(frozen=True)
class Assessed:
    """One indicator as the audit finds it for a paper: the figure for its own period, its
    target and RAG, and the year to date (or outturn) beside it where a paper shows one."""

    period: Period
    figure: Figure
    target: float | None
    tolerance: float | None
    rag: str
    ytd_period: Period | None
    ytd: Figure | None
    ytd_target: float | None
    ytd_rag: str | None
    paper_year: Period | None = None  # the financial year of the paper's period

    @property
    def year_end_rag(self) -> str | None:
        """The RAG a year-to-date (or year-end) tally counts: the year to date's, or, for an
        annual indicator whose own year is the paper's year (the year's last period), its own
        (its figure is the outturn); an annual indicator showing an earlier year counts in none."""
        if self.ytd_period is not None:
            return self.ytd_rag
        return self.rag if self.period.freq.value == "year" and self.period == self.paper_year else None


@dataclass
class Context:
    """What every check reads: the store, the catalogue, the council and the paper's period."""

    con: duckdb.DuckDBPyConnection
    catalogue: Catalogue
    area: str
    period: Period
    threshold: int = 5
    as_at: dt.date | None = None  # the paper's meeting date (None: not yet known, the latest stored is shown)

    def __post_init__(self) -> None:
        self._cache: dict[tuple, Assessed] = {}
        self._figures: dict[tuple, dict[str, Figure]] = {}
        self._periods: dict[str, Period] = {}

    def own_period(self, ind: Indicator) -> Period:
        """The period the paper shows ``ind`` for: README's rule, and for a published indicator the
        latest figure released by the meeting date ("Latest available")."""
        if ind.code not in self._periods:
            self._periods[ind.code] = latest_released(self.con, ind, self.area, self.period, self.as_at)
        return self._periods[ind.code]

    def assess(self, code: str, public: bool) -> Assessed:
        key = (code, public)
        if key not in self._cache:
            self._cache[key] = self._assess(self.catalogue[code], public)
        return self._cache[key]

    def figure(self, ind: Indicator, period: Period, area: str | None = None, public: bool = False, last: Period | None = None) -> Figure:
        key = (ind.code, period, last, public)
        if key not in self._figures:  # every area's at once: a comparator group is one query
            self._figures[key] = figures(self.con, ind, period, last, public, self.threshold)
        return self._figures[key].get(area or self.area, Figure(None, "missing"))

    def _assess(self, ind: Indicator, public: bool) -> Assessed:
        own = self.own_period(ind)
        fig = self.figure(ind, own, public=public)
        target = ind.target_for(own)
        t, tol = (target.value, target.tolerance) if target else (None, None)
        earlier = ind.publisher is not None and own.freq is ind.freq and own.end < self.period.start
        ytd_period = None if earlier else year_to_date_of(ind, self.period)  # a publisher's earlier figure has none
        ytd = ytd_rag = yt = None
        if ytd_period is not None:
            ytd = self.figure(ind, ytd_period.subperiods(ind.freq)[0], public=public, last=self.period)
            annual = ind.target_for(ytd_period)
            yt, ytol = (annual.value, annual.tolerance) if annual else (None, None)
            ytd_rag = _rag(ytd, yt, ytol, ind.polarity.value)
        return Assessed(own, fig, t, tol, _rag(fig, t, tol, ind.polarity.value), ytd_period, ytd, yt, ytd_rag, self.period.financial_year)

    @cached_property
    def units(self) -> dict[str, str]:
        return {c: ind.unit.value for c, ind in self.catalogue.items()}


def _rag(fig: Figure, target: float | None, tolerance: float | None, polarity: str) -> str:
    if fig.withheld:
        return rag_of_range(fig.low, fig.high, target, tolerance, polarity)
    return rag(fig.value if fig.status in _LIVE else None, target, tolerance, polarity)


def _first(text: str) -> Number | None:
    """The figure a cell leads with ('18.9% (10 of 53; provisional)': 18.9), None for '–' or words."""
    found = numbers(re.split(r"[(;]", text, maxsplit=1)[0])
    return found[0] if found else None


def _shown(fig: Figure, target: float | None) -> str:
    if fig.withheld:
        return "withheld"
    if fig.value is None:
        return f"no figure ({fig.status})"
    return f"{fig.value:.4g}"


def check_value(paper: Paper, ctx: Context, code: str, what: str, text: str, fig: Figure, target: float | None) -> list[Finding]:
    """One shown figure (the period's or the year to date's) and its target against the store."""
    out = []
    first = _first(text)
    if fig.withheld:
        if first is not None and "withheld" not in text.lower():
            out.append(Finding(FAIL, paper.name, code, "disclosure", f"{what} shows {first.text}", "withheld: a small number must not be shown"))
        return out
    if fig.value is None:
        if first is not None:
            out.append(Finding(FAIL, paper.name, code, "value", f"{what} shows {first.text}", f"the store has no figure ({fig.status})"))
        return out
    if first is None:
        out.append(Finding(FAIL, paper.name, code, "value", f"{what} shows no figure ({text!r})", f"the store gives {fig.value:.4g}"))
    elif half_up(fig.value, first.decimals) != first.value:
        out.append(Finding(FAIL, paper.name, code, "value", f"{what} is {first.text}", f"the store gives {half_up(fig.value, first.decimals)}"))
    m = re.search(r"target ([^;]+)", text)
    if m and target is not None:
        shown = _first(m.group(1))
        if shown is not None and half_up(target, shown.decimals) != shown.value:
            out.append(Finding(FAIL, paper.name, code, "target", f"{what}'s target is {shown.text}", f"the catalogue's target is {target:g}"))
    return out


def check_rows(paper: Paper, ctx: Context) -> list[Finding]:
    """Check 3: each scorecard row's period, value, target, RAG and year to date against the store."""
    out = []
    for code, row in paper.rows.items():
        if code not in ctx.catalogue:
            out.append(Finding(FAIL, paper.name, code, "catalogue", "a row for an indicator", "not in the catalogue"))
            continue
        a = ctx.assess(code, paper.public)
        if row.period and row.period != a.period.label:
            out.append(Finding(FAIL, paper.name, code, "period", f"reports {row.period}", f"its period in a {ctx.period.label} paper is {a.period.label}"))
        out += check_value(paper, ctx, code, "the value", row.cells.get("value", ""), a.figure, None)
        shown_target = _first(row.cells.get("target", ""))
        if a.target is not None and shown_target is not None and half_up(a.target, shown_target.decimals) != shown_target.value:
            out.append(Finding(FAIL, paper.name, code, "target", f"target {shown_target.text}", f"the catalogue's target for {a.period.label} is {a.target:g}"))
        if row.rag != a.rag:
            out.append(Finding(FAIL, paper.name, code, "rag", f"RAG for the period: {row.rag}",
                               f"{a.rag} ({_shown(a.figure, a.target)} against target {a.target}, tolerance {a.tolerance}, {ctx.catalogue[code].polarity.value} is better)"))
        if a.ytd_period is not None and "ytd" in row.cells:
            out += check_value(paper, ctx, code, "the year to date", row.cells["ytd"], a.ytd, a.ytd_target)
            if row.ytd_rag != a.ytd_rag:
                out.append(Finding(FAIL, paper.name, code, "rag", f"RAG of the year to date: {row.ytd_rag}",
                                   f"{a.ytd_rag} ({_shown(a.ytd, a.ytd_target)} against the annual target {a.ytd_target})"))
        elif a.ytd_period is None and row.ytd_rag is not None and row.ytd_rag != a.year_end_rag:
            # an annual indicator's own year is its outturn: its year-end RAG is its own RAG
            should = a.year_end_rag or "none: no year to date for this indicator and period"
            out.append(Finding(FAIL, paper.name, code, "rag", f"a year-to-date RAG ({row.ytd_rag})", should))
    return out


def check_ranks(paper: Paper, ctx: Context) -> list[Finding]:
    """Check 4: every rank, quartile, median and England figure against the group's values in the store."""
    out = []
    for code, row in paper.rows.items():
        if code not in ctx.catalogue:
            continue
        ind = ctx.catalogue[code]
        text = row.cells.get("comparators", "")
        said = comparator(text)
        if said is None:
            continue
        if ind.polarity.value == "neutral" and said.rank is not None:
            out.append(Finding(FAIL, paper.name, code, "rank", f"ranks a neutral indicator ({said.words.split(' · ')[0]})",
                               "no rank (no end is better): its position, e.g. 'highest of N'"))
            said = replace(said, rank=None, quartile=None, joint=False, position=None)
        if ind.unit.value == "count":
            out.append(Finding(FAIL, paper.name, code, "rank", f"ranks a count ({said.words.split(' · ')[0]})", "not ranked, as councils differ in size"))
            continue
        group = ctx.catalogue.groups.get(ind.comparator_group or "")
        if group is None:
            out.append(Finding(FAIL, paper.name, code, "rank", "a rank", "no comparator group in the catalogue"))
            continue
        when = parse_period(said.period, year_rule=ind.freq.rule) if said.period else ctx.own_period(ind)
        values = {}
        for area in set(group.codes) | {ctx.area}:
            fig = ctx.figure(ind, when, area, paper.public)
            if fig.status in _LIVE and fig.value is not None:
                values[area] = fig.value
        pos = position(values, ctx.area, ind.polarity.value, ind.decimals)
        if pos is None:
            out.append(Finding(FAIL, paper.name, code, "rank", f"ranks the council at {when.label}", "the store has no figure of the council then"))
            continue
        should = pos.words()
        wrong = [said.of != pos.of]
        if pos.quartile is None:  # no rank: a position from the highest value, ties joint
            wrong += [said.position is None or said.position != pos.place(), said.joint != pos.joint]
        else:
            wrong += [said.rank != pos.rank, said.joint != pos.joint, said.quartile != pos.quartile]
        if said.median is not None:
            wrong.append(half_up(pos.median, said.median.decimals) != said.median.value)
        if any(wrong):
            out.append(Finding(FAIL, paper.name, code, "rank", said.words.split(" · ")[0], f"{should} among {len(values)} with a figure for {when.label}, "
                               f"on the figures as shown ({ind.decimals} decimals, ties joint, medians half-up)"))
        if said.england is not None:
            eng = ctx.figure(ind, when, ENGLAND, False)
            if eng.value is None or half_up(eng.value, said.england.decimals) != said.england.value:
                out.append(Finding(FAIL, paper.name, code, "rank", f"England {said.england.text}",
                                   f"the store's England figure for {when.label} is {_shown(eng, None)}"))
        if ind.unit.value == "%" and re.search(r"[+\-−]\d+(?:\.\d+)?% \((?:better|worse)", text):
            out.append(Finding(FAIL, paper.name, code, "rank", "a gap to the median in '%'", "a gap between percentages in percentage points ('pts')"))
    return out


def check_charts(paper: Paper, ctx: Context) -> list[Finding]:
    """Check 5 against the store: the first and last figures and the target a chart's alt text
    (or a sparkline's) names, at the periods it names."""
    out = []
    texts = [(code, alt) for code, _, alt in paper.charts if code] + [(c, alt) for c, row in paper.rows.items() for alt in row.images]
    for code, alt in texts:
        if code not in ctx.catalogue:
            continue
        ind = ctx.catalogue[code]
        m = TREND.search(alt)
        if not m:
            continue
        pairs = [(m["a"], m["p1"]), (m["b"], m["p2"])] if m["dir"] else [(m["c"], m["q1"]), (m["c"], m["q2"])]
        found = []
        for shown_text, label in pairs:
            shown = _first(shown_text)
            try:
                when = parse_period(label.strip(), year_rule=ind.freq.rule)
            except Exception:  # noqa: BLE001 - words the audit cannot read as a period are not checked
                continue
            fig = ctx.figure(ind, when, public=paper.public)
            found.append(fig.value)
            if shown is not None and (fig.value is None or half_up(fig.value, shown.decimals) != shown.value):
                out.append(Finding(FAIL, paper.name, code, "chart", f"alt text: {shown.text} in {when.label}",
                                   f"the store gives {_shown(fig, None)} for {when.label}"))
        if m["dir"] and len(found) == 2 and None not in found and (found[1] > found[0]) != (m["dir"] == "rose") and found[0] != found[1]:
            out.append(Finding(FAIL, paper.name, code, "chart", f"alt text says the figure {m['dir']}", "it moved the other way"))
        t = re.search(r"target (.+?)(?:[.;](?:\s|$)|$)", alt)
        target = ind.target_for(ctx.own_period(ind))
        shown_t = _first(t.group(1)) if t else None
        if shown_t is not None and target is not None and half_up(target.value, shown_t.decimals) != shown_t.value:
            out.append(Finding(FAIL, paper.name, code, "chart", f"alt text: target {shown_t.text}", f"the catalogue's target is {target.value:g}"))
    return out
