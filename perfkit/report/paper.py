"""The committee paper for one directorate and period, as blocks a notebook displays.

``DirectoratePaper.load("housing", "2025/26 Q2")`` reads params and the store once and
assesses every indicator; each method returns one block, so a notebook cell is a sentence:
``paper.scorecard()``. Narrative text comes from ``params/directorates/<slug>.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from perfkit.assess import headline_counts, notable_movements, ordinal, scorecard, trends
from perfkit.assess.disclosure import suppress_small_numbers
from perfkit.catalogue import Indicator
from perfkit.council import Council, load_council
from perfkit.formatting import format_value
from perfkit.params import Corporate, Directorate, ReportParams, load_params
from perfkit.paths import project
from perfkit.periods import Period, parse_period
from perfkit.provenance import provenance
from perfkit.report.blocks import (
    PROVENANCE_MIME,
    Block,
    Blocks,
    Cell,
    Heading,
    Keep,
    KeyValues,
    Meta,
    PageBreak,
    PaperHeader,
    Paragraph,
    Section,
    Table,
    direction_badge,
    rag_badge,
)
from perfkit.report.charts import sparkline_svg, trend_alt, trend_chart
from perfkit.report.escape import html_text, typst_string, typst_text
from perfkit.store import Store

__all__ = ["DirectoratePaper", "about", "load_inputs", "paper_header"]

OFF_TARGET = ("red", "amber")


@dataclass(frozen=True)
class Inputs:
    """What every report reads: params, the council, stored rows and the project folder."""

    params: ReportParams
    council: Council
    rows: pd.DataFrame
    root: Path

    def for_audience(self, status: str) -> Inputs:
        """The inputs a report for ``status`` may see: a public report's rows have small
        numbers suppressed before anything is assessed or shown (:mod:`perfkit.assess.disclosure`)."""
        if status != "public":
            return self
        rows = suppress_small_numbers(self.rows, self.params.catalogue, self.council.disclosure_threshold)
        return Inputs(self.params, self.council, rows, self.root)


def load_inputs(
    per: str, subject: str, store: str | Path | None = None, root: str | Path | None = None, area: str | None = None
) -> Inputs:
    """Read params and exactly the stored rows the report reads: its indicators
    (``ReportParams.reads``) for ``area`` (default: the council) and its comparators."""
    proj = project(root=root, store=store)
    params = load_params(proj.params, proj.root / "notebooks")
    council = load_council(proj.params)
    indicators = params.reads(per, subject)
    with Store(proj.store, read_only=True) as db:
        rows = db.observations(indicators, params.areas_read(indicators, area or council.area_code))
    return Inputs(params, council, rows, proj.root)


def _date(value: object) -> str:
    return f"{value:%-d %B %Y}" if value else "to be confirmed"


def fmt(row: pd.Series, column: str) -> str:
    return format_value(row[column], row["unit"], row["decimals"])


SPC_SHORT = {
    "common cause": "common cause",
    "special cause improvement": "improving",
    "special cause concern": "concern",
    "special cause neutral high": "unusually high",
    "special cause neutral low": "unusually low",
}
ASSURANCE_SHORT = {"consistently pass": "will pass", "consistently fail": "will fail", "inconsistent (hit and miss)": "hit and miss"}


def spc_icons(rows: pd.DataFrame, ind: Indicator, area: str, period: Period) -> str:
    """'SPC: improving; hit and miss' from the indicator's own series, or '' under 12 points."""
    from perfkit.assess.spc import spc
    from perfkit.report.profile import own_series

    series = own_series(rows, ind.code, area, period.end)
    if len(series) < 12:
        return ""
    target = ind.target_for(series["period"].iloc[-1])
    result = spc(series["value"].tolist(), ind.polarity.value, target.value if target else None)
    text = f"SPC: {SPC_SHORT[result.variation]}"
    return text + (f"; {ASSURANCE_SHORT[result.assurance]}" if result.assurance else "")


def paper_header(inputs: Inputs, settings: Directorate | Corporate, period: Period, title: str) -> Block:
    """The header block and the metadata the exporters use for title, language and footer."""
    meeting = _date(inputs.params.meeting(period))
    status = settings.status.capitalize() + (" (draft)" if settings.draft else "")
    meta = {
        "title": title,
        "lang": "en-GB",
        "council": inputs.council.name,
        "committee": settings.committee,
        "meeting": meeting,
        "paper": f"Paper {settings.paper}",
        "status": status,
        "colour": inputs.council.colour,
    }
    head = PaperHeader(inputs.council.name, settings.committee, meeting, title, f"the {settings.officer}", settings.paper, status)
    return Blocks((Meta(meta), head))


def about(inputs: Inputs, parameters: dict, card: pd.DataFrame | None = None) -> Block:
    """Provenance: data snapshot, versions, parameters and time (also as metadata for the build)."""
    facts = provenance(inputs.rows, inputs.root, parameters)
    record = {"provenance": facts, "parameters": parameters}
    if card is not None:
        record["rag_counts"] = card["rag"].value_counts().to_dict()
    return Blocks(
        (
            Keep((Heading("About this report", 2, "about"), KeyValues("How this report was produced", tuple(facts.items())))),
            Meta(record, PROVENANCE_MIME),
        )
    )


@dataclass(frozen=True)
class DirectoratePaper:
    """One directorate's committee paper for one period."""

    directorate: Directorate
    period: Period
    card: pd.DataFrame
    inputs: Inputs
    parameters: dict
    trends: dict[str, pd.DataFrame]  # each indicator's last 8 reporting periods, for sparklines and charts
    spc_icons: dict[str, str]  # "SPC: common cause; hit and miss" for indicators with 12+ points

    @classmethod
    def load(cls, directorate: str, period: str | Period, store: str | Path | None = None, root: str | Path | None = None) -> DirectoratePaper:
        """Read params and the store and assess the directorate's indicators for ``period``."""
        inputs = load_inputs("directorate", directorate, store, root)
        params = inputs.params
        d = params.directorate(directorate)
        codes = params.indicators_of(d.slug)
        inputs = inputs.for_audience(d.status)
        when = period if isinstance(period, Period) else parse_period(period)
        area = inputs.council.area_code
        card = scorecard(inputs.rows, params.catalogue, when, area, codes)
        series = trends(inputs.rows, params.catalogue, codes, area, when)
        icons = {c: spc_icons(inputs.rows, params.catalogue[c], area, when) for c in codes}
        return cls(d, when, card, inputs, {"directorate": directorate, "period": when.label}, series, icons)

    # ----- the paper, in order ------------------------------------------------------
    @property
    def title(self) -> str:
        return f"{self.directorate.name} performance report: {self.period.label} ({self.period.span})"

    def header(self) -> Block:
        """Header block: committee, meeting date, title, report of, paper letter, status."""
        return paper_header(self.inputs, self.directorate, self.period, self.title)

    def summary(self) -> Block:
        return Section(1, "Summary and purpose", tuple(self.directorate.narrative.summary), "summary")

    def background(self) -> Block:
        """Section 2: the headline picture: counts by RAG and direction, notable movements."""
        counts = headline_counts(self.card).iloc[0]
        total = int(counts["total"])
        rag_text = ", ".join(f"{int(counts[k])} {k}" for k in ("green", "amber", "red", "no target", "no data") if counts[k])
        dot_text = ", ".join(
            f"{int(counts['dot_' + k])} {k}" for k in ("improved", "no change", "worsened") if counts["dot_" + k]
        )
        paras: list[str | Block] = [
            f"This report covers {total} indicators for {self.period.label} ({self.period.span}). "
            f"Against target: {rag_text}.",
            f"Compared with the previous period: {dot_text or 'no indicators could be compared'}.",
        ]
        rows = [
            (Cell(k.capitalize()), Cell(str(int(counts[k])), align="right"))
            for k in ("green", "amber", "red", "no target", "no data")
        ]
        paras.append(Table("Indicators by RAG status", ("RAG status", "Indicators"), tuple(rows), ("auto", "auto")))
        moves = notable_movements(self.card)
        for _, m in moves.iterrows():
            paras.append(
                f"{m['title']} {m['movement']} from {fmt(m, 'previous_value')} in {m['previous_period'].label} "
                f"to {fmt(m, 'value')} ({m['rag']})."
            )
        return Section(2, "Background: the headline picture", tuple(paras), "background")

    def financial(self) -> Block:
        return Section(3, "Financial implications", tuple(self.directorate.narrative.financial), "financial")

    def legal(self) -> Block:
        return Section(4, "Legal implications", tuple(self.directorate.narrative.legal), "legal")

    def recommendations(self) -> Block:
        return Section(5, "Recommendations", tuple(self.directorate.narrative.recommendations), "recommendations")

    def background_papers(self) -> Block:
        frameworks = sorted({f"{r['framework']} ({r['source']})" for _, r in self.card.iterrows()})
        papers = tuple(self.directorate.narrative.background_papers) + (
            "Indicator sources: " + "; ".join(frameworks) + ".",
        )
        return Section(6, "Background papers", papers, "background-papers")

    def contact(self) -> Block:
        c, s = self.directorate.contact, self.directorate.signed_by
        items = [("Contact", c.name), ("Role", c.role)]
        items += [(k, v) for k, v in (("Telephone", c.phone), ("Email", c.email)) if v]
        items += [("Officer", s.name), ("Title", s.role)]
        return Blocks((Heading("Contact point", 2, "contact"), KeyValues("Contact point for this report", tuple(items))))

    def _spark(self, code: str) -> Cell:
        series = self.trends[code]
        ind = self.inputs.params.catalogue[code]
        alt = trend_alt(ind.title, series, ind.unit.value, ind.decimals)
        svg = sparkline_svg(list(series["value"]), alt)
        icons = self.spc_icons.get(code, "")
        if not svg:
            return Cell(icons or "no data")
        return Cell(
            text=alt,
            html_=svg + (f"<br><span class='spc'>{html_text(icons)}</span>" if icons else ""),
            typst_=f"#box(image(bytes({typst_string(svg)}), format: \"svg\", alt: {typst_string(alt)}, height: 0.55cm))"
            + (f" #linebreak() #text(size: 6.5pt)[{typst_text(icons)}]" if icons else ""),
        )

    def scorecard(self) -> Block:
        """Appendix 1: every indicator, on a landscape page in the PDF."""
        rows = []
        for _, r in self.card.iterrows():
            rank = ""
            if r["rank_of"] == r["rank_of"] and r["rank_of"]:
                quartile = f", quartile {int(r['quartile'])}" if r["quartile"] == r["quartile"] else ""
                rank = f"{ordinal(r['rank'], int(r['rank_of']))}{quartile}; median {fmt(r, 'group_median')}"
            status = "" if r["status"] == "ok" else f" ({r['status']})"
            rows.append(
                (
                    Cell(f"{r['title']} [{r['indicator']}]"),
                    Cell(r["period"].label),
                    Cell(fmt(r, "value") + status, align="right"),
                    Cell(fmt(r, "target") if r["target"] == r["target"] else "No target", align="right"),
                    rag_badge(r["rag"]),
                    direction_badge(r["direction_previous"], r["change_previous"]),
                    direction_badge(r["direction_last_year"], r["change_last_year"]),
                    self._spark(r["indicator"]),
                    Cell(rank or "–"),
                    Cell(r["commentary"] if isinstance(r["commentary"], str) else ""),
                )
            )
        table = Table(
            f"Appendix 1: {self.directorate.name} performance scorecard, {self.period.label}",
            ("Indicator", "Period", "Value", "Target", "RAG", "vs previous period", "vs same period last year", "Trend", "Comparators", "Commentary"),
            tuple(rows),
            ("3.6cm", "1.5cm", "1.5cm", "1.4cm", "1.6cm", "1.9cm", "1.9cm", "2.1cm", "2.6cm", "1fr"),
            font_size="7.5pt",
            css="scorecard",
        )
        note = Paragraph(
            "RAG: ✓ Green, target met; ▲ Amber, missed by no more than the tolerance; ✕ Red, missed by more. "
            "Arrows show which way the value moved; the word says whether that is better or worse. "
            "SPC (statistical process control, NHS Making Data Count): whether the latest point is common-cause "
            "variation, an improvement or a concern, and whether the target will be met reliably. "
            "Annual indicators show their latest completed year.",
            "note",
        )
        return Blocks((PageBreak(landscape=True), Heading("Appendix 1: Performance scorecard", 2, "appendix-1"), table, note))

    def exceptions(self) -> Block:
        """Appendix 2: each off-target indicator with its trend, commentary and actions."""
        off = self.card[self.card["rag"].isin(OFF_TARGET)]
        items: list[Block] = [PageBreak(landscape=False), Heading("Appendix 2: Exceptions", 2, "appendix-2")]
        if off.empty:
            items.append(Paragraph("Every indicator with a target met it this period."))
        cat = self.inputs.params.catalogue
        for _, r in off.iterrows():
            ind = cat[r["indicator"]]
            series = self.trends[r["indicator"]]
            facts = KeyValues(
                f"{r['title']}: {RAG_WORD[r['rag']]}",
                (
                    ("Value", f"{fmt(r, 'value')} ({r['period'].label})"),
                    ("Target", fmt(r, "target")),
                    ("Owner", ind.owner),
                    ("Commentary", r["commentary"] if isinstance(r["commentary"], str) else "No commentary supplied."),
                    ("Actions", r["actions"] if isinstance(r["actions"], str) else "No actions supplied."),
                ),
            )
            chart = trend_chart(ind.title, series, ind.unit.value, ind.decimals)
            items.append(Keep((Heading(f"{r['title']} [{r['indicator']}]", 3), facts, chart)))
        return Blocks(tuple(items))

    def about(self) -> Block:
        """Provenance: data snapshot, versions, parameters and time."""
        return about(self.inputs, self.parameters, self.card)


RAG_WORD = {"red": "Red, off target", "amber": "Amber, just off target", "green": "Green", "no target": "No target", "no data": "No data"}

