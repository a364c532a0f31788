"""One indicator in depth: definition, long trend, year to date, comparators, data notes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from perfkit.assess import (
    rank_in_group,
    reporting_period,
    scorecard,
    trend,
    year_to_date,
)
from perfkit.blocks.model import Block, Cell, KeyValues, Section, Table
from perfkit.config.catalogue import Indicator
from perfkit.config.project import project
from perfkit.contract import ENGLAND
from perfkit.formatting import STATUS_WORDS, format_counts, format_value
from perfkit.periods import Period, parse_period
from perfkit.report.charts import comparator_chart, trend_chart
from perfkit.report.shell import Inputs, about, load_inputs, paper_header
from perfkit.report.wording import compared_with, figure_text
from perfkit.store.store import Store

__all__ = ["IndicatorProfile"]


@dataclass(frozen=True)
class IndicatorProfile:
    """Everything about one indicator for one period."""

    indicator: Indicator
    period: Period
    card: pd.Series
    inputs: Inputs
    revisions: pd.DataFrame
    area: str

    @classmethod
    def load(
        cls, indicator: str, period: str | Period, store: str | Path | None = None, root: str | Path | None = None, area: str | None = None
    ) -> IndicatorProfile:
        """Profile ``indicator`` for ``area`` (default: the council's own area code)."""
        inputs = load_inputs("indicator", indicator.upper(), store, root, area)
        ind = inputs.params.catalogue[indicator.upper()]
        area = area or inputs.council.area_code
        settings = _settings(inputs, ind)
        inputs = inputs.for_audience(settings)
        when = period if isinstance(period, Period) else parse_period(period)
        card = scorecard(inputs.rows, inputs.params.catalogue, when, area, [ind.code], as_at=inputs.params.meeting(when, settings)).iloc[0]
        with Store(project(root=root, store=store).store, read_only=True) as db:
            revisions = db.revisions(ind.code)
        return cls(ind, when, card, inputs, revisions, area)

    @property
    def title(self) -> str:
        return f"Indicator profile: {self.indicator.title}, {self.card['area_name'] or self.area}, {self.period.label}"

    def _fmt(self, value: float | None) -> str:
        return format_value(value, self.indicator.unit.value, self.indicator.decimals)

    def header(self) -> Block:
        return paper_header(self.inputs, _settings(self.inputs, self.indicator), self.period, self.title)

    def definition(self) -> Block:
        i = self.indicator
        polarity = {"higher": "Higher is better", "lower": "Lower is better", "neutral": "No polarity"}[i.polarity.value]
        facts = (
            ("Code", i.code), ("Definition", i.definition), ("Unit", i.unit.value), ("Polarity", polarity),
            ("Frequency", i.frequency), ("Owner", i.owner), ("Service", f"{i.directorate}, {i.service}"),
            ("Source", i.source), ("Framework", i.framework),
        )
        return Section(1, "Definition", (KeyValues(f"{i.title}: definition", facts),), "definition")

    def long_trend(self) -> Block:
        i = self.indicator
        native = reporting_period(i.freq, self.period)
        first = parse_period(self.inputs.params.catalogue.calendar.first_year) if self.inputs.params.catalogue.calendar else native.shift(-20)
        count = len(first.subperiods(native.freq)[0].range_to(native))
        series = trend(self.inputs.rows, self.inputs.params.catalogue, i.code, self.area, native, count=count)
        chart = trend_chart(i.title, series, i.unit.value, i.decimals, width=7.5, height=3.0)
        c = self.card
        since = " and ".join(f"{c['direction_' + name]} since {c[name + '_period'].label}" for name in compared_with(c))
        text = (
            f"In {c['period'].label} the value was {figure_text(c, self.inputs.council.small_denominator)} against a target of {self._fmt(c['target'])} "
            f"({c['rag']}); {since}."
        )
        return Section(2, "Long-term trend", (text, chart, self._trend_table(series)), "trend")

    def _trend_table(self, series: pd.DataFrame) -> Table:
        """The chart's figures as a table: what a screen reader, or a reader checking a figure, needs."""
        i = self.indicator
        rows = []
        for _, r in series[series["status"].ne("missing") | series["value"].notna()].iterrows():
            value = self._fmt(r["value"]) if r["status"] in ("ok", "provisional") else STATUS_WORDS.get(r["status"], r["status"]).capitalize()
            counts = format_counts(r["numerator"], r["denominator"]) if i.unit.value == "%" else ""
            rows.append((Cell(r["period"].label), Cell(value, align="right"), Cell(counts or "–", align="right"), Cell(self._fmt(r["target"]), align="right")))
        return Table(f"{i.title}, {self.card['area_name'] or self.area}: each period", ("Period", "Value", "Counts", "Target"), tuple(rows), ("auto",) * 4)

    def year_to_date(self) -> Block:
        ytd = year_to_date(self.inputs.rows, self.inputs.params.catalogue, self.period)
        mine = ytd[(ytd["indicator"] == self.indicator.code) & (ytd["area_code"] == self.area)]
        if mine.empty:
            often = {"annual": "once a year", "quarterly": "quarterly", "monthly": "monthly"}.get(self.indicator.frequency, self.indicator.frequency)
            text = f"No year-to-date figure: the indicator is reported {often}."
        else:
            row = mine.iloc[0]
            text = (
                f"Year to date ({self.period.financial_year.start:%B %Y} to {self.period.end:%B %Y}): "
                f"{self._fmt(row['value'])} ({row['status']}"
                + (f": {row['status_reason']}" if isinstance(row['status_reason'], str) else "")
                + ")."
            )
        return Section(3, "Year to date", (text,), "ytd")

    def comparators(self) -> Block:
        i = self.indicator
        if not i.comparator_group:
            return Section(4, "Comparators", ("This indicator has no comparator group.",), "comparators")
        native = self.card["period"]
        group = self.inputs.params.catalogue.groups[i.comparator_group]
        members = set(group.codes) | {self.area}
        from perfkit.assess import aggregate

        values = aggregate(self.inputs.rows[self.inputs.rows["area_code"].isin(members)], self.inputs.params.catalogue, native)
        values = values[values["indicator"] == i.code]
        ranked = rank_in_group(values, i.polarity.value, i.decimals)
        everyone = aggregate(self.inputs.rows[self.inputs.rows["area_code"] == ENGLAND], self.inputs.params.catalogue, native)
        england = everyone.loc[everyone["indicator"] == i.code, "value"]
        median = ranked["group_median"].iloc[0] if len(ranked) else None
        chart = comparator_chart(f"{i.title}, {native.label}", ranked, self.area, i.unit.value, i.decimals, median, england.iloc[0] if len(england) else None)
        hidden = ranked[ranked["status"].isin(["suppressed", "missing"])]
        notes = [f"Compared with {group.name} ({len(group.codes)} authorities)."]
        if len(hidden):
            notes.append("Not ranked (suppressed or missing): " + ", ".join(f"{r['area_name']} ({r['status']})" for _, r in hidden.iterrows()) + ".")
        return Section(4, "Comparators", (*notes, chart), "comparators")

    def spc(self) -> Block:
        """Statistical process control of the indicator's process series (12 points or more),
        judged as every paper judges it (:mod:`perfkit.assess.spc_judgement`)."""
        from perfkit.assess.spc_judgement import process_series, spc_of
        from perfkit.report.shell import spc_words
        from perfkit.report.spc_chart import spc_chart

        i = self.indicator
        if not i.spc:
            why = ": a year-to-date figure climbs through the year by construction" if i.cumulative else \
                ": an annual series has one point a year" if i.frequency == "annual" else ", as the catalogue says it does not suit it"
            return Section(6, "Statistical process control", (f"SPC is not run on this indicator{why}.",), "spc")
        series = process_series(self.inputs.rows, i, self.area, self.card["period"].end)
        result = spc_of(series, i)
        own = f"each {i.freq.value}'s own figure, recovered from the year-to-date figures" if i.cumulative else ""
        if result is None:
            what = f" of {own}" if own else ""
            return Section(6, "Statistical process control", (f"Only {series['value'].count()} points{what}: SPC needs at least 12.",), "spc")
        target = i.target_for(series["period"].iloc[-1])
        title = i.title + (f" ({i.freq.value}'s own figure)" if i.cumulative else "")
        chart = spc_chart(title, list(series["period"]), result.points, i.unit.value, i.decimals, target.value if target else None,
                          result.variation, result.assurance, verdict=spc_words(result, i), quoted=(self.card["value"], self.card["target"]))
        text = (
            (f"SPC of {own}. " if own else "") + f"Variation: {result.variation} (from the latest point). "
            f"Assurance: {result.assurance or 'no target, so no assurance icon'}. "
            "Limits follow NHS England's Making Data Count method (mean +/- 2.66 x average moving range)."
        )
        return Section(6, "Statistical process control", (text, chart, *result.warnings), "spc")

    def value_for_money(self) -> Block:
        """Unit cost against the outcome it buys, across the comparator group."""
        from perfkit.assess import aggregate
        from perfkit.assess.benchmark import value_for_money
        from perfkit.report.charts import value_for_money_chart

        cat = self.inputs.params.catalogue
        cost = self.indicator if self.indicator.outcome else next((i for i in cat.values() if i.outcome == self.indicator.code), None)
        if cost is None or not cost.comparator_group:
            return Section(7, "Value for money", ("This indicator is not paired with a unit cost.",), "value-for-money")
        outcome = cat[cost.outcome]
        period = self.card["period"] if self.indicator is cost else reporting_period(cost.freq, self.period)
        rows = self.inputs.rows
        members = set(cat.groups[cost.comparator_group].codes) | {self.area}
        values = aggregate(rows[rows["area_code"].isin(members)], cat, period)
        data = value_for_money(values[values["indicator"] == cost.code], values[values["indicator"] == outcome.code])
        if data.empty:
            return Section(7, "Value for money", (f"No areas have both figures for {period.label}.",), "value-for-money")
        chart = value_for_money_chart(cost.title, outcome.title, data, self.area, cost.unit.value, outcome.unit.value, outcome.polarity.value)
        text = f"{cost.title} against {outcome.title}, {period.label}, for {len(data)} areas of {cat.groups[cost.comparator_group].name}."
        return Section(7, "Value for money", (text, chart), "value-for-money")

    def data_notes(self) -> Block:
        rows = self.inputs.rows
        mine = rows[(rows["indicator"] == self.indicator.code) & (rows["area_code"] == self.area)]
        flagged = mine[mine["status"] != "ok"]
        table_rows = tuple(
            (Cell(r["period"].label), Cell(r["status"]), Cell(r["status_reason"] or "")) for _, r in flagged.iterrows()
        )
        parts: list = [
            f"{len(mine)} stored periods for {self.card['area_name'] or self.area}; {len(flagged)} not final or without a value; "
            f"{len(self.revisions)} revisions recorded across all areas."
        ]
        if table_rows:
            parts.append(Table("Periods that are provisional, suppressed or missing", ("Period", "Status", "Reason"), table_rows))
        return Section(5, "Data notes", tuple(parts), "data-notes")


    def about(self) -> Block:
        return about(self.inputs, {"indicator": self.indicator.code, "period": self.period.label, "area": self.area}, self.card.to_frame().T)


def _settings(inputs: Inputs, ind: Indicator):  # noqa: ANN202 - Directorate or Corporate
    """The paper settings an indicator's profile follows: its directorate's, else the corporate ones."""
    slug = next((s for s, d in inputs.params.directorates.items() if d.name == ind.directorate), None)
    return inputs.params.directorates[slug] if slug else inputs.params.corporate
