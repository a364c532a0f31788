"""An area profile: one authority against its neighbours, its region and England, as a paper.

``AreaProfile.load("E08000009", "2024/25")`` reads the area's own rows (with its region's
and England's) and the benchmarks of :mod:`perfkit.compare.batch` (handed in by ``perfkit build``,
or computed here when the notebook runs on its own). The paper shell (header, narrative
sections, contact) comes from ``params/areas.yaml``, else ``params/corporate.yaml``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from perfkit.assess import aggregate, reporting_period, trends
from perfkit.assess.benchmark import position
from perfkit.assess.direction import direction
from perfkit.assess.latest import shown_periods
from perfkit.blocks.model import (
    Block,
    Blocks,
    Cell,
    Heading,
    Keep,
    PageBreak,
    Paragraph,
    Part,
    Section,
    Table,
)
from perfkit.compare.batch import GROUPS
from perfkit.config.catalogue import Indicator
from perfkit.config.papers import Paper
from perfkit.contract import ENGLAND, LIVE
from perfkit.formatting import as_shown, format_change, format_value, round_half_up
from perfkit.periods import Period, parse_period
from perfkit.report.charts import comparator_chart, sparkline_svg, trend_alt
from perfkit.report.shell import Inputs, PaperSections, about, paper_header, stacked
from perfkit.report.wording import figure_text, quality_text

__all__ = ["AreaProfile"]

TREND_PERIODS = 10  # how many of an indicator's periods the trend shows
#: A figure against its group's median, in the words of its direction from the median.
GAP_WORDS = {"improved": "better than the median", "worsened": "worse than the median", "no significant change": "at the median",
             "up": "above", "down": "below", "not comparable": ""}


def _others_figures(inputs: Inputs, indicators: list[str], area: str, period: Period) -> dict[tuple[str, str], float]:
    """The region's and England's own figures (what their publishers give) for each indicator
    at its reporting period: one aggregation per period length."""
    cat = inputs.params.catalogue
    rows = inputs.rows[inputs.rows["area_code"] != area]
    found: dict[tuple[str, str], float] = {}
    by_period: dict[Period, list[str]] = {}
    for code, when in shown_periods(inputs.rows, cat, indicators, period).items():
        by_period.setdefault(when, []).append(code)
    for when, codes in by_period.items():
        values = aggregate(rows[rows["indicator"].isin(codes)], cat, when)
        live = values[values["status"].isin(LIVE) & values["value"].notna()]
        found |= {(r.indicator, r.area_code): float(r.value) for r in live.itertuples(index=False)}
    return found


def _unranked(params, report, area: str, indicators: list[str], frame: pd.DataFrame, names: dict[str, str]) -> dict[str, str]:  # noqa: ANN001
    """Why ``area`` has no neighbours for each indicator it is not ranked among neighbours on
    (``params``: ReportParams, ``report``: its ReportDef, ``names``: the store's area names)."""
    from perfkit.compare.membership import Groups

    ranked = set(frame.loc[frame["group"] == "neighbours", "indicator"])
    missing = [c for c in indicators if c not in ranked]
    if not missing:
        return {}
    groups = Groups.load(params.root, params.catalogue, report)
    return {c: groups.for_area(c, area, names).text() for c in missing}


@dataclass(frozen=True)
class AreaProfile(PaperSections):
    """One area's benchmarking profile for one period."""

    area: str
    period: Period
    inputs: Inputs  # the area's, its region's and England's stored rows (after disclosure control for a public profile)
    benchmarks: pd.DataFrame  # its neighbours' rows and its own place in each group (perfkit.compare.batch.COLUMNS)
    trends: dict[str, pd.DataFrame]
    published: dict[tuple[str, str], float]  # (indicator, area): its region's and England's own figures
    handed: bool  # whether the build handed the benchmarks in (else they were computed here)
    #: indicator -> why the area has no neighbours in that indicator's group (perfkit.compare.membership)
    unranked: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, area: str | None, period: str | Period, store: str | Path | None = None, root: str | Path | None = None,
             benchmarks: list[dict] | None = None) -> AreaProfile:
        """Profile ``area`` (default: the council's own) for ``period``."""
        from perfkit.compare.batch import (
            area_benchmarks,
            area_report,
            benchmarks_frame,
            paper_benchmarks,
            profile_areas,
            profile_indicators,
        )
        from perfkit.config.council import load_council
        from perfkit.config.papers import project_params
        from perfkit.config.project import project
        from perfkit.store.store import Store

        proj = project(root=root, store=store)
        params = project_params(proj)
        council = load_council(proj.params)
        code = (area or council.area_code).strip().upper()
        when = period if isinstance(period, Period) else parse_period(period)
        handed = benchmarks is not None
        if not handed:
            benchmarks = paper_benchmarks(area_benchmarks(params, area_report(params), [code], proj.store, when)[1], [code])[code]
        indicators = profile_indicators(params.catalogue, benchmarks)
        with Store(proj.store, read_only=True) as db:
            rows = db.observations(indicators, profile_areas(code, benchmarks))
            imports = db.batches()[["batch_id", "imported_at"]]
            names = dict(db.areas().itertuples(index=False))
        inputs = Inputs(params, council, rows, proj.root, imports).for_audience(params.area_paper)
        series = trends(inputs.rows, params.catalogue, indicators, code, when, count=TREND_PERIODS)
        frame = benchmarks_frame(benchmarks)
        return cls(code, when, inputs, frame, series, _others_figures(inputs, indicators, code, when), handed,
                   _unranked(params, area_report(params), code, indicators, frame, names))

    # ----- what the paper is about ----------------------------------------------------
    @property
    def settings(self) -> Paper:
        return self.inputs.params.area_paper

    @property
    def indicators(self) -> list[Indicator]:
        present = set(self.benchmarks["indicator"])
        return [i for c, i in self.inputs.params.catalogue.items() if c in present]

    @property
    def name(self) -> str:
        mine = self.benchmarks.loc[self.benchmarks["area_code"] == self.area, "area_name"]
        own = self.inputs.rows.loc[self.inputs.rows["area_code"] == self.area, "area_name"]
        return str(mine.iloc[0] if len(mine) else own.iloc[-1] if len(own) else self.area)

    @property
    def title(self) -> str:
        return f"Area profile: {self.name}, {self.period.label}"

    def _row(self, code: str, group: str) -> pd.Series | None:
        """The area's own row in one of its groups (neighbours, region, england), with the indicator's unit."""
        b = self.benchmarks
        found = b[(b["indicator"] == code) & (b["group"] == group) & (b["area_code"] == self.area)]
        if found.empty:
            return None
        ind = self.inputs.params.catalogue[code]
        return found.iloc[0].copy().combine_first(pd.Series({"unit": ind.unit.value, "decimals": ind.decimals}))

    def _own(self, code: str) -> pd.Series | None:
        return next((r for g in GROUPS if (r := self._row(code, g)) is not None), None)

    def _fmt(self, ind: Indicator, value: float | None) -> str:
        return format_value(value, ind.unit.value, ind.decimals)

    def _published(self, ind: Indicator, area: str) -> float | None:
        """A region's or England's own published figure for the indicator at its period."""
        return self.published.get((ind.code, area))

    def _gap(self, ind: Indicator, row: pd.Series | None) -> tuple[float | None, str]:
        """The gap from the neighbour median to the value as shown (both rounded half-up at the
        indicator's decimals), and whether that is better or worse: the direction of travel's
        rule (per polarity) read from the median to the value."""
        if row is None or row["value"] != row["value"] or row["group_median"] != row["group_median"]:
            return None, ""
        value = as_shown(row["value"], ind.decimals)
        said = direction(pd.Series([value]), pd.Series([row["group_median"]]), pd.Series([ind.polarity.value]), 0.0, ind.decimals).iloc[0]
        return float(round_half_up(value, ind.decimals) - round_half_up(row["group_median"], ind.decimals)), GAP_WORDS[said]

    # ----- the paper, in order ------------------------------------------------------
    def header(self) -> Block:
        return paper_header(self.inputs, self.settings, self.period, self.title)

    def _groups_sentence(self) -> str:
        """The groups the area is compared in: each indicator's own neighbours (with how many
        indicators each ranks, where there are several), its region and all authorities."""
        b = self.benchmarks[self.benchmarks["area_code"] == self.area]
        own: dict[str, int] = {}  # in the catalogue's order of the indicators they rank
        for ind in self.indicators:
            if (row := self._row(ind.code, "neighbours")) is not None:
                own[str(row["group_name"])] = own.get(str(row["group_name"]), 0) + 1
        several = len(own) > 1 or bool(self.unranked)
        names = [f"{name} ({n} indicator{'s' * (n != 1)})" if several else str(name) for name, n in own.items()]
        if self.unranked:
            n = len(self.unranked)
            names.append(f"no neighbours ({n} indicator{'s' * (n != 1)})")
        for group in GROUPS[1:]:
            found = b.loc[b["group"] == group, "group_name"]
            if len(found):
                names.append(str(found.iloc[0]))
        return "; ".join(dict.fromkeys(names)) or "no comparator group"

    def summary(self) -> Block:
        n = len(self.indicators)
        own = (
            f"This profile compares {self.name} ({self.area}) on {n} published indicator{'s' * (n != 1)} for {self.period.label} "
            f"with: {self._groups_sentence()}. Counts are not compared, as authorities differ in size."
        )
        return Section(1, "Summary and purpose", (own, *self.settings.narrative.summary), "summary")

    def background(self) -> Block:
        """Section 2: quartiles among the neighbours, the gaps to their median, and the data notes."""
        paras: list[str | Block] = []
        quartiles = {q: [] for q in (1, 2, 3, 4)}
        gaps = []
        notes = []
        for ind in self.indicators:
            row = self._row(ind.code, "neighbours")
            if row is not None and row["quartile"] == row["quartile"]:
                quartiles[int(row["quartile"])].append(ind.title)
            gap, how = self._gap(ind, row)
            if gap is not None and how.startswith(("better", "worse")) and row["group_median"]:
                gaps.append((how, abs(gap / row["group_median"]), ind, row))  # relative: indicators differ in units
            own = self._own(ind.code)
            if own is None or own["status"] not in LIVE:
                why = "no figure published" if own is None else figure_text(own)
                notes.append(f"{ind.title}: {why}")
            elif quality_text(own):
                notes.append(f"{ind.title}: {quality_text(own)}")
        ranked = sum(len(v) for v in quartiles.values())
        if ranked:
            words = ", ".join(f"{len(v)} in quartile {q}" for q, v in quartiles.items() if v)
            paras.append(f"Among its neighbours, of the {ranked} indicator{'s' * (ranked != 1)} on which {self.name} is ranked: {words} "
                         "(quartile 1 is the best quarter of the group).")
        else:
            paras.append(f"{self.name} could not be ranked among neighbours on any indicator for {self.period.label}.")
        for how in ("worse than the median", "better than the median"):
            mine = sorted([g for g in gaps if g[0] == how], key=lambda g: -g[1])[:3]
            if mine:
                said = "; ".join(f"{ind.title} ({figure_text(row, note=False)} against a median of {self._fmt(ind, row['group_median'])})" for _, _, ind, row in mine)
                paras.append(f"Furthest {how.replace(' than the median', '')} than the neighbour median (relative to the median): {said}.")
        if notes:
            paras.append("Data notes: " + "; ".join(notes) + ".")
        return Section(2, "Background: how the area compares", tuple(paras), "background")

    def background_papers(self) -> Block:
        section = super().background_papers()
        sources = sorted({f"{i.framework} ({i.source})" for i in self.indicators})
        return Section(section.number, section.heading, section.paragraphs + ("Indicator sources: " + ("; ".join(sources) or "none") + ".",), section.anchor)

    def _trend_cell(self, ind: Indicator) -> Cell:
        series = self.trends.get(ind.code)
        if series is None or series["value"].dropna().empty:
            return Cell("no data")
        alt = trend_alt(ind.title, series, ind.unit.value, ind.decimals)
        return Cell(alt, parts=(Part(alt, "image", svg=sparkline_svg(list(series["value"]), alt)),))

    def _place(self, ind: Indicator, group: str) -> list[str]:
        """'joint 4th of 11, quartile 2' over 'median 21.5%' ('3rd highest of 11' for a neutral
        indicator), or why there is no rank."""
        row = self._row(ind.code, group)
        if row is None:
            why = self.unranked.get(ind.code) if group == "neighbours" else None
            return [why[0].upper() + why[1:]] if why else ["–"]
        named = [str(row["group_name"])] if group == "neighbours" else []  # each indicator's own group, named on its row
        if row["rank"] != row["rank"]:
            return [f"not ranked ({row['status']})", *named]
        quartile = f", quartile {int(row['quartile'])}" if row["quartile"] == row["quartile"] else ""
        place = position(row["rank"], int(row["rank_of"]), ind.polarity.value, row.get("tied", 1))
        return [f"{place}{quartile}", f"median {self._fmt(ind, row['group_median'])}", *named]

    def profile(self) -> Block:
        """Appendix 1: every indicator with its value, trend and place in each group it has."""
        present = set(self.benchmarks.loc[self.benchmarks["area_code"] == self.area, "group"])
        groups = [(g, head) for g, head in (("neighbours", "Among neighbours"), ("region", "In its region"), ("england", "Among all authorities")) if g in present]
        rows = []
        for ind in self.indicators:
            own = self._own(ind.code)
            value = figure_text(own, note=False) if own is not None else "No figure"
            when = own["period"] if own is not None else reporting_period(ind.freq, self.period).label
            gap, how = self._gap(ind, self._row(ind.code, "neighbours"))
            gap_text = "–" if gap is None else format_change(gap, ind.unit.value, ind.decimals) + (f" ({how})" if how else "")
            england = self._published(ind, ENGLAND)
            places = [self._place(ind, g) + ([f"England {self._fmt(ind, england)}"] if g == "england" and england is not None else []) for g, _ in groups]
            rows.append((
                stacked([f"{ind.title} [{ind.code}]", str(when)]),
                Cell(value, align="right"),
                self._trend_cell(ind),
                *(stacked(lines) for lines in places),
                Cell(gap_text, align="right"),
            ))
        table = Table(
            f"Appendix 1: {self.name} area profile, {self.period.label}",
            ("Indicator", "Value", "Trend", *(head for _, head in groups), "Gap to neighbour median"),
            tuple(rows),
            ("4.6cm", "2.4cm", "2.6cm", *(["3.6cm"] * len(groups)), "1fr"),
            row_headers=True,
        )
        note = Paragraph(
            f"Groups: {self._groups_sentence()}. Figures are ranked as shown (rounded half-up), and medians are of the shown "
            "figures. Rank 1 is the best (per the indicator's polarity); figures that read the same share the better rank "
            "(\"joint\"); quartile 1 is the best quarter of the group; an indicator where neither higher nor lower is better "
            "has a position (\"3rd highest\"), not a rank or quartile; suppressed and missing figures are not ranked. "
            "Gaps between percentages are in percentage points (pts). Rates and percentages "
            "are recomputed from their published counts where the publisher gives them. Annual indicators show their latest completed year.",
            "note",
        )
        return Blocks((PageBreak(landscape=True), Heading("Appendix 1: Area profile", 2, "appendix-1"), table, note))

    def charts(self) -> Block:
        """Appendix 2: a dot chart of the neighbours for each indicator."""
        items: list[Block] = [PageBreak(landscape=False), Heading("Appendix 2: Comparison with neighbours", 2, "appendix-2")]
        b = self.benchmarks
        for ind in self.indicators:
            group = b[(b["indicator"] == ind.code) & (b["group"] == "neighbours")]
            if group.empty:
                why = self.unranked.get(ind.code, f"no neighbour group for {self.name}")
                items.append(Paragraph(f"{ind.title}: {why[0].upper() + why[1:] if why[0].islower() else why}."))
                continue
            when = group["period"].iloc[0]
            title = f"{ind.title}, {when}"
            median = group["group_median"].iloc[0]
            chart = comparator_chart(title, group, self.area, ind.unit.value, ind.decimals, median, self._published(ind, ENGLAND), home_label=self.name)
            items.append(Keep((Heading(f"{ind.title} [{ind.code}]", 3), chart)))
        return Blocks(tuple(items))

    # ----- the parts a notebook shows, one cell each (a batch of hundreds pays per cell) --
    def opening(self) -> Block:
        """The header block, section 1 (summary) and section 2 (how the area compares)."""
        return Blocks((self.header(), self.summary(), self.background()))

    def sections(self) -> Block:
        """Sections 3 to 7 from params (financial, legal and other implications,
        recommendations, background papers) and the contact point."""
        return Blocks((self.financial(), self.legal(), self.other_implications(), self.recommendations(), self.background_papers(), self.contact()))

    def appendices(self) -> Block:
        """Appendix 1 (the profile table) and appendix 2 (a dot chart per indicator)."""
        return Blocks((self.profile(), self.charts()))

    def about(self) -> Block:
        handed = "handed in by the build" if self.handed else "computed by this notebook"
        digest = hashlib.sha256(pd.util.hash_pandas_object(self.benchmarks.astype(str), index=False).to_numpy().tobytes()).hexdigest()[:16]
        parameters = {"area": self.area, "period": self.period.label, "benchmarks": f"{len(self.benchmarks)} rows ({digest}), {handed}"}
        return about(self.inputs, parameters)
