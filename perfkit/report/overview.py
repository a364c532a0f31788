"""The corporate overview: every directorate for one period, on a page."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from perfkit.assess import headline_counts, notable_movements, scorecard
from perfkit.periods import Period, parse_period
from perfkit.report.blocks import (
    Block,
    Cell,
    Paragraph,
    Section,
    Table,
    direction_badge,
    rag_badge,
)
from perfkit.report.paper import Inputs, about, fmt, load_inputs, paper_header

__all__ = ["CorporateOverview"]


@dataclass(frozen=True)
class CorporateOverview:
    """RAG and direction counts per directorate, the biggest movers, and headlines."""

    period: Period
    card: pd.DataFrame
    inputs: Inputs

    @classmethod
    def load(cls, period: str | Period, store: str | Path | None = None, root: str | Path | None = None) -> CorporateOverview:
        inputs = load_inputs("council", "corporate", store, root)
        inputs = inputs.for_audience(inputs.params.corporate.status)
        when = period if isinstance(period, Period) else parse_period(period)
        codes = inputs.params.reads("council", "corporate")
        card = scorecard(inputs.rows, inputs.params.catalogue, when, inputs.council.area_code, codes)
        return cls(when, card, inputs)

    @property
    def title(self) -> str:
        return f"Corporate performance overview: {self.period.label} ({self.period.span})"

    def header(self) -> Block:
        return paper_header(self.inputs, self.inputs.params.corporate, self.period, self.title)

    def headlines(self) -> Block:
        total = headline_counts(self.card).iloc[0]
        paras = [
            f"Across {int(total['total'])} indicators in {len(self.inputs.params.directorates)} directorates, "
            f"{int(total['green'])} met their target, {int(total['amber'])} were amber and {int(total['red'])} red; "
            f"{int(total['no target'])} have no target and {int(total['no data'])} have no data for the period.",
            f"Since the previous period {int(total['dot_improved'])} improved, {int(total['dot_no change'])} did not change "
            f"and {int(total['dot_worsened'])} worsened.",
        ]
        return Section(1, "Headlines", tuple(paras), "headlines")

    def counts(self) -> Block:
        by = headline_counts(self.card, by="directorate")
        rows = tuple(
            (
                Cell(r["directorate"]),
                *(Cell(str(int(r[k])), align="right") for k in ("green", "amber", "red", "no target", "no data")),
                *(Cell(str(int(r["dot_" + k])), align="right") for k in ("improved", "no change", "worsened")),
                Cell(str(int(r["total"])), align="right"),
            )
            for _, r in by.iterrows()
        )
        table = Table(
            f"Indicators by RAG status and direction of travel, {self.period.label}",
            ("Directorate", "Green", "Amber", "Red", "No target", "No data", "Improved", "No change", "Worsened", "Total"),
            rows,
        )
        return Section(2, "By directorate", (table,), "by-directorate")

    def movers(self) -> Block:
        moves = notable_movements(self.card, count=5)
        rows = tuple(
            (
                Cell(f"{m['title']} [{m['indicator']}]"),
                Cell(m["directorate"]),
                Cell(fmt(m, "previous_value"), align="right"),
                Cell(fmt(m, "value"), align="right"),
                direction_badge(m["direction_previous"], m["change_previous"]),
                rag_badge(m["rag"]),
            )
            for _, m in moves.iterrows()
        )
        table = Table(
            "Indicators that moved most since the previous period",
            ("Indicator", "Directorate", "Previous", "Now", "Direction", "RAG"),
            rows,
        )
        note = Paragraph("Size of a move is the change relative to the previous value; indicators without polarity are not included.", "note")
        return Section(3, "Biggest movements", (table, note), "movers")

    def about(self) -> Block:
        return about(self.inputs, {"period": self.period.label}, self.card)
