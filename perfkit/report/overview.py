"""The corporate overview: every directorate for one period, as a committee paper.

Summary, headlines, counts by directorate, every Red indicator, the biggest movements
(each with the period it is compared with), the implications, recommendations and
background papers of ``params/corporate.yaml``, and the contact point.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from perfkit.assess import headline_counts, notable_movements, scorecard
from perfkit.assess.rag import RAG_LABELS
from perfkit.blocks.model import (
    Block,
    Cell,
    Paragraph,
    Section,
    Table,
    direction_badge,
    rag_badge,
)
from perfkit.config.papers import Corporate
from perfkit.periods import Period, parse_period
from perfkit.report.kinds import KINDS
from perfkit.report.shell import (
    Inputs,
    PaperSections,
    about,
    load_inputs,
    paper_header,
    rag_sentence,
    stacked,
)
from perfkit.report.wording import (
    figure_text,
    previous_text,
    status_footnote,
    target_text,
)

__all__ = ["CorporateOverview"]


@dataclass(frozen=True)
class CorporateOverview(PaperSections):
    """RAG and direction counts per directorate, the Reds, the biggest movers, and headlines."""

    FIRST_SECTION = 6

    period: Period
    card: pd.DataFrame
    inputs: Inputs

    @classmethod
    def load(cls, period: str | Period, store: str | Path | None = None, root: str | Path | None = None) -> CorporateOverview:
        inputs = load_inputs("council", "corporate", store, root)
        inputs = inputs.for_audience(inputs.params.corporate)
        when = period if isinstance(period, Period) else parse_period(period)
        codes = KINDS["council"].reads(inputs.params, "corporate", {})
        card = scorecard(inputs.rows, inputs.params.catalogue, when, inputs.council.area_code, codes)
        return cls(when, card, inputs)

    @property
    def settings(self) -> Corporate:
        return self.inputs.params.corporate

    @property
    def small(self) -> int:
        return self.inputs.council.small_denominator

    @property
    def title(self) -> str:
        return f"Corporate performance overview: {self.period.label} ({self.period.span})"

    def header(self) -> Block:
        return paper_header(self.inputs, self.settings, self.period, self.title)

    def summary(self) -> Block:
        return Section(1, "Summary and purpose", tuple(self.settings.narrative.summary), "summary")

    def headlines(self) -> Block:
        total = headline_counts(self.card).iloc[0]
        paras = [
            f"Across {int(total['total'])} indicators in {len(self.inputs.params.directorates)} directorates, "
            f"against their targets for {self.period.label}: {rag_sentence(total)}.",
            f"Since the previous period {int(total['dot_improved'])} improved, {int(total['dot_no change'])} did not change "
            f"and {int(total['dot_worsened'])} worsened.",
        ]
        outturn = self.card["ytd_kind"].eq("outturn").any()
        if self.card["ytd_kind"].notna().any():
            counts = self.card["ytd_rag"].value_counts()
            kind = "year-end outturn" if outturn else "year to date"
            paras.append(
                f"For the {kind} {self.period.financial_year.label}, against the annual targets: "
                + ", ".join(f"{int(counts[k])} {k}" for k in RAG_LABELS if counts.get(k, 0))
                + "."
            )
        return Section(2, "Headlines", tuple(paras), "headlines")

    def counts(self) -> Block:
        by = headline_counts(self.card, by="directorate")
        rows = tuple(
            (
                Cell(r["directorate"]),
                *(Cell(str(int(r[k])), align="right") for k in RAG_LABELS),
                *(Cell(str(int(r["dot_" + k])), align="right") for k in ("improved", "no change", "worsened")),
                Cell(str(int(r["total"])), align="right"),
            )
            for _, r in by.iterrows()
        )
        table = Table(
            f"Indicators by RAG status and direction of travel, {self.period.label}",
            ("Directorate", *(k.capitalize() for k in RAG_LABELS), "Improved", "No change", "Worsened", "Total"),
            rows,
        )
        held = int(headline_counts(self.card).filter(like="withheld_").iloc[0].sum())
        note = Paragraph(
            f"{held} of these figures are withheld from this public report because they rest on fewer than "
            f"{self.inputs.council.disclosure_threshold} people; they are counted under the RAG status they keep "
            "where it cannot reveal the number, and under Withheld where it could.",
            "note",
        ) if held else Paragraph("No figure in this report is withheld.", "note")
        return Section(3, "By directorate", (table, note), "by-directorate")

    def reds(self) -> Block:
        """Every indicator that is Red for the period, or for the year to date."""
        red = self.card[self.card["rag"].eq("red") | self.card["ytd_rag"].eq("red")]
        rows = tuple(
            (
                stacked([r["title"], f"[{r['indicator']}]"]),
                Cell(r["directorate"]),
                Cell(f"{figure_text(r, self.small, note=False)} ({r['period'].label})", align="right"),
                Cell(target_text(r), align="right"),
                rag_badge(r["rag"]),
                rag_badge(r["ytd_rag"]) if isinstance(r["ytd_kind"], str) else Cell("–"),
            )
            for _, r in red.iterrows()
        )
        if not rows:
            return Section(4, "Indicators that are Red", ("No indicator is Red for the period or the year to date.",), "reds")
        table = Table(
            f"Red indicators, {self.period.label}",
            ("Indicator", "Directorate", "Value", "Target", "RAG (period)", "RAG (year to date)"),
            rows,
            ("4.3cm", "2.6cm", "1fr", "1.6cm", "2.2cm", "2.3cm"),
        )
        lead = f"{len(rows)} indicators are Red for the period or the year to date; each is set out with its commentary and actions in its directorate's report."
        notes = [Paragraph(status_footnote(red), "note")] if status_footnote(red) else []
        return Section(4, "Indicators that are Red", (lead, table, *notes), "reds")

    def movers(self) -> Block:
        moves = notable_movements(self.card, count=5, small=self.small)
        rows = tuple(
            (
                stacked([m["title"], f"[{m['indicator']}]"]),
                Cell(m["directorate"]),
                Cell(f"{m['previous_period'].label} with {m['period'].label}"),
                Cell(previous_text(m, self.small), align="right"),
                Cell(figure_text(m, self.small, note=False), align="right"),
                direction_badge(m["direction_previous"], m["change_previous"]),
                rag_badge(m["rag"]),
            )
            for _, m in moves.iterrows()
        )
        table = Table(
            "Indicators that moved most since their previous period",
            ("Indicator", "Directorate", "Compared", "Before", "Now", "Direction", "RAG"),
            rows,
            ("4cm", "2.4cm", "2.3cm", "1fr", "1fr", "2.1cm", "2cm"),
        )
        note = Paragraph(
            "Each indicator is compared with its own previous period: a quarter with the quarter before, a year with the "
            "year before. Size of a move is the change relative to the previous value; indicators without polarity are not included. "
            + status_footnote(moves),
            "note",
        )
        return Section(5, "Biggest movements", (table, note), "movers")

    def about(self) -> Block:
        return about(self.inputs, {"period": self.period.label}, self.card)
