"""The committee paper for one directorate and period, as blocks a notebook displays.

``DirectoratePaper.load("housing", "2025/26 Q2")`` reads params and the store once and
assesses every indicator; each method returns one block, so a notebook cell is a sentence:
``paper.scorecard()``. Narrative text comes from ``params/directorates/<slug>.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from perfkit.assess import (
    commentary_checks,
    headline_counts,
    notable_movements,
    scorecard,
    trends,
)
from perfkit.blocks.model import (
    BREAK,
    Block,
    Blocks,
    CardTable,
    Cell,
    Heading,
    Keep,
    KeyValues,
    Meta,
    PageBreak,
    Paragraph,
    Part,
    Section,
    Table,
    direction_badge,
    joined,
    rag_badge,
)
from perfkit.config.catalogue import NATIONAL
from perfkit.config.papers import Directorate
from perfkit.contract import (
    LIVE,
    OFF_TARGET,
    OPEN_DATA_MIME,
    RAG_LABELS,
    RAG_WORDS,
    RED_LIST,
    rag_key,
    rag_phrase,
)
from perfkit.formatting import status_note
from perfkit.periods import Freq, Period, parse_period
from perfkit.render.open_data import open_data_records
from perfkit.report.charts import sparkline_svg, trend_alt
from perfkit.report.exception_chart import exception_chart
from perfkit.report.shell import (
    Inputs,
    PaperSections,
    about,
    labelled,
    load_inputs,
    paper_header,
    revised_note,
    spc_icons,
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
    action_lines,
    band_lines,
    band_text,
    check_marks,
    comparator_text,
    compared_with,
    completeness_text,
    figure_text,
    next_release_text,
    off_track_sentence,
    parts_text,
    period_name,
    previous_text,
    quality_text,
    rag_caption,
    rag_facts,
    shown_period,
    target_text,
    year_name,
    ytd_text,
)
from perfkit.returns.chase import CheckResult, check, commentary_required

__all__ = ["DirectoratePaper"]


@dataclass(frozen=True)
class DirectoratePaper(PaperSections):
    """One directorate's committee paper for one period."""

    FIRST_SECTION = 4
    RECOMMENDATIONS_EARLY = True

    directorate: Directorate
    period: Period
    card: pd.DataFrame
    inputs: Inputs
    parameters: dict
    trends: dict[str, pd.DataFrame]  # each indicator's last 8 reporting periods, for sparklines and charts
    spc_icons: dict[str, str]  # "SPC: common cause; hit and miss" for indicators with 12+ points
    quality: CheckResult | None = None  # the data check of the quarter's returns (perfkit check), for a quarterly paper

    @classmethod
    def load(cls, directorate: str, period: str | Period, store: str | Path | None = None, root: str | Path | None = None) -> DirectoratePaper:
        """Read params and the store and assess the directorate's indicators for ``period``."""
        inputs = load_inputs("directorate", directorate, store, root)
        params = inputs.params
        d = params.directorate(directorate)
        codes = params.indicators_of(d.slug)
        when = period if isinstance(period, Period) else parse_period(period)
        # as on the quarter's last day, so the paper does not change with the date it is built
        quality = check(params, inputs.council, inputs.rows, when, [d.slug], today=when.end) if when.freq is Freq.QUARTER else None
        inputs = inputs.for_audience(d)
        area = inputs.council.area_code
        card = scorecard(inputs.rows, params.catalogue, when, area, codes, inputs.actions, as_at=params.meeting(when, d))
        series = trends(inputs.rows, params.catalogue, codes, area, when)
        own = dict(tuple(inputs.rows.groupby("indicator", sort=False))) if len(inputs.rows) else {}  # split once, not filtered per indicator
        icons = {c: spc_icons(own.get(c, inputs.rows.iloc[0:0]), params.catalogue[c], area, when) for c in codes}
        return cls(d, when, card, inputs, {"directorate": directorate, "period": when.label}, series, icons, quality)

    # ----- the paper, in order ------------------------------------------------------
    @property
    def settings(self) -> Directorate:
        return self.directorate

    @property
    def year_end(self) -> bool:
        """A Q4 paper is the year-end report: it shows the year's outturn."""
        return bool((self.card["ytd_kind"] == "outturn").any())

    @property
    def title(self) -> str:
        base = f"{self.directorate.name} performance report: {self.period.label} ({self.period.span})"
        return base + (f" and year-end outturn {self.period.financial_year.label}" if self.year_end else "")

    def header(self) -> Block:
        """Header block: committee, meeting date, title, report of, paper letter, status, wards, key decision."""
        return paper_header(self.inputs, self.directorate, self.period, self.title)

    def summary(self) -> Block:
        """Section 1: the purpose (params), then what is off track, why and what is being done:
        each Red (or off-target withheld) indicator in one sentence from its own row."""
        card = self.card
        red = card[card["rag"].isin(RED_LIST) | card["ytd_rag"].isin(RED_LIST)]
        amber = card[card["rag"].eq("amber") & ~card.index.isin(red.index)]
        if red.empty:
            lead = "No indicator is Red for the period" + (" or the year" if year_heading(card) else "") + "."
        else:
            lead = (f"{count_noun(len(red), 'indicator is', 'indicators are')} Red or off target for the period"
                    + (" or the year" if year_heading(card) else "") + "; each is set out below and in Appendix 2.")
        other = "" if red.empty else "other "
        lead += (f" {count_noun(len(amber), other + 'indicator is', other + 'indicators are')} Amber, just off target (Appendix 2)."
                 if len(amber) else "")
        paras = [*self.directorate.narrative.summary, lead, *(off_track_sentence(r, self.small) for _, r in red.iterrows())]
        return Section(1, "Summary and purpose", tuple(paras), "summary")

    def background(self) -> Block:
        """Section 2: the headline picture: counts by RAG (and of the year to date), direction, notable movements."""
        card = self.card
        counts = headline_counts(card).iloc[0]
        period, year = period_tally(card), year_tally(card)
        paras: list[str | Block] = [
            f"This report covers {count_noun(period.total, 'indicator')} for {self.period.label} ({self.period.span}). "
            f"Against their targets for the period: {tally_sentence(period)}."
        ]
        columns = ["RAG status", "Indicators this period", "of which withheld"]
        if year is not None:
            paras.append(
                ("This is the year-end report. " if self.year_end else "")
                + f"The {year.name}, against the annual targets, for {coverage(year)}: {tally_sentence(year, public_note=False)}. "
                + f"The RAG column assesses the period's own figure against the period's target; the {year.name} column has its own RAG."
            )
            columns.append(year.name[0].upper() + year.name[1:])
        dots = [f"{int(counts['dot_' + k])} {k}" for k in ("improved", "no significant change", "worsened", "withheld") if counts.get("dot_" + k, 0)]
        paras.append(f"Compared with the previous period: {', '.join(dots) if dots else 'no indicators could be compared'}.")
        rows = []
        for k in RAG_LABELS:
            cells = [Cell(RAG_WORDS[k][1]), Cell(str(period.counts[k]), align="right"), Cell(str(period.withheld[k]), align="right")]
            if year is not None:
                cells.append(Cell(str(year.counts[k]), align="right"))
            rows.append(tuple(cells))
        total = [Cell("Total"), Cell(str(period.covered), align="right"), Cell(str(sum(period.withheld.values())), align="right")]
        rows.append(tuple(total + ([Cell(str(year.covered), align="right")] if year is not None else [])))
        paras.append(Table("Indicators by RAG status", tuple(columns), tuple(rows), ("auto",) * len(columns)))
        for _, m in notable_movements(card, small=self.small).iterrows():
            paras.append(
                f"{m['title']} {m['movement']} from {previous_text(m, self.small)} in {m['previous_period'].label} "
                f"to {figure_text(m, self.small)} in {m['period'].label} ({m['rag']})."
            )
        if self.quality is not None:
            paras.append(completeness_text(self.quality))
        flagged = [f"{r['title']}, {r['period'].label}: {quality_text(r)}" for _, r in card.iterrows() if quality_text(r)]
        if flagged:
            paras.append("Published figures: " + "; ".join(flagged) + ".")
        return Section(3, "Background: the headline picture", tuple(paras), "background")

    def background_papers(self) -> Block:
        section = super().background_papers()
        frameworks = sorted({f"{r['framework']} ({r['source']})" for _, r in self.card.iterrows()})
        return Section(section.number, section.heading, section.paragraphs + ("Indicator sources: " + "; ".join(frameworks) + ".",), section.anchor)

    def _spark(self, code: str) -> Cell:
        series = self.trends[code]
        ind = self.inputs.params.catalogue[code]
        alt = trend_alt(ind.title, series, ind.unit.value, ind.decimals)
        svg = sparkline_svg(list(series["value"]), alt)
        icons = self.spc_icons.get(code, "")
        if not svg:
            return Cell(icons or "no data")
        return Cell(alt, parts=(Part(alt, "image", svg=svg), *((BREAK, Part(icons, style="spc")) if icons else ())))

    def _ytd_cell(self, r: pd.Series) -> Cell:
        if not isinstance(r["ytd_kind"], str):
            why = "Annual indicator" if r["frequency"] == "annual" else "First period of the year"
            return Cell(why)
        target = r["ytd_target"]
        lines = [figure_text(r, self.small, "ytd_", note=False), *([f"target {target_text(r, 'ytd_')}"] if target == target and target is not None else [])]
        return stacked(lines, rag_badge(r["ytd_rag"]))

    def _direction_cell(self, r: pd.Series) -> Cell:
        parts = []
        for name in compared_with(r):
            badge, on = direction_badge(r[f"direction_{name}"], r[f"change_{name}"]), r[name + "_period"].label
            parts.append(Cell(f"{badge.text} on {on}", parts=(*badge.runs(), Part(" on "), Part(on))))
        return joined(parts)

    def _notes(self, r: pd.Series) -> Cell:
        return labelled(self._note_lines(r))

    def _note_lines(self, r: pd.Series) -> list[tuple[str, str]]:
        """The words under an indicator: a withheld figure's reason, the period's commentary and actions,
        and the actions set the period before (so the committee can follow them up)."""
        when = period_name(r["commentary_period"])
        lines = []
        now = status_note(r["status"], r["status_reason"])
        if now:
            lines.append(("Data", now))
        year = status_note(r["ytd_status"], r["ytd_status_reason"]) if isinstance(r["ytd_kind"], str) else ""
        if year and year != now:
            lines.append((f"Data ({r['ytd_kind']})", year))
        revised = revised_note(self.inputs.revised, r, self.inputs.params.catalogue[r["indicator"]])
        if revised:
            lines.append(("Revised", revised))
        if parts_text(r, self.small):
            lines.append((f"By {r['parts'][0]['period'].freq.value}", parts_text(r, self.small)))
        if isinstance(r.get("headline"), str):
            lines.append((f"Headline ({when})", r["headline"]))
        if isinstance(r["commentary"], str):
            lines.append((f"Commentary ({when})", r["commentary"]))
        else:
            ind = self.inputs.params.catalogue[r["indicator"]]
            required = commentary_required(ind, self.inputs.council.commentary, r["commentary_rag"])
            if required:
                lines.append((f"Commentary ({when})", f"No commentary supplied by the owner for {when}."))
            elif r["status"] in LIVE:  # a figure without words, as the commentary rule allows
                lines.append((f"Commentary ({when})", "None required."))
        if isinstance(r["actions"], str):  # the owner's actions as free text, never dropped
            lines.append(("Actions", r["actions"]))
        if r["action_list"]:  # actions as rows: each with its owner, due date, status and progress
            return lines + action_lines(r)
        if isinstance(r["previous_actions"], str):
            lines.append((f"Actions set for {period_name(r['previous_actions_period'])}", r["previous_actions"]))
        return lines

    def scorecard(self) -> Block:
        """Appendix 1: every indicator, national then local, on landscape pages in the PDF."""
        ytd_head = year_heading(self.card) or "Year to date"
        groups: dict[str, list] = {}
        for _, r in self.card.iterrows():
            mark = check_marks(self.quality.findings, r["indicator"]) if self.quality is not None else ""
            head = stacked([f"{r['title']} [{r['indicator']}]", shown_period(r), *(x for x in (next_release_text(r), mark) if x)])
            cells = (
                Cell(figure_text(r, self.small, note=False), align="right"),
                stacked([target_text(r), *band_lines(r)]),
                rag_badge(r["rag"]),
                self._ytd_cell(r),
                self._direction_cell(r),
                self._spark(r["indicator"]),
                Cell(comparator_text(r)),
            )
            group = self.inputs.params.catalogue[r["indicator"]].framework_group
            groups.setdefault(group, []).append((r["indicator"], (head, cells, self._notes(r))))
        ordered = sorted(groups.items(), key=lambda g: g[0] != NATIONAL)
        table = CardTable(
            f"Appendix 1: {self.directorate.name} performance scorecard, {self.period.label}",
            ("Indicator", "Value", "Target", "RAG (period)", ytd_head, "Direction of travel", "Trend", "Comparators"),
            tuple((name, tuple(e for _, e in entries)) for name, entries in ordered),
            ("4.1cm", "2.4cm", "2.3cm", "2.2cm", "3.0cm", "3.8cm", "2.4cm", "1fr"),
            css="scorecard",
            keys=tuple(code for _, entries in ordered for code, _ in entries),
        )
        note = Paragraph(
            f"{rag_key()} The Target column gives each indicator's Green and Amber bands. RAG compares the exact figure with the target, "
            "so a figure is shown with extra decimals (94.98%) where rounding would hide a miss. The RAG column assesses "
            f"the period's figure against the period's target; the {ytd_head.lower()} column assesses the year so far against "
            f"the annual target. Percentages on fewer than {self.small} cases show their counts. Arrows show which way the "
            "value moved; the word says whether that is better or worse, and a move is significant only where SPC finds "
            "special cause at the latest point (without SPC, where it is larger than the indicator's threshold). Ranks "
            "compare rates, never raw counts, among the named group at the latest period the group can be compared for. "
            "SPC (statistical process control, NHS Making Data Count): whether the latest point is common-cause variation, "
            "an improvement or a concern, and whether the target will be met reliably; never of a year-to-date figure, "
            "which climbs through the year by construction. Commentary is the owner's for the period named. Annual indicators show their "
            "latest completed year.",
            "note",
        )
        parts = (PageBreak(landscape=True), Heading("Appendix 1: Performance scorecard", 2, "appendix-1"), note, table)
        if self.directorate.status == "public":  # its figures as open data (--format csv), as shown here
            parts = (Meta(open_data_records(self.card), OPEN_DATA_MIME), *parts)
        return Blocks(parts)

    def exceptions(self) -> Block:
        """Appendix 2: each indicator off target for the period or the year, with its trend, commentary and actions."""
        card = self.card
        off = card[card["rag"].isin(OFF_TARGET) | card["ytd_rag"].isin(OFF_TARGET)]
        items: list[Block] = [PageBreak(landscape=False), Heading("Appendix 2: Exceptions", 2, "appendix-2")]
        assessed = card["rag"].isin(["green", *OFF_TARGET]) | card["ytd_rag"].isin(["green", *OFF_TARGET])
        if not assessed.any():
            items.append(Paragraph("No indicator in this report could be assessed against a target this period."))
        elif off.empty:
            items.append(Paragraph("Every indicator assessed against a target met it this period."))
        cat = self.inputs.params.catalogue
        for _, r in off.iterrows():
            ind = cat[r["indicator"]]
            series = self.trends[r["indicator"]]
            rags = dict(rag_facts(r))
            facts = [("Value", f"{figure_text(r, self.small, note=False)} ({shown_period(r)})"), ("Target", "; ".join(t for t in (target_text(r), band_text(r)) if t))]
            facts.append(("RAG for the period", rag_phrase(rags.pop("RAG for the period"))))
            if year_name(r):
                facts.append((year_name(r)[0].upper() + year_name(r)[1:], ytd_text(r, self.small, note=False, head=False)))
                facts += [(label, rag_phrase(rag)) for label, rag in rags.items()]
            facts.append(("Owner", ind.owner))
            chart, spc_item = exception_chart(self.inputs.rows, ind, self.inputs.council.area_code, self.period, r, series)
            facts += [spc_item] if spc_item else []
            facts += self._note_lines(r)
            if not isinstance(r["actions"], str) and not r["action_list"]:
                facts.append(("Actions", "No actions supplied."))
            items.append(Keep((Heading(f"{r['title']} [{r['indicator']}]", 3), KeyValues(rag_caption(r["title"], r), tuple(facts)), chart)))
        return Blocks(tuple(items))

    def checks(self) -> list[str]:
        """Commentary that contradicts the figure it describes, for the team to query before publishing."""
        return commentary_checks(self.card)

    def about(self) -> Block:
        """Provenance: data snapshot, versions, parameters and time; commentary checks."""
        return about(self.inputs, self.parameters, self.card)
