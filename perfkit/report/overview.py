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
from perfkit.contract import RAG_LABELS, RAG_WORDS, RED_LIST
from perfkit.periods import Period, parse_period
from perfkit.report.kinds import KINDS
from perfkit.report.shell import (
    Inputs,
    PaperSections,
    about,
    load_inputs,
    paper_header,
    stacked,
)
from perfkit.report.tallies import (
    count_noun,
    coverage,
    period_tally,
    tally_sentence,
    year_heading,
    year_tally,
)
from perfkit.report.wording import (
    figure_text,
    previous_text,
    shown_period,
    status_footnote,
    target_text,
    year_name,
)

__all__ = ["CorporateOverview"]


@dataclass(frozen=True)
class CorporateOverview(PaperSections):
    """RAG and direction counts per directorate, the Reds, the biggest movers, and headlines."""

    FIRST_SECTION = 7
    RECOMMENDATIONS_EARLY = True

    period: Period
    card: pd.DataFrame
    inputs: Inputs

    @classmethod
    def load(cls, period: str | Period, store: str | Path | None = None, root: str | Path | None = None) -> CorporateOverview:
        inputs = load_inputs("council", "corporate", store, root)
        inputs = inputs.for_audience(inputs.params.corporate)
        when = period if isinstance(period, Period) else parse_period(period)
        codes = KINDS["council"].reads(inputs.params, "corporate", {})
        card = scorecard(inputs.rows, inputs.params.catalogue, when, inputs.council.area_code, codes, inputs.actions,
                         as_at=inputs.params.meeting(when, inputs.params.corporate))
        # each indicator under the directorate whose paper sets it out (a library indicator's
        # catalogue "Published benchmarks" is a heading, not a paper the overview can point to)
        paper_of = {c: d.name for slug, d in reversed(inputs.params.directorates.items()) for c in inputs.params.indicators_of(slug)}
        card["directorate"] = card["indicator"].map(paper_of).fillna(card["directorate"])
        return cls(when, card, inputs)

    @property
    def settings(self) -> Corporate:
        return self.inputs.params.corporate

    @property
    def title(self) -> str:
        return f"Corporate performance overview: {self.period.label} ({self.period.span})"

    def header(self) -> Block:
        return paper_header(self.inputs, self.settings, self.period, self.title)

    def summary(self) -> Block:
        return Section(1, "Summary and purpose", tuple(self.settings.narrative.summary), "summary")

    def headlines(self) -> Block:
        total = headline_counts(self.card).iloc[0]
        period, year = period_tally(self.card), year_tally(self.card)
        paras = [
            f"Across {count_noun(period.total, 'indicator')} in {count_noun(len(self.inputs.params.directorates), 'directorate')}, "
            f"against their targets for {self.period.label}: {tally_sentence(period)}.",
            f"Since the previous period {int(total['dot_improved'])} improved, {int(total['dot_no significant change'])} showed no significant change "
            f"and {int(total['dot_worsened'])} worsened.",
        ]
        if year is not None:
            paras.append(f"For the {year.name}, against the annual targets, for {coverage(year)}: {tally_sentence(year, public_note=False)}.")
        return Section(3, "Headlines", tuple(paras), "headlines")

    def counts(self) -> Block:
        rows = []
        for name, part in self.card.groupby("directorate", sort=False):
            tally, moved = period_tally(part), headline_counts(part).iloc[0]
            rows.append((
                Cell(name),
                *(Cell(str(tally.counts[k]), align="right") for k in RAG_LABELS),
                *(Cell(str(int(moved["dot_" + k])), align="right") for k in ("improved", "no significant change", "worsened")),
                Cell(str(tally.covered), align="right"),
            ))
        table = Table(
            f"Indicators by RAG status for the period and direction of travel, {self.period.label}",
            ("Directorate", *(RAG_WORDS[k][1] for k in RAG_LABELS), "Improved", "No significant change", "Worsened", "Total"),
            tuple(rows),
        )
        held = sum(period_tally(self.card).withheld.values())
        note = Paragraph(
            f"{count_noun(held, 'of these figures is', 'of these figures are')} withheld from this public report because "
            f"{'it rests' if held == 1 else 'they rest'} on fewer than {self.inputs.council.disclosure_threshold} people; "
            "a withheld figure is counted under the RAG status it keeps where that cannot reveal the number, under "
            "Off target (withheld) where every value it could be misses the target, and under Withheld otherwise.",
            "note",
        ) if held else Paragraph("No figure in this report is withheld.", "note")
        return Section(4, "By directorate", (table, note), "by-directorate")

    def reds(self) -> Block:
        """Every indicator that is Red, or off target (withheld), for the period or for the year to date."""
        red = self.card[self.card["rag"].isin(RED_LIST) | self.card["ytd_rag"].isin(RED_LIST)]
        year = year_heading(self.card)
        rows = tuple(
            (
                stacked([r["title"], f"[{r['indicator']}]"]),
                Cell(r["directorate"]),
                Cell(f"{figure_text(r, self.small, note=False)} ({shown_period(r)})", align="right"),
                Cell(target_text(r), align="right"),
                rag_badge(r["rag"]),
                *([rag_badge(r["ytd_rag"]) if year_name(r) else Cell("–")] if year else []),
            )
            for _, r in red.iterrows()
        )
        when = f"the period or the {year[0].lower()}{year[1:]}" if year else "the period"
        if not rows:
            return Section(5, "Indicators that are Red", (f"No indicator is Red or off target for {when}.",), "reds")
        table = Table(
            f"Red and off-target (withheld) indicators, {self.period.label}",
            ("Indicator", "Directorate", "Value", "Target", "RAG (period)", *([f"RAG ({year[0].lower()}{year[1:]})"] if year else [])),
            rows,
            ("4.3cm", "2.6cm", "1fr", "1.6cm", "2.2cm", *(["2.3cm"] if year else [])),
        )
        lead = (f"{count_noun(len(rows), 'indicator is', 'indicators are')} Red or off target (withheld) for {when}; "
                f"each is set out with its commentary and actions in its directorate's report.")
        notes = [Paragraph(status_footnote(red), "note")] if status_footnote(red) else []
        return Section(5, "Indicators that are Red", (lead, table, *notes), "reds")

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
        return Section(6, "Biggest movements", (table, note), "movers")

    def about(self) -> Block:
        return about(self.inputs, {"period": self.period.label}, self.card)
